"""What the read endpoints return. Field names are the Spanish ones of the screens and of
docs/intercambio.md; numbers are exact decimals written as strings without trailing zeros."""

import dataclasses

from django.db import models
from rest_framework import serializers

from common.numbers import plain_number
from compliance.models import QuarterAggregate, QuarterResult
from indicators import rules
from indicators.models import Indicator, Target, TargetAdjustment
from indicators.models.fields import VALUE_MAX_DIGITS
from programs.models import Matrix, Objective, Program, Ramo, ResponsibleUnit, State
from reporting.models import Progress


class NumberField(serializers.DecimalField):
    def to_representation(self, value):
        return plain_number(value)


class Serializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.DecimalField: NumberField}


def number(source=None):
    return NumberField(**({"source": source} if source else {}), max_digits=VALUE_MAX_DIGITS, decimal_places=rules.MAX_DECIMALS,
                       read_only=True, allow_null=True)


class RamoSerializer(Serializer):
    nombre = serializers.CharField(source="name")

    class Meta:
        model = Ramo
        fields = ["id", "clave", "nombre"]


class UnitSerializer(Serializer):
    nombre = serializers.CharField(source="name")
    ficticia = serializers.BooleanField(source="is_fictitious")

    class Meta:
        model = ResponsibleUnit
        fields = ["id", "ramo", "clave", "nombre", "ficticia"]


class StateSerializer(Serializer):
    nombre = serializers.CharField(source="name")
    abreviatura = serializers.CharField(source="abbreviation")

    class Meta:
        model = State
        fields = ["id", "clave", "nombre", "abreviatura"]


class ProgramSerializer(Serializer):
    ciclo = serializers.IntegerField(source="fiscal_year")
    clave = serializers.CharField()
    numero = serializers.IntegerField(source="number")
    nombre = serializers.CharField(source="name")
    ur = serializers.PrimaryKeyRelatedField(source="responsible_unit", read_only=True)
    ficticio = serializers.BooleanField(source="is_fictitious")

    class Meta:
        model = Program
        fields = ["id", "ciclo", "ramo", "clave", "modalidad", "numero", "nombre", "ur", "ficticio"]


class MatrixSerializer(Serializer):
    tipo = serializers.CharField(source="kind")
    programa = serializers.PrimaryKeyRelatedField(source="program", read_only=True, allow_null=True)
    ciclo = serializers.IntegerField(source="fiscal_year")
    ultimo_anio = serializers.IntegerField(source="last_year", allow_null=True)
    clave = serializers.CharField(source="external_id")
    nombre = serializers.CharField(source="name")
    ur = serializers.PrimaryKeyRelatedField(source="responsible_unit", read_only=True, allow_null=True,
                                            help_text="Solo en un Programa Institucional.")

    class Meta:
        model = Matrix
        fields = ["id", "tipo", "programa", "ciclo", "ultimo_anio", "clave", "nombre", "ur"]


class ObjectiveRowSerializer(Serializer):
    """A row of a matrix, on its own (/api/v1/objetivos/)."""

    matriz = serializers.PrimaryKeyRelatedField(source="matrix", read_only=True)
    nivel = serializers.CharField(source="level")
    padre = serializers.PrimaryKeyRelatedField(source="parent", read_only=True, allow_null=True)
    resumen_narrativo = serializers.CharField(source="summary")
    supuestos = serializers.CharField(source="assumptions")
    medios_verificacion = serializers.CharField(source="verification_means")

    class Meta:
        model = Objective
        fields = ["id", "matriz", "nivel", "clave", "padre", "resumen_narrativo", "supuestos", "medios_verificacion"]


class AggregateSerializer(Serializer):
    ciclo = serializers.IntegerField(source="fiscal_year")
    trimestre = serializers.IntegerField(source="quarter")
    agrupacion = serializers.CharField(source="scope")
    programa = serializers.PrimaryKeyRelatedField(source="program", read_only=True, allow_null=True)
    ur = serializers.PrimaryKeyRelatedField(source="responsible_unit", read_only=True, allow_null=True)
    nivel = serializers.CharField(source="level")
    indicadores = serializers.IntegerField(source="indicators")
    con_meta = serializers.IntegerField(source="with_meta")
    reportados = serializers.IntegerField(source="reported")
    aprobados = serializers.IntegerField(source="approved")
    # Declared, not derived from the model: the model's bounds depend on the database (SQLite's
    # integers are wider), and the committed schema must not.
    verde = serializers.IntegerField()
    amarillo = serializers.IntegerField()
    rojo = serializers.IntegerField()
    gris = serializers.IntegerField()
    con_cumplimiento = serializers.IntegerField(source="with_compliance")
    enviados = serializers.IntegerField(source="submitted")
    a_tiempo = serializers.IntegerField(source="on_time")
    cumplimiento_promedio = number("mean_compliance")
    completitud = number("completeness")
    oportunidad = number("timeliness")
    calculado_el = serializers.DateTimeField(source="computed_at")

    class Meta:
        model = QuarterAggregate
        fields = ["id", "ciclo", "trimestre", "agrupacion", "programa", "ur", "nivel", "indicadores", "con_meta",
                  "reportados", "aprobados", "verde", "amarillo", "rojo", "gris", "con_cumplimiento", "enviados",
                  "a_tiempo", "cumplimiento_promedio", "completitud", "oportunidad", "calculado_el"]


class ObjectiveSerializer(Serializer):
    nivel = serializers.CharField(source="level")
    resumen_narrativo = serializers.CharField(source="summary")

    class Meta:
        model = Objective
        fields = ["id", "nivel", "clave", "resumen_narrativo"]


class AdjustmentSerializer(Serializer):
    valor = number("value")
    numerador = number("numerator")
    denominador = number("denominator")
    tipo = serializers.CharField(source="adjustment_type")
    justificacion = serializers.CharField(source="justification")
    aprobado_el = serializers.DateTimeField(source="decided_at")

    class Meta:
        model = TargetAdjustment
        fields = ["id", "valor", "numerador", "denominador", "tipo", "justificacion", "aprobado_el"]


class RequestedAdjustmentSerializer(AdjustmentSerializer):
    meta = serializers.PrimaryKeyRelatedField(source="target", read_only=True)
    ciclo = serializers.IntegerField(source="target.fiscal_year")
    mes = serializers.IntegerField(source="target.month")
    estado = serializers.CharField(source="status")
    solicitado_el = serializers.DateTimeField(source="requested_at")

    class Meta(AdjustmentSerializer.Meta):
        fields = ["id", "meta", "ciclo", "mes", "valor", "numerador", "denominador", "tipo", "justificacion", "estado",
                  "solicitado_el", "aprobado_el"]


class TargetSerializer(Serializer):
    ciclo = serializers.IntegerField(source="fiscal_year")
    mes = serializers.IntegerField(source="month")
    programada = number("value")
    numerador = number("numerator")
    denominador = number("denominator")
    vigente = number("current_value")
    ajustes_aprobados = AdjustmentSerializer(source="adjustments", many=True, read_only=True)

    class Meta:
        model = Target
        fields = ["id", "ciclo", "mes", "programada", "numerador", "denominador", "vigente", "ajustes_aprobados"]


class IndicatorSerializer(Serializer):
    ciclo = serializers.IntegerField(source="fiscal_year")
    clave = serializers.CharField(source="external_id")
    nombre = serializers.CharField(source="name")
    programa = serializers.PrimaryKeyRelatedField(source="matrix.program", read_only=True, allow_null=True)
    matriz = serializers.PrimaryKeyRelatedField(source="matrix", read_only=True)
    objetivo = ObjectiveSerializer(source="objective", read_only=True)
    ur = serializers.PrimaryKeyRelatedField(source="responsible_unit", read_only=True)
    definicion = serializers.CharField(source="definition")
    metodo_calculo = serializers.CharField(source="calculation_method")
    tipo = serializers.CharField(source="indicator_type")
    dimension = serializers.CharField()
    frecuencia = serializers.CharField(source="frequency")
    unidad_medida = serializers.CharField(source="unit_of_measure")
    tipo_valor = serializers.CharField(source="value_type")
    factor = number("effective_factor")
    sentido = serializers.CharField(source="direction")
    acumulacion = serializers.CharField(source="accumulation")
    linea_base_valor = number("baseline_value")
    linea_base_anio = serializers.IntegerField(source="baseline_year", allow_null=True)
    umbral_verde_amarillo = number("threshold_green_yellow")
    umbral_amarillo_rojo = number("threshold_yellow_red")
    captura_por_entidad = serializers.BooleanField(source="captured_by_state")
    metas = TargetSerializer(source="targets", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "ciclo", "clave", "nombre", "programa", "matriz", "objetivo", "ur", "definicion",
                  "metodo_calculo", "tipo", "dimension", "frecuencia", "unidad_medida", "tipo_valor", "factor",
                  "sentido", "acumulacion", "linea_base_valor", "linea_base_anio", "umbral_verde_amarillo",
                  "umbral_amarillo_rojo", "captura_por_entidad", "metas"]


class ProgressSerializer(Serializer):
    indicador = serializers.PrimaryKeyRelatedField(source="indicator", read_only=True)
    ciclo = serializers.IntegerField(source="fiscal_year")
    mes = serializers.IntegerField(source="month")
    trimestre = serializers.SerializerMethodField()
    entidad = serializers.PrimaryKeyRelatedField(source="state", read_only=True, allow_null=True)
    valor = number("value")
    numerador = number("numerator")
    denominador = number("denominator")
    estado = serializers.CharField(source="status")
    causa = serializers.CharField(source="cause")
    efecto = serializers.CharField(source="effect")
    otros_motivos = serializers.CharField(source="other_reasons")
    observacion_revisor = serializers.CharField(source="review_note")
    importado = serializers.BooleanField(source="imported")
    enviado_el = serializers.DateTimeField(source="submitted_at")
    revisado_el = serializers.DateTimeField(source="reviewed_at")
    modificado_el = serializers.DateTimeField(source="updated_at")
    version = serializers.IntegerField()

    class Meta:
        model = Progress
        fields = ["id", "indicador", "ciclo", "mes", "trimestre", "entidad", "valor", "numerador", "denominador",
                  "estado", "causa", "efecto", "otros_motivos", "observacion_revisor", "importado", "enviado_el",
                  "revisado_el", "modificado_el", "version"]

    def get_trimestre(self, progress) -> int:
        return rules.quarter_of_month(progress.month)


class ResultSerializer(Serializer):
    indicador = serializers.PrimaryKeyRelatedField(source="indicator", read_only=True)
    ciclo = serializers.IntegerField(source="fiscal_year")
    trimestre = serializers.IntegerField(source="quarter")
    programa = serializers.PrimaryKeyRelatedField(source="program", read_only=True)
    ur = serializers.PrimaryKeyRelatedField(source="responsible_unit", read_only=True)
    nivel = serializers.CharField(source="level")
    mes = serializers.IntegerField(source="month")
    meta = number()
    ajuste = serializers.PrimaryKeyRelatedField(source="adjustment", read_only=True, allow_null=True)
    avance = number()
    avance_usado = serializers.PrimaryKeyRelatedField(source="progress", read_only=True, allow_null=True)
    cumplimiento = number("compliance")
    estado = serializers.CharField(source="status")
    umbral_verde_amarillo = number("green_yellow")
    umbral_amarillo_rojo = number("yellow_red")
    reportado = serializers.BooleanField(source="reported")
    aprobado = serializers.BooleanField(source="approved")
    a_tiempo = serializers.BooleanField(source="on_time", allow_null=True)
    calculado_el = serializers.DateTimeField(source="computed_at")

    class Meta:
        model = QuarterResult
        fields = ["id", "indicador", "ciclo", "trimestre", "programa", "ur", "nivel", "mes", "meta", "ajuste",
                  "avance", "avance_usado", "cumplimiento", "semaforo", "estado", "umbral_verde_amarillo",
                  "umbral_amarillo_rojo", "reportado", "aprobado", "a_tiempo", "calculado_el"]


class ExplanationSerializer(serializers.Serializer):
    """reporting.readings.Explanation, the «¿por qué este semáforo?» of the screens, as the dict
    of `explanation_data`."""

    meta = number()
    origen_meta = serializers.CharField(source="meta_source")
    avance = number("value")
    numerador = number("numerator")
    denominador = number("denominator")
    factor = number()
    formula = serializers.CharField()
    sustituida = serializers.CharField(source="substituted")
    cumplimiento = number()
    desviacion = number("deviation")
    umbral_verde_amarillo = number("green_yellow")
    umbral_amarillo_rojo = number("yellow_red")
    origen_umbrales = serializers.CharField(source="thresholds_source")
    semaforo = serializers.CharField(allow_null=True)


def explanation_data(explanation):
    data = dataclasses.asdict(explanation)
    data["green_yellow"], data["yellow_red"] = explanation.thresholds
    return data
