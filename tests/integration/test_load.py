"""Concurrency on the real PostgreSQL: two first captures racing, and 20 sessions through HTTP
(gunicorn) with a real worker recomputing behind them (issue #8, item 4)."""

import contextlib
import io
import json
import threading
import time
from decimal import Decimal as D

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

from compliance.engine import compute_year
from compliance.models import QuarterResult
from devtools import loadtest
from reporting.models import Progress
from reporting.services import ConcurrentEdit, save_progress
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration]


def hold_after_the_row_lock(reached, release):
    """Pause this connection right after save_progress's SELECT … FOR UPDATE (which found nothing)."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "FOR UPDATE" in sql and not reached.is_set():
            reached.set()
            assert release.wait(10)
        return result

    return wrapper


@pytest.mark.parametrize("other_commits", ["before_validation", "before_insert"])
def test_two_first_captures_at_once_the_later_one_is_told(transactional_db, other_commits):
    """Nothing to lock yet, so uniqueness decides, whenever the other capture commits: while this
    one is still validating, or once it is inserting. The later one gets the Spanish message."""
    program, indicators, users = loadtest.prepare(loadtest.LoadPlan(sessions=3, coordinators=1, indicators=1), "x")
    first, second = (get_user_model().objects.get(username=f"{loadtest.USER_PREFIX}capturista-0{n}") for n in (0, 1))
    reached, release, outcome = threading.Event(), threading.Event(), {}

    def later_capture():
        try:
            wrapper = hold_after_the_row_lock(reached, release) if other_commits == "before_validation" else None
            with connection.execute_wrapper(wrapper) if wrapper else contextlib.nullcontext():
                if other_commits == "before_insert":
                    reached.set()
                    assert release.wait(10)
                save_progress(second, indicators[0], loadtest.LOAD_YEAR, 3, value=D(90), expected_version=0)
        except ConcurrentEdit as exc:
            outcome["message"] = exc.messages[0]
        finally:
            connection.close()

    if other_commits == "before_validation":
        thread = threading.Thread(target=later_capture)
        thread.start()
        assert reached.wait(10)
        save_progress(first, indicators[0], loadtest.LOAD_YEAR, 3, value=D(70), expected_version=0)  # commits
        release.set()
        thread.join()
    else:
        with transaction.atomic():  # inserted, not yet committed: the other insert waits on it
            save_progress(first, indicators[0], loadtest.LOAD_YEAR, 3, value=D(70), expected_version=0)
            thread = threading.Thread(target=later_capture)
            thread.start()
            assert reached.wait(10)
            release.set()
            time.sleep(0.5)  # the other capture runs into the uncommitted row meanwhile
        thread.join()
    assert "capturó este avance mientras usted lo editaba" in outcome.get("message", ""), outcome
    progress = Progress.objects.get(indicator=indicators[0])
    assert (progress.value, progress.version, progress.created_by) == (D(70), 1, first)


def snapshot():
    return sorted(QuarterResult.objects.filter(fiscal_year=loadtest.LOAD_YEAR).values_list(
        "indicator_id", "quarter", "avance", "compliance", "semaforo", "approved"))


def worker_idle(worker):
    """Nothing waits in the queue and every task the worker took has finished."""
    log = worker.log_text()
    queued = redis.Redis.from_url(settings.CELERY_BROKER_URL).llen("celery")
    finished = sum(log.count(end) for end in ("] succeeded in ", "] retry: ", "] raised unexpected"))
    return queued == 0 and log.count("] received") == finished


def test_twenty_sessions_capture_and_approve_with_no_lost_update(celery_worker_process):
    worker = celery_worker_process()
    out = io.StringIO()
    call_command("load_test", "--json", stdout=out)
    result = json.loads(out.getvalue())
    print(json.dumps(result, ensure_ascii=False))  # the figures quoted in the README (pytest -s)
    assert result["sesiones"] == 20
    assert (result["errores"], result["actualizaciones_perdidas"]) == (0, 0), result
    # The run must really have collided and decided, or it proves nothing.
    assert result["conflictos_detectados"] > 0 and result["rechazos_por_estado"] > 0
    assert result["guardados_confirmados"] > 50 and result["aprobaciones"] > 10

    wait_until(lambda: worker_idle(worker), 180, "el worker no terminó los recálculos de la carga")
    by_worker = snapshot()
    compute_year(loadtest.LOAD_YEAR)
    assert snapshot() == by_worker  # the worker's results are those of a fresh computation
