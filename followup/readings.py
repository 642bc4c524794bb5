"""A commitment's % done and its explanation at a quarter, read from what was loaded and what the
approved reports say up to that quarter (a report approved later still counts for its own quarter)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.ids import MAX_YEAR, parse_int
from followup import rules
from followup.choices import Rule
from followup.models import ItemUpdate, Report
from reporting.choices import ProgressStatus


def _up_to(fiscal_year, quarter, prefix=""):
    return Q(**{f"{prefix}fiscal_year__lt": fiscal_year}) | Q(**{f"{prefix}fiscal_year": fiscal_year,
                                                                 f"{prefix}quarter__lte": quarter})


def item_lines(commitment, fiscal_year, quarter):
    """Each sub-item's state at the quarter: the latest approved report's, else the initial one."""
    latest = {}
    updates = (ItemUpdate.objects.filter(report__commitment=commitment, report__status=ProgressStatus.APROBADO)
               .filter(_up_to(fiscal_year, quarter, "report__")).select_related("report")
               .order_by("report__fiscal_year", "report__quarter"))
    for update in updates:
        latest[update.item_id] = update
    lines = []
    for item in commitment.items.all():
        update = latest.get(item.pk)
        if update:
            source = _("reporte T%(t)s-%(e)s") % {"t": update.report.quarter, "e": update.report.fiscal_year}
            lines.append(rules.ItemLine(item.number, item.text, update.state, update.percent, item.weight,
                                        source=source))
        else:
            lines.append(rules.ItemLine(item.number, item.text, item.state, item.percent, item.weight,
                                        source=_("estado inicial")))
    return lines


def _reported(commitment, fiscal_year, quarter):
    """The latest of the approved reports' % and the loaded one (its source says where it was printed)."""
    report = (Report.objects.filter(commitment=commitment, status=ProgressStatus.APROBADO,
                                    reported_percent__isnull=False)
              .filter(_up_to(fiscal_year, quarter)).order_by("-fiscal_year", "-quarter").first())
    baseline = rules.quarter_of(commitment.baseline_on) if commitment.baseline_on else None
    if baseline and baseline <= (fiscal_year, quarter) and (
            report is None or baseline > (report.fiscal_year, report.quarter)):
        return commitment.baseline_percent, commitment.baseline_source
    if report is None:
        return None, ""
    files = ", ".join(e.description or e.file.name.rsplit("/", 1)[-1] for e in report.evidence.all())
    source = _("Reporte T%(t)s-%(e)s aprobado") % {"t": report.quarter, "e": report.fiscal_year}
    return report.reported_percent, f"{source}; {_('evidencia')}: {files}" if files else source


def explain(commitment, fiscal_year, quarter):
    lines = item_lines(commitment, fiscal_year, quarter)
    if commitment.rule == Rule.SHARE:
        return rules.share_of_resolved(lines)
    if commitment.rule == Rule.WEIGHTED:
        return rules.weighted_mean(lines)
    percent, source = _reported(commitment, fiscal_year, quarter)
    return rules.reported(percent, source, lines)


def current_quarter():
    return rules.quarter_of(timezone.localdate())


def standing_at(commitment, explanation, fiscal_year, quarter):
    """The situation at the end of the quarter, or today for the quarter under way."""
    on = min(rules.quarter_end(fiscal_year, quarter), timezone.localdate())
    return rules.standing(explanation.percent, commitment.due_date, on)


def parse_quarter(raw, default):
    """«2024-3» → (2024, 3); anything else → `default`."""
    year, _sep, quarter = (raw or "").partition("-")
    year, quarter = parse_int(year, maximum=MAX_YEAR), parse_int(quarter, maximum=4)
    return (year, quarter) if year and quarter else default
