"""The ejercicios of one indicator: the chain its ID_INDICADOR_CICLO_ANTERIOR links make (docs/intercambio.md)."""

from django.db import connection
from django.db.models.expressions import RawSQL

from indicators.models import Indicator

# Each link goes one ejercicio back (Indicator.clean, interchange/kept.py), so a chain cannot loop and is
# as long as the years stored; the bound only stops a walk over links written by hand in the database.
MAX_LINKS = 100


def linked_indicators(indicator):
    """The indicators linked to `indicator` through `previous`, backwards and forwards, itself included:
    one recursive query however long the chain (PostgreSQL and SQLite both run it)."""
    table = connection.ops.quote_name(Indicator._meta.db_table)
    sql = f"""WITH RECURSIVE back(id, depth) AS (
            SELECT id, 0 FROM {table} WHERE id = %s
            UNION ALL
            SELECT i.previous_id, back.depth + 1 FROM {table} i JOIN back ON i.id = back.id
            WHERE i.previous_id IS NOT NULL AND back.depth < %s
        ), ahead(id, depth) AS (
            SELECT id, 0 FROM {table} WHERE id = %s
            UNION ALL
            SELECT i.id, ahead.depth + 1 FROM {table} i JOIN ahead ON i.previous_id = ahead.id
            WHERE ahead.depth < %s
        )
        SELECT id FROM back UNION SELECT id FROM ahead"""
    return Indicator.objects.filter(pk__in=RawSQL(sql, [indicator.pk, MAX_LINKS, indicator.pk, MAX_LINKS]))
