"""Selectors for the capture screen: one programme's quarter, indicator by indicator, grouped by nivel."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from common.numbers import plain_number
from indicators import rules
from indicators.models import FiscalYearPolicy
from indicators.scope import indicators_for
from programs.models import level_rank
from reporting.models import Progress
from reporting.readings import preview
from reporting.windows import WindowCalendar, capture_state
from reporting.workflow import EDITABLE


@dataclass
class CaptureRow:
    indicator: object
    month: int
    meta: Decimal | None
    progress: Progress | None
    is_open: bool
    window_message: str
    outcome: object = None
    errors: dict = field(default_factory=dict)
    posted: dict = field(default_factory=dict)

    @property
    def editable(self):
        return self.is_open and (self.progress is None or self.progress.status in EDITABLE)

    @property
    def relative(self):
        return bool(self.indicator.value_type) and self.indicator.value_type != "Absoluto"

    def value_of(self, name):
        """What the form shows: what the user just posted, else what is stored."""
        if name in self.posted:
            return self.posted[name]
        stored = getattr(self.progress, name, None) if self.progress else None
        if isinstance(stored, Decimal):
            return plain_number(stored)
        return stored or ""


def capture_rows(user, program, fiscal_year, quarter):
    """Rows of the programme's indicators (in the user's scope) with a period in the quarter."""
    indicators = (
        indicators_for(user).filter(matrix__program=program, fiscal_year=fiscal_year)
        .select_related("objective", "matrix__program", "responsible_unit")
        .prefetch_related("targets__adjustments")
        .order_by("objective__clave", "external_id")
    )
    progress = {
        (p.indicator_id, p.month): p
        for p in Progress.objects.filter(indicator__in=indicators, fiscal_year=fiscal_year, state__isnull=True,
                                         month__in=rules.quarter_months(quarter)).prefetch_related("evidence")
    }
    calendar = WindowCalendar(fiscal_year, [quarter])
    policy = FiscalYearPolicy.for_year(fiscal_year)
    rows = []
    for indicator in indicators:
        month = rules.quarter_period_month(indicator.frequency, quarter)
        if month is None:
            continue
        saved = progress.get((indicator.pk, month))
        is_open, message = capture_state(indicator, fiscal_year, month, calendar=calendar)
        meta, outcome = preview(indicator, fiscal_year, month, saved.value if saved else None, policy)
        rows.append(CaptureRow(indicator, month, meta, saved, is_open, message, outcome if saved else None))
    rows.sort(key=lambda r: level_rank(r.indicator.objective.level))
    return rows


def parse_number(raw, label):
    """A number as people type it in Mexico (rules.parse_value): 1,955.5 or 1955.5; None if empty.
    The reason for a refusal names the field and quotes what was typed."""
    try:
        return rules.parse_value(raw)
    except ValueError as exc:
        # The reason comes from rules (shared with the import), so it is the same in both.
        raise ValueError(_("%(campo)s: «%(texto)s» %(problema)s.")
                         % {"campo": label, "texto": raw.strip(), "problema": exc}) from None
