"""Long jobs with progress: started by a service, run by a Celery task, polled by the page."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from .compliance import compute_year
from .models import Job
from .roles import is_administrator


def run(job_id):
    """Run a job, keeping its progress and outcome up to date (idempotent: a rerun recomputes)."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.EN_CURSO, progress=0)

    def progress(done, total):
        Job.objects.filter(pk=job.pk).update(progress=int(done * 100 / total) if total else 100)

    try:
        written = compute_year(job.params["ejercicio"], job.params["trimestres"], on_progress=progress)
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.ERROR, message=str(exc), finished_at=timezone.now())
        raise
    summary = ", ".join(f"T{q}: {n}" for q, n in written.items())
    Job.objects.filter(pk=job.pk).update(status=Job.Status.TERMINADO, progress=100, finished_at=timezone.now(),
                                         message=f"Resultados calculados — {summary}.")


def get_job_for_user(user, pk):
    jobs = Job.objects.all() if is_administrator(user) else Job.objects.filter(created_by=user)
    return get_object_or_404(jobs, pk=pk)
