"""Uploading the avances template through the web: the file is kept with a job that runs twice in
the background (jobs/runner.py): first its dry run, which waits for the author, then, once the author
confirms, the same saves for real."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from indicators import rules
from jobs.models import Job
from jobs.runner import CONFIRMATION, SIMULATION
from jobs.tasks import schedule_job
from programs.roles import can_capture

SUFFIXES = (".csv", ".xlsx")


def start_upload(user, uploaded, fiscal_year, quarter):
    """Keep the file with a new job, which first works out what the upload would write (its dry run)."""
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
    job = Job(kind=Job.Kind.CARGA, created_by=user,
              params={"ejercicio": fiscal_year, "trimestre": quarter, "nombre": uploaded.name[:200],
                      "etapa": SIMULATION})
    job.upload.save(uploaded.name, uploaded, save=False)
    job.save()
    schedule_job(job.pk)
    return job


def confirm_upload(user, job):
    """Write the upload's valid rows in the background, as its author (who alone may confirm it)."""
    if job.created_by_id != user.pk:
        raise PermissionDenied(_("Solo quien cargó el archivo puede confirmarlo."))
    if job.params.get("etapa") == SIMULATION and job.status != Job.Status.POR_CONFIRMAR:
        raise ValidationError(_("La simulación todavía no termina: espere a que la página muestre su resultado."))
    simulation = job.params.get("simulacion", {})
    if job.params.get("etapa") == SIMULATION and not (simulation.get("creados") or simulation.get("actualizados")):
        raise ValidationError(_("La simulación no encontró avances que guardar: corrija el archivo y cárguelo "
                                "de nuevo."))
    confirmed = Job.objects.filter(pk=job.pk, status=Job.Status.POR_CONFIRMAR).update(
        status=Job.Status.PENDIENTE, progress=0, params={**job.params, "etapa": CONFIRMATION})
    if not confirmed:
        raise ValidationError(_("Esta carga ya se confirmó."))
    schedule_job(job.pk)
