"""Desk, capture, evidence, audit, meta-adjustment and capture-window screens (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from reporting.views import adjustments, audit, capture, desk, evidence, windows

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("captura/<int:fiscal_year>/<int:quarter>/<int:program_id>/", capture.capture_page, name="capture"),
    path("captura/vista-previa/<int:pk>/", capture.capture_preview, name="capture_preview"),
    path("captura/vista-previa/<int:pk>/entidades/", capture.capture_rollup_preview, name="capture_rollup_preview"),
    path("indicadores/<int:pk>/auditoria/", audit.indicator_audit_page, name="audit"),
    path("evidencias/<int:pk>/", evidence.evidence_download, name="evidence"),
    path("indicadores/<int:pk>/auditoria.xlsx", audit.indicator_audit_xlsx, name="audit_xlsx"),
    path("indicadores/<int:pk>/ajuste/", adjustments.adjustment_request, name="adjustment_request"),
    path("ajustes/", adjustments.adjustment_list, name="adjustment_list"),
    path("ajustes/<int:pk>/", adjustments.adjustment_detail, name="adjustment_detail"),
    path("ajustes/<int:pk>/resolver/", adjustments.adjustment_decide, name="adjustment_decide"),
    path("ventanas/", windows.windows_page, name="windows"),
    path("ventanas/<int:fiscal_year>/<int:quarter>/", windows.window_save, name="window_save"),
    path("ventanas/<int:fiscal_year>/prorrogas/", windows.extension_grant, name="extension_grant"),
]
