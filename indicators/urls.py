from django.urls import path

from .views import audit, capture, dashboard, desk, evidence, exports, indicator, jobs, review

app_name = "indicators"

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("captura/<int:fiscal_year>/<int:quarter>/<int:program_id>/", capture.capture_page, name="capture"),
    path("captura/vista-previa/<int:pk>/", capture.capture_preview, name="capture_preview"),
    path("indicadores/", indicator.indicator_list, name="indicator_list"),
    path("indicadores/<int:pk>/", indicator.indicator_detail, name="indicator_detail"),
    path("exportaciones/", exports.exports_page, name="exports"),
    path("exportaciones/<int:pk>/descargar/", exports.export_download, name="export_download"),
    path("exportaciones/informe/<int:fiscal_year>/<int:quarter>/", exports.informe_html, name="informe_html"),
    path("trabajos/recalcular/", jobs.recompute, name="recompute"),
    path("trabajos/<int:pk>/", jobs.job_page, name="job"),
    path("trabajos/<int:pk>/estado/", jobs.job_status, name="job_status"),
    path("indicadores/<int:pk>/auditoria/", audit.indicator_audit_page, name="audit"),
    path("evidencias/<int:pk>/", evidence.evidence_download, name="evidence"),
    path("indicadores/<int:pk>/auditoria.xlsx", audit.indicator_audit_xlsx, name="audit_xlsx"),
    path("revision/", review.review_queue, name="review_queue"),
    path("revision/aprobar/", review.review_approve_many, name="review_approve_many"),
    path("revision/<int:pk>/", review.review_detail, name="review_detail"),
    path("tablero/", dashboard.dashboard_latest, name="dashboard_latest"),
    path("tablero/<int:fiscal_year>/<int:quarter>/", dashboard.dashboard, name="dashboard"),
]
