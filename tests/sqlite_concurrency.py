"""`python -m tests.sqlite_concurrency` (DATABASE_URL naming an SQLite file): concurrent decisions on a
real SQLite file, which the in-memory test database cannot show (it has a single connection).

Prints one JSON object: the connection's SQLite settings; `race`, what two coordinators got when
approving the same avance at the same moment (each thread has its own connection, and each waits
before its first write until the other is ready to write too, so both have read before either
writes: the interleaving that makes a deferred transaction fail with «database is locked»); and
`held`, what a decision got while another connection held the write lock past the busy timeout.
The assertions are in tests/test_sqlite_concurrency.py."""

import json
import os
import sqlite3
import sys
import threading
from datetime import timedelta
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.signals import got_request_exception  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

# How long a thread waits for the other at its first write; with IMMEDIATE transactions the other
# is blocked at BEGIN, so it never comes and the wait only delays the first decision.
RENDEZVOUS_SECONDS = 2
WRITES = ("INSERT", "UPDATE", "DELETE")
# The signal reaches every test client listening, whichever thread failed; keep each thread's own.
unhandled = threading.local()


def remember_exception(**kwargs):
    unhandled.exc = sys.exc_info()[1]


got_request_exception.connect(remember_exception)


def build():
    from programs.roles import CAPTURISTA, COORDINADOR
    from reporting.choices import ProgressStatus
    from reporting.models import CaptureWindow

    from .factories import IndicatorFactory, ProgressFactory, ResponsibleUnitFactory, TargetFactory, make_user

    unit = ResponsibleUnitFactory(clave="AAA")
    now = timezone.now()
    CaptureWindow.objects.create(fiscal_year=2024, quarter=1, opens_at=now - timedelta(days=1),
                                 closes_at=now + timedelta(days=10))
    coordinators = [make_user(f"coord_{n}", COORDINADOR, [unit]) for n in (1, 2)]
    capturista = make_user("cap", CAPTURISTA, [unit])

    def sent():
        """A sent avance of a new indicator of the coordinators' UR, waiting for a decision."""
        indicator = IndicatorFactory(objective__matrix__program__responsible_unit=unit, responsible_unit=unit)
        TargetFactory(indicator=indicator, month=3, value=Decimal(80))
        # Sent by a capturista: separation of duties would keep its sender from deciding it.
        return ProgressFactory(indicator=indicator, month=3, value=Decimal(80), status=ProgressStatus.ENVIADO,
                               submitted_by=capturista, submitted_at=now)

    return coordinators, sent


def post(client, progress):
    unhandled.exc = None
    response = client.post(reverse("simir:review_detail", args=[progress.pk]), {"action": "aprobar"})
    exc = unhandled.exc
    return response, {"status": response.status_code, "body": response.content.decode(errors="replace"),
                      "error": f"{exc.__class__.__name__}: {exc}" if exc else None}


def decide(user, progress, ready, other_ready, results, name):
    def pause_before_first_write(execute, sql, params, many, context):
        if not ready.is_set() and connection.in_atomic_block and sql.lstrip().upper().startswith(WRITES):
            ready.set()
            other_ready.wait(RENDEZVOUS_SECONDS)
        return execute(sql, params, many, context)

    client = Client(raise_request_exception=False)
    client.force_login(user)
    try:
        with connection.execute_wrapper(pause_before_first_write):
            results[name] = post(client, progress)[1]
    finally:
        ready.set()  # never leave the other thread waiting, whatever happened here
        connection.close()


def race(coordinators, progress):
    from reporting.models import ProgressTransition

    results, events = {}, [threading.Event(), threading.Event()]
    threads = [threading.Thread(target=decide, args=(user, progress, events[n], events[1 - n], results, user.username))
               for n, user in enumerate(coordinators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    progress.refresh_from_db()
    return {"responses": [results.get(user.username) for user in coordinators], "status": progress.status,
            "transitions": ProgressTransition.objects.filter(progress=progress).count()}


def held(coordinator, progress, path):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    connection.close()
    connection.settings_dict.setdefault("OPTIONS", {})["timeout"] = 1  # fail fast instead of after 20 s
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
    try:
        response, result = post(client, progress)
    finally:
        other.execute("ROLLBACK")
        other.close()
    progress.refresh_from_db()
    return {**result, "status_after": progress.status, "retry_after": response.get("Retry-After")}


def main():
    setup_test_environment()  # the test client's host, e-mail in memory: as under pytest
    call_command("migrate", verbosity=0, interactive=False)
    coordinators, sent = build()
    with connection.cursor() as cursor:
        config = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "busy_timeout")}
    config["transaction_mode"] = connection.transaction_mode
    report = {"config": config, "race": race(coordinators, sent())}
    report["held"] = held(coordinators[0], sent(), connection.settings_dict["NAME"])
    print(json.dumps(report))


if __name__ == "__main__":
    main()
