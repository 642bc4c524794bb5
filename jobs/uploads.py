"""Uploading the avances template through the web: the file is kept with a job, its dry run is shown
at once, and the author's confirmation runs the same saves in the background (jobs/runner.py)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from indicators import rules
from interchange.upload import apply_upload
from jobs.models import Job
from jobs.runner import local_copy
from jobs.tasks import schedule_job
from programs.roles import can_capture

SUFFIXES = (".csv", ".xlsx")


def start_upload(user, uploaded, fiscal_year, quarter):
    """Keep the file with a new job awaiting confirmation, with the dry run of what it would write."""
    if not can_capture(user):
        raise PermissionDenied(_("Su rol no permite capturar avances."))
    if quarter not in rules.QUARTERS:
        raise ValidationError({"trimestre": _("El trimestre va de 1 a 4.")})
    if uploaded is None:
        raise ValidationError({"archivo": _("Elija el archivo que va a cargar.")})
    if Path(uploaded.name).suffix.lower() not in SUFFIXES:
        raise ValidationError({"archivo": _("Formato no admitido «%(nombre)s»: use la plantilla en .csv o .xlsx.")
                               % {"nombre": uploaded.name}})
    limit = settings.SIMIR_UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError({"archivo": _(
            "El archivo pesa %(peso)s KB; por la web se admiten hasta %(limite)s KB. Divida la carga por "
            "programa (la plantilla se descarga por programa).") % {"peso": f"{uploaded.size // 1024:,}",
                                                                     "limite": f"{limit // 1024:,}"}})
    job = Job(kind=Job.Kind.CARGA, created_by=user, status=Job.Status.POR_CONFIRMAR,
              params={"ejercicio": fiscal_year, "trimestre": quarter, "nombre": uploaded.name[:200]})
    job.upload.save(uploaded.name, uploaded, save=False)
    job.save()
    with local_copy(job.upload) as path:
        job.params["simulacion"] = apply_upload(path, user, fiscal_year, quarter, dry_run=True).as_params()
    Job.objects.filter(pk=job.pk).update(params=job.params)
    return job


def confirm_upload(user, job):
    """Write the upload's valid rows in the background, as its author (who alone may confirm it)."""
    if job.created_by_id != user.pk:
        raise PermissionDenied(_("Solo quien cargó el archivo puede confirmarlo."))
    simulation = job.params.get("simulacion", {})
    if not (simulation.get("creados") or simulation.get("actualizados")):
        raise ValidationError(_("La simulación no encontró avances que guardar: corrija el archivo y cárguelo "
                                "de nuevo."))
    if not Job.objects.filter(pk=job.pk, status=Job.Status.POR_CONFIRMAR).update(status=Job.Status.PENDIENTE):
        raise ValidationError(_("Esta carga ya se confirmó."))
    schedule_job(job.pk)
