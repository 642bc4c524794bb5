"""The meta vigente of many periods at once, from plain values (two queries, no model instances).
Target.current_value gives the same for one target; both decide it with rules.meta_vigente."""

from collections import defaultdict

from indicators import rules
from indicators.choices import AdjustmentStatus
from indicators.models import Target, TargetAdjustment


def metas_vigentes(periods):
    """{(indicator id, ejercicio, month): meta vigente} for the given periods that have a meta."""
    periods = set(periods)
    if not periods:
        return {}
    targets = {
        pk: (key, value)
        for pk, *key, value in Target.objects.filter(
            indicator_id__in={p[0] for p in periods}, fiscal_year__in={p[1] for p in periods},
            month__in={p[2] for p in periods},
        ).order_by().values_list("pk", "indicator_id", "fiscal_year", "month", "value")
        if tuple(key) in periods
    }
    approved = defaultdict(list)
    for target_id, pk, value, decided_at in TargetAdjustment.objects.filter(
        target_id__in=list(targets), status=AdjustmentStatus.APROBADO,
    ).order_by().values_list("target_id", "pk", "value", "decided_at"):
        approved[target_id].append((decided_at, pk, value))
    return {tuple(key): rules.meta_vigente(value, approved[pk])[0] for pk, (key, value) in targets.items()}
