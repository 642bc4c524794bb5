"""Capture windows and prórrogas: when a capturista may save a quarter's avances (docs/flujo.md)."""

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import rules
from programs.models import Matrix
from reporting.models import AnnualWindow, CaptureWindow, WindowExtension


class WindowCalendar:
    """The windows and prórrogas of an ejercicio, loaded once (two queries)."""

    def __init__(self, fiscal_year, quarters=rules.QUARTERS):
        self.fiscal_year = fiscal_year
        self.windows = {
            w.quarter: w for w in CaptureWindow.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters)
        }
        self.extensions = defaultdict(list)
        for e in WindowExtension.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters):
            key = ("ur", e.responsible_unit_id) if e.responsible_unit_id else ("programa", e.program_id)
            self.extensions[(e.quarter, *key)].append(e.until)

    def deadline(self, quarter, unit_id, program_id):
        window = self.windows.get(quarter)
        return rules.capture_deadline(
            window.closes_at if window else None,
            rules.quarter_close(self.fiscal_year, quarter),
            self.extensions[(quarter, "ur", unit_id)] + self.extensions[(quarter, "programa", program_id)],
        )

    def opens_at(self, quarter):
        window = self.windows.get(quarter)
        return window.opens_at if window else None


def _local(moment):
    return timezone.localtime(moment, rules.MEXICO_CITY).strftime("%d/%m/%Y %H:%M")


def capture_state(indicator, fiscal_year, month, as_of=None, calendar=None):
    """(open?, Spanish explanation with the dates) for capturing one period of an indicator.
    Pass the ejercicio's `calendar` when judging many indicators at once."""
    if indicator.matrix.kind == Matrix.Kind.PI:
        return annual_capture_state(fiscal_year, as_of)
    return quarter_state(fiscal_year, rules.quarter_of_month(month), indicator.responsible_unit_id,
                         indicator.matrix.program_id, as_of, calendar)


def quarter_state(fiscal_year, quarter, unit_id, program_id, as_of=None, calendar=None):
    """(open?, Spanish explanation) for capturing what a UR (and programa) reports for a quarter: an
    indicator's avances or a commitment's follow-up report, under the same windows and prórrogas."""
    as_of = as_of or timezone.now()
    calendar = calendar or WindowCalendar(fiscal_year, [quarter])
    deadline = calendar.deadline(quarter, unit_id, program_id)
    opens_at = calendar.opens_at(quarter)
    label = f"T{quarter}-{fiscal_year}"
    last_moment = _local(deadline - timedelta(minutes=1))
    if rules.capture_open(as_of, opens_at, deadline):
        return True, _("La captura del %(periodo)s está abierta hasta el %(hasta)s.") % {
            "periodo": label, "hasta": last_moment}
    if opens_at and as_of < opens_at:
        return False, _("La captura del %(periodo)s abre el %(abre)s.") % {"periodo": label, "abre": _local(opens_at)}
    return False, _("La captura del %(periodo)s cerró el %(cierre)s; pida una prórroga a la coordinación.") % {
        "periodo": label, "cierre": last_moment}


def annual_capture_state(fiscal_year, as_of=None):
    """(open?, Spanish explanation) for capturing a Programa Institucional result of a year. Without
    its annual window the year is closed: a yearly result has no default close like a quarter's."""
    as_of = as_of or timezone.now()
    window = AnnualWindow.objects.filter(fiscal_year=fiscal_year).first()
    if window is None:
        return False, _("La captura de los resultados %(anio)s del Programa Institucional no está abierta; "
                        "la coordinación abre su ventana anual.") % {"anio": fiscal_year}
    last_moment = _local(window.closes_at - timedelta(minutes=1))
    if rules.capture_open(as_of, window.opens_at, window.closes_at):
        return True, _("La captura de los resultados %(anio)s está abierta hasta el %(hasta)s.") % {
            "anio": fiscal_year, "hasta": last_moment}
    if as_of < window.opens_at:
        return False, _("La captura de los resultados %(anio)s abre el %(abre)s.") % {
            "anio": fiscal_year, "abre": _local(window.opens_at)}
    return False, _("La captura de los resultados %(anio)s cerró el %(cierre)s.") % {
        "anio": fiscal_year, "cierre": last_moment}
