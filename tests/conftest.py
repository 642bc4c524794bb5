import os
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """pytest-django drops a test database left by an aborted run before creating it again, but
    PostgreSQL refuses to drop one that still has sessions (a Celery worker or gunicorn that outlived
    a killed pytest, a psql left open), and the whole run then errors out. End those sessions first:
    the database is about to be dropped anyway. This runs after the xdist suffix is applied, so each
    worker only touches its own database (test_simir_gw0...)."""
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()",
                           [connection.creation._get_test_db_name()])


@pytest.fixture(autouse=True)
def _integration_needs_postgres(request):
    """Integration tests prove behaviour on the real PostgreSQL; on another database they are
    skipped locally and fail under CI (where `make test` must have run them on PostgreSQL)."""
    if request.node.get_closest_marker("integration") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        message = "las pruebas de integración necesitan PostgreSQL (DATABASE_URL); use `make test`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def world(db):
    """Two URs with a programme each (Q1-2024 open now), their capturistas, a coordinador of both,
    one of UR A only and a consulta of both."""
    from programs.roles import CAPTURISTA, CONSULTA, COORDINADOR
    from reporting.models import CaptureWindow
    from tests.factories import IndicatorFactory, MatrixFactory, ResponsibleUnitFactory, TargetFactory, make_user

    unit_a, unit_b = ResponsibleUnitFactory(clave="AAA"), ResponsibleUnitFactory(clave="BBB")
    matrix_a = MatrixFactory(program__responsible_unit=unit_a)
    matrix_b = MatrixFactory(program__responsible_unit=unit_b)
    ind_a = IndicatorFactory(objective__matrix=matrix_a, responsible_unit=unit_a)
    ind_b = IndicatorFactory(objective__matrix=matrix_b, responsible_unit=unit_b)
    for indicator in (ind_a, ind_b):
        TargetFactory(indicator=indicator, month=3, value=Decimal(80))
    now = timezone.now()
    CaptureWindow.objects.create(fiscal_year=2024, quarter=1, opens_at=now - timedelta(days=1),
                                 closes_at=now + timedelta(days=10))
    return SimpleNamespace(
        unit_a=unit_a, unit_b=unit_b, ind_a=ind_a, ind_b=ind_b, matrix_a=matrix_a, program_a=matrix_a.program,
        cap_a=make_user("cap_a", CAPTURISTA, [unit_a]), cap_b=make_user("cap_b", CAPTURISTA, [unit_b]),
        coord=make_user("coord", COORDINADOR, [unit_a, unit_b]), coord_a=make_user("coord_a", COORDINADOR, [unit_a]),
        consulta=make_user("consulta", CONSULTA, [unit_a, unit_b]),
    )


@pytest.fixture
def production_settings(monkeypatch):
    """Builds config.settings.production from an environment (the module, not applied to Django):
    `production_settings(NAME="value")`. The secret key it requires is a fresh random one."""
    import importlib
    import secrets
    import sys

    def build(**env):
        monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
        for name in ("SIMIR_TRUSTED_PROXY_COUNT", "DJANGO_SECURE_SSL_REDIRECT", "DJANGO_ALLOWED_HOSTS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        sys.modules.pop("config.settings.production", None)
        return importlib.import_module("config.settings.production")

    yield build
    sys.modules.pop("config.settings.production", None)
