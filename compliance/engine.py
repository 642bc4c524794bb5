"""Computing and storing quarterly results and aggregates (docs/reglas.md), set-based.

Every number comes from `rules`; this module only fetches the inputs in bulk, applies the rules
and writes the outcome in bulk. The Celery tasks and `compute_compliance` call these functions.
A result that cannot be computed is stored as a ResultFailure with its reason; the others are
computed and stored all the same."""
import logging
from collections import defaultdict
from itertools import islice

from django.db import transaction
from django.db.models import Count, DecimalField, F, Q, Sum
from django.db.models.functions import Cast, Round
from django.utils import timezone

from common.numbers import plain_number, two_decimals
from compliance.models import QuarterAggregate, QuarterResult, ResultFailure
from indicators import rules
from indicators.choices import AdjustmentStatus
from indicators.models import FiscalYearPolicy, Indicator, Target, TargetAdjustment
from programs.models import Matrix
from reporting.choices import ProgressStatus
from reporting.models import Progress
from reporting.windows import WindowCalendar

logger = logging.getLogger(__name__)
CHUNK = 2000
REPORTED = (ProgressStatus.ENVIADO, ProgressStatus.APROBADO)
RESULT_FIELDS = ["program", "responsible_unit", "level", "month", "meta", "adjustment", "avance", "progress", "compliance", "semaforo", "status",
                 "green_yellow", "yellow_red", "reported", "approved", "on_time", "computed_at"]


def sed_indicators(fiscal_year):
    """The indicators the SED reports for an ejercicio: those of MIR and FID matrices."""
    return Indicator.objects.filter(fiscal_year=fiscal_year, matrix__kind__in=[Matrix.Kind.MIR, Matrix.Kind.FID])


def compute_quarters(fiscal_year, quarters=rules.QUARTERS, as_of=None, indicator_ids=None, on_progress=None):
    """Recompute the stored results of the given quarters (all SED indicators, or only
    `indicator_ids`) and the aggregates they belong to, in one pass. Idempotent.
    `as_of` is the moment the capture windows are judged at; `on_progress(done, total)` is called
    after each chunk of indicators. Returns {quarter: results written}."""
    quarters = list(quarters)
    computed_at = timezone.now()
    as_of = as_of or computed_at
    policy = FiscalYearPolicy.for_year(fiscal_year)
    indicators = sed_indicators(fiscal_year).order_by("pk")
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=indicator_ids)
    rows = indicators.values_list(
        "pk", "frequency", "direction", "indicator_type", "threshold_green_yellow", "threshold_yellow_red",
        "matrix__program", "responsible_unit", "objective__level",
    ).iterator(chunk_size=CHUNK)
    context = _Context(fiscal_year, quarters, policy, as_of, computed_at, WindowCalendar(fiscal_year, quarters))
    written = dict.fromkeys(quarters, 0)
    total = indicators.count() if on_progress else 0
    done = 0
    failures = []
    with transaction.atomic():
        while chunk := list(islice(rows, CHUNK)):
            results = _chunk_results(chunk, context, failures)
            QuarterResult.objects.bulk_create(
                results, batch_size=CHUNK, update_conflicts=True,
                unique_fields=["indicator", "fiscal_year", "quarter"], update_fields=RESULT_FIELDS,
            )
            for result in results:
                written[result.quarter] += 1
            done += len(chunk)
            if on_progress:
                on_progress(done, total)
        # A result this run did not write belongs to a period (or indicator) that no longer exists.
        stale = QuarterResult.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters)
        if indicator_ids is not None:
            stale = stale.filter(indicator_id__in=indicator_ids)
        stale.exclude(computed_at=computed_at).delete()
        _store_failures(fiscal_year, quarters, indicator_ids, failures)
        _store_aggregates(fiscal_year, quarters, computed_at, indicator_ids)
    return written


def compute_quarter(fiscal_year, quarter, as_of=None, indicator_ids=None):
    return compute_quarters(fiscal_year, [quarter], as_of, indicator_ids)[quarter]


class _Context:
    def __init__(self, fiscal_year, quarters, policy, as_of, computed_at, calendar):
        self.fiscal_year = fiscal_year
        self.quarters = quarters
        self.policy = policy
        self.as_of = as_of
        self.computed_at = computed_at
        self.calendar = calendar
        self.months = [m for q in quarters for m in rules.quarter_months(q)]


def _chunk_results(chunk, context, failures):
    """The results of a chunk of indicators; each one that cannot be computed goes to `failures`."""
    fiscal_year = context.fiscal_year
    ids = [row[0] for row in chunk]
    targets = {
        (indicator_id, month): (pk, value)
        for pk, indicator_id, month, value in Target.objects.filter(
            indicator_id__in=ids, fiscal_year=fiscal_year, month__in=context.months
        ).values_list("pk", "indicator_id", "month", "value")
    }
    adjustments = defaultdict(list)
    for target_id, pk, value, decided_at in TargetAdjustment.objects.filter(
        target__indicator_id__in=ids, target__fiscal_year=fiscal_year, target__month__in=context.months,
        status=AdjustmentStatus.APROBADO,
    ).values_list("target_id", "pk", "value", "decided_at"):
        adjustments[target_id].append((decided_at, pk, value))
    progress = {
        (indicator_id, month): (pk, value, status, submitted_at)
        for pk, indicator_id, month, value, status, submitted_at in Progress.objects.filter(
            indicator_id__in=ids, fiscal_year=fiscal_year, month__in=context.months, state__isnull=True,
            status__in=REPORTED,
        ).values_list("pk", "indicator_id", "month", "value", "status", "submitted_at")
    }
    results = []
    for row in chunk:
        for quarter in context.quarters:
            try:
                result = _result(row, quarter, context, targets, adjustments, progress)
            except Exception as exc:  # one indicator's problem never stops the others
                failures.append(ResultFailure(indicator_id=row[0], fiscal_year=fiscal_year, quarter=quarter,
                                              reason=_reason(exc, row[0], quarter), computed_at=context.computed_at))
            else:
                if result is not None:
                    results.append(result)
    return results


class ResultFailed(Exception):
    """A result that cannot be computed; the text is the reason, in Spanish."""


def _within_bound(what, month, value):
    problem = rules.number_problem(value) if value is not None else None
    if problem:
        raise ResultFailed(f"{what} del mes {month} es {rules.show(value)}, que {problem}; corrija el valor "
                           "para calcular el resultado.")


def _reason(exc, indicator_id, quarter):
    if isinstance(exc, ResultFailed):
        return str(exc)
    logger.exception("No se pudo calcular el resultado T%s del indicador %s", quarter, indicator_id)
    return (f"Error inesperado al calcular el resultado ({type(exc).__name__}); el detalle quedó en el "
            "registro del servidor.")


def _result(row, quarter, context, targets, adjustments, progress):
    """One indicator's result in one quarter, or None when it has no period (or no meta) in it."""
    pk, frequency, direction, indicator_type, green_yellow, yellow_red, program, unit, level = row
    month = rules.quarter_period_month(frequency, quarter)
    if month is None:
        return None
    limits = rules.thresholds(indicator_type, green_yellow, yellow_red, context.policy.default_thresholds)
    target = targets.get((pk, month))
    meta, adjustment_id = rules.meta_vigente(target[1], adjustments[target[0]]) if target else (None, None)
    if not rules.measured_in_year(frequency, meta is not None):
        return None
    avance = progress.get((pk, month))
    # Values stored before the bound existed may be outside it: that result fails, the others do not.
    _within_bound("La meta vigente", month, meta)
    _within_bound("El avance", month, avance[1] if avance else None)
    deadline = context.calendar.deadline(quarter, unit, program)
    outcome = rules.quarter_outcome(
        meta, meta is not None, avance is not None, avance[1] if avance else None, direction, limits,
        context.as_of < deadline, context.policy.descending_ratio,
    )
    submitted_at = avance[3] if avance else None
    return QuarterResult(
        indicator_id=pk, fiscal_year=context.fiscal_year, quarter=quarter, program_id=program,
        responsible_unit_id=unit, level=level, month=month, meta=meta, adjustment_id=adjustment_id,
        avance=avance[1] if avance else None, progress_id=avance[0] if avance else None,
        compliance=outcome.cumplimiento, semaforo=outcome.semaforo or "", status=outcome.estado,
        green_yellow=limits[0], yellow_red=limits[1], reported=avance is not None,
        approved=bool(avance and avance[2] == ProgressStatus.APROBADO),
        on_time=None if submitted_at is None else submitted_at < deadline,
        computed_at=context.computed_at,
    )


def _store_failures(fiscal_year, quarters, indicator_ids, failures):
    """Replace the failures of what was recomputed: a result computed now clears its old failure."""
    stored = ResultFailure.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters)
    if indicator_ids is not None:
        stored = stored.filter(indicator_id__in=indicator_ids)
    stored.delete()
    ResultFailure.objects.bulk_create(failures, batch_size=CHUNK)


class ExactSum(Sum):
    """SUM, exact on PostgreSQL's numeric. SQLite's SUM of integers raises on overflow, so there it
    is TOTAL (floating point, like SQLite's decimals: exact while the total stays under 2^53)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sqlite(compiler, connection, function="TOTAL", **extra_context)


GROUPS = {
    QuarterAggregate.Scope.PROGRAMA: "program_id",
    QuarterAggregate.Scope.UR: "responsible_unit_id",
    QuarterAggregate.Scope.NIVEL: "level",
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
    # Whole hundredths keep the sum exact: on PostgreSQL at any size, and on SQLite (whose decimals
    # are floating point) while it stays under 2^53. An integer cast overflowed with one extreme c.
    "n_compliance_hundredths": ExactSum(Cast(Round(F("compliance") * 100), DecimalField(
        max_digits=rules.COMPLIANCE_SUM_MAX_DIGITS, decimal_places=0))),
    "n_submitted": Count("pk", filter=WITH_META & Q(reported=True, on_time__isnull=False)),
    "n_on_time": Count("pk", filter=WITH_META & Q(reported=True, on_time=True)),
}
COUNTERS = [name[2:] for name in COUNTS]
TOTALS = {f"n_{name}": ExactSum(name) if name == "compliance_hundredths" else Sum(name) for name in COUNTERS}


def _store_aggregates(fiscal_year, quarters, computed_at, indicator_ids=None):
    """Recompute the aggregates of the quarters: one grouped query per scope (with `indicator_ids`,
    only the groups those indicators belong to); the total is the sum of the nivel rows."""
    results = QuarterResult.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters)
    stored = QuarterAggregate.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters)
    touched = None
    if indicator_ids is not None:
        columns = list(zip(*sed_indicators(fiscal_year).filter(pk__in=indicator_ids).values_list(
            "matrix__program", "responsible_unit", "objective__level"
        ))) or [(), (), ()]
        touched = dict(zip(GROUPS.values(), columns))
    replaced = Q(scope=QuarterAggregate.Scope.TOTAL)
    aggregates = []
    for scope, group in GROUPS.items():
        query = results
        if touched is None:
            replaced |= Q(scope=scope)
        else:
            query = query.filter(**{f"{group}__in": touched[group]})
            replaced |= Q(scope=scope, **{f"{group}__in": touched[group]})
        rows = query.values("quarter", group).annotate(**COUNTS).order_by("quarter", group)
        aggregates.extend(_aggregate(fiscal_year, scope, {group: row[group]}, row, computed_at) for row in rows)
    stored.filter(replaced).delete()
    QuarterAggregate.objects.bulk_create(aggregates, batch_size=CHUNK)
    totals = stored.filter(scope=QuarterAggregate.Scope.NIVEL).values("quarter").annotate(**TOTALS).order_by("quarter")
    QuarterAggregate.objects.bulk_create(
        _aggregate(fiscal_year, QuarterAggregate.Scope.TOTAL, {}, row, computed_at) for row in totals
    )


def _aggregate(fiscal_year, scope, key, row, computed_at):
    counters = {name: row[f"n_{name}"] or 0 for name in COUNTERS}
    return QuarterAggregate(
        fiscal_year=fiscal_year, quarter=row["quarter"], scope=scope, computed_at=computed_at, **key, **counters,
        mean_compliance=rules.mean_of_hundredths(counters["compliance_hundredths"], counters["with_compliance"]),
        completeness=rules.percentage(counters["reported"], counters["with_meta"]),
        timeliness=rules.percentage(counters["on_time"], counters["submitted"]),
    )


def compute_year(fiscal_year, quarters=rules.QUARTERS, as_of=None, on_progress=None):
    return compute_quarters(fiscal_year, quarters, as_of, on_progress=on_progress)


def compute_indicator(indicator_id, as_of=None):
    """Incremental recompute after an avance or meta of one indicator changed."""
    fiscal_year = Indicator.objects.values_list("fiscal_year", flat=True).get(pk=indicator_id)
    compute_quarters(fiscal_year, rules.QUARTERS, as_of, indicator_ids=[indicator_id])


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
            "meta": plain_number(r.meta), "avance": plain_number(r.avance), "cumplimiento": two_decimals(r.compliance),
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
            "cumplimiento_promedio": two_decimals(a.mean_compliance), "completitud": two_decimals(a.completeness),
            "oportunidad": two_decimals(a.timeliness),
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
