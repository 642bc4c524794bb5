"""The indicator with its whole ficha técnica, and the variables of its método de cálculo."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.text import validate_single_line
from indicators import rules
from indicators.choices import (
    Accumulation,
    Direction,
    Frequency,
    IndicatorType,
)
from indicators.models.fields import hacienda_text_field, justification_field, value_field
from programs.models import Level, Matrix, Objective, ResponsibleUnit


class Indicator(models.Model):
    """An indicator with its whole ficha técnica. Identified by (ejercicio, ID_INDICADOR)."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("matriz"))
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("objetivo")
    )
    responsible_unit = models.ForeignKey(
        ResponsibleUnit,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("unidad responsable"),
        help_text=_("La UR que reporta este indicador; el alcance de los usuarios la sigue."),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"), help_text=_("El de la matriz (primer año si es PI)."))
    # One line: the id goes into mail subjects, file names and the interchange file.
    external_id = models.CharField(_("ID de indicador"), max_length=40, validators=[validate_single_line])
    name = models.CharField(_("nombre"), max_length=1000)
    definition = models.TextField(_("definición"), blank=True)
    calculation_method = models.TextField(_("método de cálculo"), blank=True)
    indicator_type = models.CharField(
        _("tipo de indicador"), max_length=20, choices=IndicatorType.choices, blank=True,
        help_text=_("Vacío cuenta como Gestión para los umbrales del semáforo."),
    )
    dimension = models.CharField(
        _("dimensión"), max_length=100, blank=True,
        help_text=_("Eficacia, Eficiencia, Calidad o Economía; otro valor se conserva como se escribió."),
    )
    frequency = models.CharField(_("frecuencia de medición"), max_length=20, choices=Frequency.choices)
    unit_of_measure = models.CharField(_("unidad de medida"), max_length=200, blank=True)
    value_type = models.CharField(
        _("tipo de valor"), max_length=60, blank=True,
        help_text=_("Absoluto, Porcentaje, Tasa, Razón, Promedio o Índice; vacío es Absoluto."),
    )
    factor = value_field(
        _("factor"),
        help_text=_("Multiplicador de numerador/denominador; vacío: 100 para Porcentaje, 1 para los demás."),
    )
    direction = models.CharField(_("sentido"), max_length=20, choices=Direction.choices)
    accumulation = models.CharField(_("acumulado o periódico"), max_length=20, choices=Accumulation.choices, blank=True)
    baseline_value = value_field(_("línea base (valor)"))
    baseline_year = models.PositiveSmallIntegerField(_("línea base (año)"), null=True, blank=True)
    threshold_green_yellow = models.DecimalField(
        _("umbral verde-amarillo"), max_digits=rules.THRESHOLD_MAX_DIGITS, decimal_places=rules.THRESHOLD_DECIMALS, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))], help_text=_("Puntos porcentuales de desviación."),
    )
    threshold_yellow_red = models.DecimalField(
        _("umbral amarillo-rojo"), max_digits=rules.THRESHOLD_MAX_DIGITS, decimal_places=rules.THRESHOLD_DECIMALS, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))], help_text=_("Puntos porcentuales de desviación."),
    )
    captured_by_state = models.BooleanField(
        _("captura por entidad federativa"), default=False,
        help_text=_("El avance se captura por entidad (numerador y denominador de cada una) y el nacional "
                    "se suma de ellas."),
    )
    # Cuenta Pública (annual) columns of the layout: stored and exported, not used by the rules.
    cp_adjusted_target = value_field(_("meta ajustada (Cuenta Pública)"))
    cp_progress = value_field(_("avance (Cuenta Pública)"))
    cp_cause = justification_field(_("causa (Cuenta Pública)"))
    cp_effect = justification_field(_("efecto (Cuenta Pública)"))
    cp_other_reasons = justification_field(_("otros motivos (Cuenta Pública)"))
    # Hacienda's open-data columns (docs/intercambio.md, «Columnas de Hacienda que se guardan»), stored and
    # exported, not used by the rules. The functional classification is part of the programmatic key of
    # the row's UR, so it is the indicator's, not the programme's (a programme may span several URs).
    functional_group = hacienda_text_field(_("grupo funcional (GPO_FUNCIONAL)"))
    functional_group_name = hacienda_text_field(_("descripción del grupo funcional"))
    function = hacienda_text_field(_("función (ID_FUNCION)"))
    function_name = hacienda_text_field(_("descripción de la función"))
    subfunction = hacienda_text_field(_("subfunción (ID_SUBFUNCION)"))
    subfunction_name = hacienda_text_field(_("descripción de la subfunción"))
    institutional_activity = hacienda_text_field(_("actividad institucional (ID_AI)"))
    institutional_activity_name = hacienda_text_field(_("descripción de la actividad institucional"))
    jan_may_adjustment_justification = justification_field(_("justificación del ajuste de enero a mayo"))
    jan_may_cause = justification_field(_("causa del avance de enero a mayo"))
    jan_may_effect = justification_field(_("efecto del avance de enero a mayo"))
    jan_may_other_reasons = justification_field(_("otros motivos del avance de enero a mayo"))
    # ID_INDICADOR_CICLO_ANTERIOR as the file gave it; `previous` is that indicator once it is stored
    # (the import links it whichever of the two ejercicios arrives first).
    previous_external_id = models.CharField(
        _("ID del indicador en el ejercicio anterior"), max_length=40, blank=True, validators=[validate_single_line],
    )
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_indicators",
        verbose_name=_("indicador del ejercicio anterior"),
    )
    # Columns of an imported file that SIMIR does not model, header → value, written back on export.
    extra_columns = models.JSONField(
        _("otras columnas del archivo importado"), default=dict, blank=True,
        help_text=_("Encabezado → valor de las columnas que SIMIR no modela; la exportación las vuelve a escribir."),
    )
    # Fields of the Programa Institucional fichas (seeds 001/002).
    pi_category = models.CharField(
        _("categoría (PI)"), max_length=60, blank=True, help_text=_("Meta para el bienestar, Parámetro o Indicador.")
    )
    disaggregation = models.CharField(_("nivel de desagregación"), max_length=200, blank=True)
    collection_period = models.CharField(_("periodo de recolección"), max_length=200, blank=True)
    information_availability = models.CharField(_("disponibilidad de la información"), max_length=200, blank=True)
    associated_right = models.TextField(_("derecho asociado"), blank=True)
    observations = models.TextField(_("observaciones"), blank=True)
    source_note = models.TextField(_("fuente y supuestos"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")
        ordering = ["fiscal_year", "matrix", "objective__clave", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "external_id"], name="unique_indicator_id_per_year"),
            models.CheckConstraint(
                condition=Q(threshold_green_yellow__isnull=True, threshold_yellow_red__isnull=True)
                | Q(
                    threshold_green_yellow__isnull=False,
                    threshold_yellow_red__isnull=False,
                    threshold_green_yellow__lte=models.F("threshold_yellow_red"),
                ),
                name="indicator_thresholds_pair_ordered",
            ),
            models.CheckConstraint(condition=~Q(factor=0), name="indicator_factor_not_zero"),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "responsible_unit"], name="indicator_year_ur_idx"),
            # The catalog's default order (compliance.tables.IndicatorTable), read in index order.
            models.Index(fields=["fiscal_year", "external_id", "id"], name="indicator_catalog_order"),
        ]

    def __str__(self):
        return f"{self.external_id} · {self.name}"

    @property
    def level(self):
        return self.objective.level

    @property
    def program(self):
        return self.matrix.program

    @property
    def is_fictitious(self):
        return bool(self.matrix.program_id and self.matrix.program.is_fictitious)

    @property
    def effective_factor(self):
        return rules.effective_factor(self.value_type, self.factor)

    def clean(self):
        errors = {}
        if self.matrix_id and self.objective_id and self.objective.matrix_id != self.matrix_id:
            errors["objective"] = _("El objetivo debe pertenecer a la misma matriz del indicador.")
        if self.matrix_id and self.fiscal_year and self.fiscal_year != self.matrix.fiscal_year:
            errors["fiscal_year"] = _("El ejercicio del indicador debe ser el de su matriz.")
        if (self.threshold_green_yellow is None) != (self.threshold_yellow_red is None):
            errors["threshold_yellow_red"] = _("Los umbrales del semáforo se dan los dos o ninguno.")
        elif self.threshold_green_yellow is not None and self.threshold_green_yellow > self.threshold_yellow_red:
            errors["threshold_yellow_red"] = (
                _("El umbral amarillo-rojo debe ser mayor o igual que el umbral verde-amarillo.")
            )
        if self.factor is not None and self.factor == 0:
            errors["factor"] = _("El factor no puede ser 0.")
        if self.previous_id and self.fiscal_year and self.previous.fiscal_year != self.fiscal_year - 1:
            errors["previous"] = _("El indicador del ejercicio anterior debe ser del ejercicio %(year)s.") % {
                "year": self.fiscal_year - 1}
        if self.matrix_id and self.objective_id and self.matrix.kind == Matrix.Kind.FID and self.objective.level != Level.FID:
            errors["objective"] = _("Los indicadores de una FID van en una fila de nivel FID.")
        if errors:
            raise ValidationError(errors)


class Variable(models.Model):
    """A variable of the método de cálculo, with its fuente de información."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="variables", verbose_name=_("indicador"))
    position = models.PositiveSmallIntegerField(_("número"), default=1)
    name = models.TextField(_("nombre"))
    source = models.TextField(_("fuente de información"), blank=True)
    value = value_field(_("valor"))
    value_text = models.TextField(_("valor como se publicó"), blank=True, help_text=_("Cuando no es un solo número."))
    value_year = models.PositiveSmallIntegerField(_("año del valor"), null=True, blank=True)

    class Meta:
        verbose_name = _("variable")
        verbose_name_plural = _("variables")
        ordering = ["indicator", "position"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "position"], name="unique_variable_position"),
        ]

    def __str__(self):
        return f"Variable {self.position}: {self.name[:80]}"
