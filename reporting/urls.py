"""Desk, capture, evidence, audit, meta-adjustment and capture-window screens (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from reporting.views import adjustments, audit, capture, evidence, windows

urlpatterns = [
    path("captura/<id:fiscal_year>/<id:quarter>/<id:program_id>/", capture.capture_page, name="capture"),
    path("captura/vista-previa/<id:pk>/", capture.capture_preview, name="capture_preview"),
    path("captura/vista-previa/<id:pk>/entidades/", capture.capture_rollup_preview, name="capture_rollup_preview"),
    path("indicadores/<id:pk>/auditoria/", audit.indicator_audit_page, name="audit"),
    path("evidencias/<id:pk>/", evidence.evidence_download, name="evidence"),
    path("indicadores/<id:pk>/auditoria.xlsx", audit.indicator_audit_xlsx, name="audit_xlsx"),
    path("indicadores/<id:pk>/ajuste/", adjustments.adjustment_request, name="adjustment_request"),
    path("ajustes/", adjustments.adjustment_list, name="adjustment_list"),
    path("ajustes/<id:pk>/", adjustments.adjustment_detail, name="adjustment_detail"),
    path("ajustes/<id:pk>/resolver/", adjustments.adjustment_decide, name="adjustment_decide"),
    path("ventanas/", windows.windows_page, name="windows"),
    path("ventanas/<id:fiscal_year>/<id:quarter>/", windows.window_save, name="window_save"),
    path("ventanas/<id:fiscal_year>/prorrogas/", windows.extension_grant, name="extension_grant"),
]
