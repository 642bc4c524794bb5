"""/api/v1/: the read endpoints, the OpenAPI schema and its documentation page."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import followup, views

router = DefaultRouter()
router.register("ramos", views.RamoViewSet, basename="ramo")
router.register("urs", views.UnitViewSet, basename="ur")
router.register("entidades", views.StateViewSet, basename="entidad")
router.register("programas", views.ProgramViewSet, basename="programa")
router.register("matrices", views.MatrixViewSet, basename="matriz")
router.register("objetivos", views.ObjectiveViewSet, basename="objetivo")
router.register("indicadores", views.IndicatorViewSet, basename="indicador")
router.register("avances", views.ProgressViewSet, basename="avance")
router.register("resultados", views.ResultViewSet, basename="resultado")
router.register("agregados", views.AggregateViewSet, basename="agregado")
router.register("compromisos", followup.CommitmentViewSet, basename="compromiso")
router.register("reportes-seguimiento", followup.ReportViewSet, basename="reporte-seguimiento")

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file of its own: the CSP allows no inline script.
    # A page for people: without a session it sends them to sign in, as the other screens do.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(
        url_name="api:schema", template_name="api/swagger_ui.html")), name="docs"),
]
