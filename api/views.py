"""The read endpoints. Each queryset starts from the scope helper of its app, so an object outside
the user's scope is a 404 and a list never shows it."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import filters, serializers, writes
from api.batch import BatchSerializer, save_batch
from compliance.models import QuarterAggregate
from compliance.scope import aggregates_for, results_for
from indicators.choices import AdjustmentStatus
from indicators.models import FiscalYearPolicy, Target, TargetAdjustment
from indicators.scope import get_indicator_for_user, indicators_for
from programs.models import Ramo, State
from programs.scope import matrices_for, objectives_for, programs_for, units_for
from reporting.readings import explain
from reporting.scope import get_progress_for_user, progress_for
from reporting.workflow import Action


def described(text):
    """The schema's Spanish description of a list and of one of its objects."""
    return extend_schema_view(list=extend_schema(description=text), retrieve=extend_schema(description=text))


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    # Ids as in the web's URLs (common/ids.py): anything else is not a route, hence a 404.
    lookup_value_regex = "[0-9]{1,19}"


@described(_("Ramos del catálogo (compartido por todos los usuarios)."))
class RamoViewSet(ReadOnly):
    """Ramos: a catalog shared by every user."""

    serializer_class = serializers.RamoSerializer
    queryset = Ramo.objects.all()


@described(_("Entidades federativas del catálogo INEGI (compartido por todos los usuarios)."))
class StateViewSet(ReadOnly):
    """Entidades federativas (INEGI): a catalog shared by every user."""

    serializer_class = serializers.StateSerializer
    queryset = State.objects.all()


@described(_("Unidades responsables del alcance del usuario."))
class UnitViewSet(ReadOnly):
    """The URs the user answers for."""

    serializer_class = serializers.UnitSerializer

    def get_queryset(self):
        return units_for(self.request.user)


@described(_("Programas presupuestarios del alcance del usuario."))
class ProgramViewSet(ReadOnly):
    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter

    def get_queryset(self):
        return programs_for(self.request.user)


@described(_("Matrices (MIR y FID) de los programas del alcance."))
class MatrixViewSet(ReadOnly):
    serializer_class = serializers.MatrixSerializer
    filterset_class = filters.MatrixFilter

    def get_queryset(self):
        return matrices_for(self.request.user)


@described(_("Objetivos (filas) de las matrices del alcance: nivel, clave, padre, resumen narrativo."))
class ObjectiveViewSet(ReadOnly):
    serializer_class = serializers.ObjectiveRowSerializer
    filterset_class = filters.ObjectiveFilter

    def get_queryset(self):
        return objectives_for(self.request.user)


def approved_targets():
    """Metas with only their approved adjustments: the ones that made each meta vigente."""
    approved = TargetAdjustment.objects.filter(status=AdjustmentStatus.APROBADO).order_by("decided_at", "pk")
    return Prefetch("targets", queryset=Target.objects.prefetch_related(Prefetch("adjustments", queryset=approved)))


@described(_("Indicadores del alcance, con su ficha técnica, sus metas (programada y vigente) y los ajustes aprobados."))
class IndicatorViewSet(ReadOnly):
    """Indicators with their ficha técnica, metas and approved adjustments."""

    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter

    def get_queryset(self):
        return (indicators_for(self.request.user).select_related("matrix", "objective")
                .prefetch_related(approved_targets()))


def ajustes(self, request, pk=None):
    indicator = get_indicator_for_user(request.user, pk)
    incoming = writes.AdjustmentRequestSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    adjustment = writes.ask_adjustment(request.user, indicator, incoming.validated_data)
    return Response(serializers.RequestedAdjustmentSerializer(adjustment).data, status=201)


IndicatorViewSet.ajustes = extend_schema(
    request=writes.AdjustmentRequestSerializer, responses={201: serializers.RequestedAdjustmentSerializer},
    description=_("Solicita un ajuste de meta para un periodo del ejercicio del indicador, como la pantalla de "
                  "solicitud: lo resuelve la coordinación en la web."),
)(action(detail=True, methods=["post"], url_path="ajustes", serializer_class=writes.AdjustmentRequestSerializer,
         filterset_class=None, pagination_class=None)(ajustes))


@described(_("Avances del alcance (nacionales y por entidad), con su estado y su justificación."))
class ProgressViewSet(ReadOnly):
    """Avances with their estado and justification (national and per entidad); drafts are written and
    moved through the workflow by the services of the web (api/writes.py)."""

    serializer_class = serializers.ProgressSerializer
    filterset_class = filters.ProgressFilter

    def get_queryset(self):
        return progress_for(self.request.user)

    @extend_schema(request=writes.ProgressWriteSerializer, responses={200: serializers.ProgressSerializer,
                                                                      201: serializers.ProgressSerializer},
                   description=_("Crea o modifica el borrador del avance de un periodo, como la captura de la "
                                 "web: rol, alcance, ventana de captura, versión (409 si otra persona guardó "
                                 "antes), auditoría y recálculo."))
    def create(self, request):
        incoming = writes.ProgressWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        progress, created = writes.save_draft(request.user, incoming.validated_data)
        return Response(serializers.ProgressSerializer(progress).data, status=201 if created else 200)


@extend_schema(request=BatchSerializer, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
               description=_("Hasta SIMIR_API_BATCH_MAX avances (1,000 por omisión) en una petición, cada uno como "
                             "en POST /api/v1/avances/. Responde un resultado por avance: creado, actualizado o "
                             "error con sus campos. Sin «parcial», un error y no se guarda ninguno (400)."))
@action(detail=False, methods=["post"], url_path="lote", serializer_class=BatchSerializer, filterset_class=None,
        pagination_class=None)
def lote(self, request):
    incoming = BatchSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    data = incoming.validated_data
    kept, results = save_batch(request.user, data["avances"], data["parcial"], data["enviar"])
    errors = sum(result["resultado"] == "error" for result in results)
    return Response({"guardado": kept, "errores": errors, "resultados": results}, status=200 if kept else 400)


ProgressViewSet.lote = lote


def workflow_step(verb, description):
    """POST /api/v1/avances/<id>/<verb>/: one step of the workflow of the web (reporting/workflow.py)."""

    def step(self, request, pk=None):
        progress = get_progress_for_user(request.user, pk)
        incoming = writes.NoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        moved = writes.move(request.user, progress, verb, incoming.validated_data["nota"])
        return Response(serializers.ProgressSerializer(moved).data)

    step.__name__ = verb  # DRF routes the POST to the viewset's attribute of this name
    routed = action(detail=True, methods=["post"], url_path=verb, serializer_class=writes.NoteSerializer,
                    filterset_class=None, pagination_class=None)(step)
    return extend_schema(request=writes.NoteSerializer, responses=serializers.ProgressSerializer,
                         description=description)(routed)


ProgressViewSet.enviar = workflow_step(Action.ENVIAR,
    _("Envía el avance a revisión (dentro de su ventana de captura)."))
ProgressViewSet.aprobar = workflow_step(Action.APROBAR,
    _("Aprueba un avance enviado (coordinación; nunca quien lo capturó o envió)."))
ProgressViewSet.devolver = workflow_step(Action.DEVOLVER,
    _("Devuelve un avance enviado, con la observación en «nota»."))
ProgressViewSet.reabrir = workflow_step(Action.REABRIR,
    _("Reabre un avance aprobado, con el motivo en «nota»."))


@described(_("Resultados trimestrales guardados del alcance (se recalculan tras cada cambio de metas o avances)."))
class ResultViewSet(ReadOnly):
    """Stored quarterly results (recomputed after every change of metas or avances)."""

    serializer_class = serializers.ResultSerializer
    filterset_class = filters.ResultFilter

    def get_queryset(self):
        return results_for(self.request.user)

    @extend_schema(responses=serializers.ExplanationSerializer, description=_(
        "Por qué el resultado tiene su semáforo: lo mismo que «¿por qué este semáforo?» en las pantallas."))
    @action(detail=True, url_path="explicacion", serializer_class=serializers.ExplanationSerializer,
            filterset_class=None, pagination_class=None)
    def explicacion(self, request, pk=None):
        """Why the result has its semáforo: the same data as «¿por qué este semáforo?» on the screens."""
        result = get_object_or_404(results_for(request.user).select_related("progress"), pk=pk)
        indicator = get_object_or_404(indicators_for(request.user).prefetch_related(approved_targets()),
                                      pk=result.indicator_id)
        progress = result.progress
        why = explain(indicator, result.fiscal_year, result.month, result.avance,
                      progress.numerator if progress else None, progress.denominator if progress else None,
                      FiscalYearPolicy.for_year(result.fiscal_year))
        return Response(serializers.ExplanationSerializer(serializers.explanation_data(why)).data)


@described(_("Agregados trimestrales de los programas y URs del alcance (el total y los niveles, solo para "
             "administradores: mezclan indicadores de todo el ejercicio)."))
class AggregateViewSet(ReadOnly):
    # For the schema, built without a user (aggregates_for needs one); requests use get_queryset.
    queryset = QuarterAggregate.objects.none()
    serializer_class = serializers.AggregateSerializer
    filterset_class = filters.AggregateFilter

    def get_queryset(self):
        return aggregates_for(self.request.user)
