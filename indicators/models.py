"""Indicators with their ficha técnica, metas (programmed and adjusted versions) and avances."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.models import Level, Matrix, Objective, ResponsibleUnit, State

from . import rules
from .choices import (
    Accumulation,
    AdjustmentStatus,
    AdjustmentType,
    Direction,
    Frequency,
    IndicatorType,
    ProgressStatus,
)

JUSTIFICATION_MAX = 2000


def value_field(verbose_name, **kwargs):
    """Decimal column for metas, avances and their numerador/denominador (6 decimals kept)."""
    return models.DecimalField(verbose_name, max_digits=28, decimal_places=6, null=True, blank=True, **kwargs)


def justification_field(verbose_name):
    return models.TextField(
        verbose_name, blank=True, max_length=JUSTIFICATION_MAX, validators=[MaxLengthValidator(JUSTIFICATION_MAX)]
    )


def ratio_constraints(prefix):
    """numerador and denominador come together, and x / 0 only exists for x = 0."""
    return [
        models.CheckConstraint(
            condition=Q(numerator__isnull=True, denominator__isnull=True)
            | Q(numerator__isnull=False, denominator__isnull=False),
            name=f"{prefix}_num_den_together",
            violation_error_message=_("El numerador y el denominador se capturan juntos."),
        ),
        models.CheckConstraint(
            condition=~Q(denominator=0) | Q(numerator=0),
            name=f"{prefix}_no_division_by_zero",
            violation_error_message=_("El denominador es 0 y el numerador no: el cociente no existe."),
        ),
    ]


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
    external_id = models.CharField(_("ID de indicador"), max_length=40)
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
    factor = models.DecimalField(
        _("factor"), max_digits=20, decimal_places=6, null=True, blank=True,
        help_text=_("Multiplicador de numerador/denominador; vacío: 100 para Porcentaje, 1 para los demás."),
    )
    direction = models.CharField(_("sentido"), max_length=20, choices=Direction.choices)
    accumulation = models.CharField(_("acumulado o periódico"), max_length=20, choices=Accumulation.choices, blank=True)
    baseline_value = value_field(_("línea base (valor)"))
    baseline_year = models.PositiveSmallIntegerField(_("línea base (año)"), null=True, blank=True)
    threshold_green_yellow = models.DecimalField(
        _("umbral verde-amarillo"), max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))], help_text=_("Puntos porcentuales de desviación."),
    )
    threshold_yellow_red = models.DecimalField(
        _("umbral amarillo-rojo"), max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))], help_text=_("Puntos porcentuales de desviación."),
    )
    # Cuenta Pública (annual) columns of the layout: stored and exported, not used by the rules.
    cp_adjusted_target = value_field(_("meta ajustada (Cuenta Pública)"))
    cp_progress = value_field(_("avance (Cuenta Pública)"))
    cp_cause = justification_field(_("causa (Cuenta Pública)"))
    cp_effect = justification_field(_("efecto (Cuenta Pública)"))
    cp_other_reasons = justification_field(_("otros motivos (Cuenta Pública)"))
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
        indexes = [models.Index(fields=["fiscal_year", "responsible_unit"], name="indicator_year_ur_idx")]

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


class PeriodValue(models.Model):
    """A value of one period: given directly, or derived from numerador / denominador."""

    value = value_field(_("valor"))
    numerator = value_field(_("numerador"))
    denominator = value_field(_("denominador"))

    class Meta:
        abstract = True

    def period_errors(self):
        """Spanish messages for a period that is not one of the indicator's frequency."""
        errors = {}
        if self.month is not None and not 1 <= self.month <= 12:
            errors["month"] = _("El mes debe estar entre 1 y 12.")
        elif self.indicator_id and self.month and not rules.is_period_month(self.indicator.frequency, self.month):
            months = ", ".join(str(m) for m in rules.period_months(self.indicator.frequency))
            errors["month"] = _(
                "El mes %(mes)s no cierra un periodo de frecuencia %(frecuencia)s; los meses válidos son %(meses)s."
            ) % {"mes": self.month, "frecuencia": self.indicator.frequency, "meses": months}
        return errors

    def ratio_errors(self):
        """Check numerador/denominador and, when they are valid, let them decide the value."""
        errors = {}
        if (self.numerator is None) != (self.denominator is None):
            errors["denominator"] = _("El numerador y el denominador se capturan juntos.")
        elif self.numerator is not None and self.indicator_id:
            try:
                derived = rules.ratio_value(self.numerator, self.denominator, self.indicator.effective_factor)
            except rules.InvalidRatio as exc:
                errors["denominator"] = str(exc)
            else:
                if derived is not None and abs(derived) >= rules.MAX_VALUE:
                    errors["value"] = _("El valor calculado es demasiado grande (a lo más 22 cifras enteras).")
                elif self.value is not None and not rules.agrees_with(self.value, derived):
                    errors["value"] = _("El valor %(valor)s no coincide con numerador/denominador (%(calculado)s).") % {
                        "valor": self.value, "calculado": derived}
                else:
                    self.value = derived
        return errors


class Target(PeriodValue):
    """The programmed (approved) meta of one period. Adjusted versions hang from it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicador"))
    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"))
    month = models.PositiveSmallIntegerField(
        _("mes de cierre del periodo"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meta")
        verbose_name_plural = _("metas")
        ordering = ["indicator", "fiscal_year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "fiscal_year", "month"], name="unique_target_period"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="target_month_range",
                violation_error_message=_("El mes debe estar entre 1 y 12."),
            ),
            *ratio_constraints("target"),
        ]
        indexes = [models.Index(fields=["fiscal_year", "month"], name="target_period_idx")]

    def __str__(self):
        return f"Meta {self.indicator.external_id} {self.fiscal_year}-{self.month:02d}"

    def clean(self):
        errors = self.period_errors() | self.ratio_errors()
        if errors:
            raise ValidationError(errors)

    def current_adjustment(self):
        """The approved adjustment that is the meta vigente, if any (uses prefetched adjustments)."""
        approved = {a.pk: a for a in self.adjustments.all() if a.status == AdjustmentStatus.APROBADO}
        _, pk = rules.meta_vigente(self.value, [(a.decided_at, a.pk, a.value) for a in approved.values()])
        return approved.get(pk)

    @property
    def current_value(self):
        """Meta vigente: the last approved adjustment's value, else the programmed one."""
        adjustment = self.current_adjustment()
        return adjustment.value if adjustment else self.value


class TargetAdjustment(models.Model):
    """An adjusted (modified) meta for a period; approved ones become the meta vigente."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("meta"))
    value = value_field(_("meta ajustada"))
    numerator = value_field(_("numerador"))
    denominator = value_field(_("denominador"))
    adjustment_type = models.CharField(_("tipo de ajuste"), max_length=20, choices=AdjustmentType.choices)
    justification = justification_field(_("justificación"))
    status = models.CharField(
        _("estado"), max_length=20, choices=AdjustmentStatus.choices, default=AdjustmentStatus.SOLICITADO
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("solicitado por"),
    )
    requested_at = models.DateTimeField(_("solicitado el"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("resuelto por"),
    )
    decided_at = models.DateTimeField(_("resuelto el"), null=True, blank=True)
    decision_note = models.TextField(_("observación de la resolución"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ajuste de meta")
        verbose_name_plural = _("ajustes de meta")
        ordering = ["target", "requested_at", "pk"]
        constraints = [
            *ratio_constraints("adjustment"),
            models.CheckConstraint(
                condition=Q(status="solicitado") | Q(decided_at__isnull=False),
                name="adjustment_decision_has_time",
            ),
        ]

    def __str__(self):
        return f"Ajuste {self.get_status_display().lower()} de {self.target}: {self.value}"

    @property
    def indicator(self):
        return self.target.indicator

    @property
    def indicator_id(self):
        return self.target.indicator_id if self.target_id else None

    # An adjustment uses the same ratio rules as its target.
    ratio_errors = PeriodValue.ratio_errors

    def clean(self):
        errors = self.ratio_errors() if self.target_id else {}
        if self.value is None and self.numerator is None:
            errors["value"] = _("La meta ajustada necesita un valor o numerador y denominador.")
        if self.status != AdjustmentStatus.SOLICITADO and not self.decided_at:
            errors["decided_at"] = _("Un ajuste aprobado o rechazado registra cuándo se resolvió.")
        if errors:
            raise ValidationError(errors)


class Progress(PeriodValue):
    """Avance (realizado al periodo) of one indicator × period, optionally for one entidad."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="progress", verbose_name=_("indicador"))
    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"))
    month = models.PositiveSmallIntegerField(
        _("mes de cierre del periodo"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, null=True, blank=True, related_name="progress",
        verbose_name=_("entidad federativa"), help_text=_("Vacío: el avance nacional del indicador."),
    )
    cause = justification_field(_("causa"))
    effect = justification_field(_("efecto"))
    other_reasons = justification_field(_("otros motivos"))
    status = models.CharField(_("estado"), max_length=20, choices=ProgressStatus.choices, default=ProgressStatus.BORRADOR)
    imported = models.BooleanField(
        _("importado"), default=False, help_text=_("Cargado de un archivo oficial: sin fecha de envío.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("capturado por"),
    )
    created_at = models.DateTimeField(_("capturado el"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificado el"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("enviado por"),
    )
    submitted_at = models.DateTimeField(_("enviado el"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("revisado por"),
    )
    reviewed_at = models.DateTimeField(_("revisado el"), null=True, blank=True)
    review_note = models.TextField(_("observación del revisor"), blank=True)
    version = models.PositiveIntegerField(
        _("versión"), default=1, help_text=_("Sube con cada guardado: evita que dos personas se sobrescriban.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avance")
        verbose_name_plural = _("avances")
        ordering = ["indicator", "fiscal_year", "month", "state"]
        constraints = [
            # Two partial constraints because NULL entidad (the national figure) must be unique too.
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year", "month"],
                condition=Q(state__isnull=True),
                name="unique_national_progress_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year", "month", "state"],
                condition=Q(state__isnull=False),
                name="unique_state_progress_period",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="progress_month_range",
                violation_error_message=_("El mes debe estar entre 1 y 12."),
            ),
            *ratio_constraints("progress"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(numerator__isnull=False, numerator=0, denominator=0),
                name="progress_has_value_or_zero_ratio",
                violation_error_message=_("El avance necesita un valor o numerador y denominador."),
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "month", "status"], name="progress_period_status_idx"),
        ]

    def __str__(self):
        where = f" · {self.state}" if self.state_id else ""
        return f"Avance {self.indicator.external_id} {self.fiscal_year}-{self.month:02d}{where}"

    def clean(self):
        errors = self.period_errors() | self.ratio_errors()
        if self.value is None and self.numerator is None:
            errors["value"] = _("El avance necesita un valor o numerador y denominador.")
        if self.status == ProgressStatus.DEVUELTO and not self.review_note.strip():
            errors["review_note"] = _("Para devolver un avance hay que escribir la observación.")
        if errors:
            raise ValidationError(errors)


def evidence_path(instance, filename):
    progress = instance.progress
    return f"evidencias/{progress.fiscal_year}/{progress.indicator_id}/{progress.month:02d}/{filename}"


class Evidence(models.Model):
    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("avance"))
    file = models.FileField(_("archivo"), upload_to=evidence_path)
    description = models.CharField(_("descripción"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("subido por"),
    )
    uploaded_at = models.DateTimeField(_("subido el"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidencia")
        verbose_name_plural = _("evidencias")
        ordering = ["progress", "uploaded_at"]

    def __str__(self):
        return self.description or self.file.name


class FiscalYearPolicy(models.Model):
    """Per-ejercicio settings of the rules (DESIGN.md §3); an ejercicio without one uses the defaults."""

    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"), unique=True)
    gestion_green_yellow = models.DecimalField(_("Gestión: umbral verde-amarillo"), max_digits=7, decimal_places=2, default=Decimal(10))
    gestion_yellow_red = models.DecimalField(_("Gestión: umbral amarillo-rojo"), max_digits=7, decimal_places=2, default=Decimal(20))
    strategic_green_yellow = models.DecimalField(_("Estratégico: umbral verde-amarillo"), max_digits=7, decimal_places=2, default=Decimal(5))
    strategic_yellow_red = models.DecimalField(_("Estratégico: umbral amarillo-rojo"), max_digits=7, decimal_places=2, default=Decimal(10))
    descending_ratio = models.BooleanField(
        _("Descendente como meta / avance × 100"), default=False,
        help_text=_("Alternativa para sentido descendente con meta y avance positivos; por omisión, la fórmula lineal."),
    )

    class Meta:
        verbose_name = _("política del ejercicio")
        verbose_name_plural = _("políticas por ejercicio")
        ordering = ["fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gestion_green_yellow__lte=models.F("gestion_yellow_red"))
                & Q(strategic_green_yellow__lte=models.F("strategic_yellow_red")),
                name="policy_thresholds_ordered",
                violation_error_message=_("Cada umbral verde-amarillo debe ser menor o igual que su amarillo-rojo."),
            ),
        ]

    def __str__(self):
        return f"Política {self.fiscal_year}"

    @classmethod
    def for_year(cls, fiscal_year):
        return cls.objects.filter(fiscal_year=fiscal_year).first() or cls(fiscal_year=fiscal_year)

    @property
    def default_thresholds(self):
        return {
            IndicatorType.GESTION: (self.gestion_green_yellow, self.gestion_yellow_red),
            IndicatorType.ESTRATEGICO: (self.strategic_green_yellow, self.strategic_yellow_red),
        }


class QuarterResult(models.Model):
    """The stored quarterly result of one indicator (recomputed idempotently)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="quarter_results", verbose_name=_("indicador"))
    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"))
    quarter = models.PositiveSmallIntegerField(_("trimestre"))
    # Where the indicator stood when computed: the aggregates group by these without joins.
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+", verbose_name=_("programa"))
    responsible_unit = models.ForeignKey(ResponsibleUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unidad responsable"))
    level = models.CharField(_("nivel"), max_length=20)
    month = models.PositiveSmallIntegerField(_("mes del periodo"))
    meta = value_field(_("meta vigente"))
    adjustment = models.ForeignKey(
        TargetAdjustment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("versión de meta (ajuste)"), help_text=_("Vacío: se usó la meta programada."),
    )
    avance = value_field(_("avance"))
    progress = models.ForeignKey(Progress, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("avance usado"))
    compliance = models.DecimalField(_("cumplimiento %"), max_digits=12, decimal_places=2, null=True, blank=True)
    semaforo = models.CharField(_("semáforo"), max_length=10, choices=rules.Semaforo.CHOICES, blank=True)
    status = models.CharField(_("estado"), max_length=20, choices=rules.Estado.CHOICES)
    green_yellow = models.DecimalField(_("umbral verde-amarillo usado"), max_digits=7, decimal_places=2)
    yellow_red = models.DecimalField(_("umbral amarillo-rojo usado"), max_digits=7, decimal_places=2)
    reported = models.BooleanField(_("reportado"), default=False)
    approved = models.BooleanField(_("aprobado"), default=False)
    on_time = models.BooleanField(_("enviado a tiempo"), null=True, help_text=_("Vacío para avances importados."))
    computed_at = models.DateTimeField(_("calculado el"))

    class Meta:
        verbose_name = _("resultado trimestral")
        verbose_name_plural = _("resultados trimestrales")
        ordering = ["fiscal_year", "quarter", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "fiscal_year", "quarter"], name="unique_quarter_result"),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "quarter", "program"], name="result_program_idx"),
            models.Index(fields=["fiscal_year", "quarter", "responsible_unit"], name="result_unit_idx"),
            models.Index(fields=["fiscal_year", "quarter", "level"], name="result_level_idx"),
        ]

    def __str__(self):
        return f"{self.indicator.external_id} T{self.quarter}-{self.fiscal_year}: {self.status}"


class QuarterAggregate(models.Model):
    """Quarterly aggregates per programa, per UR, per nivel and overall (DESIGN.md §3)."""

    class Scope(models.TextChoices):
        TOTAL = "total", _("Ejercicio completo")
        PROGRAMA = "programa", _("Programa presupuestario")
        UR = "ur", _("Unidad responsable")
        NIVEL = "nivel", _("Nivel")

    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"))
    quarter = models.PositiveSmallIntegerField(_("trimestre"))
    scope = models.CharField(_("agrupación"), max_length=10, choices=Scope.choices)
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("programa"))
    responsible_unit = models.ForeignKey(ResponsibleUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("unidad responsable"))
    level = models.CharField(_("nivel"), max_length=20, blank=True)
    indicators = models.PositiveIntegerField(_("indicadores con periodo"))
    with_meta = models.PositiveIntegerField(_("con meta"))
    reported = models.PositiveIntegerField(_("reportados"))
    approved = models.PositiveIntegerField(_("aprobados"))
    verde = models.PositiveIntegerField(_("verde"))
    amarillo = models.PositiveIntegerField(_("amarillo"))
    rojo = models.PositiveIntegerField(_("rojo"))
    gris = models.PositiveIntegerField(_("gris"))
    # Counters the percentages come from; the total is summed from the nivel rows with them.
    with_compliance = models.PositiveIntegerField(_("con cumplimiento numérico"))
    compliance_hundredths = models.BigIntegerField(_("suma de cumplimientos (centésimos)"))
    submitted = models.PositiveIntegerField(_("enviados con fecha"))
    on_time = models.PositiveIntegerField(_("enviados a tiempo"))
    mean_compliance = models.DecimalField(_("cumplimiento promedio"), max_digits=12, decimal_places=2, null=True, blank=True)
    completeness = models.DecimalField(_("completitud %"), max_digits=6, decimal_places=2, null=True, blank=True)
    timeliness = models.DecimalField(_("oportunidad %"), max_digits=6, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(_("calculado el"))

    class Meta:
        verbose_name = _("agregado trimestral")
        verbose_name_plural = _("agregados trimestrales")
        ordering = ["fiscal_year", "quarter", "scope"]
        indexes = [models.Index(fields=["fiscal_year", "quarter", "scope"], name="aggregate_scope_idx")]

    def __str__(self):
        who = self.program or self.responsible_unit or self.level or "total"
        return f"T{self.quarter}-{self.fiscal_year} {self.get_scope_display()}: {who}"


class ProgressTransition(models.Model):
    """One step of an avance through the workflow (DESIGN.md §4): who, when, from, to, note."""

    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("avance"))
    from_status = models.CharField(_("de"), max_length=20, choices=ProgressStatus.choices)
    to_status = models.CharField(_("a"), max_length=20, choices=ProgressStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("usuario"))
    at = models.DateTimeField(_("fecha"), auto_now_add=True)
    note = models.TextField(_("nota"), blank=True, validators=[MaxLengthValidator(JUSTIFICATION_MAX)])

    class Meta:
        verbose_name = _("transición de avance")
        verbose_name_plural = _("transiciones de avances")
        ordering = ["progress", "at", "pk"]

    def __str__(self):
        return f"{self.progress}: {self.from_status} → {self.to_status}"


class CaptureWindow(models.Model):
    """When capturistas may save the avances of an ejercicio × trimestre."""

    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"))
    quarter = models.PositiveSmallIntegerField(
        _("trimestre"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    opens_at = models.DateTimeField(_("abre"))
    closes_at = models.DateTimeField(_("cierra"), help_text=_("Primer instante en que ya no se puede capturar."))
    note = models.CharField(_("nota"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ventana de captura")
        verbose_name_plural = _("ventanas de captura")
        ordering = ["fiscal_year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "quarter"], name="unique_window_per_quarter"),
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="window_opens_before_closing",
                violation_error_message=_("La ventana debe abrir antes de cerrar."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="window_quarter_range",
                violation_error_message=_("El trimestre va de 1 a 4."),
            ),
        ]

    def __str__(self):
        return f"Ventana T{self.quarter}-{self.fiscal_year}"


class WindowExtension(models.Model):
    """Prórroga: one UR or one programa may keep capturing a quarter until a date."""

    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"))
    quarter = models.PositiveSmallIntegerField(_("trimestre"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    responsible_unit = models.ForeignKey(
        ResponsibleUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="extensions",
        verbose_name=_("unidad responsable"),
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, null=True, blank=True, related_name="extensions",
        verbose_name=_("programa"),
    )
    until = models.DateTimeField(_("hasta"), help_text=_("Primer instante en que ya no se puede capturar."))
    reason = models.TextField(_("motivo"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("otorgada por"),
    )
    granted_at = models.DateTimeField(_("otorgada el"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prórroga")
        verbose_name_plural = _("prórrogas")
        ordering = ["fiscal_year", "quarter", "until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_unit__isnull=False, program__isnull=True)
                | Q(responsible_unit__isnull=True, program__isnull=False),
                name="extension_for_one_unit_or_program",
                violation_error_message=_("Una prórroga es para una unidad responsable o para un programa, no ambos."),
            ),
        ]

    def __str__(self):
        who = self.responsible_unit or self.program
        return f"Prórroga T{self.quarter}-{self.fiscal_year} {who} hasta {self.until:%Y-%m-%d %H:%M}"


class Job(models.Model):
    """A long task (recompute, export) run by Celery, with progress the page polls."""

    class Kind(models.TextChoices):
        RECALCULO = "recalculo", _("Recálculo de cumplimiento")
        EXPORTACION = "exportacion", _("Exportación")

    class Status(models.TextChoices):
        PENDIENTE = "pendiente", _("Pendiente")
        EN_CURSO = "en curso", _("En curso")
        TERMINADO = "terminado", _("Terminado")
        ERROR = "error", _("Error")

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("parámetros"), default=dict)
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.PENDIENTE)
    progress = models.PositiveSmallIntegerField(_("avance %"), default=0)
    message = models.TextField(_("mensaje"), blank=True)
    file = models.FileField(_("archivo"), upload_to="exportaciones/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("solicitado por"))
    created_at = models.DateTimeField(_("solicitado el"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("trabajo")
        verbose_name_plural = _("trabajos")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"


class PendingRecompute(models.Model):
    """A recompute that could not be queued (broker down); the beat sweep runs it later."""

    fiscal_year = models.PositiveSmallIntegerField("ejercicio", null=True, blank=True)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                  verbose_name="indicador")
    created_at = models.DateTimeField("registrado el", auto_now_add=True)

    class Meta:
        verbose_name = "recálculo pendiente"
        verbose_name_plural = "recálculos pendientes"
        constraints = [
            models.CheckConstraint(condition=Q(fiscal_year__isnull=False) | Q(indicator__isnull=False),
                                   name="pending_recompute_has_target"),
        ]

    def __str__(self):
        return f"Recálculo pendiente {self.indicator_id or self.fiscal_year}"
