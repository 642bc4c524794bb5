"""Desk, capture, evidence and audit screens (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from reporting.views import audit, capture, desk, evidence

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("captura/<id:fiscal_year>/<id:quarter>/<id:program_id>/", capture.capture_page, name="capture"),
    path("captura/vista-previa/<id:pk>/", capture.capture_preview, name="capture_preview"),
    path("indicadores/<id:pk>/auditoria/", audit.indicator_audit_page, name="audit"),
    path("evidencias/<id:pk>/", evidence.evidence_download, name="evidence"),
    path("indicadores/<id:pk>/auditoria.xlsx", audit.indicator_audit_xlsx, name="audit_xlsx"),
]
