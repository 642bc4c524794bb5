"""A database of its own for a benchmark: created and migrated at the start, dropped at the end.
The timed work then commits, as in production, and pays what a rolled-back transaction never does
(PostgreSQL checks deferred foreign keys at COMMIT), while nothing is left behind."""

from contextlib import contextmanager

from django.core.management.base import CommandError
from django.db import connection


@contextmanager
def scratch_database():
    if connection.vendor != "postgresql":
        raise CommandError("Los bancos miden PostgreSQL, la base de producción; configure DATABASE_URL.")
    name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{name}_banco_temporal"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
