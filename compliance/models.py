"""Stored quarterly results and aggregates (derived from metas and avances by compliance/engine.py), and
recomputes waiting for the broker."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators import rules
from indicators.models import Indicator, TargetAdjustment, value_field
from programs.models import ResponsibleUnit
from reporting.models import Progress


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
    # Holds the largest |c| the rules give from bounded metas and avances (rules.COMPLIANCE_MAX_DIGITS).
    compliance = models.DecimalField(_("cumplimiento %"), max_digits=rules.COMPLIANCE_MAX_DIGITS, decimal_places=2,
                                     null=True, blank=True)
    semaforo = models.CharField(_("semáforo"), max_length=10, choices=rules.Semaforo.CHOICES, blank=True)
    status = models.CharField(_("estado"), max_length=20, choices=rules.Estado.CHOICES)
    green_yellow = models.DecimalField(_("umbral verde-amarillo usado"), max_digits=rules.THRESHOLD_MAX_DIGITS,
                                       decimal_places=rules.THRESHOLD_DECIMALS)
    yellow_red = models.DecimalField(_("umbral amarillo-rojo usado"), max_digits=rules.THRESHOLD_MAX_DIGITS,
                                     decimal_places=rules.THRESHOLD_DECIMALS)
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


class ProgressReading(models.Model):
    """The semáforo an avance waiting for review gets against its period's meta vigente, when no
    quarterly result was computed from it (a month inside the quarter, an entidad). Written by
    every recompute of its indicator, so the review queue filters on it in SQL; it holds for the
    value it was read with only (`compliance/progress_readings.py`)."""

    progress = models.OneToOneField(Progress, on_delete=models.CASCADE, primary_key=True,
                                    related_name="stored_reading", verbose_name=_("avance"))
    value = value_field(_("valor leído"))
    meta = value_field(_("meta vigente"))
    compliance = models.DecimalField(_("cumplimiento %"), max_digits=rules.COMPLIANCE_MAX_DIGITS, decimal_places=2,
                                     null=True, blank=True)
    semaforo = models.CharField(_("semáforo"), max_length=10, choices=rules.Semaforo.CHOICES, blank=True)
    computed_at = models.DateTimeField(_("calculado el"))

    class Meta:
        verbose_name = _("lectura de avance")
        verbose_name_plural = _("lecturas de avances")

    def __str__(self):
        return f"{self.progress_id}: {self.semaforo or 'sin meta'}"


class QuarterAggregate(models.Model):
    """Quarterly aggregates per programa, per UR, per nivel and overall (docs/reglas.md)."""

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
    # Exact on PostgreSQL at any size; a BigIntegerField overflowed with one extreme cumplimiento.
    compliance_hundredths = models.DecimalField(_("suma de cumplimientos (centésimos)"),
                                                max_digits=rules.COMPLIANCE_SUM_MAX_DIGITS, decimal_places=0)
    submitted = models.PositiveIntegerField(_("enviados con fecha"))
    on_time = models.PositiveIntegerField(_("enviados a tiempo"))
    mean_compliance = models.DecimalField(_("cumplimiento promedio"), max_digits=rules.COMPLIANCE_MAX_DIGITS,
                                          decimal_places=2, null=True, blank=True)
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


class ResultFailure(models.Model):
    """A quarterly result that could not be computed, with its reason. It replaces the result (the
    indicator counts nowhere in that quarter) until a recompute succeeds; the rest is computed."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="result_failures",
                                  verbose_name=_("indicador"))
    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"))
    quarter = models.PositiveSmallIntegerField(_("trimestre"))
    reason = models.TextField(_("motivo"))
    computed_at = models.DateTimeField(_("calculado el"))

    class Meta:
        verbose_name = _("resultado no calculado")
        verbose_name_plural = _("resultados no calculados")
        ordering = ["fiscal_year", "quarter", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "fiscal_year", "quarter"], name="unique_result_failure"),
        ]

    def __str__(self):
        return f"{self.indicator.external_id} T{self.quarter}-{self.fiscal_year}: {self.reason}"


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
