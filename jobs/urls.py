"""Export and job screens (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from jobs.views import exports, jobs

urlpatterns = [
    path("exportaciones/", exports.exports_page, name="exports"),
    path("exportaciones/<int:pk>/descargar/", exports.export_download, name="export_download"),
    path("exportaciones/informe/<int:fiscal_year>/<int:quarter>/", exports.informe_html, name="informe_html"),
    path("trabajos/recalcular/", jobs.recompute, name="recompute"),
    path("trabajos/<int:pk>/", jobs.job_page, name="job"),
    path("trabajos/<int:pk>/estado/", jobs.job_status, name="job_status"),
]
