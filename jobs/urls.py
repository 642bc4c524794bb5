"""Export and job screens (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from jobs.views import exports, jobs

urlpatterns = [
    path("exportaciones/", exports.exports_page, name="exports"),
    path("exportaciones/<id:pk>/descargar/", exports.export_download, name="export_download"),
    path("exportaciones/informe/<id:fiscal_year>/<id:quarter>/", exports.informe_html, name="informe_html"),
    path("trabajos/recalcular/", jobs.recompute, name="recompute"),
    path("trabajos/<id:pk>/", jobs.job_page, name="job"),
    path("trabajos/<id:pk>/estado/", jobs.job_status, name="job_status"),
]
