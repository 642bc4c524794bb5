"""The avance workflow of docs/flujo.md: the shared state machine (reporting/flow.py) with what is
an avance's own (its texts, who authored it, the justification required to send it, the recompute
and the notice)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.queueing import send_notice_after_commit
from indicators import rules
from indicators.signals import results_outdated
from reporting import flow
from reporting.flow import EDITABLE, TRANSITIONS, Action
from reporting.models import Progress, ProgressTransition
from reporting.readings import avance_semaforo
from reporting.tasks import notify_transition

__all__ = ["EDITABLE", "TRANSITIONS", "Action", "allowed_actions", "authors", "transition", "validate_submission"]

TEXTS = flow.Texts(
    wrong_state=gettext_lazy("No se puede «%(accion)s» un avance en estado %(estado)s."),
    own_work=gettext_lazy(
        "No puede aprobar este avance porque usted capturó su valor o su justificación, o lo envió: "
        "debe aprobarlo otra persona de la coordinación (separación de funciones)."),
    note_required={
        Action.DEVOLVER: gettext_lazy("Para devolver un avance hay que escribir la observación."),
        Action.REABRIR: gettext_lazy("Para reabrir un avance aprobado hay que escribir el motivo."),
    },
)
# What an approval accepts: the figures and the justification of the avance.
AUTHORED_FIELDS = ("value", "numerator", "denominator", "cause", "effect", "other_reasons")
allowed_actions = flow.allowed_actions


@transaction.atomic
def transition(user, progress, action, note=""):
    """Move an avance one step; validates the step, the role, the note and, to send, the avance.
    Scope is the caller's job (the scope helpers return 404 before this is reached)."""
    progress = Progress.objects.select_for_update().order_by().get(pk=progress.pk)
    target, note = flow.check(user, progress, action, note, TEXTS, authors)
    if action == Action.ENVIAR:
        validate_submission(progress)
    previous = flow.apply(user, progress, action, target, note, TEXTS)
    progress.save()
    step = ProgressTransition.objects.create(progress=progress, from_status=previous, to_status=target, user=user,
                                             note=note)
    results_outdated.send(sender=Progress, indicator_id=progress.indicator_id)
    send_notice_after_commit(notify_transition, step.pk)
    return progress


def authors(progress):
    """Who captured the figures or the justification, or sent the avance (flow.authors_from_history)."""
    return flow.authors_from_history(progress, AUTHORED_FIELDS)


def validate_submission(progress):
    """An avance can be sent when its value is settled and consistent (model validation) and, if
    its semáforo would not be verde, causa and efecto are written (docs/reglas.md)."""
    progress.full_clean()
    light = avance_semaforo(progress.indicator, progress.fiscal_year, progress.month, progress.value)
    if rules.justification_required(light):
        # The semáforo is named by its code word (verde, amarillo, rojo, gris), as everywhere.
        missing = {
            field: _("Es obligatoria para enviar un avance con semáforo %(semaforo)s.") % {"semaforo": light}
            for field in ("cause", "effect") if not getattr(progress, field).strip()
        }
        if missing:
            raise ValidationError(missing)
