"""A follow-up report through the avances' workflow (reporting/flow.py): its texts, its authors and
what it needs to be sent."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.queueing import send_notice_after_commit
from followup.choices import Rule
from followup.models import Report, ReportTransition
from followup.tasks import notify_report_transition
from reporting import flow
from reporting.flow import Action

TEXTS = flow.Texts(
    wrong_state=gettext_lazy("No se puede «%(accion)s» un reporte en estado %(estado)s."),
    own_work=gettext_lazy(
        "No puede aprobar este reporte porque usted lo capturó o lo envió: debe aprobarlo otra persona de la "
        "coordinación (separación de funciones)."),
    note_required={
        Action.DEVOLVER: gettext_lazy("Para devolver un reporte hay que escribir la observación."),
        Action.REABRIR: gettext_lazy("Para reabrir un reporte aprobado hay que escribir el motivo."),
    },
)
AUTHORED_FIELDS = ("text", "reported_percent")


def authors(report):
    """Who wrote the report's text or %, who reported a sub-item, and who sent it."""
    found = flow.authors_from_history(report, AUTHORED_FIELDS)
    for update in report.updates.all():
        found |= set(update.history.exclude(history_user=None).values_list("history_user_id", flat=True))
    return found


def validate_submission(report):
    """A report says what happened; a % reported directly comes with its evidence; a computed one
    with at least one sub-item's news."""
    errors = {}
    if not report.text.strip():
        errors["text"] = _("Escriba qué se hizo en el trimestre.")
    if report.commitment.rule == Rule.REPORTED:
        if report.reported_percent is None:
            errors["reported_percent"] = _("Este compromiso se reporta con su %: escríbalo.")
        if not report.evidence.exists():
            errors["evidence"] = _("Un % reportado directamente necesita su evidencia: anexe un archivo.")
    elif not report.updates.exists():
        errors["updates"] = _("Reporte el estado de al menos un sub-elemento.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def transition(user, report, action, note=""):
    """Move a report one step (scope is the caller's job: the scope helpers 404 before this)."""
    report = Report.objects.select_for_update().order_by().select_related("commitment").get(pk=report.pk)
    target, note = flow.check(user, report, action, note, TEXTS, authors)
    if action == Action.ENVIAR:
        validate_submission(report)
    previous = flow.apply(user, report, action, target, note, TEXTS)
    report.save()
    step = ReportTransition.objects.create(report=report, from_status=previous, to_status=target, user=user,
                                           note=note)
    send_notice_after_commit(notify_report_transition, step.pk)
    return report
