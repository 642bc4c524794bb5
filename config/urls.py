from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.health import health

admin.site.site_header = "SIMIR · Seguimiento de indicadores MIR"
admin.site.site_title = "SIMIR"
admin.site.index_title = "Administración"

urlpatterns = [
    path("salud/", health, name="health"),
    path("cuenta/entrar/", auth_views.LoginView.as_view(), name="login"),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("indicators.urls")),
    path("admin/", admin.site.urls),
]
