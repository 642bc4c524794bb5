"""Separation of duties (issue «Production truth»): nobody approves an avance whose figures or
justification they wrote, or that they sent; another coordinator does (reporting/workflow.py)."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.roles import COORDINADOR
from reporting.choices import ProgressStatus as S
from reporting.services import approve_many, save_progress, submit_program_quarter
from reporting.workflow import Action, authors, transition
from tests.factories import make_user

pytestmark = pytest.mark.django_db
REFUSED = "No puede aprobar este avance porque usted capturó su valor o su justificación, o lo envió"


@pytest.fixture
def second(world):
    """Another coordinator of UR A: the one who may approve what `coord` wrote."""
    return make_user("coord_a2", COORDINADOR, [world.unit_a])


def refused(user, progress):
    with pytest.raises(ValidationError, match=REFUSED):
        transition(user, progress, Action.APROBAR)
    progress.refresh_from_db()
    return progress.status == S.ENVIADO and not progress.transitions.filter(to_status=S.APROBADO).exists()


def test_a_coordinator_cannot_approve_what_they_captured_and_sent(world, second):
    progress = save_progress(world.coord, world.ind_a, 2024, 3, value=D(80))
    transition(world.coord, progress, Action.ENVIAR)
    assert refused(world.coord, progress)
    approved = transition(second, progress, Action.APROBAR)
    assert (approved.status, approved.reviewed_by) == (S.APROBADO, second)


def test_nor_what_they_captured_and_a_capturista_sent(world, second):
    progress = save_progress(world.coord, world.ind_a, 2024, 3, value=D(80))
    transition(world.cap_a, progress, Action.ENVIAR)
    assert refused(world.coord, progress)
    assert transition(second, progress, Action.APROBAR).status == S.APROBADO


def test_nor_what_they_sent_for_a_capturista(world):
    save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80))
    (progress,), errors = submit_program_quarter(world.coord, world.program_a, 2024, 1)
    assert errors == {}
    assert refused(world.coord, progress)
    assert transition(world.coord_a, progress, Action.APROBAR).status == S.APROBADO


def test_each_figure_and_text_counts_until_someone_else_rewrites_it(world, second):
    """Who wrote what is approved counts, field by field; an earlier draft someone replaced does not."""
    progress = save_progress(world.coord, world.ind_a, 2024, 3, value=D(70), cause="Retraso")
    progress = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80), cause="Retraso",
                             expected_version=progress.version)  # the cause is still the coordinator's
    assert authors(progress) == {world.coord.pk, world.cap_a.pk}
    progress = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80), cause="Retraso en la entrega",
                             expected_version=progress.version)
    assert authors(progress) == {world.cap_a.pk}
    transition(world.cap_a, progress, Action.ENVIAR)
    assert transition(world.coord, progress, Action.APROBAR).status == S.APROBADO


def test_a_returned_and_resent_avance_still_names_its_authors(world, second):
    progress = save_progress(world.coord, world.ind_a, 2024, 3, value=D(80))
    transition(world.coord, progress, Action.ENVIAR)
    transition(second, progress, Action.DEVOLVER, note="Revise la fuente")  # returning is not approving
    transition(world.cap_a, progress, Action.ENVIAR)  # resent unchanged: the figure is still the coordinator's
    assert refused(world.coord, progress)
    assert transition(second, progress, Action.APROBAR).status == S.APROBADO


def test_batch_approval_reports_each_refused_row(world, second):
    own = save_progress(world.coord, world.ind_a, 2024, 3, value=D(80))
    transition(world.coord, own, Action.ENVIAR)
    theirs = save_progress(world.cap_b, world.ind_b, 2024, 3, value=D(80))
    transition(world.cap_b, theirs, Action.ENVIAR)
    approved, errors = approve_many(world.coord, [own, theirs])
    assert [p.pk for p in approved] == [theirs.pk]
    assert list(errors) == [own] and errors[own].startswith(REFUSED)


def test_the_review_page_says_why(world, second, client):
    progress = save_progress(world.coord, world.ind_a, 2024, 3, value=D(80))
    transition(world.coord, progress, Action.ENVIAR)
    client.force_login(world.coord)
    response = client.post(reverse("simir:review_detail", args=[progress.pk]), {"action": "aprobar"})
    assert response.status_code == 200 and REFUSED in response.content.decode()
    progress.refresh_from_db()
    assert progress.status == S.ENVIADO


def test_the_setting_turns_it_off(world, settings):
    settings.SIMIR_SEPARATION_OF_DUTIES = False
    progress = save_progress(world.coord, world.ind_a, 2024, 3, value=D(80))
    transition(world.coord, progress, Action.ENVIAR)
    assert transition(world.coord, progress, Action.APROBAR).status == S.APROBADO


def test_demo_story_a_coordinator_captures_and_the_second_one_approves(django_user_model):
    """In the demo, `coordinador` captures and sends a pending indicator; `coordinador2` approves it."""
    from django.core.management import call_command

    from indicators.models import Indicator

    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    first, second = (django_user_model.objects.get(username=name) for name in ("coordinador", "coordinador2"))
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990010")  # left without avance in the demo
    progress = save_progress(first, indicator, 2024, 3, value=D(1), cause="Arranque tardío", effect="Menor avance")
    transition(first, progress, Action.ENVIAR)
    assert refused(first, progress)
    approved = transition(second, progress, Action.APROBAR)
    assert [(t.to_status, t.user.username) for t in approved.transitions.all()] == [
        (S.ENVIADO, "coordinador"), (S.APROBADO, "coordinador2")]
