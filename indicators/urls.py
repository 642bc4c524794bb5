from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("indicadores/<int:pk>/auditoria/", views.indicator_audit_page, name="audit"),
    path("indicadores/<int:pk>/auditoria.xlsx", views.indicator_audit_xlsx, name="audit_xlsx"),
]
