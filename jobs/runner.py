"""Long jobs with progress: started by a service, run by a Celery task, polled by the page."""

import logging
import shutil
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance.engine import compute_year
from compliance.models import ResultFailure
from indicators.scope import indicators_for
from interchange.exports import render_export, summarize_warnings
from interchange.upload import apply_upload
from jobs.models import Job
from programs.models import Program
from programs.roles import is_administrator

logger = logging.getLogger(__name__)
FAILURES_LISTED = 20  # the rest are on each indicator's page


def _set(job, **fields):
    Job.objects.filter(pk=job.pk).update(**fields)


def run(job_id):
    """Run a job, keeping its progress and outcome up to date (idempotent: a rerun redoes it)."""
    job = Job.objects.get(pk=job_id)
    _set(job, status=Job.Status.EN_CURSO, progress=0)
    try:
        message = RUNNERS[job.kind](job)
    except Exception as exc:
        logger.exception("Falló el trabajo %s (%s)", job.pk, job.kind)
        _set(job, status=Job.Status.ERROR, message=_("Error: %(error)s") % {"error": _readable(exc)},
             finished_at=timezone.now())
        raise
    if isinstance(message, AwaitsConfirmation):
        _set(job, status=Job.Status.POR_CONFIRMAR, progress=100, message=message)
        return
    _set(job, status=Job.Status.TERMINADO, progress=100, finished_at=timezone.now(), message=message)


class AwaitsConfirmation(str):
    """A runner's message when its job stops until its author confirms it (an upload's dry run)."""


def _readable(exc):
    """What the job page says about a failure: never the database's own text (the log keeps it)."""
    if isinstance(exc, DatabaseError):
        return _("la base de datos no aceptó lo calculado y no se guardó nada de este trabajo (lo guardado antes "
                 "sigue igual). El detalle técnico quedó en el registro del servidor.")
    if isinstance(exc, ArithmeticError) or not str(exc).strip():
        return _("falló un cálculo (%(tipo)s) y no se guardó nada de este trabajo. El detalle técnico quedó en "
                 "el registro del servidor.") % {"tipo": type(exc).__name__}
    return str(exc)


def _recompute(job):
    def progress(done, total):
        _set(job, progress=int(done * 100 / total) if total else 100)

    fiscal_year, quarters = job.params["ejercicio"], job.params["trimestres"]
    written = compute_year(fiscal_year, quarters, on_progress=progress)
    lines = [_("Resultados calculados — %(resumen)s.") % {"resumen": ", ".join(f"T{q}: {n}" for q, n in written.items())}]
    failures = ResultFailure.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters).select_related(
        "indicator").order_by("quarter", "indicator__external_id")
    count = failures.count()
    if count:
        lines.append(ngettext(
            "%(n)d resultado no se pudo calcular y no cuenta en ningún agregado; su motivo está en la ficha del indicador:",
            "%(n)d resultados no se pudieron calcular y no cuentan en ningún agregado; el motivo de cada uno está "
            "en la ficha de su indicador:", count) % {"n": count})
        lines += [f"{f.indicator.external_id} T{f.quarter}: {f.reason}" for f in failures[:FAILURES_LISTED]]
        if count > FAILURES_LISTED:
            lines.append(_("… y %(n)d más.") % {"n": count - FAILURES_LISTED})
    return "\n".join(lines)


def _export(job):
    params = job.params
    programs = Program.objects.filter(pk__in=params["programas"]) if params["programas"] else None

    def progress(done, total):
        _set(job, progress=10 + done * 80 // total)

    _set(job, progress=10)
    with tempfile.TemporaryFile() as stream:
        export = render_export(params["ejercicio"], params["formato"], stream, params["trimestre"], programs,
                               params["solo_aprobados"], indicators=indicators_for(job.created_by),
                               on_progress=progress, with_sources=params.get("con_fuentes", False))
        _set(job, progress=90)
        # The file appears under the job only once it is complete. Only that column is written: saving
        # the whole row would put back the progress it was read with.
        job.file.save(export.filename, File(stream, name=export.filename), save=False)
        _set(job, file=job.file.name)
    summary = ngettext("%(n)d indicador exportado.", "%(n)d indicadores exportados.", export.rows) % {"n": export.rows}
    if export.warnings:
        # The message shows counts and examples; the whole list (tens of thousands for the APF) is logged.
        logger.info("Avisos de la exportación %s:\n%s", job.pk, "\n".join(export.warnings))
    return "\n".join([summary, export.summary, *summarize_warnings(export.warnings)])


@contextmanager
def local_copy(field_file):
    """The stored file as a local path with its suffix (the reader needs both; storage may be remote)."""
    with tempfile.NamedTemporaryFile(suffix=Path(field_file.name).suffix.lower()) as copy:
        with field_file.open("rb") as stored:
            shutil.copyfileobj(stored, copy)
        copy.flush()
        yield copy.name


SIMULATION, CONFIRMATION = "simulacion", "confirmacion"  # the two runs of an upload job


def _upload(job):
    def progress(done, total):
        _set(job, progress=int(done * 99 / total) if total else 99)

    dry_run = job.params["etapa"] == SIMULATION
    with local_copy(job.upload) as path:
        report = apply_upload(path, job.created_by, job.params["ejercicio"], job.params["trimestre"],
                              dry_run=dry_run, on_progress=progress)
    outcome = report.as_params()
    _set(job, params={**job.params, "simulacion" if dry_run else "resultado": outcome})
    summary = "\n".join(upload_summary(outcome))
    return AwaitsConfirmation(summary) if dry_run else summary


def upload_summary(outcome):
    """The lines that tell what an upload wrote (or, for its dry run, would write)."""
    lines = [_("Avances: %(creados)d creados, %(actualizados)d actualizados, %(sin)d sin cambios; "
               "%(filas)d filas leídas.") % {"creados": outcome["creados"], "actualizados": outcome["actualizados"],
                                             "sin": outcome["sin cambios"], "filas": outcome["filas"]}]
    if outcome["errores"]:
        lines.append(ngettext("%(n)d error (sus filas no se guardaron):", "%(n)d errores (sus filas no se guardaron):",
                              len(outcome["errores"]) + outcome["errores_no_listados"])
                     % {"n": len(outcome["errores"]) + outcome["errores_no_listados"]})
        lines += outcome["errores"]
        if outcome["errores_no_listados"]:
            lines.append(_("… y %(n)d más.") % {"n": outcome["errores_no_listados"]})
    return lines


RUNNERS = {Job.Kind.RECALCULO: _recompute, Job.Kind.EXPORTACION: _export, Job.Kind.CARGA: _upload}


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
