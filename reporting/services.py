"""Service functions behind every screen, command and API that changes avances, metas and windows.

They check role, scope and capture window on the server, validate, write with history and enqueue
the recompute (and notices) once the transaction commits."""
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.queueing import send_notice_after_commit
from indicators import rules
from indicators.choices import AdjustmentStatus
from indicators.models import Target, TargetAdjustment
from indicators.scope import get_indicator_for_user, indicators_for
from indicators.signals import results_outdated
from programs.roles import can_capture, can_review, is_administrator
from programs.scope import programs_for, units_and_programs
from reporting.choices import ProgressStatus
from reporting.models import AnnualWindow, CaptureWindow, Progress, WindowExtension
from reporting.signals import deadline_changed
from reporting.tasks import notify_quarter_submitted
from reporting.windows import capture_state
from reporting.workflow import EDITABLE, Action, transition


class ConcurrentEdit(ValidationError):
    pass


def describe(exc, model=Progress):
    """One line per problem, each naming the field it is about (for batch results)."""
    if not hasattr(exc, "error_dict"):
        return "; ".join(getattr(exc, "messages", [str(exc)]))
    parts = []
    for field, errors in exc.message_dict.items():
        parts.extend(f"{_label(model, field)}: {message}" if field != "__all__" else message for message in errors)
    return "; ".join(parts)


def _label(model, field):
    try:
        return model._meta.get_field(field).verbose_name
    except FieldDoesNotExist:  # e.g. the workflow's "note", which is not a model field
        return {"note": _("nota")}.get(field, field)


def check_capture_window(user, indicator, fiscal_year, month):
    """Outside its window (and prórroga) a capturista cannot save; coordinators can."""
    if can_review(user):
        return
    is_open, message = capture_state(indicator, fiscal_year, month)
    if not is_open:
        raise ValidationError(message)


@transaction.atomic
def save_progress(user, indicator, fiscal_year, month, *, value=None, numerator=None, denominator=None,
                  cause="", effect="", other_reasons="", expected_version=None, state=None):
    """Create or update the avance of a period as a draft. `expected_version` is the version the
    user loaded (0: the user saw no avance yet): if someone saved in between, nothing is written
    and the user is told. None skips the check (imports and scripts)."""
    if not can_capture(user):
        raise PermissionDenied(_("Su rol no permite capturar avances."))
    indicator = get_indicator_for_user(user, indicator.pk)
    check_capture_window(user, indicator, fiscal_year, month)
    progress = Progress.objects.select_for_update().filter(
        # No ordering: the default one joins the nullable entidad, which FOR UPDATE cannot lock.
        indicator=indicator, fiscal_year=fiscal_year, month=month, state=state
    ).order_by().first()
    if progress is None:
        progress = Progress(indicator=indicator, fiscal_year=fiscal_year, month=month, state=state, created_by=user)
    else:
        if expected_version is not None and progress.version != expected_version:
            raise _concurrent_edit(progress, expected_version)
        if progress.status not in EDITABLE:
            if progress.status == ProgressStatus.APROBADO:
                message = _("El avance está %(estado)s y no se puede modificar: un coordinador puede reabrirlo.")
            else:
                message = _("El avance está %(estado)s y no se puede modificar.")
            raise ValidationError(message % {"estado": progress.get_status_display().lower()})
        progress.version += 1
    progress.value, progress.numerator, progress.denominator = value, numerator, denominator
    progress.cause, progress.effect, progress.other_reasons = cause, effect, other_reasons
    is_new = progress.pk is None
    try:
        progress.full_clean()
        progress._change_reason, progress._history_user = "Captura", user
        with transaction.atomic():  # a savepoint: the caller's transaction survives a lost race
            progress.save()
    except (ValidationError, IntegrityError):
        # Two first captures of the same period at once: the row lock above had nothing to lock,
        # so the other one may commit meanwhile and the uniqueness check (validation or the
        # constraint) fails here; the later one is told, like any concurrent edit.
        taken = is_new and Progress.objects.filter(indicator=indicator, fiscal_year=fiscal_year, month=month,
                                                   state=state).first()
        if taken:
            raise _concurrent_edit(taken, expected_version or 0) from None
        raise
    results_outdated.send(sender=Progress, indicator_id=indicator.pk)
    return progress


def _concurrent_edit(progress, expected_version):
    who = progress.history.first().history_user if progress.history.exists() else None
    who = who or _("otro usuario")
    if not expected_version:
        return ConcurrentEdit(
            _("Otra persona (%(who)s) capturó este avance mientras usted lo editaba. No se guardaron sus cambios: "
              "recargue la página, revise los valores actuales y vuelva a capturar.") % {"who": who}
        )
    return ConcurrentEdit(
        _("Otra persona (%(who)s) guardó este avance mientras usted lo editaba (versión %(version)s, "
          "usted cargó la %(expected)s). No se guardaron sus cambios: recargue la página, revise los "
          "valores actuales y vuelva a capturar.")
        % {"who": who, "version": progress.version, "expected": expected_version}
    )


def submit_program_quarter(user, program, fiscal_year, quarter):
    """Send every draft or returned avance of a programme's quarter; each is validated on its own.
    Returns (sent, {progress: error message})."""
    months = list(rules.quarter_months(quarter))
    # Entidad figures are parts of the national avance: only the national one goes through review.
    candidates = Progress.objects.filter(
        indicator__matrix__program=program, indicator__in=indicators_for(user), fiscal_year=fiscal_year,
        month__in=months, status__in=EDITABLE, state__isnull=True,
    ).select_related("indicator")
    sent, errors = [], {}
    for progress in candidates:
        try:
            check_capture_window(user, progress.indicator, fiscal_year, progress.month)
            sent.append(transition(user, progress, Action.ENVIAR))
        except ValidationError as exc:
            errors[progress] = describe(exc)
    if sent and not Progress.objects.filter(
        indicator__matrix__program=program, fiscal_year=fiscal_year, month__in=months, status__in=EDITABLE,
        state__isnull=True,
    ).exists():
        send_notice_after_commit(notify_quarter_submitted, program.pk, fiscal_year, quarter)
    return sent, errors


def approve_many(user, progress_list):
    """Approve a selection; each one still validated. Returns (approved, {progress: error})."""
    approved, errors = [], {}
    for progress in progress_list:
        try:
            approved.append(transition(user, progress, Action.APROBAR))
        except (ValidationError, PermissionDenied) as exc:
            errors[progress] = describe(exc)
    return approved, errors


@transaction.atomic
def request_adjustment(user, indicator, fiscal_year, month, *, adjustment_type, justification, value=None,
                       numerator=None, denominator=None):
    """A capturista asks for a new meta for a period that has no approved avance yet."""
    if not can_capture(user):
        raise PermissionDenied(_("Su rol no permite solicitar ajustes de meta."))
    indicator = get_indicator_for_user(user, indicator.pk)
    if not justification.strip():
        raise ValidationError({"justification": _("La justificación del ajuste es obligatoria.")})
    if Progress.objects.filter(indicator=indicator, fiscal_year=fiscal_year, month=month,
                               status=ProgressStatus.APROBADO).exists():
        raise ValidationError(_("El periodo ya tiene un avance aprobado: solo se ajustan metas de periodos futuros."))
    target, _created = Target.objects.get_or_create(indicator=indicator, fiscal_year=fiscal_year, month=month)
    target.full_clean()  # the month must be a period of the indicator's frequency
    adjustment = TargetAdjustment(target=target, value=value, numerator=numerator, denominator=denominator,
                                  adjustment_type=adjustment_type, justification=justification, requested_by=user)
    adjustment.full_clean()
    adjustment._change_reason, adjustment._history_user = "Solicitud de ajuste", user
    adjustment.save()
    return adjustment


@transaction.atomic
def decide_adjustment(user, adjustment, approve, note=""):
    """Approve (it becomes the meta vigente) or reject (a note is required) a requested adjustment."""
    if not can_review(user):
        raise PermissionDenied(_("Solo la coordinación aprueba o rechaza ajustes de meta."))
    adjustment = TargetAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    get_indicator_for_user(user, adjustment.target.indicator_id)
    if adjustment.status != AdjustmentStatus.SOLICITADO:
        raise ValidationError(_("El ajuste ya fue %(estado)s.") % {"estado": adjustment.get_status_display().lower()})
    if not approve and not note.strip():
        raise ValidationError({"decision_note": _("Para rechazar un ajuste hay que escribir el motivo.")})
    adjustment.status = AdjustmentStatus.APROBADO if approve else AdjustmentStatus.RECHAZADO
    adjustment.decided_by, adjustment.decided_at, adjustment.decision_note = user, timezone.now(), note.strip()
    adjustment._change_reason = "Aprobado" if approve else f"Rechazado: {note.strip()}"
    adjustment._history_user = user
    adjustment.save()
    if approve:
        results_outdated.send(sender=TargetAdjustment, indicator_id=adjustment.target.indicator_id)
    return adjustment


@transaction.atomic
def set_capture_window(user, fiscal_year, quarter, opens_at, closes_at, note=""):
    """Open or move a quarter's window; its results are recomputed now and right after it closes."""
    if not can_review(user):
        raise PermissionDenied(_("Solo la coordinación administra las ventanas de captura."))
    window = CaptureWindow.objects.filter(fiscal_year=fiscal_year, quarter=quarter).first() or CaptureWindow(
        fiscal_year=fiscal_year, quarter=quarter
    )
    window.opens_at, window.closes_at, window.note = opens_at, closes_at, note
    window.full_clean()
    window._change_reason, window._history_user = note or "Ventana de captura", user
    window.save()
    deadline_changed.send(sender=CaptureWindow, fiscal_year=fiscal_year, quarter=quarter, closes_at=closes_at)
    return window


@transaction.atomic
def set_annual_window(user, fiscal_year, opens_at, closes_at, note=""):
    """Open or move the window for the Programa Institucional results of a year."""
    if not can_review(user):
        raise PermissionDenied(_("Solo la coordinación administra las ventanas de captura."))
    window = AnnualWindow.objects.filter(fiscal_year=fiscal_year).first() or AnnualWindow(fiscal_year=fiscal_year)
    window.opens_at, window.closes_at, window.note = opens_at, closes_at, note
    window.full_clean()
    window._change_reason, window._history_user = note or "Ventana anual", user
    window.save()
    return window


@transaction.atomic
def grant_extension(user, fiscal_year, quarter, until, reason, *, responsible_unit=None, program=None):
    if not can_review(user):
        raise PermissionDenied(_("Solo la coordinación otorga prórrogas."))
    if not is_administrator(user) and (
        (responsible_unit is not None and responsible_unit.pk not in units_and_programs(user)[0])
        or (program is not None and not programs_for(user).filter(pk=program.pk).exists())
    ):
        raise PermissionDenied(_("Solo puede otorgar prórrogas a unidades responsables y programas de su alcance."))
    extension = WindowExtension(fiscal_year=fiscal_year, quarter=quarter, responsible_unit=responsible_unit,
                                program=program, until=until, reason=reason, granted_by=user)
    extension.full_clean()
    extension._change_reason, extension._history_user = reason, user
    extension.save()
    deadline_changed.send(sender=WindowExtension, fiscal_year=fiscal_year, quarter=quarter, closes_at=until)
    return extension




@transaction.atomic
def save_state_progress(user, indicator, fiscal_year, month, state, **values):
    """Capture one entidad's avance and roll the national avance up from all entidades."""
    save_progress(user, indicator, fiscal_year, month, state=state, **values)
    states = Progress.objects.filter(indicator=indicator, fiscal_year=fiscal_year, month=month, state__isnull=False)
    try:
        value, numerator, denominator = rules.roll_up(
            [(p.value, p.numerator, p.denominator) for p in states], indicator.effective_factor
        )
    except rules.CannotRollUp as exc:
        raise ValidationError(str(exc)) from exc
    national = Progress.objects.filter(indicator=indicator, fiscal_year=fiscal_year, month=month,
                                       state__isnull=True).order_by().first()
    texts = {f: getattr(national, f) for f in ("cause", "effect", "other_reasons")} if national else {}
    return save_progress(user, indicator, fiscal_year, month, value=None if numerator is not None else value,
                         numerator=numerator, denominator=denominator, **texts)


@transaction.atomic
def save_state_rows(user, indicator, fiscal_year, month, states, *, cause="", effect="", other_reasons="",
                    expected_version=None):
    """Capture several entidades of one period at once and roll the national avance up once.

    `states` maps each State to (values dict, its loaded version). The national avance keeps its
    own `expected_version` check (its texts are edited on the national row). Any entidad's problem
    fails the whole period, with the problems keyed `e<state id>` so each stays beside its entidad."""
    national = Progress.objects.select_for_update().filter(
        indicator=indicator, fiscal_year=fiscal_year, month=month, state__isnull=True).order_by().first()
    if national and expected_version is not None and national.version != expected_version:
        raise _concurrent_edit(national, expected_version)
    errors = {}
    for state, (values, version) in states.items():
        try:
            with transaction.atomic():
                save_progress(user, indicator, fiscal_year, month, state=state, expected_version=version, **values)
        except ValidationError as exc:
            errors[f"e{state.pk}"] = [describe(exc)]
    if errors:
        raise ValidationError(errors)
    stored = Progress.objects.filter(indicator=indicator, fiscal_year=fiscal_year, month=month, state__isnull=False)
    if not stored.exists():
        raise ValidationError(_("Capture al menos una entidad federativa: el avance nacional se suma de ellas."))
    try:
        value, numerator, denominator = rules.roll_up(
            [(p.value, p.numerator, p.denominator) for p in stored], indicator.effective_factor
        )
    except rules.CannotRollUp as exc:
        raise ValidationError(str(exc)) from exc
    return save_progress(user, indicator, fiscal_year, month, value=None if numerator is not None else value,
                         numerator=numerator, denominator=denominator, cause=cause, effect=effect,
                         other_reasons=other_reasons)
