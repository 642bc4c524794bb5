"""Celery tasks of the jobs: they take ids, and are safe to run twice."""

from celery import shared_task

from common.queueing import send_after_commit
from jobs import runner
from jobs.models import Job


@shared_task(soft_time_limit=1800 * 4, time_limit=1900 * 4, acks_late=True)
def run_job(job_id):
    runner.run(job_id)
    return job_id


@shared_task(soft_time_limit=600, time_limit=660)
def clean_expired_exports():
    """Daily: export files are kept SIMIR_EXPORT_RETENTION_DAYS days."""
    return runner.clean_expired_exports()


def schedule_job(job_id):
    send_after_commit(run_job, job_id, on_failure=lambda: Job.objects.filter(pk=job_id).update(
        status=Job.Status.ERROR, message="No se pudo iniciar: el servicio de tareas no responde; intente más tarde."))
