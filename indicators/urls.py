from django.urls import path

from .views import audit

app_name = "indicators"

urlpatterns = [
    path("indicadores/<int:pk>/auditoria/", audit.indicator_audit_page, name="audit"),
    path("indicadores/<int:pk>/auditoria.xlsx", audit.indicator_audit_xlsx, name="audit_xlsx"),
]
