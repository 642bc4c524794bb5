"""/api/v1/: the read endpoints."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter()
router.register("ramos", views.RamoViewSet, basename="ramo")
router.register("urs", views.UnitViewSet, basename="ur")
router.register("entidades", views.StateViewSet, basename="entidad")
router.register("programas", views.ProgramViewSet, basename="programa")
router.register("indicadores", views.IndicatorViewSet, basename="indicador")
router.register("avances", views.ProgressViewSet, basename="avance")
router.register("resultados", views.ResultViewSet, basename="resultado")

urlpatterns = [
    path("", include(router.urls)),
]
