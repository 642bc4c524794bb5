from django.urls import path

from .views import audit, capture, desk, indicator

app_name = "indicators"

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("captura/<int:fiscal_year>/<int:quarter>/<int:program_id>/", capture.capture_page, name="capture"),
    path("captura/vista-previa/<int:pk>/", capture.capture_preview, name="capture_preview"),
    path("indicadores/<int:pk>/", indicator.indicator_detail, name="indicator_detail"),
    path("indicadores/<int:pk>/auditoria/", audit.indicator_audit_page, name="audit"),
    path("indicadores/<int:pk>/auditoria.xlsx", audit.indicator_audit_xlsx, name="audit_xlsx"),
]
