"""Writing validated interchange rows (the import's second pass), inside the caller's transaction.

The catalog rows a file repeats on every line (ramo, UR, programa, matriz) are written once per
import and then taken from memory. Indicators, metas and avances go in batches of BATCH rows: one
query reads what is stored for the batch, then new rows are inserted and changed ones updated in
bulk, with their history (django-simple-history's bulk helpers) and the import's reason. A
row-by-row upsert cost about 40 queries per file row."""

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.upsert import upsert
from indicators.choices import AdjustmentStatus, AdjustmentType
from indicators.models import Indicator, Target, TargetAdjustment
from interchange.kept import kept_values, previous_ids
from programs.models import Level, Matrix, Objective, Program, Ramo, ResponsibleUnit
from reporting.choices import ProgressStatus
from reporting.models import Progress

BATCH = 500
CREATED, UPDATED, UNCHANGED = "creados", "actualizados", "sin cambios"


class Writer:
    def __init__(self, report, reason, unknown_parents):
        self.report = report
        self.unknown_parents = unknown_parents
        self.reason = reason
        self.now = timezone.now()
        self.touched = set()
        self.fiscal_years = set()
        self._catalog = {}  # (model, lookup) → (instance, values last written)
        self._pending = []  # (row, matrix, objective, unit) waiting for the batch write

    def write(self, row):
        self.fiscal_years.add(row.fiscal_year)
        ramo = self._cached(Ramo, {"clave": row.ramo}, "ramos", {"name": row.ramo_name}, {"name": row.ramo})
        unit = self._cached(ResponsibleUnit, {"ramo": ramo, "clave": row.ur}, "unidades responsables",
                            {"name": row.ur_name}, {"name": row.ur})
        program = self._cached(
            Program,
            {"fiscal_year": row.fiscal_year, "ramo": ramo, "modalidad": row.modalidad, "number": row.program_number},
            "programas",
            {"name": row.program_name, "modalidad_name": row.modalidad_name, **row.program_hacienda},
            {"name": row.program_clave, "responsible_unit": unit},
        )
        kind = Matrix.Kind.FID if row.level == Level.FID else Matrix.Kind.MIR
        matrix = self._cached(Matrix, {"program": program, "kind": kind}, "matrices",
                              {"fiscal_year": row.fiscal_year, "external_id": row.matrix_id, "name": row.matrix_name})
        self._pending.append((row, matrix, unit))
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self):
        """Write the objectives, indicators, metas and avances of the rows read so far."""
        batch, self._pending = self._pending, []
        if not batch:
            return
        objectives = self._objectives(batch)
        indicators = self._indicators([(row, matrix, objectives[(matrix.pk, row.objective)], unit)
                                       for row, matrix, unit in batch])
        self._periods(batch, indicators)

    def link_waiting_objectives(self):
        """Objectives stored without the parent their file named get it once it is stored (Objective
        keeps no history, so one UPDATE does it)."""
        parents = Objective.objects.filter(matrix=OuterRef("matrix"), clave=OuterRef("pending_parent_clave"))
        self.report.linked = Objective.objects.exclude(pending_parent_clave="").filter(Exists(parents)).update(
            parent=Subquery(parents.values("pk")[:1]), pending_parent_clave="",
        )

    # --- Catalog rows and objectives, one at a time ----------------------------------------------

    def _get(self, model, lookup, kind, values, create_defaults=None):
        """Fetch or create an instance and set the values the row gives (empty cells keep what is stored)."""
        given = _given(values)
        instance, outcome = upsert(model, lookup, given, create_defaults, self.reason)
        self._count(kind, instance.pk, outcome)
        return instance

    def _cached(self, model, lookup, kind, values, create_defaults=None):
        """`_get`, skipped when an earlier row of this import already wrote the same values."""
        key = (model, tuple((name, getattr(value, "pk", value)) for name, value in lookup.items()))
        given = _given(values)
        cached = self._catalog.get(key)
        if cached and cached[1] == given:
            return cached[0]
        instance = self._get(model, lookup, kind, given, create_defaults)
        self._catalog[key] = (instance, given)
        return instance

    def _count(self, kind, pk, outcome):
        if (kind, pk) not in self.touched:  # count each object once however many rows name it
            self.touched.add((kind, pk))
            self.report.counts[(kind, outcome)] += 1

    # --- Objectives, indicators, metas and avances, a batch at a time ---------------------------

    def _objectives(self, batch):
        """{(matrix id, clave): objective} of the batch's rows and of the parents they name. A parent
        declared by a later row is created now with the level above its child's, and that row fills
        it in; one neither in the file nor stored is left waiting (`pending_parent_clave`)."""
        stored = {(o.matrix_id, o.clave): o for o in Objective.objects.filter(
            matrix_id__in={matrix.pk for _, matrix, _ in batch}).order_by()}
        new, placeholders, changed, relink, fields = {}, set(), {}, {}, set()
        for row, matrix, _ in batch:
            parent, waiting_for = None, ""
            if row.parent_objective:
                parent_key = (matrix.pk, row.parent_objective)
                parent = stored.get(parent_key)
                if parent is None and (*row.program_key, row.parent_objective) in self.unknown_parents:
                    waiting_for = row.parent_objective
                elif parent is None:
                    parent = stored[parent_key] = new[parent_key] = Objective(
                        matrix=matrix, clave=row.parent_objective, level=_parent_level(row.level))
                    placeholders.add(parent_key)
            key = (matrix.pk, row.objective)
            values = _given({"level": row.level, "summary": row.objective_summary, "pending_parent_clave": waiting_for})
            objective = stored.get(key)
            if objective is None:
                objective = stored[key] = new[key] = Objective(matrix=matrix, clave=row.objective, **values)
                differing = values
            else:
                differing = {name: value for name, value in values.items() if getattr(objective, name) != value}
                for name, value in differing.items():
                    setattr(objective, name, value)
                if differing and key not in new:
                    changed[key] = objective
                    fields.update(differing)
            # The parent is set once every objective has an id (it may be new too).
            if parent is not None and (key in new or parent.pk is None or objective.parent_id != parent.pk):
                relink[key] = parent
            if ("objetivos", key) not in self.touched:  # each once, however many rows name it
                self.touched.add(("objetivos", key))
                # A parent created for an earlier row counts as filled in, as if it had been stored.
                outcome = CREATED if key in new and key not in placeholders else (
                    UPDATED if differing or key in relink else UNCHANGED)
                self.report.counts[("objetivos", outcome)] += 1
        Objective.objects.bulk_create(list(new.values()), batch_size=BATCH)
        for key, parent in relink.items():
            stored[key].parent = parent
        if relink:
            fields.add("parent")
        updated = {**changed, **{key: stored[key] for key in relink}}
        if updated:
            Objective.objects.bulk_update(list(updated.values()), sorted(fields), batch_size=BATCH)
        return stored

    # --- Indicators, metas and avances ------------------------------------------------------------

    def _indicators(self, batch):
        """{(ejercicio, ID_INDICADOR): indicator} of the batch, created or updated in bulk."""
        stored = {(i.fiscal_year, i.external_id): i for i in Indicator.objects.filter(
            fiscal_year__in={row.fiscal_year for row, *_ in batch},
            external_id__in=[row.indicator_id for row, *_ in batch]).order_by()}
        bulk = _Bulk(Indicator, "indicadores", self)
        previous = previous_ids([row for row, *_ in batch])
        for row, matrix, objective, unit in batch:
            key = (row.fiscal_year, row.indicator_id)
            values = _given({"matrix": matrix, "objective": objective, "responsible_unit": unit, **row.ficha, **row.cp})
            values.update(kept_values(row, stored.get(key), previous))
            stored[key] = bulk.add(stored.get(key), {"fiscal_year": row.fiscal_year, "external_id": row.indicator_id},
                                   values)
        bulk.save()
        return stored

    def _periods(self, batch, indicators):
        ids = [indicators[(row.fiscal_year, row.indicator_id)].pk for row, *_ in batch]
        years = {row.fiscal_year for row, *_ in batch}
        targets = {(t.indicator_id, t.fiscal_year, t.month): t for t in Target.objects.filter(
            indicator_id__in=ids, fiscal_year__in=years).order_by()}
        avances = {(p.indicator_id, p.fiscal_year, p.month): p for p in Progress.objects.filter(
            indicator_id__in=ids, fiscal_year__in=years, state__isnull=True).order_by()}
        metas, progress = _Bulk(Target, "metas", self), _Bulk(Progress, "avances", self, versioned=True)
        adjusted = []
        for row, *_ in batch:
            indicator = indicators[(row.fiscal_year, row.indicator_id)]
            for month, data in row.months.items():
                key = (indicator.pk, row.fiscal_year, month)
                period = {"indicator": indicator, "fiscal_year": row.fiscal_year, "month": month}
                if data.meta:
                    targets[key] = metas.add(targets.get(key), period, _quantity_values(data.meta))
                if data.adjusted:
                    adjusted.append((key, period, data))
                if data.avance:
                    values = {**_quantity_values(data.avance), "status": ProgressStatus.APROBADO}
                    values.update(_given({"cause": data.cause, "effect": data.effect,
                                          "other_reasons": data.other_reasons}))
                    progress.add(avances.get(key), {**period, "state": None}, values,
                                 create_defaults={"imported": True})
        metas.save()
        progress.save()
        for key, period, data in adjusted:  # rare: one at a time, after the metas they hang from
            target = targets.get(key) or Target.objects.get_or_create(**period)[0]
            self._adjustment(target, data)

    def _adjustment(self, target, data):
        current = target.current_adjustment()
        values = {**_quantity_values(data.adjusted), "justification": data.adjustment_justification}
        if current and all(getattr(current, k) == v for k, v in values.items()):
            self.report.counts[("metas ajustadas", UNCHANGED)] += 1
            return
        TargetAdjustment.objects.create(
            target=target, adjustment_type=AdjustmentType.OFICIAL, status=AdjustmentStatus.APROBADO,
            decided_at=self.now, decision_note=self.reason, **values,
        )
        self.report.counts[("metas ajustadas", CREATED)] += 1


class _Bulk:
    """The new and changed instances of one model in a batch, saved with two statements and their history."""

    def __init__(self, model, kind, writer, versioned=False):
        self.model, self.kind, self.writer, self.versioned = model, kind, writer, versioned
        self.new, self.changed, self.fields = [], [], set()

    def add(self, instance, lookup, values, create_defaults=None):
        """Set `values` on the stored `instance` (or a new one built from `lookup`); return it. Metas and
        avances pass every key (an empty value, 0 / 0, is meaningful); the ficha only what was given."""
        if instance is None:
            instance = self.model(**lookup, **(create_defaults or {}), **values)
            self.new.append(instance)
            self._count(CREATED)
            return instance
        changed = {name: value for name, value in values.items() if _stored(instance, name) != _comparable(value)}
        for name, value in changed.items():
            setattr(instance, name, value)
        if changed:
            self.changed.append(instance)
            self.fields.update(changed)
        self._count(UPDATED if changed else UNCHANGED)
        return instance

    def _count(self, outcome):
        # Each instance once: a file names an indicator, and so each of its periods, in one row only.
        self.writer.report.counts[(self.kind, outcome)] += 1

    def save(self):
        reason = self.writer.reason
        if self.new:
            bulk_create_with_history(self.new, self.model, batch_size=BATCH, default_change_reason=reason)
        if self.changed:
            fields = set(self.fields)
            if self.versioned:  # what a capture screen saves over must know it changed (optimistic check)
                for instance in self.changed:
                    instance.version += 1
                    instance.updated_at = self.writer.now
                fields |= {"version", "updated_at"}
            bulk_update_with_history(self.changed, self.model, sorted(fields), batch_size=BATCH,
                                     default_change_reason=reason)


def _given(values):
    return {name: value for name, value in values.items() if value not in ("", None)}


def _stored(instance, name):
    """A field's stored value, comparing relations by id (reading the related object costs a query)."""
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname) if field.is_relation else getattr(instance, name)


def _comparable(value):
    return getattr(value, "pk", value)


def _quantity_values(quantity):
    return {"value": quantity.value, "numerator": quantity.numerator, "denominator": quantity.denominator}


def _parent_level(level):
    return {Level.ACTIVIDAD: Level.COMPONENTE, Level.COMPONENTE: Level.PROPOSITO, Level.PROPOSITO: Level.FIN}.get(
        level, Level.FIN
    )
