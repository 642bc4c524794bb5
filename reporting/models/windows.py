"""Capture windows per ejercicio × trimestre and their prórrogas per UR or programa."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.models import ResponsibleUnit


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


class AnnualWindow(models.Model):
    """When capturistas may save the yearly results of the Programa Institucional for one year
    (month 12 of an annual indicator); the quarterly windows are for the MIR and FID avances."""

    fiscal_year = models.PositiveSmallIntegerField(_("año del resultado"), unique=True)
    opens_at = models.DateTimeField(_("abre"))
    closes_at = models.DateTimeField(_("cierra"), help_text=_("Primer instante en que ya no se puede capturar."))
    note = models.CharField(_("nota"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ventana anual del Programa Institucional")
        verbose_name_plural = _("ventanas anuales del Programa Institucional")
        ordering = ["fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="annual_window_opens_before_closing",
                violation_error_message=_("La ventana debe abrir antes de cerrar."),
            ),
        ]

    def __str__(self):
        return f"Ventana anual {self.fiscal_year}"
