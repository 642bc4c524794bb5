"""Celery tasks: they take ids and plain values, and are idempotent (recomputing gives the same rows)."""
import logging

from celery import shared_task

from common.queueing import RETRY, send_after_commit, send_batch_after_commit
from compliance import engine
from compliance.models import PendingRecompute

logger = logging.getLogger(__name__)



@shared_task(**RETRY, soft_time_limit=1800, time_limit=1900, acks_late=True)
def recompute_quarter(fiscal_year, quarter):
    return engine.compute_quarter(fiscal_year, quarter)


@shared_task(**RETRY, soft_time_limit=1800 * 4, time_limit=1900 * 4, acks_late=True)
def recompute_year(fiscal_year):
    return engine.compute_year(fiscal_year)


@shared_task(**RETRY, soft_time_limit=600, time_limit=650, acks_late=True)
def recompute_indicators(indicator_ids):
    """The indicators one transaction changed, recomputed together (aggregates by difference)."""
    engine.compute_indicators(indicator_ids)
    return indicator_ids


@shared_task(soft_time_limit=1800 * 4, time_limit=1900 * 4)
def recompute_open_quarters():
    """Nightly: recompute every quarter whose capture is still open or closed within the last
    quarter, so pendiente turns into sin reporte when a window closes."""
    done = []
    for fiscal_year, quarter in engine.open_quarters():
        recompute_quarter.delay(fiscal_year, quarter)
        done.append([fiscal_year, quarter])
    return done


@shared_task(soft_time_limit=1800 * 4, time_limit=1900 * 4)
def sweep_pending_recomputes():
    """Every few minutes: run the recomputes that could not be queued while the broker was down."""
    done = 0
    for marker in PendingRecompute.objects.order_by("pk"):
        if marker.indicator_id:
            engine.compute_indicator(marker.indicator_id)
        else:
            engine.compute_year(marker.fiscal_year)
        marker.delete()
        done += 1
    return done


def schedule_indicator_recompute(indicator_id):
    send_batch_after_commit(recompute_indicators, indicator_id, on_failure=lambda ids: (
        PendingRecompute.objects.bulk_create([PendingRecompute(indicator_id=pk) for pk in ids])))


def schedule_year_recompute(fiscal_year):
    send_after_commit(recompute_year, fiscal_year,
                      on_failure=lambda: PendingRecompute.objects.create(fiscal_year=fiscal_year))


def schedule_quarter_recompute(fiscal_year, quarter, eta=None):
    send_after_commit(recompute_quarter, fiscal_year, quarter, eta=eta,
                      on_failure=lambda: PendingRecompute.objects.create(fiscal_year=fiscal_year))
