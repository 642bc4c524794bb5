"""Starting background jobs on behalf of a user; they run in jobs/runner.py through jobs/tasks.py."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from indicators import rules
from interchange.exports import FORMATS
from jobs.models import Job
from jobs.tasks import schedule_job
from programs.roles import can_review


def start_recompute(user, fiscal_year, quarters=rules.QUARTERS):
    """A coordinator's recompute of an ejercicio as a job whose progress the page shows."""
    if not can_review(user):
        raise PermissionDenied(_("Solo la coordinación recalcula el cumplimiento."))
    job = Job.objects.create(kind=Job.Kind.RECALCULO, created_by=user,
                             params={"ejercicio": fiscal_year, "trimestres": list(quarters)})
    schedule_job(job.pk)
    return job


def start_export(user, fiscal_year, output_format, quarter=None, programs=(), only_approved=False,
                 with_sources=False):
    """An export of the user's scope as a background job; the file appears when it is complete.
    `with_sources`: the PDF informe's annex of source notes."""
    if output_format not in FORMATS:
        raise ValidationError({"formato": _("Formato no admitido; se admite: %(formatos)s.")
                               % {"formatos": ", ".join(FORMATS)}})
    if quarter is not None and quarter not in rules.QUARTERS:
        raise ValidationError({"trimestre": _("El trimestre va de 1 a 4.")})
    job = Job.objects.create(kind=Job.Kind.EXPORTACION, created_by=user, params={
        "ejercicio": fiscal_year, "formato": output_format, "trimestre": quarter,
        "programas": [p.pk for p in programs], "solo_aprobados": only_approved,
        "con_fuentes": with_sources,
    })
    schedule_job(job.pk)
    return job
