"""The avance workflow of docs/flujo.md as one small state machine.

borrador → enviado → aprobado; enviado → devuelto (observation required) → enviado;
aprobado → devuelto when a coordinador reopens it with a reason."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.queueing import send_notice_after_commit
from indicators import rules
from indicators.models import JUSTIFICATION_MAX
from indicators.signals import results_outdated
from programs.roles import can_capture, can_review
from reporting.choices import ProgressStatus as S
from reporting.models import Progress, ProgressTransition
from reporting.readings import avance_semaforo
from reporting.tasks import notify_transition


class Action:
    ENVIAR = "enviar"
    APROBAR = "aprobar"
    DEVOLVER = "devolver"
    REABRIR = "reabrir"
    # Written into the audit trail as the change reason: stored data, not translated.
    LABELS = {ENVIAR: "Enviar", APROBAR: "Aprobar", DEVOLVER: "Devolver", REABRIR: "Reabrir"}
    # The verb as the interface says it («No se puede «aprobar» …»).
    VERBS = {ENVIAR: gettext_lazy("enviar"), APROBAR: gettext_lazy("aprobar"), DEVOLVER: gettext_lazy("devolver"),
             REABRIR: gettext_lazy("reabrir")}


TRANSITIONS = {
    (S.BORRADOR, Action.ENVIAR): S.ENVIADO,
    (S.DEVUELTO, Action.ENVIAR): S.ENVIADO,
    (S.ENVIADO, Action.APROBAR): S.APROBADO,
    (S.ENVIADO, Action.DEVOLVER): S.DEVUELTO,
    (S.APROBADO, Action.REABRIR): S.DEVUELTO,
}
ALLOWED = {Action.ENVIAR: can_capture, Action.APROBAR: can_review, Action.DEVOLVER: can_review,
           Action.REABRIR: can_review}
NOTE_REQUIRED = {
    Action.DEVOLVER: gettext_lazy("Para devolver un avance hay que escribir la observación."),
    Action.REABRIR: gettext_lazy("Para reabrir un avance aprobado hay que escribir el motivo."),
}
EDITABLE = {S.BORRADOR, S.DEVUELTO}
# What an approval accepts: the figures and the justification of the avance.
AUTHORED_FIELDS = ("value", "numerator", "denominator", "cause", "effect", "other_reasons")


def allowed_actions(user, progress):
    return [
        action for (status, action) in TRANSITIONS
        if status == progress.status and ALLOWED[action](user)
    ]


@transaction.atomic
def transition(user, progress, action, note=""):
    """Move an avance one step; validates the step, the role, the note and, to send, the avance.
    Scope is the caller's job (the scope helpers return 404 before this is reached)."""
    progress = Progress.objects.select_for_update().order_by().get(pk=progress.pk)
    target = TRANSITIONS.get((progress.status, action))
    if target is None:
        raise ValidationError(
            _("No se puede «%(accion)s» un avance en estado %(estado)s.")
            % {"accion": Action.VERBS.get(action, action), "estado": progress.get_status_display().lower()}
        )
    if not ALLOWED[action](user):
        raise PermissionDenied(_("Su rol no permite esta acción."))
    if action == Action.APROBAR and settings.SIMIR_SEPARATION_OF_DUTIES and user.pk in authors(progress):
        raise ValidationError(
            _("No puede aprobar este avance porque usted capturó su valor o su justificación, o lo envió: "
              "debe aprobarlo otra persona de la coordinación (separación de funciones).")
        )
    note = note.strip()
    if action in NOTE_REQUIRED and not note:
        raise ValidationError({"note": str(NOTE_REQUIRED[action])})
    if len(note) > JUSTIFICATION_MAX:  # the same limit as the justifications (the form says so too)
        raise ValidationError({"note": _("Tiene %(largo)s caracteres; el máximo es %(maximo)s.")
                               % {"largo": f"{len(note):,}", "maximo": f"{JUSTIFICATION_MAX:,}"}})
    now = timezone.now()
    if action == Action.ENVIAR:
        validate_submission(progress)
        progress.submitted_by, progress.submitted_at = user, now
    else:
        progress.reviewed_by, progress.reviewed_at = user, now
    if action in NOTE_REQUIRED:
        progress.review_note = note
    previous = progress.status
    progress.status = target
    progress.version += 1
    progress._change_reason = f"{Action.LABELS[action]}: {note}" if note else Action.LABELS[action]
    progress._history_user = user
    progress.save()
    step = ProgressTransition.objects.create(progress=progress, from_status=previous, to_status=target, user=user,
                                             note=note)
    results_outdated.send(sender=Progress, indicator_id=progress.indicator_id)
    send_notice_after_commit(notify_transition, step.pk)
    return progress


def authors(progress):
    """Ids of who wrote what an approval would accept: for each of the figures and the justification,
    the user of the latest version that changed it (its history), and who sent it for review. A
    field left empty since the avance was created was written by nobody."""
    found = {progress.submitted_by_id}
    pending = set(AUTHORED_FIELDS)
    versions = list(progress.history.order_by("-history_date", "-history_id").only("history_user", *AUTHORED_FIELDS))
    for newer, older in zip(versions, [*versions[1:], None]):
        if older is None:
            changed = {f for f in pending if getattr(newer, f) not in (None, "")}
        else:
            changed = {f for f in pending if getattr(newer, f) != getattr(older, f)}
        if changed:
            found.add(newer.history_user_id)
            pending -= changed
        if not pending:
            break
    found.discard(None)
    return found


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
