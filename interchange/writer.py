"""Writing validated interchange rows as the import reads them, inside its transaction.

Rows go in batches of BATCH. For each batch the catalog rows it names are resolved first
(interchange/catalog_writer.py), then its objectives, indicators, metas and avances: one query reads
what is stored for the batch as plain values, new rows are inserted in bulk with their history
(common/bulk_insert.py: COPY on PostgreSQL) and changed ones updated with theirs, with the import's
reason. A row equal to what is stored writes nothing. A row-by-row upsert cost about 40 queries per
file row, and building model instances and INSERT statements most of the rest (docs/decisiones.md)."""

from collections import Counter, defaultdict

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from common.bulk_insert import insert_with_history
from indicators import rules
from indicators.choices import AdjustmentStatus, AdjustmentType
from indicators.models import Indicator, Target, TargetAdjustment
from interchange.catalog_writer import CREATED, UNCHANGED, UPDATED, CatalogTable, given_values
from interchange.kept import add_kept_values, keep_stored_extra_columns, previous_ids
from programs.models import Level, Matrix, Objective, Program, Ramo, ResponsibleUnit, State
from reporting.choices import ProgressStatus
from reporting.models import Progress

BATCH = 500
PERIOD = ("indicator_id", "fiscal_year", "month")


class Writer:
    def __init__(self, reason, begin):
        self._begin = begin  # enters the import's transaction; called before the first write
        self.counts = Counter()  # (kind, outcome) → n, for the import's report
        self.linked = 0  # objectives that waited for their parent from an earlier import and got it
        self.reason = reason
        self.now = timezone.now()
        self.touched = set()
        self.fiscal_years = set()
        self._ramos = CatalogTable(Ramo, "ramos", self)
        self._units = CatalogTable(ResponsibleUnit, "unidades responsables", self)
        self._programs = CatalogTable(Program, "programas", self, history=True)
        self._matrices = CatalogTable(Matrix, "matrices", self)
        self._pending = []  # rows waiting for the batch write
        self._waiting_here = []  # objectives this import left waiting for their parent
        self._states = {}  # INEGI clave → State id, read with the first batch
        self._national, self._by_state = set(), set()  # ids of indicators with a national row, with an entidad's
        self.state_metas = 0  # metas of entidad rows, not kept
        self.rolled_up = 0  # national avances summed from the entidades
        self.warnings = []

    def write(self, row):
        self.fiscal_years.add(row.fiscal_year)
        self._pending.append(row)
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self):
        """Write the catalog rows, objectives, indicators, metas and avances of the rows read so far."""
        if self._begin:
            self._begin()
            self._begin = None
            self._states = dict(State.objects.values_list("clave", "pk"))
        batch, self._pending = self._pending, []
        if not batch:
            return
        matrices, units = self._catalogs(batch)
        objectives = self._objectives(list(zip(batch, matrices)))
        indicators = self._indicators(batch, matrices, objectives, units)
        self._periods(batch, indicators)

    def count(self, kind, key, outcome):
        """Count each object once, with its first outcome, however many rows name it."""
        if (kind, key) not in self.touched:
            self.touched.add((kind, key))
            self.counts[(kind, outcome)] += 1

    def _catalogs(self, batch):
        ramos = self._ramos.resolve([({"clave": row.ramo}, {"name": row.ramo_name}, {"name": row.ramo})
                                     for row in batch])
        units = self._units.resolve([({"ramo": ramo, "clave": row.ur}, {"name": row.ur_name}, {"name": row.ur})
                                     for row, ramo in zip(batch, ramos)])
        programs = self._programs.resolve([
            ({"fiscal_year": row.fiscal_year, "ramo": ramo, "modalidad": row.modalidad, "number": row.program_number},
             {"name": row.program_name, "modalidad_name": row.modalidad_name, **row.program_hacienda},
             {"name": row.program_clave, "responsible_unit": unit})
            for row, ramo, unit in zip(batch, ramos, units)
        ])
        matrices = self._matrices.resolve([
            ({"program": program, "kind": Matrix.Kind.FID if row.level == Level.FID else Matrix.Kind.MIR},
             {"fiscal_year": row.fiscal_year, "external_id": row.matrix_id, "name": row.matrix_name}, None)
            for row, program in zip(batch, programs)
        ])
        return matrices, units

    def link_waiting_objectives(self):
        """Objectives stored without the parent their file named get it once it is stored (Objective
        keeps no history, so one UPDATE does it). The report counts those that waited for an earlier
        import, not those whose parent came later in this file."""
        parents = Objective.objects.filter(matrix=OuterRef("matrix"), clave=OuterRef("pending_parent_clave"))
        linking = Objective.objects.exclude(pending_parent_clave="").filter(Exists(parents))
        self.linked = linking.exclude(pk__in=[o.pk for o in self._waiting_here]).count()
        linking.update(parent=Subquery(parents.values("pk")[:1]), pending_parent_clave="")

    # --- Objectives, indicators, metas and avances, a batch at a time ---------------------------

    def _objectives(self, batch):
        """{(matrix id, clave): objective} of the batch's rows. One whose parent is not stored yet waits
        for it (`pending_parent_clave`): a later row of the file, or a later import, brings it."""
        stored = {(o.matrix_id, o.clave): o for o in Objective.objects.filter(
            matrix_id__in={matrix.pk for _, matrix in batch}).order_by()}
        new, changed, relink, fields = {}, {}, {}, set()
        for row, matrix in batch:
            parent = stored.get((matrix.pk, row.parent_objective)) if row.parent_objective else None
            waiting_for = row.parent_objective if row.parent_objective and parent is None else ""
            key = (matrix.pk, row.objective)
            values = given_values({"level": row.level, "summary": row.objective_summary, "pending_parent_clave": waiting_for})
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
            if waiting_for:
                self._waiting_here.append(objective)
            # A new objective is inserted with its parent; a stored one gets it in one UPDATE at the end.
            if parent is not None and (key in new or parent.pk is None or objective.parent_id != parent.pk):
                relink[key] = parent
            self.count("objetivos", key, CREATED if key in new else (
                UPDATED if differing or key in relink else UNCHANGED))
        for key, parent in relink.items():
            stored[key].parent = parent
        _create_parents_first(list(new.values()))
        relink = {key: parent for key, parent in relink.items() if key not in new}
        if relink:
            fields.add("parent")
        updated = {**changed, **{key: stored[key] for key in relink}}
        if updated:
            Objective.objects.bulk_update(list(updated.values()), sorted(fields), batch_size=BATCH)
        return stored

    # --- Indicators, metas and avances, compared as plain values ---------------------------------

    def _indicators(self, batch, matrices, objectives, units):
        """{(ejercicio, ID_INDICADOR): indicator id} of the batch, created or updated. The rows of an
        indicator (national and per entidad) all carry its ficha; one with an entidad marks it as
        captured by entidad."""
        previous = previous_ids(batch)
        wanted = {}
        for row, matrix, unit in zip(batch, matrices, units):
            values = wanted.setdefault((row.fiscal_year, row.indicator_id), {})
            values.update(given_values({
                "matrix_id": matrix.pk, "objective_id": objectives[(matrix.pk, row.objective)].pk,
                "responsible_unit_id": unit.pk, **row.ficha, **row.cp, "captured_by_state": bool(row.state) or None,
            }))
            add_kept_values(values, row, previous)
        keep_stored_extra_columns(wanted)
        stored = Indicator.objects.filter(
            fiscal_year__in={year for year, _ in wanted}, external_id__in=[external for _, external in wanted])
        return self._write(Indicator, "indicadores", wanted, stored, ("fiscal_year", "external_id"), once=True)

    def _periods(self, batch, indicators):
        """Metas and avances of the batch's months, national or per entidad. Metas and avances pass
        every quantity (an empty value, 0 / 0, is meaningful); a justification only when given. An
        entidad's meta is not kept (a meta is the indicator's, national): the report says so."""
        metas, avances, by_state, adjusted = {}, {}, {}, []
        for row in batch:
            indicator = indicators[(row.fiscal_year, row.indicator_id)]
            (self._by_state if row.state else self._national).add(indicator)
            state = self._states[row.state] if row.state else None
            for month, data in row.months.items():
                key = (indicator, row.fiscal_year, month)
                if data.meta and state:
                    self.state_metas += 1
                elif data.meta:
                    metas[key] = _quantity_values(data.meta)
                if data.adjusted and not state:
                    adjusted.append((key, data))
                if data.avance:
                    values = {**_quantity_values(data.avance), "status": ProgressStatus.APROBADO, **given_values(
                        {"cause": data.cause, "effect": data.effect, "other_reasons": data.other_reasons})}
                    if state:
                        by_state[(*key, state)] = values
                    else:
                        avances[key] = values
        ids = {indicator for indicator, *_ in [*metas, *avances, *by_state]}
        years = {row.fiscal_year for row in batch}
        targets = self._write(Target, "metas", metas, Target.objects.filter(indicator_id__in=ids, fiscal_year__in=years),
                              PERIOD)
        self._avances(avances, ids, years)
        self._write(Progress, "avances por entidad", by_state,
                    Progress.objects.filter(indicator_id__in=ids, fiscal_year__in=years, state__isnull=False),
                    (*PERIOD, "state_id"), create_defaults={"imported": True}, versioned=True)
        for key, data in adjusted:  # rare: one at a time, after the metas they hang from
            target = Target.objects.get(pk=targets[key]) if key in targets else Target.objects.get_or_create(
                **dict(zip(PERIOD, key)))[0]
            self._adjustment(target, data)

    def _avances(self, avances, ids, years):
        self._write(Progress, "avances", avances,
                    Progress.objects.filter(indicator_id__in=ids, fiscal_year__in=years, state__isnull=True), PERIOD,
                    create_defaults={"imported": True}, versioned=True)

    def roll_up_national(self):
        """The national avance of each indicator the file gives only per entidad, summed from all its
        stored entidades by rules.roll_up (docs/reglas.md §14), period by period. One that cannot be
        summed is an aviso and stays without a national avance."""
        rolled = [pk for pk in self._by_state if pk not in self._national]
        factors = {pk: rules.effective_factor(value_type, factor) for pk, value_type, factor in
                   Indicator.objects.filter(pk__in=rolled).values_list("pk", "value_type", "factor")}
        states = defaultdict(list)
        for period in Progress.objects.filter(indicator_id__in=rolled, fiscal_year__in=self.fiscal_years,
                                              state__isnull=False).order_by().values_list(
                *PERIOD, "value", "numerator", "denominator", "indicator__external_id"):
            states[period[:3]].append(period[3:])
        wanted = {}
        for key, quantities in states.items():
            try:
                value, numerator, denominator = rules.roll_up([q[:3] for q in quantities], factors[key[0]])
            except (rules.CannotRollUp, rules.InvalidRatio) as exc:
                self.warnings.append(f"indicador {quantities[0][3]} {key[1]}, mes {key[2]}: el avance nacional no se "
                                     f"sumó de las entidades: {exc}")
                continue
            wanted[key] = {"value": value, "numerator": numerator, "denominator": denominator,
                           "status": ProgressStatus.APROBADO}
        self.rolled_up = len(wanted)
        self._avances(wanted, rolled, self.fiscal_years)

    def _write(self, model, kind, wanted, stored, key_fields, create_defaults=None, versioned=False, once=False):
        """Insert the `wanted` rows ({key: values}, the key's values in `key_fields` order) that the
        queryset `stored` does not hold, update those whose values differ, and return {key: id}.
        What is stored is read as tuples: model instances, or dicts, cost more than the comparison.
        With `once`, an object that several batches name is counted once (indicators with rows per entidad)."""
        ids, new, changed = {}, [], {}
        if not wanted:
            return ids
        fields = sorted(set().union(*wanted.values()))
        width = len(key_fields)
        current_rows = {row[1:1 + width]: row for row in stored.order_by().values_list("id", *key_fields, *fields)}
        position = {name: i for i, name in enumerate(fields, start=1 + width)}
        for key, values in wanted.items():
            current = current_rows.get(key)
            if current is None:
                new.append((key, {**dict(zip(key_fields, key)), **(create_defaults or {}), **values}))
                outcome = CREATED
            else:
                ids[key] = current[0]
                differing = {name: value for name, value in values.items() if current[position[name]] != value}
                if differing:
                    changed[current[0]] = differing
                outcome = UPDATED if differing else UNCHANGED
            if once:
                self.count(kind, key, outcome)
            else:
                self.counts[(kind, outcome)] += 1
        created = insert_with_history(model, [values for _, values in new], self.reason, self.now)
        ids.update(zip([key for key, _ in new], created))
        if changed:
            self._update(model, changed, versioned)
        return ids

    def _update(self, model, changed, versioned):
        instances = model.objects.in_bulk(list(changed))
        fields = set()
        for pk, differing in changed.items():
            for name, value in differing.items():
                setattr(instances[pk], name, value)
            fields.update(differing)
        if versioned:  # what a capture screen saves over must know it changed (optimistic check)
            for instance in instances.values():
                instance.version += 1
                instance.updated_at = self.now
            fields |= {"version", "updated_at"}
        bulk_update_with_history(list(instances.values()), model, sorted(fields), batch_size=BATCH,
                                 default_change_reason=self.reason, default_date=self.now)

    def _adjustment(self, target, data):
        current = target.current_adjustment()
        values = {**_quantity_values(data.adjusted), "justification": data.adjustment_justification}
        if current and all(getattr(current, k) == v for k, v in values.items()):
            self.counts[("metas ajustadas", UNCHANGED)] += 1
            return
        TargetAdjustment.objects.create(
            target=target, adjustment_type=AdjustmentType.OFICIAL, status=AdjustmentStatus.APROBADO,
            decided_at=self.now, decision_note=self.reason, **values,
        )
        self.counts[("metas ajustadas", CREATED)] += 1


def _quantity_values(quantity):
    return {"value": quantity.value, "numerator": quantity.numerator, "denominator": quantity.denominator}


def _create_parents_first(objectives):
    """bulk_create the new objectives, a parent before its children, so that each is inserted with
    its parent (an UPDATE of each child afterwards cost more than the inserts)."""
    while objectives:
        ready = [o for o in objectives if o.parent is None or o.parent.pk is not None]
        if not ready:  # the file's parents go round in a circle: inserted without them, then linked
            parents = [o.parent for o in objectives]
            for objective in objectives:
                objective.parent = None
            Objective.objects.bulk_create(objectives, batch_size=BATCH)
            for objective, parent in zip(objectives, parents):
                objective.parent = parent
            Objective.objects.bulk_update(objectives, ["parent"], batch_size=BATCH)
            return
        Objective.objects.bulk_create(ready, batch_size=BATCH)
        objectives = [o for o in objectives if o.pk is None]
