"""The rules that decide a commitment's % done, with the words that explain it (docs/seguimiento.md).

Three rules, chosen per commitment: the share of sub-items resolved, the weighted mean of the
sub-items' % (a resolved one counts 100), or a % reported directly with its evidence. Every % has
2 decimals, rounded half-up, as the cumplimiento of docs/reglas.md (indicators/rules.py)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from common.numbers import number
from followup.choices import ItemState, Rule, Standing
from indicators import rules

HUNDRED = Decimal(100)


@dataclass
class ItemLine:
    """A sub-item as it stood at the quarter, and what it adds to the %."""

    number: int
    text: str
    state: str
    percent: Decimal | None = None  # its own % (weighted rule)
    weight: Decimal | None = None
    contribution: Decimal | None = None  # points of the commitment's % (weighted rule)
    source: str = ""  # «estado inicial» or the report that set it


@dataclass
class Explanation:
    rule: str
    percent: Decimal | None
    summary: str
    lines: list = field(default_factory=list)
    source: str = ""


def _pct(value):
    return f"{number(value)} %"


def share_of_resolved(lines):
    """resolved / sub-items × 100."""
    resolved = sum(1 for line in lines if line.state == ItemState.RESUELTO)
    percent = rules.percentage(resolved, len(lines))
    if percent is None:
        return Explanation(Rule.SHARE, None, _("Sin sub-elementos: no hay de qué calcular el avance."), lines)
    summary = _("%(resueltos)s de %(total)s sub-elementos resueltos = %(pct)s") % {
        "resueltos": resolved, "total": len(lines), "pct": _pct(percent)}
    return Explanation(Rule.SHARE, percent, summary, lines)


def weighted_mean(lines):
    """Σ (weight × %) / Σ weight, a resolved sub-item at 100 % and one without % at 0 %; a sub-item
    without weight weighs 1."""
    if not lines:
        return Explanation(Rule.WEIGHTED, None, _("Sin sub-elementos: no hay de qué calcular el avance."), lines)
    weights = [line.weight if line.weight is not None else Decimal(1) for line in lines]
    total_weight = sum(weights)
    if not total_weight:
        return Explanation(Rule.WEIGHTED, None, _("Los pesos suman 0: no hay de qué calcular el avance."), lines)
    points = Decimal(0)
    for line, weight in zip(lines, weights):
        own = HUNDRED if line.state == ItemState.RESUELTO else (line.percent or Decimal(0))
        line.percent, line.weight = own, weight
        line.contribution = (weight * own / total_weight).quantize(rules.COMPLIANCE_PLACES, rounding=ROUND_HALF_UP)
        points += weight * own
    percent = (points / total_weight).quantize(rules.COMPLIANCE_PLACES, rounding=ROUND_HALF_UP)
    summary = _("Σ (peso × %%) / Σ pesos = %(puntos)s / %(pesos)s = %(pct)s") % {
        "puntos": number(points), "pesos": number(total_weight), "pct": _pct(percent)}
    return Explanation(Rule.WEIGHTED, percent, summary, lines)


def reported(percent, source, lines=()):
    """A % reported directly: it is what its source says; the sub-items, if any, are listed only."""
    lines = list(lines)
    if percent is None:
        return Explanation(Rule.REPORTED, None, _("Sin % reportado a este trimestre."), lines, source)
    summary = _("Reportado: %(pct)s") % {"pct": _pct(percent)}
    if lines:
        resolved = sum(1 for line in lines if line.state == ItemState.RESUELTO)
        summary += " " + _("(informativo: %(resueltos)s de %(total)s sub-elementos resueltos)") % {
            "resueltos": resolved, "total": len(lines)}
    return Explanation(Rule.REPORTED, percent, summary, lines, source)


def standing(percent, due_date, on):
    """Concluido at 100 %, vencido past its due date (after the day itself), else sin avance / en proceso."""
    if percent is None:
        return Standing.SIN_DATO
    if percent >= HUNDRED:
        return Standing.CONCLUIDO
    if due_date is not None and due_date < on:
        return Standing.VENCIDO
    return Standing.SIN_AVANCE if percent == 0 else Standing.EN_PROCESO


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(fiscal_year, quarter):
    """The last day of a quarter."""
    month = 3 * quarter
    return date(fiscal_year, month, 31 if month in (3, 12) else 30)
