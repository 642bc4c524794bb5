"""Desk, capture, evidence and audit screens (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from reporting.views import audit, capture, desk, evidence

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("captura/<int:fiscal_year>/<int:quarter>/<int:program_id>/", capture.capture_page, name="capture"),
    path("captura/vista-previa/<int:pk>/", capture.capture_preview, name="capture_preview"),
    path("captura/vista-previa/<int:pk>/entidades/", capture.capture_rollup_preview, name="capture_rollup_preview"),
    path("indicadores/<int:pk>/auditoria/", audit.indicator_audit_page, name="audit"),
    path("evidencias/<int:pk>/", evidence.evidence_download, name="evidence"),
    path("indicadores/<int:pk>/auditoria.xlsx", audit.indicator_audit_xlsx, name="audit_xlsx"),
]
