"""/api/v1/compromisos/ and /api/v1/reportes-seguimiento/: commitments with their % done and how it
was computed, and their quarterly reports written and moved through the same services as the web
(followup/services.py, followup/workflow.py) and within the same scope."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.serializers import NumberField
from api.writes import NoteSerializer, NumberText, service_errors
from followup.board import row
from followup.choices import ItemState
from followup.models import Commitment, Report
from followup.readings import current_quarter, parse_quarter
from followup.scope import commitments_for, get_commitment_for_user, get_report_for_user
from followup.services import YEARS, save_report
from followup.workflow import transition
from indicators.models import JUSTIFICATION_MAX
from reporting.flow import Action


def percent(source=None):
    return NumberField(**({"source": source} if source else {}), max_digits=5, decimal_places=2, read_only=True,
                       allow_null=True)


class ItemLineSerializer(serializers.Serializer):
    numero = serializers.IntegerField(source="number")
    texto = serializers.CharField(source="text")
    estado = serializers.CharField(source="state")
    porcentaje = percent("percent")
    peso = percent("weight")
    aporta = percent("contribution")
    segun = serializers.CharField(source="source")


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="commitment.pk")
    tipo = serializers.CharField(source="commitment.kind")
    clave = serializers.CharField(source="commitment.clave")
    clave_local = serializers.BooleanField(source="commitment.clave_is_local")
    texto = serializers.CharField(source="commitment.text")
    ur = serializers.CharField(source="commitment.responsible_unit.clave")
    area = serializers.CharField(source="commitment.responsible_area")
    origen = serializers.CharField(source="commitment.origin")
    programa = serializers.IntegerField(source="commitment.program_id", allow_null=True)
    fecha_compromiso = serializers.DateField(source="commitment.due_date", allow_null=True)
    fecha_compromiso_impresa = serializers.CharField(source="commitment.due_date_text")
    regla = serializers.CharField(source="commitment.rule")
    ficticio = serializers.BooleanField(source="commitment.fictitious")
    avance = percent("explanation.percent")
    estado = serializers.CharField(source="standing")
    resumen = serializers.CharField(source="explanation.summary")
    fuente = serializers.CharField(source="explanation.source")
    subelementos = ItemLineSerializer(source="explanation.lines", many=True)


QUARTER = OpenApiParameter("trimestre", str, description=_("Trimestre «AAAA-T» (p. ej. 2024-3); hoy si falta."))


class CommitmentViewSet(viewsets.GenericViewSet):
    """Commitments of the scope with their % at a quarter and its explanation."""

    lookup_value_regex = "[0-9]{1,19}"
    serializer_class = CommitmentSerializer
    queryset = Commitment.objects.none()  # for the schema; requests use commitments_for

    def _quarter(self, request):
        return parse_quarter(request.query_params.get("trimestre"), current_quarter())

    @extend_schema(parameters=[QUARTER], responses=CommitmentSerializer(many=True), description=_(
        "Compromisos del alcance (acuerdos, recomendaciones, ASM, control interno, auditoría) con su % de avance "
        "al trimestre y cómo se calculó."))
    def list(self, request):
        year, quarter = self._quarter(request)
        commitments = commitments_for(request.user).select_related("responsible_unit").prefetch_related("items")
        page = self.paginate_queryset(commitments.order_by("clave"))
        return self.get_paginated_response(CommitmentSerializer([row(c, year, quarter) for c in page], many=True).data)

    @extend_schema(parameters=[QUARTER], responses=CommitmentSerializer, description=_(
        "Un compromiso con su % al trimestre y su explicación, sub-elemento por sub-elemento."))
    def retrieve(self, request, pk=None):
        year, quarter = self._quarter(request)
        return Response(CommitmentSerializer(row(get_commitment_for_user(request.user, pk), year, quarter)).data)


class ItemStateSerializer(serializers.Serializer):
    subelemento = serializers.IntegerField(min_value=1)
    estado = serializers.ChoiceField(choices=ItemState.choices)
    porcentaje = NumberText(required=False, default=None)
    nota = serializers.CharField(required=False, allow_blank=True, default="", max_length=JUSTIFICATION_MAX)


class ReportWriteSerializer(serializers.Serializer):
    compromiso = serializers.IntegerField(min_value=1)
    ejercicio = serializers.IntegerField(min_value=YEARS[0], max_value=YEARS[-1])
    trimestre = serializers.IntegerField(min_value=1, max_value=4)
    texto = serializers.CharField(allow_blank=True, max_length=JUSTIFICATION_MAX)
    porcentaje_reportado = NumberText(required=False, default=None)
    subelementos = ItemStateSerializer(many=True, required=False, default=list)


class ReportSerializer(serializers.ModelSerializer):
    compromiso = serializers.IntegerField(source="commitment_id")
    ejercicio = serializers.IntegerField(source="fiscal_year")
    trimestre = serializers.IntegerField(source="quarter")
    texto = serializers.CharField(source="text")
    porcentaje_reportado = percent("reported_percent")
    estado = serializers.CharField(source="status")
    observacion = serializers.CharField(source="review_note")
    version = serializers.IntegerField()

    class Meta:
        model = Report
        fields = ["id", "compromiso", "ejercicio", "trimestre", "texto", "porcentaje_reportado", "estado",
                  "observacion", "version"]


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Quarterly follow-up reports of the scope's commitments; written and moved by the web's services."""

    lookup_value_regex = "[0-9]{1,19}"
    serializer_class = ReportSerializer
    queryset = Report.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return Report.objects.filter(commitment__in=commitments_for(self.request.user)).order_by("pk")

    @extend_schema(request=ReportWriteSerializer, responses={200: ReportSerializer, 201: ReportSerializer},
                   description=_("Crea o modifica el borrador del reporte trimestral de un compromiso, como la web: "
                                 "rol, alcance, ventana de captura, auditoría."))
    def create(self, request):
        incoming = ReportWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        commitment = get_commitment_for_user(request.user, data["compromiso"])
        existed = Report.objects.filter(commitment=commitment, fiscal_year=data["ejercicio"],
                                        quarter=data["trimestre"]).exists()
        items = {entry["subelemento"]: (entry["estado"], entry["porcentaje"], entry["nota"])
                 for entry in data["subelementos"]}
        with service_errors(), transaction.atomic():
            report = save_report(request.user, commitment, data["ejercicio"], data["trimestre"], text=data["texto"],
                                 reported_percent=data["porcentaje_reportado"], items=items, reason="API")
        return Response(ReportSerializer(report).data, status=200 if existed else 201)


def report_step(verb, description):
    """POST /api/v1/reportes-seguimiento/<id>/<verb>/: one step of the shared workflow."""

    def step(self, request, pk=None):
        report = get_report_for_user(request.user, pk)
        incoming = NoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with service_errors():
            moved = transition(request.user, report, verb, incoming.validated_data["nota"])
        return Response(ReportSerializer(moved).data)

    step.__name__ = verb
    routed = action(detail=True, methods=["post"], url_path=verb, serializer_class=NoteSerializer,
                    pagination_class=None)(step)
    return extend_schema(request=NoteSerializer, responses=ReportSerializer, description=description)(routed)


ReportViewSet.enviar = report_step(Action.ENVIAR, _("Envía el reporte a revisión."))
ReportViewSet.aprobar = report_step(Action.APROBAR,
                                    _("Aprueba un reporte enviado (coordinación; nunca quien lo capturó o envió)."))
ReportViewSet.devolver = report_step(Action.DEVOLVER, _("Devuelve un reporte enviado, con la observación en «nota»."))
ReportViewSet.reabrir = report_step(Action.REABRIR, _("Reabre un reporte aprobado, con el motivo en «nota»."))
