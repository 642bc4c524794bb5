"""Celery tasks: they take ids and plain values, and are idempotent (recomputing gives the same rows)."""

import logging

from celery import shared_task
from django.db import transaction

from . import compliance, jobs, notifications
from .models import Job, PendingRecompute

logger = logging.getLogger(__name__)

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


@shared_task(soft_time_limit=1800 * 4, time_limit=1900 * 4)
def sweep_pending_recomputes():
    """Every few minutes: run the recomputes that could not be queued while the broker was down."""
    done = 0
    for marker in PendingRecompute.objects.order_by("pk"):
        if marker.indicator_id:
            compliance.compute_indicator(marker.indicator_id)
        else:
            compliance.compute_year(marker.fiscal_year)
        marker.delete()
        done += 1
    return done


# --- Queuing after commit, without losing work when the broker is down ----------------------


def send_after_commit(task, *args, on_failure=None, **options):
    """Queue `task` once the transaction commits. If the broker does not answer, the caller's
    request still succeeds: `on_failure` keeps a trace of the work (for recomputes, a marker the
    sweep picks up) and the failure is logged."""

    def send():
        try:
            task.apply_async(args, **options)
        except Exception as exc:  # the change is committed: no failure to queue may turn it into a 500
            if task.app.conf.task_always_eager:
                raise  # no broker: the task ran here, and the error is the task's own
            logger.warning("No se pudo encolar %s%s: %s", task.name, args, exc)
            if on_failure:
                on_failure()

    transaction.on_commit(send)


def send_notice_after_commit(task, *args):
    """Notices are e-mails, which do not need the broker: when it is down, this process sends them."""

    def send_here():
        try:
            task(*args)
        except Exception:
            logger.exception("No se pudo enviar el aviso %s%s", task.name, args)

    send_after_commit(task, *args, on_failure=send_here)


def schedule_indicator_recompute(indicator_id):
    send_after_commit(recompute_indicator, indicator_id,
                      on_failure=lambda: PendingRecompute.objects.create(indicator_id=indicator_id))


def schedule_year_recompute(fiscal_year):
    send_after_commit(recompute_year, fiscal_year,
                      on_failure=lambda: PendingRecompute.objects.create(fiscal_year=fiscal_year))


def schedule_quarter_recompute(fiscal_year, quarter, eta=None):
    send_after_commit(recompute_quarter, fiscal_year, quarter, eta=eta,
                      on_failure=lambda: PendingRecompute.objects.create(fiscal_year=fiscal_year))


def schedule_job(job_id):
    send_after_commit(run_job, job_id, on_failure=lambda: Job.objects.filter(pk=job_id).update(
        status=Job.Status.ERROR, message="No se pudo iniciar: el servicio de tareas no responde; intente más tarde."))
