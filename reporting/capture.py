"""The capture grid: one programme's quarter, one row per indicator and period, grouped by nivel;
reading the posted grid and saving each changed row on its own through the capture services."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.files import atomic_with_files
from common.ids import parse_int
from common.numbers import plain_number
from indicators import rules
from indicators.models import FiscalYearPolicy
from indicators.scope import indicators_for
from programs.models import State, level_rank
from reporting.evidence import attach_evidence
from reporting.models import Progress
from reporting.readings import explain, preview
from reporting.services import ConcurrentEdit, check_capture_window, save_progress, save_state_rows
from reporting.windows import WindowCalendar, capture_state
from reporting.workflow import EDITABLE, Action, transition

NUMBER_LABELS = {"value": gettext_lazy("Valor"), "numerator": gettext_lazy("Numerador"),
                 "denominator": gettext_lazy("Denominador")}


MONTHS = [gettext_lazy("Enero"), gettext_lazy("Febrero"), gettext_lazy("Marzo"), gettext_lazy("Abril"),
          gettext_lazy("Mayo"), gettext_lazy("Junio"), gettext_lazy("Julio"), gettext_lazy("Agosto"),
          gettext_lazy("Septiembre"), gettext_lazy("Octubre"), gettext_lazy("Noviembre"), gettext_lazy("Diciembre")]
NUMBER_FIELDS = ("value", "numerator", "denominator")
TEXT_FIELDS = ("cause", "effect", "other_reasons")


def _shown(progress, name):
    stored = getattr(progress, name, None) if progress else None
    if isinstance(stored, Decimal):
        return plain_number(stored)
    return stored or ""


@dataclass
class StateCell:
    """One entidad's avance inside an indicator's period (the sub-grid of a per-entidad row)."""

    row: object
    state: object
    progress: Progress | None
    posted: dict = field(default_factory=dict)
    changed: bool = False

    @property
    def prefix(self):
        return f"{self.row.prefix}-e{self.state.pk}"

    @property
    def editable(self):
        return self.row.editable and (self.progress is None or self.progress.status in EDITABLE)

    @property
    def version(self):
        return self.posted.get("version", self.progress.version if self.progress else 0)

    @property
    def errors(self):
        return self.row.errors.get(f"e{self.state.pk}", [])

    def value_of(self, name):
        return self.posted[name] if name in self.posted else _shown(self.progress, name)


@dataclass
class CaptureRow:
    """One indicator × period of the quarter (a monthly indicator has three)."""

    indicator: object
    month: int
    meta: Decimal | None
    progress: Progress | None
    is_open: bool
    window_message: str
    outcome: object = None
    explanation: object = None
    states: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    posted: dict = field(default_factory=dict)

    @property
    def key(self):
        return f"{self.indicator.pk}-{self.month}"

    @property
    def prefix(self):
        return f"r{self.key}"

    @property
    def editable(self):
        return self.is_open and (self.progress is None or self.progress.status in EDITABLE)

    @property
    def relative(self):
        return bool(self.indicator.value_type) and self.indicator.value_type != "Absoluto"

    @property
    def by_state(self):
        return self.indicator.captured_by_state

    @property
    def version(self):
        """The version the user loaded: kept from the post when the row failed, so a save never
        silently replaces an avance the user did not see."""
        return self.posted.get("version", self.progress.version if self.progress else 0)

    @property
    def own_errors(self):
        """The row's messages; those of an entidad (keyed e<id>) are shown beside the entidad."""
        state_keys = {f"e{cell.state.pk}" for cell in self.states}
        return [message for key, messages in self.errors.items() if key not in state_keys for message in messages]

    @property
    def period_label(self):
        return MONTHS[self.month - 1]

    @property
    def period_is_quarter_end(self):
        return self.month == rules.quarter_period_month(self.indicator.frequency, rules.quarter_of_month(self.month))

    def value_of(self, name):
        """What the form shows: what the user just posted, else what is stored."""
        return self.posted[name] if name in self.posted else _shown(self.progress, name)


def capture_rows(user, program, fiscal_year, quarter):
    """One row per indicator (in the user's scope) and period of the quarter, ordered by nivel."""
    indicators = (
        indicators_for(user).filter(matrix__program=program, fiscal_year=fiscal_year)
        .select_related("objective", "matrix__program", "responsible_unit")
        .prefetch_related("targets__adjustments")
        .order_by("objective__clave", "external_id")
    )
    months = rules.quarter_months(quarter)
    national, by_state = {}, defaultdict(dict)
    for p in (Progress.objects.filter(indicator__in=indicators, fiscal_year=fiscal_year, month__in=months)
              .prefetch_related("evidence")):
        if p.state_id is None:
            national[(p.indicator_id, p.month)] = p
        else:
            by_state[(p.indicator_id, p.month)][p.state_id] = p
    states = list(State.objects.order_by("clave")) if any(i.captured_by_state for i in indicators) else []
    calendar = WindowCalendar(fiscal_year, [quarter])
    policy = FiscalYearPolicy.for_year(fiscal_year)
    rows = []
    for indicator in indicators:
        has_meta_in_year = any(t.fiscal_year == fiscal_year for t in indicator.targets.all())
        if not rules.measured_in_year(indicator.frequency, has_meta_in_year):
            continue
        for month in (m for m in rules.period_months(indicator.frequency) if m in months):
            saved = national.get((indicator.pk, month))
            is_open, message = capture_state(indicator, fiscal_year, month, calendar=calendar)
            meta, outcome = preview(indicator, fiscal_year, month, saved.value if saved else None, policy)
            row = CaptureRow(indicator, month, meta, saved, is_open, message, outcome if saved else None)
            if saved:
                row.explanation = explain(indicator, fiscal_year, month, saved.value, saved.numerator,
                                          saved.denominator, policy)
            if indicator.captured_by_state:
                row.states = [StateCell(row, s, by_state[(indicator.pk, month)].get(s.pk)) for s in states]
            rows.append(row)
    rows.sort(key=lambda r: level_rank(r.indicator.objective.level))  # stable: clave, id, month stay in order
    return rows


# --- Reading and saving the grid form ---------------------------------------------------------


def _version(raw):
    return parse_int((raw or "").strip(), minimum=0) or 0


def _parse_numbers(posted, names, errors, error_key=None):
    numbers = {}
    for name in names:
        try:
            numbers[name] = parse_number(posted.get(name, ""), NUMBER_LABELS[name])
        except ValueError as exc:
            errors.setdefault(error_key or name, []).append(str(exc))
    return numbers


def _number_names(row):
    return ("numerator", "denominator") if row.relative else ("value",)


def read_changes(rows, data, files):
    """Keep what was posted for each row and return the rows whose numbers, texts, entidades or
    evidence differ from what is stored (only those are saved)."""
    changed = []
    for row in rows:
        # A row posted while editable goes to the services even if it no longer is (sent or
        # approved meanwhile, window closed): they refuse it with the reason, nothing is lost silently.
        if f"{row.prefix}-version" not in data:
            continue
        names = TEXT_FIELDS if row.by_state else (*_number_names(row), *TEXT_FIELDS)
        row.posted = {name: data.get(f"{row.prefix}-{name}", "") for name in names}
        row.posted["version"] = _version(data.get(f"{row.prefix}-version"))
        differs = bool(files.get(f"{row.prefix}-evidence"))
        differs |= any(row.posted[n].strip() != (_shown(row.progress, n) or "").strip() for n in TEXT_FIELDS)
        if not row.by_state:
            differs |= _numbers_differ(row.posted, _number_names(row), row.progress)
        for cell in row.states:
            if f"{cell.prefix}-version" not in data:
                continue
            cell.posted = {name: data.get(f"{cell.prefix}-{name}", "") for name in _number_names(row)}
            cell.posted["version"] = _version(data.get(f"{cell.prefix}-version"))
            cell.changed = _numbers_differ(cell.posted, _number_names(row), cell.progress)
            differs |= cell.changed
        if differs:
            changed.append(row)
        else:
            row.posted = {}
            for cell in row.states:
                cell.posted = {}
    return changed


def _numbers_differ(posted, names, progress):
    for name in names:
        try:
            number = parse_number(posted.get(name, ""), NUMBER_LABELS[name])
        except ValueError:
            return True  # unreadable text is a change: it is reported beside the row
        stored = getattr(progress, name, None) if progress else None
        if number != stored:
            return True
    return False


def save_row(user, row, fiscal_year, evidence=None):
    """Save one changed row through the capture services; problems stay on the row. True if saved."""
    texts = {name: row.posted[name].strip() for name in TEXT_FIELDS}
    numbers = {}
    if not row.by_state:
        numbers = _parse_numbers(row.posted, _number_names(row), row.errors)
        if (row.relative and row.progress and row.progress.numerator is None
                and numbers.get("numerator") is None and numbers.get("denominator") is None):
            numbers["value"] = row.progress.value  # an imported value without its ratio survives text edits
    states = {}
    for cell in row.states:
        if cell.changed:
            values = _parse_numbers(cell.posted, _number_names(row), row.errors, f"e{cell.state.pk}")
            states[cell.state] = (values, cell.posted["version"])
    if row.errors:
        return False
    try:
        # Value, entidades and evidence stand or fall together; a rollback also removes the stored file.
        with atomic_with_files():
            if row.by_state:
                progress = save_state_rows(user, row.indicator, fiscal_year, row.month, states, **texts,
                                           expected_version=row.posted["version"])
            else:
                progress = save_progress(user, row.indicator, fiscal_year, row.month, **numbers, **texts,
                                         expected_version=row.posted["version"])
            if evidence:
                attach_evidence(user, progress, evidence)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(row, exc)
    return True


def send_row(user, row, fiscal_year):
    """Send one row's stored avance to review; the problem, if any, stays on the row."""
    try:
        if row.progress is None:
            raise ValidationError(_("Capture el avance antes de enviarlo."))
        with transaction.atomic():
            check_capture_window(user, row.indicator, fiscal_year, row.month)
            transition(user, row.progress, Action.ENVIAR)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(row, exc)
    return True


def _refused(row, exc):
    """A refusal of the services stays beside its row (False: the row was not written)."""
    if isinstance(exc, PermissionDenied):
        row.errors = {"__all__": [str(exc)]}
    elif hasattr(exc, "error_dict") and not isinstance(exc, ConcurrentEdit):
        row.errors = exc.message_dict
    else:
        row.errors = {"__all__": exc.messages}
    return False


def parse_number(raw, label):
    """A number as people type it in Mexico (rules.parse_value): 1,955.5 or 1955.5; None if empty.
    The reason for a refusal names the field and quotes what was typed."""
    try:
        return rules.parse_value(raw)
    except ValueError as exc:
        # The reason comes from rules (shared with the import), so it is the same in both.
        raise ValueError(_("%(campo)s: «%(texto)s» %(problema)s.")
                         % {"campo": label, "texto": raw.strip(), "problema": exc}) from None
