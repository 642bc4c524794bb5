"""Long jobs with progress: started by a service, run by a Celery task, polled by the page."""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance.engine import compute_year
from indicators.scope import indicators_for
from interchange.exports import render_export
from jobs.models import Job
from programs.models import Program
from programs.roles import is_administrator


def _set(job, **fields):
    Job.objects.filter(pk=job.pk).update(**fields)


def run(job_id):
    """Run a job, keeping its progress and outcome up to date (idempotent: a rerun redoes it)."""
    job = Job.objects.get(pk=job_id)
    _set(job, status=Job.Status.EN_CURSO, progress=0)
    try:
        message = RUNNERS[job.kind](job)
    except Exception as exc:
        _set(job, status=Job.Status.ERROR, message=_("Error: %(error)s") % {"error": exc}, finished_at=timezone.now())
        raise
    _set(job, status=Job.Status.TERMINADO, progress=100, finished_at=timezone.now(), message=message)


def _recompute(job):
    def progress(done, total):
        _set(job, progress=int(done * 100 / total) if total else 100)

    written = compute_year(job.params["ejercicio"], job.params["trimestres"], on_progress=progress)
    return _("Resultados calculados — %(resumen)s.") % {"resumen": ", ".join(f"T{q}: {n}" for q, n in written.items())}


def _export(job):
    params = job.params
    programs = Program.objects.filter(pk__in=params["programas"]) if params["programas"] else None
    _set(job, progress=10)
    export = render_export(params["ejercicio"], params["formato"], params["trimestre"], programs,
                           params["solo_aprobados"], indicators=indicators_for(job.created_by))
    _set(job, progress=90)
    # The file appears under the job only once it is complete.
    job.file.save(export.filename, ContentFile(export.data), save=True)
    summary = ngettext("%(n)d indicador exportado.", "%(n)d indicadores exportados.", export.rows) % {"n": export.rows}
    return "\n".join([summary, *export.warnings])


RUNNERS = {Job.Kind.RECALCULO: _recompute, Job.Kind.EXPORTACION: _export}


def clean_expired_exports(now=None):
    """Delete export files older than SIMIR_EXPORT_RETENTION_DAYS (the job row stays, without file)."""
    limit = (now or timezone.now()) - timedelta(days=settings.SIMIR_EXPORT_RETENTION_DAYS)
    removed = 0
    for job in Job.objects.filter(kind=Job.Kind.EXPORTACION, finished_at__lt=limit).exclude(file=""):
        job.file.delete(save=False)
        _set(job, file="", message=job.message + "\n" + _("Archivo eliminado por antigüedad."))
        removed += 1
    return removed


def get_job_for_user(user, pk):
    jobs = Job.objects.all() if is_administrator(user) else Job.objects.filter(created_by=user)
    return get_object_or_404(jobs, pk=pk)
