"""SQLite under concurrent web use, on a real database file (tests/sqlite_concurrency.py runs it in a
separate process: the in-memory test database has a single connection and cannot lock)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

LOCKED_PAGE = "El sistema está ocupado"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "SIMIR_MEDIA_ROOT"):
        env.pop(name, None)  # eager tasks and in-memory files, whatever the calling pass uses
    done = subprocess.run([sys.executable, "-m", "tests.sqlite_concurrency"], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sqlite_is_configured_for_concurrent_writers(report):
    assert report["config"] == {"journal_mode": "wal", "busy_timeout": 20000, "transaction_mode": "IMMEDIATE"}


def test_two_simultaneous_decisions_on_one_avance_give_one_approval_and_an_explanation(report):
    race = report["race"]
    responses = sorted(race["responses"], key=lambda r: r["status"])
    assert [r["status"] for r in responses] == [200, 302], [r["error"] for r in responses]
    assert [r["error"] for r in responses] == [None, None]
    assert "No se puede «aprobar» un avance en estado aprobado." in responses[0]["body"]
    assert (race["status"], race["transitions"]) == ("aprobado", 1)


def test_a_lock_held_past_the_busy_timeout_gives_a_spanish_503_page(report):
    held = report["held"]
    assert held["status"] == 503, held["error"]
    assert LOCKED_PAGE in held["body"] and "database is locked" not in held["body"]
    assert '<html lang="es-MX">' in held["body"]
    assert held["retry_after"] is not None
    assert held["status_after"] == "enviado"  # nothing half-written: the decision can simply be repeated
