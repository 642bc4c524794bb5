"""With the broker down, capturing and approving still succeed and no recompute is lost."""

from decimal import Decimal as D

import pytest
from django.core import mail

from compliance.engine import compute_year
from compliance.models import PendingRecompute, QuarterResult
from compliance.tasks import sweep_pending_recomputes
from config.celery_app import app
from reporting.services import save_progress
from reporting.workflow import Action, transition
from tests.broker import drop_celery_connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    """Nothing listens on port 1: publishing fails as it does when Redis is stopped."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # Celery reads the environment first
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    drop_celery_connections()  # a pool made by an earlier test would still reach its broker
    yield
    drop_celery_connections()


def test_capture_and_approval_survive_and_the_sweep_catches_up(world, broker_down,
                                                               django_capture_on_commit_callbacks):
    compute_year(2024)
    with django_capture_on_commit_callbacks(execute=True):
        progress = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80))
        transition(world.cap_a, progress, Action.ENVIAR)
        transition(world.coord, progress, Action.APROBAR)
    progress.refresh_from_db()
    assert progress.status == "aprobado"
    # Capture, send and approve share the test's transaction here: one recompute of the indicator.
    assert PendingRecompute.objects.filter(indicator=world.ind_a).count() == 1
    stale = QuarterResult.objects.get(indicator=world.ind_a, quarter=1)
    assert stale.avance is None  # the recompute has not run yet
    # The notices do not wait for the broker: this process sent them (returned to capturista on approval).
    assert [m.subject for m in mail.outbox if "aprobado" in m.subject], [m.subject for m in mail.outbox]
    assert sweep_pending_recomputes() == 1  # beat runs it once the broker is back
    result = QuarterResult.objects.get(indicator=world.ind_a, quarter=1)
    assert (result.avance, result.semaforo, result.approved) == (D(80), "verde", True)
    assert not PendingRecompute.objects.exists()
