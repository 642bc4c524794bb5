from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "SIMIR · Seguimiento de indicadores MIR"
admin.site.site_title = "SIMIR"
admin.site.index_title = "Administración"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
]
