"""Per-ejercicio settings the rules read (default thresholds, descending formula)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators import rules
from indicators.choices import (
    IndicatorType,
)


class FiscalYearPolicy(models.Model):
    """Per-ejercicio settings of the rules (docs/reglas.md); an ejercicio without one uses the defaults."""

    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"), unique=True)
    gestion_green_yellow = models.DecimalField(_("Gestión: umbral verde-amarillo"), max_digits=rules.THRESHOLD_MAX_DIGITS, decimal_places=rules.THRESHOLD_DECIMALS, default=Decimal(10))
    gestion_yellow_red = models.DecimalField(_("Gestión: umbral amarillo-rojo"), max_digits=rules.THRESHOLD_MAX_DIGITS, decimal_places=rules.THRESHOLD_DECIMALS, default=Decimal(20))
    strategic_green_yellow = models.DecimalField(_("Estratégico: umbral verde-amarillo"), max_digits=rules.THRESHOLD_MAX_DIGITS, decimal_places=rules.THRESHOLD_DECIMALS, default=Decimal(5))
    strategic_yellow_red = models.DecimalField(_("Estratégico: umbral amarillo-rojo"), max_digits=rules.THRESHOLD_MAX_DIGITS, decimal_places=rules.THRESHOLD_DECIMALS, default=Decimal(10))
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
