"""Export, upload and job screens (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from jobs.views import exports, jobs, uploads

urlpatterns = [
    path("exportaciones/", exports.exports_page, name="exports"),
    path("exportaciones/<id:pk>/descargar/", exports.export_download, name="export_download"),
    path("exportaciones/informe/<id:fiscal_year>/<id:quarter>/", exports.informe_html, name="informe_html"),
    path("cargas/", uploads.upload_page, name="upload"),
    path("cargas/plantilla/", uploads.upload_template, name="upload_template"),
    path("cargas/<id:pk>/", uploads.upload_review, name="upload_review"),
    path("cargas/<id:pk>/confirmar/", uploads.upload_confirm, name="upload_confirm"),
    path("cargas/<id:pk>/archivo/", uploads.upload_file, name="upload_file"),
    path("trabajos/recalcular/", jobs.recompute, name="recompute"),
    path("trabajos/<id:pk>/", jobs.job_page, name="job"),
    path("trabajos/<id:pk>/estado/", jobs.job_status, name="job_status"),
]
