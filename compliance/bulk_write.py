"""Writing quarterly results and aggregates in bulk, as plain tuples.

On PostgreSQL a full recompute's rows go through COPY: bulk_create spent most of it building its
statement and converting its parameters (docs/decisiones.md, «Recálculo»). SQLite, the embedded
default, keeps bulk_create."""

from django.db import connection

from common.bulk_insert import insert_rows
from compliance.models import QuarterResult

KEY = ["indicator_id", "fiscal_year", "quarter"]
VALUES = ["program_id", "responsible_unit_id", "level", "month", "meta", "adjustment_id", "avance", "progress_id",
          "compliance", "semaforo", "status", "green_yellow", "yellow_red", "reported", "approved", "on_time",
          "computed_at"]
COLUMNS = KEY + VALUES


def result_writer(fiscal_year, quarters, indicator_ids):
    """A function that writes result rows given in `COLUMNS` order, called once per chunk.
    A full recompute (no `indicator_ids`) on PostgreSQL replaces the quarters' results: it deletes
    them and COPYs the new rows straight into the table (nothing refers to a result by its id).
    A few indicators are upserted with bulk_create, as everything is on SQLite."""
    if indicator_ids is None and connection.vendor == "postgresql":
        QuarterResult.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters).delete()
        return lambda rows: insert_rows(QuarterResult, COLUMNS, rows)
    return _upsert


def _upsert(rows):
    QuarterResult.objects.bulk_create(
        [QuarterResult(**dict(zip(COLUMNS, row))) for row in rows], batch_size=2000,
        update_conflicts=True, unique_fields=["indicator", "fiscal_year", "quarter"],
        update_fields=[column.removesuffix("_id") for column in VALUES],
    )
