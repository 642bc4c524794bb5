"""Inserting many new rows at once, as plain values, with or without their history.

On PostgreSQL the rows go through COPY: bulk_create spent most of its time building its statement
and converting every parameter (docs/decisiones.md, «Escrituras masivas»). A model that keeps
history gets one historical row per new row, the row django-simple-history's
bulk_create_with_history writes, in a second COPY; the new rows' ids come from the table's own
sequence first, so that both rows carry them. SQLite, the embedded default, keeps bulk_create."""

from django.db import connection
from django.db.models import DateField, DateTimeField
from simple_history.utils import bulk_create_with_history

BATCH = 2000
CREATED_HISTORY = "+"
# Values psycopg's COPY writes as they are; other fields (JSON, say) are prepared by Django first.
_PLAIN = {"AutoField", "BigAutoField", "BooleanField", "CharField", "DateField", "DateTimeField", "DecimalField",
          "ForeignKey", "IntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
          "SmallIntegerField", "TextField", "OneToOneField"}


def copy_rows(table, columns, rows):
    """COPY tuples in `columns` order (column names) into `table`, on PostgreSQL."""
    # COPY is psycopg's own API: its errors are wrapped here as Django's are for every other query.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(
            f"COPY {connection.ops.quote_name(table)} ({', '.join(map(connection.ops.quote_name, columns))}) "
            "FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(model, columns, rows):
    """Insert new rows (tuples in `columns` order, attribute names) into the model's table."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row))) for row in rows], batch_size=BATCH)
        return
    copy_rows(model._meta.db_table, [model._meta.get_field(c).column for c in columns], rows)


def insert_with_history(model, rows, reason, now):
    """Insert new instances given as {attribute name: value} (a field left out takes its default;
    auto_now fields take `now`) and their creation history with `reason`. Returns their ids, in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = bulk_create_with_history([model(**values) for values in rows], model, batch_size=BATCH,
                                           default_change_reason=reason, default_date=now)
        return [instance.pk for instance in created]
    pk_field = model._meta.pk
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    history = model.history.model
    if [field.attname for field in history.tracked_fields] != [field.attname for field in [pk_field, *fields]]:
        raise RuntimeError(f"The history of {model.__name__} does not track the fields in table order.")
    ids = _next_ids(model, len(rows))
    fill = _filler(fields, now)
    filled = [(pk, *fill(values)) for pk, values in zip(ids, rows)]
    copy_rows(model._meta.db_table, [pk_field.column, *(field.column for field in fields)], filled)
    columns = [field.column for field in history.tracked_fields]
    columns += [history._meta.get_field(name).column for name in ("history_date", "history_change_reason",
                                                                   "history_type", "history_user")]
    copy_rows(history._meta.db_table, columns, (
        (*values, now, reason, CREATED_HISTORY, None) for values in filled))
    return ids


def _next_ids(model, count):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [table, model._meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


def _filler(fields, now):
    """A function from {attribute name: value} to the values of `fields`, what each field's save would
    store: its default when left out, `now` for auto_now fields."""
    plan = []
    for field in fields:
        automatic = isinstance(field, (DateField, DateTimeField)) and (field.auto_now or field.auto_now_add)
        prepare = None if field.get_internal_type() in _PLAIN else field
        plan.append((field.attname, (lambda: now) if automatic else field.get_default, prepare))

    def fill(values):
        row = []
        for attname, default, prepare in plan:
            value = values[attname] if attname in values else default()
            row.append(value if prepare is None else prepare.get_db_prep_save(value, connection))
        return row

    return fill
