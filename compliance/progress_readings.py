"""The semáforo reading of an avance as the review screens show it, and the stored readings that
let the queue filter by semáforo in SQL.

`readings_for` is shared by the queue, its filter and the review page so that the three always
agree. Every reading comes from the same rules: a stored quarterly result computed from this very
avance, or else the meta vigente (`indicators.metas`) and `reporting.readings.outcome_against`, the
rules of the capture screen and the submission check. Every recompute of an indicator stores the
latter as a `ProgressReading` for each of its avances waiting for review."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q

from common.bulk_insert import insert_rows
from compliance.models import ProgressReading, QuarterResult
from indicators.metas import metas_vigentes
from indicators.models import FiscalYearPolicy
from reporting.choices import ProgressStatus
from reporting.models import Progress
from reporting.readings import outcome_against

# What a reading reads of an avance and its indicator: nothing else is loaded.
READ_FIELDS = ["fiscal_year", "month", "value", "state", "indicator__indicator_type", "indicator__direction",
               "indicator__threshold_green_yellow", "indicator__threshold_yellow_red"]
STORE_CHUNK = 2000
COLUMNS = ["progress_id", "value", "meta", "compliance", "semaforo", "computed_at"]


@dataclass(frozen=True)
class Reading:
    """How an avance scores against its period's meta vigente; all None when there is no meta."""

    meta: Decimal | None = None
    compliance: Decimal | None = None
    semaforo: str | None = None


def own_result(light=None):
    """A condition on avances: a stored quarterly result was computed from them (same month, the
    national figure) and, with `light`, gives that semáforo ("" is no meta)."""
    results = QuarterResult.objects.filter(progress=OuterRef("pk"), month=OuterRef("month"))
    return Exists(results if light is None else results.filter(semaforo=light))


def kept_reading(light=None):
    """A condition on avances: their stored reading was read with the value they have now (and, with
    `light`, gives that semáforo; "" is no meta). A join on the avance's row, not a subquery."""
    kept = Q(stored_reading__value=F("value"))
    return kept if light is None else kept & Q(stored_reading__semaforo=light)


def readings_for(progress_list):
    """{avance pk: Reading} in a constant number of queries, whatever the number of avances: its
    stored reading for its current value, else its own quarterly result, else computed."""
    progress_list = list(progress_list)
    if not progress_list:
        return {}
    pks = [p.pk for p in progress_list]
    results = {
        result.progress_id: result
        for result in QuarterResult.objects.filter(progress__in=pks).only(
            "progress_id", "month", "meta", "compliance", "semaforo")
    }
    kept = {reading.progress_id: reading for reading in ProgressReading.objects.filter(progress__in=pks)}
    readings, pending = {}, []
    for progress in progress_list:
        result, reading = results.get(progress.pk), kept.get(progress.pk)
        if reading is not None and progress.value is not None and reading.value == progress.value:
            readings[progress.pk] = Reading(reading.meta, reading.compliance, reading.semaforo or None)
        elif result is not None and result.month == progress.month:
            readings[progress.pk] = Reading(result.meta, result.compliance, result.semaforo or None)
        else:
            pending.append(progress)
    readings.update(computed_readings(pending))
    return readings


def computed_readings(progress_list):
    """{avance pk: Reading} from the rules, the metas of every period in two queries (what
    `reporting.readings.preview` would read one avance at a time)."""
    if not progress_list:
        return {}
    metas = metas_vigentes((p.indicator_id, p.fiscal_year, p.month) for p in progress_list)
    policies = {
        policy.fiscal_year: policy
        for policy in FiscalYearPolicy.objects.filter(fiscal_year__in={p.fiscal_year for p in progress_list})
    }
    readings = {}
    for progress in progress_list:
        policy = policies.get(progress.fiscal_year) or FiscalYearPolicy(fiscal_year=progress.fiscal_year)
        meta = metas.get((progress.indicator_id, progress.fiscal_year, progress.month))
        outcome = outcome_against(progress.indicator, progress.fiscal_year, meta, progress.value, policy)
        readings[progress.pk] = Reading(meta, outcome.cumplimiento, outcome.semaforo)
    return readings


def store_readings(fiscal_year, indicator_ids, computed_at):
    """Replace the stored readings of the ejercicio's avances (or only those of `indicator_ids`):
    one for each avance waiting for review. Called by the recompute, so a meta, ficha or policy
    change that recomputes refreshes them; an avance saved since reads as before until its own
    recompute. The rules give an avance a quarterly result was computed from the same semáforo."""
    stored = ProgressReading.objects.filter(progress__fiscal_year=fiscal_year)
    waiting = Progress.objects.filter(fiscal_year=fiscal_year, status=ProgressStatus.ENVIADO, value__isnull=False)
    if indicator_ids is not None:
        stored = stored.filter(progress__indicator_id__in=indicator_ids)
        waiting = waiting.filter(indicator_id__in=indicator_ids)
    stored.delete()
    waiting = waiting.select_related("indicator").only(*READ_FIELDS).order_by()
    chunk = []
    for progress in waiting.iterator(chunk_size=STORE_CHUNK):
        chunk.append(progress)
        if len(chunk) == STORE_CHUNK:
            _write(chunk, computed_at)
            chunk = []
    _write(chunk, computed_at)


def _write(chunk, computed_at):
    readings = computed_readings(chunk)
    insert_rows(ProgressReading, COLUMNS, [
        (p.pk, p.value, reading.meta, reading.compliance, reading.semaforo or "", computed_at)
        for p in chunk for reading in [readings[p.pk]]
    ])
