"""Computing and storing quarterly results and aggregates (docs/reglas.md), set-based.

Every number comes from `rules`; this module only fetches the inputs in bulk, applies the rules
and writes the outcome in bulk. The Celery tasks and `compute_compliance` call these functions.
A result that cannot be computed is stored as a ResultFailure with its reason; the others are
computed and stored all the same."""
import logging
from collections import defaultdict
from itertools import islice

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.numbers import plain_number, two_decimals
from compliance import aggregates
from compliance.bulk_write import result_writer
from compliance.models import QuarterAggregate, QuarterResult, ResultFailure
from compliance.progress_readings import store_readings
from indicators import rules
from indicators.choices import AdjustmentStatus, Frequency
from indicators.models import FiscalYearPolicy, Indicator, Target, TargetAdjustment
from programs.models import Matrix
from reporting.choices import ProgressStatus
from reporting.models import Progress
from reporting.windows import WindowCalendar

logger = logging.getLogger(__name__)
CHUNK = 2000
QUARTER = 2  # position of the quarter in a result row (bulk_write.COLUMNS)
REPORTED = (ProgressStatus.ENVIADO, ProgressStatus.APROBADO)


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
        aggregates.lock_ejercicio(fiscal_year, exclusive=indicator_ids is None)
        if indicator_ids is not None:
            # Recomputes of one indicator wait for each other, so each sees the results the other wrote.
            list(Indicator.objects.filter(pk__in=indicator_ids).order_by("pk").select_for_update().values_list("pk"))
            before = aggregates.results_of(fiscal_year, quarters, indicator_ids)
        write = result_writer(fiscal_year, quarters, indicator_ids)
        while chunk := list(islice(rows, CHUNK)):
            results = _chunk_results(chunk, context, failures)
            write(results)
            for result in results:
                written[result[QUARTER]] += 1
            done += len(chunk)
            if on_progress:
                on_progress(done, total)
        # A result this run did not write belongs to a period (or indicator) that no longer exists.
        stale = QuarterResult.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters)
        if indicator_ids is not None:
            stale = stale.filter(indicator_id__in=indicator_ids)
        stale.exclude(computed_at=computed_at).delete()
        _store_failures(fiscal_year, quarters, indicator_ids, failures)
        store_readings(fiscal_year, indicator_ids, computed_at)
        if indicator_ids is None:
            aggregates.store_all(fiscal_year, quarters, computed_at)
        else:
            after = aggregates.results_of(fiscal_year, quarters, indicator_ids)
            aggregates.apply_difference(fiscal_year, before, after, computed_at)
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
        self.period_month = {(f.value, q): rules.quarter_period_month(f, q) for f in Frequency for q in quarters}
        self.default_thresholds = policy.default_thresholds
        self._deadlines = {}

    def deadline(self, quarter, unit, program):
        key = (quarter, unit, program)
        if key not in self._deadlines:
            self._deadlines[key] = self.calendar.deadline(quarter, unit, program)
        return self._deadlines[key]


def _chunk_results(chunk, context, failures):
    """The result rows of a chunk of indicators; each one that cannot be computed goes to `failures`.
    The reads drop the models' Meta.ordering, which joined indicator, matrix and objective to sort."""
    fiscal_year = context.fiscal_year
    # The chunk's ids are consecutive in pk order: a range reads them without a 2,000-item IN list
    # (rows of other indicators in the range are read and ignored).
    first, last = chunk[0][0], chunk[-1][0]
    targets = {
        (indicator_id, month): (pk, value)
        for pk, indicator_id, month, value in Target.objects.filter(
            indicator_id__gte=first, indicator_id__lte=last, fiscal_year=fiscal_year, month__in=context.months
        ).order_by().values_list("pk", "indicator_id", "month", "value")
    }
    adjustments = defaultdict(list)
    for target_id, pk, value, decided_at in TargetAdjustment.objects.filter(
        target__indicator_id__gte=first, target__indicator_id__lte=last, target__fiscal_year=fiscal_year,
        target__month__in=context.months, status=AdjustmentStatus.APROBADO,
    ).order_by().values_list("target_id", "pk", "value", "decided_at"):
        adjustments[target_id].append((decided_at, pk, value))
    progress = {
        (indicator_id, month): (pk, value, status, submitted_at)
        for pk, indicator_id, month, value, status, submitted_at in Progress.objects.filter(
            indicator_id__gte=first, indicator_id__lte=last, fiscal_year=fiscal_year, month__in=context.months,
            state__isnull=True, status__in=REPORTED,
        ).order_by().values_list("pk", "indicator_id", "month", "value", "status", "submitted_at")
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
    month = context.period_month[frequency, quarter]
    if month is None:
        return None
    limits = rules.thresholds(indicator_type, green_yellow, yellow_red, context.default_thresholds)
    target = targets.get((pk, month))
    meta, adjustment_id = rules.meta_vigente(target[1], adjustments[target[0]]) if target else (None, None)
    if not rules.measured_in_year(frequency, meta is not None):
        return None
    avance = progress.get((pk, month))
    # Values stored before the bound existed may be outside it: that result fails, the others do not.
    _within_bound("La meta vigente", month, meta)
    _within_bound("El avance", month, avance[1] if avance else None)
    deadline = context.deadline(quarter, unit, program)
    outcome = rules.quarter_outcome(
        meta, meta is not None, avance is not None, avance[1] if avance else None, direction, limits,
        context.as_of < deadline, context.policy.descending_ratio,
    )
    submitted_at = avance[3] if avance else None
    # In bulk_write.COLUMNS order.
    return (
        pk, context.fiscal_year, quarter, program, unit, level, month, meta, adjustment_id,
        avance[1] if avance else None, avance[0] if avance else None, outcome.cumplimiento, outcome.semaforo or "",
        outcome.estado, limits[0], limits[1], avance is not None, bool(avance and avance[2] == ProgressStatus.APROBADO),
        None if submitted_at is None else submitted_at < deadline, context.computed_at,
    )


def _store_failures(fiscal_year, quarters, indicator_ids, failures):
    """Replace the failures of what was recomputed: a result computed now clears its old failure."""
    stored = ResultFailure.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters)
    if indicator_ids is not None:
        stored = stored.filter(indicator_id__in=indicator_ids)
    stored.delete()
    ResultFailure.objects.bulk_create(failures, batch_size=CHUNK)


def compute_year(fiscal_year, quarters=rules.QUARTERS, as_of=None, on_progress=None):
    return compute_quarters(fiscal_year, quarters, as_of, on_progress=on_progress)


def compute_indicator(indicator_id, as_of=None):
    """Incremental recompute after an avance or meta of one indicator changed."""
    compute_indicators([indicator_id], as_of)


def compute_indicators(indicator_ids, as_of=None):
    """Incremental recompute of the indicators that changed, one pass per ejercicio; ids of
    indicators deleted since are ignored."""
    by_year = defaultdict(list)
    for pk, fiscal_year in Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "fiscal_year"):
        by_year[fiscal_year].append(pk)
    for fiscal_year, ids in sorted(by_year.items()):
        compute_quarters(fiscal_year, rules.QUARTERS, as_of, indicator_ids=ids)


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
