"""The capture → send → review → approve state machine, shared by every record that goes through it:
avances (reporting/workflow.py) and the follow-up reports of commitments (followup/workflow.py).

borrador → enviado → aprobado; enviado → devuelto (observation required) → enviado;
aprobado → devuelto when a coordinador reopens it with a reason. A record kind gives its own texts
(the noun in the messages), who authored what an approval accepts, and what sending requires; the
steps, the roles, separation of duties, the note rules and the bookkeeping are the same for all."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import JUSTIFICATION_MAX
from programs.roles import can_capture, can_review
from reporting.choices import ProgressStatus as S


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
EDITABLE = {S.BORRADOR, S.DEVUELTO}


@dataclass(frozen=True)
class Texts:
    """The messages of one record kind, with its noun («un avance», «un reporte»)."""

    wrong_state: str  # with %(accion)s and %(estado)s
    own_work: str  # separation of duties
    note_required: dict  # action → message


def allowed_actions(user, record):
    return [action for (status, action) in TRANSITIONS if status == record.status and ALLOWED[action](user)]


def check(user, record, action, note, texts, authors):
    """(target status, stripped note) of one step, or the Spanish reason it cannot be taken.
    `authors(record)` gives the ids of who wrote what an approval would accept."""
    target = TRANSITIONS.get((record.status, action))
    if target is None:
        raise ValidationError(
            str(texts.wrong_state)
            % {"accion": Action.VERBS.get(action, action), "estado": record.get_status_display().lower()}
        )
    if not ALLOWED[action](user):
        raise PermissionDenied(_("Su rol no permite esta acción."))
    if action == Action.APROBAR and settings.SIMIR_SEPARATION_OF_DUTIES and user.pk in authors(record):
        raise ValidationError(str(texts.own_work))
    note = note.strip()
    if action in texts.note_required and not note:
        raise ValidationError({"note": str(texts.note_required[action])})
    if len(note) > JUSTIFICATION_MAX:  # the same limit as the justifications (the form says so too)
        raise ValidationError({"note": _("Tiene %(largo)s caracteres; el máximo es %(maximo)s.")
                               % {"largo": f"{len(note):,}", "maximo": f"{JUSTIFICATION_MAX:,}"}})
    return target, note


def apply(user, record, action, target, note, texts):
    """Take a checked step on the (locked) record, unsaved: who and when, the note, the status, the
    version and the reason its history records. Returns the previous status."""
    now = timezone.now()
    if action == Action.ENVIAR:
        record.submitted_by, record.submitted_at = user, now
    else:
        record.reviewed_by, record.reviewed_at = user, now
    if action in texts.note_required:
        record.review_note = note
    previous = record.status
    record.status = target
    record.version += 1
    record._change_reason = f"{Action.LABELS[action]}: {note}" if note else Action.LABELS[action]
    record._history_user = user
    return previous


def authors_from_history(record, fields):
    """Ids of who wrote what an approval would accept: for each of `fields`, the user of the latest
    version that changed it (its history), and who sent it for review. A field left empty since the
    record was created was written by nobody."""
    found = {record.submitted_by_id}
    pending = set(fields)
    versions = list(record.history.order_by("-history_date", "-history_id").only("history_user", *fields))
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
