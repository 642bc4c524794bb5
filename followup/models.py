"""Commitments, their sub-items, the sessions that review them and their quarterly follow-up reports."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from followup.choices import ControlProgramme, ItemState, Kind, Rule
from indicators.models import JUSTIFICATION_MAX, Indicator
from programs.models import Program, ResponsibleUnit
from reporting.choices import ProgressStatus
from reporting.models import ReviewedRecord

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def percent_field(verbose_name, **kwargs):
    # Two decimals: a % done is shown and compared as the rules round it (followup/rules.py).
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, null=True, blank=True,
                               validators=PERCENT, **kwargs)


class Session(models.Model):
    """A session of a collegiate body (the Junta de Gobierno) that adopts or reviews commitments."""

    body = models.CharField(_("órgano"), max_length=120, default="Junta de Gobierno")
    name = models.CharField(_("sesión"), max_length=160)
    held_on = models.DateField(_("fecha"))
    source = models.TextField(_("fuente"), blank=True)

    class Meta:
        verbose_name = _("sesión")
        verbose_name_plural = _("sesiones")
        ordering = ["held_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["body", "name"], name="unique_session_name")]

    def __str__(self):
        return f"{self.name} ({self.held_on:%d/%m/%Y})"


class Commitment(models.Model):
    """A commitment followed quarter by quarter, whatever its kind; its % done follows its rule."""

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    clave = models.CharField(_("clave"), max_length=60, unique=True)
    clave_is_local = models.BooleanField(
        _("clave local"), default=False, help_text=_("La fuente no imprime una clave: SIMIR le dio una."))
    text = models.TextField(_("texto"), validators=[MaxLengthValidator(JUSTIFICATION_MAX)])
    responsible_unit = models.ForeignKey(ResponsibleUnit, on_delete=models.PROTECT, related_name="commitments",
                                         verbose_name=_("UR responsable"))
    responsible_area = models.CharField(_("área responsable"), max_length=255, blank=True)
    origin_session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="adopted", verbose_name=_("sesión de origen"))
    origin_evaluation = models.CharField(_("evaluación de origen"), max_length=255, blank=True)
    origin_audit = models.CharField(_("auditoría de origen"), max_length=255, blank=True)
    control_programme = models.CharField(_("programa de control interno"), max_length=4, blank=True,
                                         choices=ControlProgramme.choices)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments",
                                verbose_name=_("programa presupuestario"))
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="commitments",
                                        verbose_name=_("indicadores de la MIR"))
    due_date = models.DateField(_("fecha compromiso"), null=True, blank=True)
    due_date_text = models.CharField(_("fecha compromiso como se imprimió"), max_length=255, blank=True)
    rule = models.CharField(_("regla del % de avance"), max_length=20, choices=Rule.choices, default=Rule.SHARE)
    baseline_percent = percent_field(_("% de avance inicial"))
    baseline_on = models.DateField(_("fecha del % inicial"), null=True, blank=True)
    baseline_source = models.TextField(_("fuente del % inicial"), blank=True)
    fictitious = models.BooleanField(_("ficticio"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compromiso")
        verbose_name_plural = _("compromisos")
        ordering = ["kind", "clave"]

    def __str__(self):
        return self.clave

    def origin(self):
        """Where the commitment comes from, in words."""
        if self.origin_session_id:
            return str(self.origin_session)
        return self.origin_evaluation or self.origin_audit or ""


class Item(models.Model):
    """A sub-item of a commitment (an action, a finding, a risk): its state as loaded; later states
    come from approved reports (ItemUpdate)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="items",
                                   verbose_name=_("compromiso"))
    number = models.PositiveSmallIntegerField(_("número"))
    text = models.TextField(_("texto"), validators=[MaxLengthValidator(JUSTIFICATION_MAX)])
    weight = models.DecimalField(_("peso"), max_digits=7, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    state = models.CharField(_("estado inicial"), max_length=20, choices=ItemState.choices, default=ItemState.PENDIENTE)
    percent = percent_field(_("% inicial"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-elemento")
        verbose_name_plural = _("sub-elementos")
        ordering = ["commitment", "number"]
        constraints = [models.UniqueConstraint(fields=["commitment", "number"], name="unique_item_number")]

    def __str__(self):
        return f"{self.commitment.clave} · {self.number}"


class SessionReading(models.Model):
    """What a session was told of a commitment: its % then (the start of «what changed since»)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="readings", verbose_name=_("sesión"))
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="readings",
                                   verbose_name=_("compromiso"))
    percent = percent_field(_("% informado"))
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("lectura en sesión")
        verbose_name_plural = _("lecturas en sesión")
        ordering = ["session__held_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "commitment"], name="unique_session_reading")]


class Report(ReviewedRecord):
    """The quarterly follow-up report of a commitment: text, a % reported directly (rule reportado),
    sub-item updates and evidence, through the avances' workflow (followup/workflow.py)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reports",
                                   verbose_name=_("compromiso"))
    fiscal_year = models.PositiveSmallIntegerField(_("ejercicio"))
    quarter = models.PositiveSmallIntegerField(_("trimestre"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    text = models.TextField(_("reporte"), blank=True, validators=[MaxLengthValidator(JUSTIFICATION_MAX)])
    reported_percent = percent_field(_("% de avance reportado"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("capturado por"))
    created_at = models.DateTimeField(_("capturado el"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificado el"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporte de seguimiento")
        verbose_name_plural = _("reportes de seguimiento")
        ordering = ["commitment", "fiscal_year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "fiscal_year", "quarter"], name="unique_commitment_report"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="report_quarter_range"),
        ]

    def __str__(self):
        return f"{self.commitment.clave} T{self.quarter}-{self.fiscal_year}"


class ItemUpdate(models.Model):
    """A sub-item's state (and % for the weighted rule) as a report gives it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates", verbose_name=_("reporte"))
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="updates", verbose_name=_("sub-elemento"))
    state = models.CharField(_("estado"), max_length=20, choices=ItemState.choices)
    percent = percent_field(_("% de avance"))
    note = models.TextField(_("nota"), blank=True, validators=[MaxLengthValidator(JUSTIFICATION_MAX)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avance de sub-elemento")
        verbose_name_plural = _("avances de sub-elementos")
        ordering = ["report", "item__number"]
        constraints = [models.UniqueConstraint(fields=["report", "item"], name="unique_report_item")]


def report_evidence_path(instance, filename):
    report = instance.report
    return f"evidencias/seguimiento/{report.fiscal_year}/{report.commitment_id}/T{report.quarter}/{filename}"


class ReportEvidence(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("reporte"))
    file = models.FileField(_("archivo"), upload_to=report_evidence_path)
    description = models.CharField(_("descripción"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("subido por"))
    uploaded_at = models.DateTimeField(_("subido el"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidencia de seguimiento")
        verbose_name_plural = _("evidencias de seguimiento")
        ordering = ["report", "uploaded_at"]

    def __str__(self):
        return self.description or self.file.name


class ReportTransition(models.Model):
    """One step of a report through the workflow: who, when, from, to, note."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("reporte"))
    from_status = models.CharField(_("de"), max_length=20, choices=ProgressStatus.choices)
    to_status = models.CharField(_("a"), max_length=20, choices=ProgressStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("usuario"))
    at = models.DateTimeField(_("fecha"), auto_now_add=True)
    note = models.TextField(_("nota"), blank=True, validators=[MaxLengthValidator(JUSTIFICATION_MAX)])

    class Meta:
        verbose_name = _("transición de reporte")
        verbose_name_plural = _("transiciones de reportes")
        ordering = ["report", "at", "pk"]
