"""Quarterly aggregates per programa, UR, nivel and total (docs/reglas.md), from the stored results.

A full recompute counts them with one grouped query per scope. An incremental one (a few indicators)
applies the difference between their results before and after: its cost does not grow with the
ejercicio, and the groups an indicator just left lose it (they kept a stale count when only the
groups it belonged to were re-counted). Both count with the same rule: `counters` states it for one
result, `COUNTS` in SQL, and a test holds them equal."""

from collections import defaultdict

from django.db import connection
from django.db.models import Count, DecimalField, F, Q, Sum
from django.db.models.functions import Cast, Round

from common.bulk_insert import insert_rows
from compliance.models import QuarterAggregate, QuarterResult
from indicators import rules

Scope = QuarterAggregate.Scope
GROUPS = {Scope.PROGRAMA: "program_id", Scope.UR: "responsible_unit_id", Scope.NIVEL: "level"}
KEYS = {"program_id": None, "responsible_unit_id": None, "level": ""}  # an aggregate's group, unset


class ExactSum(Sum):
    """SUM, exact on PostgreSQL's numeric. SQLite's SUM of integers raises on overflow, so there it
    is TOTAL (floating point, like SQLite's decimals: exact while the total stays under 2^53)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sqlite(compiler, connection, function="TOTAL", **extra_context)


WITH_META = ~Q(status=rules.Estado.SIN_META)
COUNTS = {  # prefixed: several names are also fields of QuarterResult
    "n_indicators": Count("pk"),
    "n_with_meta": Count("pk", filter=WITH_META),
    "n_reported": Count("pk", filter=WITH_META & Q(reported=True)),
    "n_approved": Count("pk", filter=WITH_META & Q(approved=True)),
    "n_verde": Count("pk", filter=Q(semaforo=rules.Semaforo.VERDE)),
    "n_amarillo": Count("pk", filter=Q(semaforo=rules.Semaforo.AMARILLO)),
    "n_rojo": Count("pk", filter=Q(semaforo=rules.Semaforo.ROJO)),
    "n_gris": Count("pk", filter=Q(semaforo=rules.Semaforo.GRIS)),
    "n_with_compliance": Count("compliance"),
    # Whole hundredths keep the sum exact: on PostgreSQL at any size, and on SQLite (whose decimals
    # are floating point) while it stays under 2^53. An integer cast overflowed with one extreme c.
    "n_compliance_hundredths": ExactSum(Cast(Round(F("compliance") * 100), DecimalField(
        max_digits=rules.COMPLIANCE_SUM_MAX_DIGITS, decimal_places=0))),
    "n_submitted": Count("pk", filter=WITH_META & Q(reported=True, on_time__isnull=False)),
    "n_on_time": Count("pk", filter=WITH_META & Q(reported=True, on_time=True)),
}
COUNTERS = [name[2:] for name in COUNTS]
RESULT_INPUTS = ["quarter", "program_id", "responsible_unit_id", "level", "status", "reported", "approved",
                 "semaforo", "compliance", "on_time"]
COLUMNS = ["fiscal_year", "quarter", "scope", *KEYS, *COUNTERS, "mean_compliance", "completeness", "timeliness",
           "computed_at"]


def counters(result):
    """What one result (a dict of RESULT_INPUTS) adds to each counter of its groups: COUNTS for one row."""
    with_meta = result["status"] != rules.Estado.SIN_META
    reported = with_meta and result["reported"]
    compliance = result["compliance"]
    return {
        "indicators": 1, "with_meta": int(with_meta), "reported": int(reported),
        "approved": int(with_meta and result["approved"]),
        "verde": int(result["semaforo"] == rules.Semaforo.VERDE),
        "amarillo": int(result["semaforo"] == rules.Semaforo.AMARILLO),
        "rojo": int(result["semaforo"] == rules.Semaforo.ROJO),
        "gris": int(result["semaforo"] == rules.Semaforo.GRIS),
        "with_compliance": int(compliance is not None),
        "compliance_hundredths": 0 if compliance is None else int(compliance * 100),  # c has 2 decimals
        "submitted": int(reported and result["on_time"] is not None),
        "on_time": int(reported and result["on_time"] is True),
    }


def store_all(fiscal_year, quarters, computed_at):
    """Replace the quarters' aggregates: one grouped query per scope; the total sums the nivel rows."""
    results = QuarterResult.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters).order_by()
    rows, totals = [], defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for scope, group in GROUPS.items():
        for row in results.values("quarter", group).annotate(**COUNTS).order_by("quarter", group):
            values = {name: row[f"n_{name}"] or 0 for name in COUNTERS}
            rows.append(_row(fiscal_year, row["quarter"], scope, {group: row[group]}, values, computed_at))
            if scope == Scope.NIVEL:
                _add(totals[row["quarter"]], values)
    rows += [_row(fiscal_year, quarter, Scope.TOTAL, {}, values, computed_at) for quarter, values in totals.items()]
    QuarterAggregate.objects.filter(fiscal_year=fiscal_year, quarter__in=quarters).delete()
    insert_rows(QuarterAggregate, COLUMNS, rows)


def results_of(fiscal_year, quarters, indicator_ids):
    """The stored results of a few indicators, as `counters` and `apply_difference` read them."""
    return list(QuarterResult.objects.filter(
        fiscal_year=fiscal_year, quarter__in=quarters, indicator_id__in=indicator_ids,
    ).order_by().values(*RESULT_INPUTS))


def apply_difference(fiscal_year, before, after, computed_at):
    """Update the aggregates of the groups touched by results that went from `before` to `after`
    (lists from `results_of`): counters by difference, rows created or removed as groups fill or empty."""
    delta = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for results, sign in ((before, -1), (after, 1)):
        for result in results:
            values = counters(result)
            for key in _groups_of(result):
                _add(delta[key], values, sign)
    # Groups whose counters did not move are rewritten too: their computed_at is the dashboard's
    # cache stamp, and a result's own numbers (its cumplimiento in the drill-down) may have changed.
    if not delta:
        return
    stored = QuarterAggregate.objects.filter(fiscal_year=fiscal_year).filter(
        _any_of(delta)).order_by("pk").select_for_update()
    found = {}
    for aggregate in stored:
        found.setdefault(_key_of(aggregate), aggregate)
    changed, emptied, created = [], [], []
    for key, values in delta.items():
        aggregate = found.get(key)
        current = {name: getattr(aggregate, name) for name in COUNTERS} if aggregate else dict.fromkeys(COUNTERS, 0)
        _add(current, values)
        if current["indicators"] <= 0:
            if aggregate:
                emptied.append(aggregate.pk)
            continue
        quarter, scope, group = key
        row = dict(zip(COLUMNS, _row(fiscal_year, quarter, scope, dict(group), current, computed_at)))
        if aggregate is None:
            created.append(QuarterAggregate(**row))
            continue
        for name, value in row.items():
            setattr(aggregate, name, value)
        changed.append(aggregate)
    QuarterAggregate.objects.filter(pk__in=emptied).delete()
    QuarterAggregate.objects.bulk_update(changed, [*COUNTERS, "mean_compliance", "completeness", "timeliness",
                                                   "computed_at"])
    QuarterAggregate.objects.bulk_create(created)


LOCK_NAMESPACE = 4711  # the advisory-lock class of compliance recomputes


def lock_ejercicio(fiscal_year, exclusive):
    """Incremental recomputes of an ejercicio run side by side (shared lock) but never with its full
    recompute (exclusive), which deletes the rows they would update. PostgreSQL only: SQLite has a
    single writer."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, %s)", [LOCK_NAMESPACE, fiscal_year])


def _groups_of(result):
    quarter = result["quarter"]
    yield quarter, Scope.TOTAL, ()
    for scope, group in GROUPS.items():
        yield quarter, scope, ((group, result[group]),)


def _key_of(aggregate):
    if aggregate.scope == Scope.TOTAL:
        return aggregate.quarter, Scope.TOTAL, ()
    group = GROUPS[aggregate.scope]
    return aggregate.quarter, aggregate.scope, ((group, getattr(aggregate, group)),)


def _any_of(keys):
    condition = Q(pk__in=[])
    for quarter, scope, group in keys:
        condition |= Q(quarter=quarter, scope=scope, **dict(group))
    return condition


def _add(total, values, sign=1):
    for name, value in values.items():
        total[name] += sign * value


def derived(values):
    """Mean cumplimiento, completeness and timeliness of summed counters (never an average of averages)."""
    return {
        "mean_compliance": rules.mean_of_hundredths(values["compliance_hundredths"], values["with_compliance"]),
        "completeness": rules.percentage(values["reported"], values["with_meta"]),
        "timeliness": rules.percentage(values["on_time"], values["submitted"]),
    }


def _row(fiscal_year, quarter, scope, group, values, computed_at):
    """An aggregate in COLUMNS order, with its means and percentages from the counters."""
    keys = {**KEYS, **group}
    return (fiscal_year, quarter, scope, *keys.values(), *(values[name] for name in COUNTERS),
            *derived(values).values(), computed_at)
