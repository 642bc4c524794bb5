"""The load test's verdict: it must count a write the database does not hold as lost."""

from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model

from devtools import loadtest
from reporting.choices import ProgressStatus
from reporting.services import save_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def load_data():
    plan = loadtest.LoadPlan(sessions=3, coordinators=1, indicators=2)
    program, indicators, users = loadtest.prepare(plan, "x")
    capturista = get_user_model().objects.get(username=f"{loadtest.USER_PREFIX}capturista-00")
    return indicators[0], capturista


def ledger_of(*saves, decisions=()):
    ledger = loadtest.Ledger()
    ledger.saves.extend(saves)
    ledger.decisions.extend(decisions)
    return ledger


def test_writes_chained_on_what_each_author_saw_are_not_lost(load_data):
    indicator, capturista = load_data
    save_progress(capturista, indicator, loadtest.LOAD_YEAR, 3, value=D("70.000001"), expected_version=0)
    save_progress(capturista, indicator, loadtest.LOAD_YEAR, 3, value=D("80.000002"), expected_version=1)
    ledger = ledger_of((indicator.pk, 0, D("70.000001"), False), (indicator.pk, 1, D("80.000002"), False))
    assert loadtest.lost_updates(ledger) == []


def test_an_acknowledged_write_that_was_overwritten_is_lost(load_data):
    indicator, capturista = load_data
    save_progress(capturista, indicator, loadtest.LOAD_YEAR, 3, value=D("70.000001"), expected_version=0)
    # Claimed as saved on version 0 too, but the database holds the other value: one was lost.
    ledger = ledger_of((indicator.pk, 0, D("70.000001"), False), (indicator.pk, 0, D("90.000003"), False))
    lost = loadtest.lost_updates(ledger)
    assert len(lost) == 3  # both writes on version 0, and the final value is not the confirmed one
    assert "90.000003" in lost[1]


def test_an_approval_that_did_not_stick_is_lost(load_data):
    indicator, capturista = load_data
    progress = save_progress(capturista, indicator, loadtest.LOAD_YEAR, 3, value=D("70.000001"), expected_version=0)
    ledger = ledger_of((indicator.pk, 0, D("70.000001"), False), decisions=[(progress.pk, "aprobar")])
    assert progress.status == ProgressStatus.BORRADOR
    assert loadtest.lost_updates(ledger) == [f"avance {progress.pk}: se aprobó y ahora está borrador"]
