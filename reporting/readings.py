"""The meta vigente, cumplimiento and semáforo one avance would get, before it is stored or sent."""

from indicators import rules
from indicators.models import FiscalYearPolicy


def preview(indicator, fiscal_year, month, value, policy=None):
    """(meta vigente, outcome) an avance would get for a period, before it is saved or sent.
    Uses prefetched targets (with their adjustments) when the caller loaded them."""
    target = next((t for t in indicator.targets.all() if t.fiscal_year == fiscal_year and t.month == month), None)
    meta = target.current_value if target else None
    policy = policy or FiscalYearPolicy.for_year(fiscal_year)
    limits = rules.thresholds(
        indicator.indicator_type, indicator.threshold_green_yellow, indicator.threshold_yellow_red,
        policy.default_thresholds,
    )
    outcome = rules.quarter_outcome(meta, meta is not None, True, value, indicator.direction, limits, True,
                                    policy.descending_ratio)
    return meta, outcome


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
