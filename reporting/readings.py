"""The meta vigente, cumplimiento and semáforo one avance would get, before it is stored or sent."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from common.numbers import plain_number
from indicators import rules
from indicators.choices import AdjustmentStatus, IndicatorType
from indicators.models import FiscalYearPolicy


def preview(indicator, fiscal_year, month, value, policy=None):
    """(meta vigente, outcome) an avance would get for a period, before it is saved or sent.
    Uses prefetched targets (with their adjustments) when the caller loaded them."""
    target = _target(indicator, fiscal_year, month)
    meta = target.current_value if target else None
    return meta, outcome_against(indicator, fiscal_year, meta, value, policy)


def _target(indicator, fiscal_year, month):
    """The period's meta, from prefetched targets (with their adjustments) when the caller loaded them."""
    return next((t for t in indicator.targets.all() if t.fiscal_year == fiscal_year and t.month == month), None)


def avance_semaforo(indicator, fiscal_year, month, value):
    """The semáforo an avance would get against the period's meta vigente (None without meta)."""
    return preview(indicator, fiscal_year, month, value)[1].semaforo


def outcome_against(indicator, fiscal_year, meta, value, policy=None):
    """The outcome an avance gets against a given meta (e.g. a requested adjustment, before it is
    decided), with the same rules as `preview`."""
    policy = policy or FiscalYearPolicy.for_year(fiscal_year)
    limits = rules.thresholds(
        indicator.indicator_type, indicator.threshold_green_yellow, indicator.threshold_yellow_red,
        policy.default_thresholds,
    )
    return rules.quarter_outcome(meta, meta is not None, True, value, indicator.direction, limits, True,
                                 policy.descending_ratio)


@dataclass(frozen=True)
class Explanation:
    """Why an avance gets its semáforo, with its own numbers (the «¿por qué este semáforo?»)."""

    meta: Decimal | None
    meta_source: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    factor: Decimal
    formula: str
    substituted: str
    cumplimiento: Decimal | None
    deviation: Decimal | None
    thresholds: tuple
    thresholds_source: str
    semaforo: str | None


def explain(indicator, fiscal_year, month, value, numerator=None, denominator=None, policy=None):
    """The explanation of one avance against the period's meta vigente. The review page and the
    indicator page call this too, so every screen tells the same story."""
    policy = policy or FiscalYearPolicy.for_year(fiscal_year)
    target = _target(indicator, fiscal_year, month)
    meta, meta_source = None, _("sin meta programada para el periodo")
    if target:
        adjustment = target.current_adjustment()
        meta = adjustment.value if adjustment else target.value
        if adjustment:
            meta_source = _("versión %(version)s: ajuste aprobado (%(tipo)s, %(fecha)s)") % {
                "version": _version(target, adjustment), "tipo": adjustment.get_adjustment_type_display(),
                "fecha": date_format(localtime(adjustment.decided_at), "SHORT_DATE_FORMAT")}
        else:
            meta_source = _("versión 1: meta programada")
    own = indicator.threshold_green_yellow is not None and indicator.threshold_yellow_red is not None
    limits = rules.thresholds(indicator.indicator_type, indicator.threshold_green_yellow,
                              indicator.threshold_yellow_red, policy.default_thresholds)
    if own:
        limits_source = _("ficha del indicador")
    elif policy.pk:
        limits_source = _("política del ejercicio %(year)s (%(tipo)s)") % {
            "year": fiscal_year, "tipo": indicator.indicator_type or IndicatorType.GESTION}
    else:
        limits_source = _("valores por omisión del ejercicio (%(tipo)s)") % {
            "tipo": indicator.indicator_type or IndicatorType.GESTION}
    outcome = outcome_against(indicator, fiscal_year, meta, value, policy)
    c = outcome.cumplimiento if value is not None else None
    text = rules.formula(indicator.direction, policy.descending_ratio, meta, value)
    return Explanation(
        meta=meta, meta_source=meta_source, value=value, numerator=numerator, denominator=denominator,
        factor=indicator.effective_factor, formula=text, substituted=_substitute(text, meta, value),
        cumplimiento=c, deviation=abs(c - rules.HUNDRED) if c is not None else None, thresholds=limits,
        thresholds_source=limits_source, semaforo=outcome.semaforo if value is not None or numerator is not None else None,
    )


def _version(target, adjustment):
    """The meta's version number: 1 is the programmed meta, then one per approved adjustment in decision order."""
    approved = sorted((a.decided_at, a.pk) for a in target.adjustments.all() if a.status == AdjustmentStatus.APROBADO)
    return 2 + approved.index((adjustment.decided_at, adjustment.pk))


def _substitute(text, meta, value):
    """The formula with M and A replaced by the row's numbers (empty when one is missing)."""
    if meta is None or value is None:
        return ""
    if meta == 0:
        return f"M = 0, A = {plain_number(value)}"
    body = text.split(" (nunca")[0]
    return re.sub(r"\b([AM])\b", lambda m: plain_number(value if m.group(1) == "A" else meta), body)
