"""Computing and storing quarterly results and aggregates (DESIGN.md §3), set-based.

Every number comes from `rules`; this module only fetches the inputs in bulk, applies the rules
and writes the outcome in bulk. The Celery tasks and `compute_compliance` call these functions."""

from collections import defaultdict
from itertools import islice

from django.db import transaction
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Cast, Round
from django.utils import timezone

from programs.models import Matrix

from . import rules
from .choices import AdjustmentStatus, ProgressStatus
from .models import (
    FiscalYearPolicy,
    Indicator,
    Progress,
    QuarterAggregate,
    QuarterResult,
    Target,
    TargetAdjustment,
)

CHUNK = 2000
REPORTED = (ProgressStatus.ENVIADO, ProgressStatus.APROBADO)
RESULT_FIELDS = ["month", "meta", "adjustment", "avance", "progress", "compliance", "semaforo", "status",
                 "green_yellow", "yellow_red", "reported", "approved", "on_time", "computed_at"]


def sed_indicators(fiscal_year):
    """The indicators the SED reports for an ejercicio: those of MIR and FID matrices."""
    return Indicator.objects.filter(fiscal_year=fiscal_year, matrix__kind__in=[Matrix.Kind.MIR, Matrix.Kind.FID])


def compute_quarter(fiscal_year, quarter, as_of=None, indicator_ids=None):
    """Recompute the stored results of a quarter (all SED indicators, or only `indicator_ids`)
    and the aggregates they belong to. Idempotent. Returns the number of results written."""
    as_of = as_of or timezone.now()
    policy = FiscalYearPolicy.for_year(fiscal_year)
    window_open = as_of < rules.quarter_close(fiscal_year, quarter)
    indicators = sed_indicators(fiscal_year).order_by("pk")
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=indicator_ids)
    rows = indicators.values_list(
        "pk", "frequency", "direction", "indicator_type", "threshold_green_yellow", "threshold_yellow_red"
    ).iterator(chunk_size=CHUNK)
    written = 0
    with transaction.atomic():
        kept = []
        while chunk := list(islice(rows, CHUNK)):
            results = _chunk_results(chunk, fiscal_year, quarter, policy, window_open, as_of)
            QuarterResult.objects.bulk_create(
                results, batch_size=CHUNK, update_conflicts=True,
                unique_fields=["indicator", "fiscal_year", "quarter"], update_fields=RESULT_FIELDS,
            )
            kept.extend(r.indicator_id for r in results)
            written += len(results)
        # An indicator that no longer has a period in the quarter loses its old result.
        stale = QuarterResult.objects.filter(fiscal_year=fiscal_year, quarter=quarter, indicator__in=indicators)
        stale.exclude(indicator_id__in=kept).delete()
        _store_aggregates(fiscal_year, quarter, as_of, indicator_ids)
    return written


def _chunk_results(chunk, fiscal_year, quarter, policy, window_open, as_of):
    months = rules.quarter_months(quarter)
    ids = [row[0] for row in chunk]
    targets = {
        (indicator_id, month): (pk, value)
        for pk, indicator_id, month, value in Target.objects.filter(
            indicator_id__in=ids, fiscal_year=fiscal_year, month__in=months
        ).values_list("pk", "indicator_id", "month", "value")
    }
    adjustments = defaultdict(list)
    for target_id, pk, value, decided_at in TargetAdjustment.objects.filter(
        target_id__in=[pk for pk, _ in targets.values()], status=AdjustmentStatus.APROBADO
    ).values_list("target_id", "pk", "value", "decided_at"):
        adjustments[target_id].append((decided_at, pk, value))
    progress = {
        (indicator_id, month): (pk, value, status, submitted_at)
        for pk, indicator_id, month, value, status, submitted_at in Progress.objects.filter(
            indicator_id__in=ids, fiscal_year=fiscal_year, month__in=months, state__isnull=True, status__in=REPORTED
        ).values_list("pk", "indicator_id", "month", "value", "status", "submitted_at")
    }
    close = rules.quarter_close(fiscal_year, quarter)
    results = []
    for pk, frequency, direction, indicator_type, green_yellow, yellow_red in chunk:
        month = rules.quarter_period_month(frequency, quarter)
        if month is None:
            continue
        target = targets.get((pk, month))
        meta, adjustment_id = (None, None)
        if target:
            meta, adjustment_id = rules.meta_vigente(target[1], adjustments.get(target[0], []))
        if not rules.measured_in_year(frequency, meta is not None):
            continue
        limits = rules.thresholds(indicator_type, green_yellow, yellow_red, policy.default_thresholds)
        avance = progress.get((pk, month))
        outcome = rules.quarter_outcome(
            meta, meta is not None, avance is not None, avance[1] if avance else None, direction, limits,
            window_open, policy.descending_ratio,
        )
        submitted_at = avance[3] if avance else None
        results.append(QuarterResult(
            indicator_id=pk, fiscal_year=fiscal_year, quarter=quarter, month=month, meta=meta,
            adjustment_id=adjustment_id, avance=avance[1] if avance else None,
            progress_id=avance[0] if avance else None, compliance=outcome.cumplimiento,
            semaforo=outcome.semaforo or "", status=outcome.estado,
            green_yellow=limits[0], yellow_red=limits[1],
            reported=avance is not None, approved=bool(avance and avance[2] == ProgressStatus.APROBADO),
            on_time=None if submitted_at is None else submitted_at < close,
            computed_at=as_of,
        ))
    return results


GROUPS = {
    QuarterAggregate.Scope.TOTAL: None,
    QuarterAggregate.Scope.PROGRAMA: ("indicator__matrix__program", "program_id"),
    QuarterAggregate.Scope.UR: ("indicator__responsible_unit", "responsible_unit_id"),
    QuarterAggregate.Scope.NIVEL: ("indicator__objective__level", "level"),
}

WITH_META = ~Q(status=rules.Estado.SIN_META)
COUNTS = {  # prefixed: several names are also fields of QuarterResult
    "n_indicators": Count("pk"),
    "n_with_meta": Count("pk", filter=WITH_META),
    "n_reported": Count("pk", filter=WITH_META & Q(reported=True)),
    "n_approved": Count("pk", filter=WITH_META & Q(approved=True)),
    "n_verde": Count("pk", filter=Q(semaforo=rules.Semaforo.VERDE)),
    "n_amarillo": Count("pk", filter=Q(semaforo=rules.Semaforo.AMARILLO)),
    "n_rojo": Count("pk", filter=Q(semaforo=rules.Semaforo.ROJO)),
    "n_gris": Count("pk", filter=Q(semaforo=rules.Semaforo.GRIS)),
    "n_with_compliance": Count("compliance"),
    # Hundredths as integers keep the sum exact on SQLite, whose decimals are floating point.
    "n_compliance_hundredths": Sum(Cast(Round(F("compliance") * 100), IntegerField())),
    "n_submitted": Count("pk", filter=WITH_META & Q(reported=True, on_time__isnull=False)),
    "n_on_time_count": Count("pk", filter=WITH_META & Q(reported=True, on_time=True)),
}


def _store_aggregates(fiscal_year, quarter, as_of, indicator_ids=None):
    """Recompute the aggregates of a quarter with grouped queries; with `indicator_ids`, only the
    groups those indicators belong to (plus the total)."""
    results = QuarterResult.objects.filter(fiscal_year=fiscal_year, quarter=quarter)
    stored = QuarterAggregate.objects.filter(fiscal_year=fiscal_year, quarter=quarter)
    touched = None
    if indicator_ids is not None:
        touched = sed_indicators(fiscal_year).filter(pk__in=indicator_ids).values_list(
            "matrix__program", "responsible_unit", "objective__level"
        )
        touched = [set(column) for column in zip(*touched)] or [set(), set(), set()]
    aggregates = []
    for position, (scope, group) in enumerate(GROUPS.items()):
        scoped = stored.filter(scope=scope)
        if group is None:
            rows = [results.aggregate(**COUNTS)] if results.exists() else []
            keys = [{}]
        else:
            source, field = group
            query = results
            if touched is not None:
                query = query.filter(**{f"{source}__in": touched[position - 1]})
                scoped = scoped.filter(**{f"{field}__in": touched[position - 1]})
            rows = list(query.values(source).annotate(**COUNTS).order_by(source))
            keys = [{field: row.pop(source)} for row in rows]
        scoped.delete()
        for key, row in zip(keys, rows):
            aggregates.append(_aggregate(fiscal_year, quarter, scope, key, row, as_of))
    QuarterAggregate.objects.bulk_create(aggregates)


def _aggregate(fiscal_year, quarter, scope, key, row, as_of):
    return QuarterAggregate(
        fiscal_year=fiscal_year, quarter=quarter, scope=scope, computed_at=as_of, **key,
        indicators=row["n_indicators"], with_meta=row["n_with_meta"], reported=row["n_reported"],
        approved=row["n_approved"], verde=row["n_verde"], amarillo=row["n_amarillo"], rojo=row["n_rojo"], gris=row["n_gris"],
        mean_compliance=rules.mean_compliance(
            rules.Decimal(row["n_compliance_hundredths"] or 0) / 100, row["n_with_compliance"]
        ),
        completeness=rules.percentage(row["n_reported"], row["n_with_meta"]),
        timeliness=rules.percentage(row["n_on_time_count"], row["n_submitted"]),
    )


def compute_year(fiscal_year, quarters=rules.QUARTERS, as_of=None):
    return {quarter: compute_quarter(fiscal_year, quarter, as_of) for quarter in quarters}


def compute_indicator(indicator_id, as_of=None):
    """Incremental recompute after an avance or meta of one indicator changed."""
    fiscal_year = Indicator.objects.values_list("fiscal_year", flat=True).get(pk=indicator_id)
    for quarter in rules.QUARTERS:
        compute_quarter(fiscal_year, quarter, as_of, indicator_ids=[indicator_id])


# --- The stable JSON interface of `compute_compliance` (DESIGN.md §5) -------------------------


def _plain(value):
    """A stored value without trailing zeros ("80.918874", "100", "0")."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _two(value):
    return None if value is None else format(value, ".2f")


def results_payload(fiscal_year, quarters):
    results = (
        QuarterResult.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters)
        .select_related("indicator__matrix__program__ramo", "indicator__objective")
        .order_by("quarter", "indicator__matrix__program__ramo__clave", "indicator__matrix__program__modalidad",
                  "indicator__matrix__program__number", "indicator__external_id")
    )
    rows = [
        {
            "id_indicador": r.indicator.external_id, "ciclo": r.fiscal_year, "trimestre": r.quarter, "mes": r.month,
            "meta": _plain(r.meta), "avance": _plain(r.avance), "cumplimiento": _two(r.compliance),
            "semaforo": r.semaforo or None, "estado": r.status,
        }
        for r in results.iterator(chunk_size=CHUNK)
    ]
    aggregates = (
        QuarterAggregate.objects.filter(
            fiscal_year=fiscal_year, quarter__in=quarters,
            scope__in=[QuarterAggregate.Scope.PROGRAMA, QuarterAggregate.Scope.TOTAL],
        )
        .select_related("program__ramo")
        .order_by("quarter", F("program__ramo__clave").asc(nulls_last=True), "program__modalidad", "program__number")
    )
    summary = [
        {
            "ciclo": a.fiscal_year, "trimestre": a.quarter,
            "id_ramo": a.program.ramo.clave if a.program_id else None,
            "programa": a.program.clave if a.program_id else None,
            "indicadores": a.indicators, "con_meta": a.with_meta, "reportados": a.reported,
            "aprobados": a.approved, "verde": a.verde, "amarillo": a.amarillo, "rojo": a.rojo, "gris": a.gris,
            "cumplimiento_promedio": _two(a.mean_compliance), "completitud": _two(a.completeness),
            "oportunidad": _two(a.timeliness),
        }
        for a in aggregates
    ]
    return {"results": rows, "summary": summary}


def open_quarters(as_of=None):
    """Quarters of ejercicios with SED indicators whose default close is within the last 100 days
    or still ahead: those whose results can still change with time alone."""
    as_of = as_of or timezone.now()
    years = Indicator.objects.filter(matrix__kind__in=[Matrix.Kind.MIR, Matrix.Kind.FID]).values_list(
        "fiscal_year", flat=True
    ).distinct()
    return [
        (year, quarter)
        for year in sorted(years)
        for quarter in rules.QUARTERS
        if rules.quarter_close(year, quarter) > as_of - timezone.timedelta(days=100)
    ]



def avance_semaforo(indicator, fiscal_year, month, value):
    """The semáforo an avance would get against the period's meta vigente (None without meta)."""
    target = indicator.targets.filter(fiscal_year=fiscal_year, month=month).first()
    meta = target.current_value if target else None
    if meta is None:
        return None
    policy = FiscalYearPolicy.for_year(fiscal_year)
    limits = rules.thresholds(
        indicator.indicator_type, indicator.threshold_green_yellow, indicator.threshold_yellow_red,
        policy.default_thresholds,
    )
    return rules.quarter_outcome(meta, True, True, value, indicator.direction, limits, True, policy.descending_ratio).semaforo
