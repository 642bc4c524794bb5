"""Metas per period (programmed) and their adjustments (requested, approved or rejected)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators import rules
from indicators.choices import (
    AdjustmentStatus,
    AdjustmentType,
)
from indicators.models.fields import justification_field, ratio_constraints, value_field
from indicators.models.indicator import Indicator


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
            except rules.DerivedOutOfBounds as exc:
                errors["value"] = str(exc)  # names the figure; never rounded to fit
            except rules.InvalidRatio as exc:
                errors["denominator"] = str(exc)
            else:
                if self.value is not None and not rules.agrees_with(self.value, derived):
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
