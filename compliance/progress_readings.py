"""The semáforo reading of an avance as the review screens show it, and the stored readings that
let the queue filter by semáforo in SQL.

`readings_for` is shared by the queue, its filter and the review page so that the three always
agree. Every reading comes from the same rules: a stored quarterly result computed from this very
avance, or else the meta vigente (`indicators.metas`) and `reporting.readings.outcome_against`, the
rules of the capture screen and the submission check. The second kind is stored as a
`ProgressReading` for each avance waiting for review by every recompute of its indicator."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from compliance.bulk_write import insert_rows
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


def own_result():
    """The stored quarterly result computed from the outer avance (same month, the national figure)."""
    return QuarterResult.objects.filter(progress=OuterRef("pk"), month=OuterRef("month"))


def kept_reading():
    """The stored reading of the outer avance, if it was read with the value the avance has now."""
    return ProgressReading.objects.filter(progress=OuterRef("pk"), value=OuterRef("value"))


def readings_for(progress_list):
    """{avance pk: Reading} in a constant number of queries, whatever the number of avances: the
    avance's own quarterly result, else its stored reading for its current value, else computed."""
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
        if result is not None and result.month == progress.month:
            readings[progress.pk] = Reading(result.meta, result.compliance, result.semaforo or None)
        elif reading is not None and progress.value is not None and reading.value == progress.value:
            readings[progress.pk] = Reading(reading.meta, reading.compliance, reading.semaforo or None)
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
    one for each avance waiting for review that no quarterly result was computed from. Called by
    the recompute after its results are written, so a meta, ficha or policy change that recomputes
    refreshes them; an avance saved since reads live until its own recompute."""
    stored = ProgressReading.objects.filter(progress__fiscal_year=fiscal_year)
    waiting = Progress.objects.filter(fiscal_year=fiscal_year, status=ProgressStatus.ENVIADO, value__isnull=False)
    if indicator_ids is not None:
        stored = stored.filter(progress__indicator_id__in=indicator_ids)
        waiting = waiting.filter(indicator_id__in=indicator_ids)
    stored.delete()
    waiting = waiting.filter(~Exists(own_result())).select_related("indicator").only(*READ_FIELDS).order_by()
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
