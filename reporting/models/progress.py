"""Avances al periodo (national or per entidad), their evidence and their workflow transitions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Indicator
from indicators.models.fields import JUSTIFICATION_MAX, justification_field, ratio_constraints
from indicators.models.targets import PeriodValue
from programs.models import State
from reporting.choices import ProgressStatus


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
            # The review queue's default: enviados in arrival order (compliance.tables.ReviewTable).
            models.Index(fields=["submitted_at", "id"], condition=Q(status="enviado"), name="progress_queue_order"),
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


class ReviewedRecord(models.Model):
    """The columns the shared workflow (reporting/flow.py) reads and writes, for records other than
    avances (follow-up reports). Progress declares the same columns inline: its audit trail lists
    changed fields in declaration order, and an abstract base would move them ahead of the figures."""

    status = models.CharField(_("estado"), max_length=20, choices=ProgressStatus.choices, default=ProgressStatus.BORRADOR)
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

    class Meta:
        abstract = True


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


class ProgressTransition(models.Model):
    """One step of an avance through the workflow (docs/flujo.md): who, when, from, to, note."""

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
