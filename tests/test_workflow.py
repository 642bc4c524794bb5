from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from compliance.models import QuarterResult
from indicators import rules
from indicators.choices import AdjustmentStatus, AdjustmentType
from indicators.scope import get_indicator_for_user, indicators_for
from programs.roles import CAPTURISTA
from programs.scope import programs_for
from reporting.choices import ProgressStatus as S
from reporting.models import CaptureWindow, ProgressTransition
from reporting.notifications import window_reminders
from reporting.services import (
    ConcurrentEdit,
    approve_many,
    decide_adjustment,
    grant_extension,
    request_adjustment,
    save_progress,
    set_capture_window,
    submit_program_quarter,
)
from reporting.workflow import TRANSITIONS, Action, transition
from tests.factories import IndicatorFactory, ProgressFactory, TargetFactory, make_user

pytestmark = pytest.mark.django_db
MX = rules.MEXICO_CITY


def progress_in(status, indicator, **kwargs):
    note = "Revise la fuente" if status == S.DEVUELTO else ""
    return ProgressFactory(indicator=indicator, status=status, value=D(80), review_note=note, **kwargs)


# --- The state machine --------------------------------------------------------------------

ALL_ACTIONS = [Action.ENVIAR, Action.APROBAR, Action.DEVOLVER, Action.REABRIR]


@pytest.mark.parametrize("status", [S.BORRADOR, S.ENVIADO, S.DEVUELTO, S.APROBADO])
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_every_transition_allowed_or_forbidden(world, status, action):
    progress = progress_in(status, world.ind_a)
    target = TRANSITIONS.get((status, action))
    if target is None:
        with pytest.raises(ValidationError, match="No se puede"):
            transition(world.coord, progress, action, note="motivo")
        progress.refresh_from_db()
        assert progress.status == status and not progress.transitions.exists()
        return
    moved = transition(world.coord, progress, action, note="motivo")
    assert moved.status == target
    step = ProgressTransition.objects.get(progress=progress)
    assert (step.from_status, step.to_status, step.user) == (status, target, world.coord)


def test_allowed_transitions_are_exactly_the_design():
    assert TRANSITIONS == {
        (S.BORRADOR, Action.ENVIAR): S.ENVIADO,
        (S.DEVUELTO, Action.ENVIAR): S.ENVIADO,
        (S.ENVIADO, Action.APROBAR): S.APROBADO,
        (S.ENVIADO, Action.DEVOLVER): S.DEVUELTO,
        (S.APROBADO, Action.REABRIR): S.DEVUELTO,
    }


@pytest.mark.parametrize("action", [Action.APROBAR, Action.DEVOLVER])
def test_capturistas_cannot_review(world, action):
    progress = progress_in(S.ENVIADO, world.ind_a)
    with pytest.raises(PermissionDenied):
        transition(world.cap_a, progress, action, note="x")


def test_consulta_cannot_send(world):
    with pytest.raises(PermissionDenied):
        transition(world.consulta, progress_in(S.BORRADOR, world.ind_a), Action.ENVIAR)


@pytest.mark.parametrize("status, action, message", [
    (S.ENVIADO, Action.DEVOLVER, "Para devolver un avance hay que escribir la observación."),
    (S.APROBADO, Action.REABRIR, "Para reabrir un avance aprobado hay que escribir el motivo."),
])
def test_returning_and_reopening_need_a_note(world, status, action, message):
    with pytest.raises(ValidationError) as excinfo:
        transition(world.coord, progress_in(status, world.ind_a), action, note="   ")
    assert excinfo.value.message_dict == {"note": [message]}


def test_approved_is_read_only_until_reopened(world):
    progress_in(S.APROBADO, world.ind_a, month=3)
    with pytest.raises(ValidationError, match="El avance está aprobado y no se puede modificar: un coordinador puede reabrirlo."):
        save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(1))


# --- Scope --------------------------------------------------------------------------------


def test_each_user_sees_only_their_scope(world):
    assert list(indicators_for(world.cap_a)) == [world.ind_a]
    assert list(indicators_for(world.cap_b)) == [world.ind_b]
    assert set(indicators_for(world.coord)) == {world.ind_a, world.ind_b}
    assert set(programs_for(world.cap_a)) == {world.program_a}
    with pytest.raises(Http404):
        get_indicator_for_user(world.cap_a, world.ind_b.pk)


def test_out_of_scope_capture_is_404(world):
    with pytest.raises(Http404):
        save_progress(world.cap_a, world.ind_b, 2024, 3, value=D(80))
    with pytest.raises(Http404):
        request_adjustment(world.cap_a, world.ind_b, 2024, 6, adjustment_type=AdjustmentType.META,
                           justification="x", value=D(1))


def test_programme_scope_adds_indicators_of_other_units(world, django_user_model):
    user = make_user("prog", CAPTURISTA, programs=[world.ind_b.matrix.program])
    assert list(indicators_for(user)) == [world.ind_b]


def test_consulta_cannot_capture(world):
    with pytest.raises(PermissionDenied):
        save_progress(world.consulta, world.ind_a, 2024, 3, value=D(80))


# --- Windows and prórrogas ---------------------------------------------------------------


def test_capturista_cannot_save_after_the_close_but_a_prorroga_lets_them(world):
    window = CaptureWindow.objects.get(fiscal_year=2024, quarter=1)
    window.closes_at = datetime(2024, 5, 1, tzinfo=MX)
    window.opens_at = datetime(2024, 4, 1, tzinfo=MX)
    window.save()
    with pytest.raises(ValidationError) as excinfo:
        save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80))
    assert excinfo.value.messages == [
        "La captura del T1-2024 cerró el 30/04/2024 23:59; pida una prórroga a la coordinación."
    ]
    save_progress(world.coord, world.ind_a, 2024, 3, value=D(80))  # coordinators are not bound by it
    until = timezone.now() + timedelta(days=2)
    grant_extension(world.coord, 2024, 1, until, "Falla del sistema estatal", responsible_unit=world.unit_a)
    save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(81))
    with pytest.raises(ValidationError):  # the prórroga is for UR A only
        save_progress(world.cap_b, world.ind_b, 2024, 3, value=D(80))


def test_before_the_window_opens(world):
    set_capture_window(world.coord, 2024, 1, timezone.now() + timedelta(days=5), timezone.now() + timedelta(days=9))
    with pytest.raises(ValidationError, match="La captura del T1-2024 abre el"):
        save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80))


def test_without_a_window_the_default_close_applies(world):
    CaptureWindow.objects.all().delete()
    with pytest.raises(ValidationError, match="cerró el 30/04/2024 23:59"):
        save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80))


def test_prorroga_keeps_results_pending(world):
    window = CaptureWindow.objects.get(fiscal_year=2024, quarter=1)
    window.opens_at, window.closes_at = datetime(2024, 4, 1, tzinfo=MX), datetime(2024, 5, 1, tzinfo=MX)
    window.save()
    grant_extension(world.coord, 2024, 1, datetime(2024, 5, 10, tzinfo=MX), "Cambio de titular",
                    program=world.program_a)
    from compliance.engine import compute_quarter

    compute_quarter(2024, 1, as_of=datetime(2024, 5, 5, tzinfo=MX))
    assert QuarterResult.objects.get(indicator=world.ind_a).status == rules.Estado.PENDIENTE
    assert QuarterResult.objects.get(indicator=world.ind_b).status == rules.Estado.SIN_REPORTE


# --- Concurrency ---------------------------------------------------------------------------


def test_second_saver_is_told_and_nothing_is_lost(world):
    first = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(70))
    loaded = first.version
    save_progress(world.coord, world.ind_a, 2024, 3, value=D(75), expected_version=loaded)
    with pytest.raises(ConcurrentEdit, match="Otra persona \\(coord\\) guardó este avance mientras usted lo editaba"):
        save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(71), expected_version=loaded)
    first.refresh_from_db()
    assert (first.value, first.version) == (D(75), loaded + 1)
    assert [h.value for h in first.history.order_by("history_date")] == [D(70), D(75)]


# --- Batches -------------------------------------------------------------------------------


def test_capturista_sends_a_programme_quarter_at_once(world, django_capture_on_commit_callbacks):
    second = IndicatorFactory(objective__matrix=world.ind_a.matrix, responsible_unit=world.unit_a)
    TargetFactory(indicator=second, month=3, value=D(80))
    save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80))
    bad = save_progress(world.cap_a, second, 2024, 3, value=D(40))  # rojo without causa / efecto
    sent, errors = submit_program_quarter(world.cap_a, world.program_a, 2024, 1)
    assert [p.indicator for p in sent] == [world.ind_a]
    assert list(errors.values()) == [
        "causa: Es obligatoria para enviar un avance con semáforo rojo.; "
        "efecto: Es obligatoria para enviar un avance con semáforo rojo."
    ]
    assert list(errors) == [bad]
    save_progress(world.cap_a, second, 2024, 3, value=D(40), cause="Retraso", effect="Menor cobertura")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent, errors = submit_program_quarter(world.cap_a, world.program_a, 2024, 1)
    assert (len(sent), errors) == (1, {})
    assert [m.to for m in mail.outbox] == [["coord@simir.invalid"], ["coord_a@simir.invalid"]]  # both cover UR A
    assert "envió todos sus avances del T1-2024" in mail.outbox[0].subject


def test_coordinator_approves_a_selection(world):
    good = progress_in(S.ENVIADO, world.ind_a)
    draft = progress_in(S.BORRADOR, world.ind_b)
    approved, errors = approve_many(world.coord, [good, draft])
    assert [p.pk for p in approved] == [good.pk]
    assert list(errors.values()) == ["No se puede «aprobar» un avance en estado borrador."]


# --- Meta adjustments ----------------------------------------------------------------------


def test_approved_adjustment_becomes_meta_vigente_and_recomputes(world, django_capture_on_commit_callbacks):
    TargetFactory(indicator=world.ind_a, month=6, value=D(100))
    progress_in(S.APROBADO, world.ind_a, month=6, )
    with pytest.raises(ValidationError, match="ya tiene un avance aprobado"):
        request_adjustment(world.cap_a, world.ind_a, 2024, 6, adjustment_type=AdjustmentType.META,
                           justification="Recorte", value=D(80))
    TargetFactory(indicator=world.ind_a, month=9, value=D(100))
    ProgressFactory(indicator=world.ind_a, month=9, value=D(80), status=S.ENVIADO)
    adjustment = request_adjustment(world.cap_a, world.ind_a, 2024, 9, adjustment_type=AdjustmentType.META,
                                    justification="Recorte presupuestal", value=D(80))
    assert adjustment.status == AdjustmentStatus.SOLICITADO
    with pytest.raises(PermissionDenied):
        decide_adjustment(world.cap_a, adjustment, approve=True)
    with pytest.raises(ValidationError, match="Para rechazar un ajuste hay que escribir el motivo."):
        decide_adjustment(world.coord, adjustment, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        decide_adjustment(world.coord, adjustment, approve=True)
    adjustment.target.refresh_from_db()
    assert (adjustment.target.value, adjustment.target.current_value) == (D(100), D(80))
    q3 = QuarterResult.objects.get(indicator=world.ind_a, quarter=3)
    assert (q3.meta, q3.adjustment_id, q3.compliance) == (D(80), adjustment.pk, D("100.00"))
    with pytest.raises(ValidationError, match="El ajuste ya fue aprobado."):
        decide_adjustment(world.coord, adjustment, approve=True)


# --- Notifications -------------------------------------------------------------------------


def test_returned_and_approved_avances_mail_the_capturista(world, django_capture_on_commit_callbacks):
    progress = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80))
    with django_capture_on_commit_callbacks(execute=True):
        transition(world.cap_a, progress, Action.ENVIAR)
        transition(world.coord, progress, Action.DEVOLVER, note="Falta el medio de verificación")
    assert [m.to for m in mail.outbox] == [["cap_a@simir.invalid"]]
    assert "avance devuelto" in mail.outbox[0].subject
    assert "Falta el medio de verificación" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        transition(world.cap_a, progress, Action.ENVIAR)
        transition(world.coord, progress, Action.APROBAR)
    assert [m.to for m in mail.outbox][-1] == ["cap_a@simir.invalid"]
    assert "avance aprobado" in mail.outbox[-1].subject


def test_reminders_go_to_units_with_pending_avances(world):
    window = CaptureWindow.objects.get(fiscal_year=2024, quarter=1)
    progress_in(S.ENVIADO, world.ind_b, month=3)  # UR B already sent
    sent = window_reminders(as_of=window.closes_at - timedelta(days=3, hours=1), days=3)
    assert sent == 1
    assert [m.to for m in mail.outbox] == [["cap_a@simir.invalid"]]
    assert world.ind_a.external_id in mail.outbox[0].body
    assert mail.outbox[0].subject == "SIMIR: la captura del T1-2024 cierra en 3 días"
    assert window_reminders(as_of=window.closes_at - timedelta(days=5), days=3) == 0
    window_reminders(as_of=window.closes_at - timedelta(days=1, hours=1), days=1)
    assert mail.outbox[-1].subject == "SIMIR: la captura del T1-2024 cierra en 1 día"


@pytest.mark.embedded
def test_demo_story_capture_return_fix_resubmit_approve(django_user_model, django_capture_on_commit_callbacks):
    """docs/flujo.md with the demo users: capture, justify, send, return, fix, resend, approve."""
    from django.core.management import call_command

    from compliance.models import QuarterAggregate
    from indicators.models import Indicator

    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    capturista = django_user_model.objects.get(username="capturista_zzz")
    coordinador = django_user_model.objects.get(username="coordinador")
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990007")  # left pending in the demo
    assert QuarterResult.objects.get(indicator=indicator, quarter=1).status == rules.Estado.PENDIENTE
    with pytest.raises(Http404):  # the other UR's capturista cannot touch it
        save_progress(django_user_model.objects.get(username="capturista_ayo"), indicator, 2024, 3, value=D(60))

    with django_capture_on_commit_callbacks(execute=True):
        progress = save_progress(capturista, indicator, 2024, 3, numerator=D(70), denominator=D(115))
        assert progress.value == D("60.869565")  # 70 / 115 × 100; meta 85 → c = 71.61, rojo
        with pytest.raises(ValidationError):
            transition(capturista, progress, Action.ENVIAR)  # rojo needs causa and efecto
        progress = save_progress(capturista, indicator, 2024, 3, numerator=D(70), denominator=D(115),
                                 cause="Se reprogramaron dos cursos.", effect="Menos promotores evaluados.",
                                 expected_version=progress.version)
        transition(capturista, progress, Action.ENVIAR)
        transition(coordinador, progress, Action.DEVOLVER, note="Anexe la lista de asistencia.")
        progress = save_progress(capturista, indicator, 2024, 3, numerator=D(98), denominator=D(115),
                                 expected_version=current_version(progress))
        transition(capturista, progress, Action.ENVIAR)
        transition(coordinador, progress, Action.APROBAR)

    progress.refresh_from_db()
    assert progress.status == S.APROBADO
    assert [(t.from_status, t.to_status, t.user.username) for t in progress.transitions.all()] == [
        (S.BORRADOR, S.ENVIADO, "capturista_zzz"),
        (S.ENVIADO, S.DEVUELTO, "coordinador"),
        (S.DEVUELTO, S.ENVIADO, "capturista_zzz"),
        (S.ENVIADO, S.APROBADO, "coordinador"),
    ]
    result = QuarterResult.objects.get(indicator=indicator, quarter=1)
    assert (result.avance, result.compliance, result.semaforo, result.approved) == (
        D("85.217391"), D("100.26"), "verde", True
    )
    program_q1 = QuarterAggregate.objects.get(fiscal_year=2024, quarter=1, scope="programa", program=indicator.program)
    assert (program_q1.reported, program_q1.approved, program_q1.verde) == (8, 8, 6)
    assert [m.to for m in mail.outbox] == [["capturista_zzz@simir.invalid"]] * 2  # returned, approved


def current_version(progress):
    progress.refresh_from_db()
    return progress.version


def test_batch_errors_name_the_field_even_when_it_is_not_a_model_field():
    from reporting.services import describe

    error = ValidationError({"note": "Para devolver un avance hay que escribir la observación.",
                             "cause": "Es obligatoria."})
    assert describe(error) == "nota: Para devolver un avance hay que escribir la observación.; causa: Es obligatoria."
