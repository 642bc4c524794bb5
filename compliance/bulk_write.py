"""Writing quarterly results and aggregates in bulk, as plain tuples.

On PostgreSQL rows go through COPY (results into a temporary table merged with one INSERT … ON
CONFLICT): bulk_create spent most of a full recompute building its statement and converting its
parameters (docs/decisiones.md, «Recálculo»). SQLite, the embedded default, keeps bulk_create."""

from django.db import connection

from compliance.models import QuarterResult

KEY = ["indicator_id", "fiscal_year", "quarter"]
VALUES = ["program_id", "responsible_unit_id", "level", "month", "meta", "adjustment_id", "avance", "progress_id",
          "compliance", "semaforo", "status", "green_yellow", "yellow_red", "reported", "approved", "on_time",
          "computed_at"]
COLUMNS = KEY + VALUES
STAGING = "simir_result_staging"


def result_writer(many):
    """Upserts result rows in `COLUMNS` order: `write(rows)` as often as needed, then `close()`.
    COPY pays for its temporary table only when `many` rows are coming (a full recompute)."""
    return _CopyWriter() if many and connection.vendor == "postgresql" else _BulkWriter()


def insert_rows(model, columns, rows):
    """Insert new rows (tuples in `columns` order, attribute names) into the model's table."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row))) for row in rows], batch_size=2000)
        return
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


class _CopyWriter:
    def __init__(self):
        table = QuarterResult._meta.db_table
        columns = ", ".join(COLUMNS)
        self.cursor = connection.cursor()
        # A run nested in a caller's transaction may follow another: the staging table is its own.
        self.cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        self.cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} AS SELECT {columns} FROM {table} WITH NO DATA")
        self.copy_sql = f"COPY {STAGING} ({columns}) FROM STDIN"
        updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in VALUES)
        self.merge_sql = (f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGING} "
                          f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}")

    def write(self, rows):
        with self.cursor.copy(self.copy_sql) as copy:
            for row in rows:
                copy.write_row(row)

    def close(self):
        self.cursor.execute(self.merge_sql)
        self.cursor.execute(f"DROP TABLE {STAGING}")
        self.cursor.close()


class _BulkWriter:
    def write(self, rows):
        QuarterResult.objects.bulk_create(
            [QuarterResult(**dict(zip(COLUMNS, row))) for row in rows], batch_size=2000,
            update_conflicts=True, unique_fields=["indicator", "fiscal_year", "quarter"],
            update_fields=[column.removesuffix("_id") for column in VALUES],
        )

    def close(self):
        pass
