"""Celery tasks: they take ids and plain values, and are idempotent (recomputing gives the same rows)."""

from celery import shared_task

from . import compliance, jobs, notifications

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY, soft_time_limit=1800, time_limit=1900, acks_late=True)
def recompute_quarter(fiscal_year, quarter):
    return compliance.compute_quarter(fiscal_year, quarter)


@shared_task(**RETRY, soft_time_limit=1800 * 4, time_limit=1900 * 4, acks_late=True)
def recompute_year(fiscal_year):
    return compliance.compute_year(fiscal_year)


@shared_task(**RETRY, soft_time_limit=120, time_limit=150, acks_late=True)
def recompute_indicator(indicator_id):
    compliance.compute_indicator(indicator_id)
    return indicator_id


@shared_task(soft_time_limit=1800 * 4, time_limit=1900 * 4)
def recompute_open_quarters():
    """Nightly: recompute every quarter whose capture is still open or closed within the last
    quarter, so pendiente turns into sin reporte when a window closes."""
    done = []
    for fiscal_year, quarter in compliance.open_quarters():
        recompute_quarter.delay(fiscal_year, quarter)
        done.append([fiscal_year, quarter])
    return done


@shared_task(**RETRY, soft_time_limit=60, time_limit=90)
def notify_transition(transition_id):
    return notifications.transition_notice(transition_id)


@shared_task(**RETRY, soft_time_limit=60, time_limit=90)
def notify_quarter_submitted(program_id, fiscal_year, quarter):
    return notifications.quarter_submitted_notice(program_id, fiscal_year, quarter)


@shared_task(soft_time_limit=600, time_limit=660)
def send_window_reminders():
    """Daily: remind URs with pending avances SIMIR_REMINDER_DAYS days before a window closes."""
    return notifications.window_reminders()


@shared_task(soft_time_limit=1800 * 4, time_limit=1900 * 4, acks_late=True)
def run_job(job_id):
    jobs.run(job_id)
    return job_id


@shared_task(soft_time_limit=600, time_limit=660)
def clean_expired_exports():
    """Daily: export files are kept SIMIR_EXPORT_RETENTION_DAYS days."""
    return jobs.clean_expired_exports()
