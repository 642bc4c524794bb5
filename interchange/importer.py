"""Writing validated interchange rows to the database, all or nothing (docs/flujo.md, docs/intercambio.md)."""

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from common.upsert import upsert
from compliance.tasks import schedule_year_recompute
from indicators.choices import AdjustmentStatus, AdjustmentType
from indicators.models import Indicator, Target, TargetAdjustment
from interchange.reader import FROM_SETTINGS, UnreadableFile, read_table
from interchange.rejects import RejectsFile
from interchange.selection import EVERY_ROW
from interchange.validation import (
    ALIAS, CONTROL_CHARACTERS_REMOVED, HACIENDA_COLUMNS, NBSP_REPLACED, UNKNOWN_COLUMN, FileChanged, ImportErrors,
    rows_to_write, validate,
)
from programs.models import Level, Matrix, Objective, Program, Ramo, ResponsibleUnit
from reporting.choices import ProgressStatus
from reporting.models import Progress

__all__ = ["ImportErrors", "ImportReport", "NothingToImport", "UnreadableFile", "import_file"]


class NothingToImport(UnreadableFile):
    """No data row (or none the selection keeps): an import that did nothing must not look like one that worked."""


@dataclass
class ImportReport:
    encoding: str = ""
    rows: int = 0
    skipped: int = 0
    rejected: int = 0  # rows left out for their errors (--omitir-filas-con-error)
    rejects_path: str = ""
    selection: str = ""  # the options that chose the rows, as typed
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)  # (kind, outcome) → n
    notes: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)
    more_warnings: int = 0
    linked: int = 0  # objectives that waited for their parent and got it

    def lines(self):
        yield f"Codificación: {self.encoding}; filas de datos: {self.rows}."
        if self.selection:
            yield f"Filas omitidas por la selección ({self.selection}): {self.skipped}."
        if self.rejects_path:
            yield f"Filas rechazadas por errores (no se importan): {self.rejected}; están en {self.rejects_path}."
        for (what, column, raw, value), count in sorted(self.notes.items()):
            if what == "normalizado":
                yield f"normalizado: {column} «{raw}» → {f'«{value}»' if value else 'vacío'} (filas: {count})"
            elif what == UNKNOWN_COLUMN:
                yield f"nota: columna desconocida {column}, se ignora."
            elif what == ALIAS:
                yield f"nota: la columna {raw} se lee como {column}."
            elif what == HACIENDA_COLUMNS:
                yield f"nota: {what}, se ignoran: {column}."
            elif what in (CONTROL_CHARACTERS_REMOVED, NBSP_REPLACED):
                yield f"normalizado: {column}: {what} (filas: {count})"
            else:
                yield f"nota: {column} «{raw}» no es un valor del catálogo; {what} (filas: {count})"
        for warning in self.warnings:
            yield f"aviso: {warning}"
        if self.more_warnings:
            yield f"aviso: … y {self.more_warnings} avisos más."
        for kind in ("ramos", "unidades responsables", "programas", "matrices", "objetivos", "indicadores",
                     "metas", "metas ajustadas", "avances"):
            created, updated, unchanged = (self.counts[(kind, o)] for o in ("creados", "actualizados", "sin cambios"))
            if created or updated or unchanged:
                yield f"{kind}: {created} creados, {updated} actualizados, {unchanged} sin cambios"
        if self.linked:
            yield f"objetivos enlazados con su objetivo padre, que llegó en esta importación: {self.linked}"
        if self.dry_run:
            yield "Simulación (--dry-run): no se escribió nada."


class _DryRunRollback(Exception):
    pass


def import_file(path, dry_run=False, reason=None, recompute=True, max_bytes=FROM_SETTINGS, max_rows=FROM_SETTINGS,
                selection=EVERY_ROW, strict=False, rejects_path=None):
    """Import the rows of an interchange file that `selection` keeps. Raises UnreadableFile or
    ImportErrors having written nothing. With `recompute`, the quarterly results of the imported
    ejercicios are recomputed after commit. The limits are the reader's (settings by default, None for none).
    With `strict`, a value that disagrees with its own _NUM/_DEN is an error instead of an aviso.
    With `rejects_path`, rows with errors (with every row of their indicator) are left out and written
    there, and the others are imported.

    Two passes over the file, neither keeping its rows: the first validates every row, the second
    (only when the first raised no ImportErrors) writes them, inside one transaction."""
    limits = {"max_bytes": max_bytes, "max_rows": max_rows}
    with read_table(path, **limits) as sheet:
        validation = validate(sheet, selection, strict, skip_bad_rows=rejects_path is not None)
    if not validation.rows and not validation.rejected:
        left_out = f" (la selección {selection.described} omitió {validation.skipped})" if validation.skipped else ""
        raise NothingToImport(f"0 filas: nada que importar{left_out}.")
    report = ImportReport(encoding=sheet.encoding, rows=validation.rows, skipped=validation.skipped,
                          selection=selection.described, rejected=len(validation.rejected),
                          rejects_path=str(rejects_path or ""), dry_run=dry_run, notes=validation.notes,
                          warnings=validation.warnings, more_warnings=validation.more_warnings)
    writer = _Writer(report, reason or f"Importación de {path}", validation.unknown_parents)
    try:
        with transaction.atomic():
            with read_table(path, **limits) as sheet, _rejects_file(rejects_path, sheet.header) as rejects:
                for row in rows_to_write(sheet, validation, selection, rejects):
                    writer.write(row)
            if not validation.rows:
                raise NothingToImport(f"0 filas: nada que importar ({report.rejected} filas rechazadas, "
                                      f"en {rejects_path}).")
            writer.link_waiting_objectives()
            if dry_run:
                raise _DryRunRollback
            if recompute:
                for fiscal_year in sorted(writer.fiscal_years):
                    schedule_year_recompute(fiscal_year)
    except _DryRunRollback:
        pass
    except FileChanged as exc:
        raise UnreadableFile(f"El archivo cambió mientras se importaba ({exc}); no se importó nada.") from exc
    return report


def _rejects_file(path, header):
    return RejectsFile(path, header) if path is not None else nullcontext()


class _Writer:
    def __init__(self, report, reason, unknown_parents):
        self.report = report
        self.unknown_parents = unknown_parents
        self.reason = reason
        self.now = timezone.now()
        self.touched = set()
        self.fiscal_years = set()

    def _get(self, model, lookup, kind, values, create_defaults=None):
        """Fetch or create an instance and set the values the row gives (empty cells keep what is stored)."""
        given = {k: v for k, v in values.items() if v not in ("", None)}
        instance, outcome = upsert(model, lookup, given, create_defaults, self.reason)
        if (kind, instance.pk) not in self.touched:  # count each object once however many rows name it
            self.touched.add((kind, instance.pk))
            self.report.counts[(kind, outcome)] += 1
        return instance

    def write(self, row):
        self.fiscal_years.add(row.fiscal_year)
        ramo = self._get(Ramo, {"clave": row.ramo}, "ramos", {"name": row.ramo_name}, {"name": row.ramo})
        unit = self._get(ResponsibleUnit, {"ramo": ramo, "clave": row.ur}, "unidades responsables",
                         {"name": row.ur_name}, {"name": row.ur})
        program = self._get(
            Program,
            {"fiscal_year": row.fiscal_year, "ramo": ramo, "modalidad": row.modalidad, "number": row.program_number},
            "programas",
            {"name": row.program_name, "modalidad_name": row.modalidad_name},
            {"name": row.program_clave, "responsible_unit": unit},
        )
        kind = Matrix.Kind.FID if row.level == Level.FID else Matrix.Kind.MIR
        matrix = self._get(Matrix, {"program": program, "kind": kind}, "matrices",
                           {"fiscal_year": row.fiscal_year, "external_id": row.matrix_id, "name": row.matrix_name})
        objective = self._objective(matrix, row)
        indicator = self._get(
            Indicator, {"fiscal_year": row.fiscal_year, "external_id": row.indicator_id}, "indicadores",
            {"matrix": matrix, "objective": objective, "responsible_unit": unit, **row.ficha, **row.cp},
        )
        for month, data in row.months.items():
            self._month(indicator, row.fiscal_year, month, data)

    def _objective(self, matrix, row):
        parent = None
        waiting_for = ""
        if row.parent_objective:
            parent = Objective.objects.filter(matrix=matrix, clave=row.parent_objective).first()
            if parent is None and (*row.program_key, row.parent_objective) in self.unknown_parents:
                waiting_for = row.parent_objective
            elif parent is None:  # declared by a later row of the file: create it, its row fills it in
                parent = Objective.objects.create(matrix=matrix, clave=row.parent_objective, level=_parent_level(row.level))
        return self._get(Objective, {"matrix": matrix, "clave": row.objective}, "objetivos",
                         {"level": row.level, "summary": row.objective_summary, "parent": parent,
                          "pending_parent_clave": waiting_for})

    def link_waiting_objectives(self):
        """Objectives stored without the parent their file named get it once it is stored (Objective
        keeps no history, so one UPDATE does it)."""
        parents = Objective.objects.filter(matrix=OuterRef("matrix"), clave=OuterRef("pending_parent_clave"))
        self.report.linked = Objective.objects.exclude(pending_parent_clave="").filter(Exists(parents)).update(
            parent=Subquery(parents.values("pk")[:1]), pending_parent_clave="",
        )

    def _month(self, indicator, fiscal_year, month, data):
        period = {"indicator": indicator, "fiscal_year": fiscal_year, "month": month}
        target = None
        if data.meta:
            target = self._write_quantity(Target, period, "metas", _quantity_values(data.meta))
        if data.adjusted:
            target = target or Target.objects.get_or_create(indicator=indicator, fiscal_year=fiscal_year, month=month)[0]
            self._adjustment(target, data)
        if data.avance:
            values = {**_quantity_values(data.avance), "status": ProgressStatus.APROBADO}
            values.update({k: v for k, v in {
                "cause": data.cause, "effect": data.effect, "other_reasons": data.other_reasons,
            }.items() if v})
            self._write_quantity(Progress, {**period, "state": None}, "avances", values, {"imported": True})

    def _write_quantity(self, model, lookup, kind, values, create_defaults=None):
        """Metas and avances: an empty value is meaningful here (0 / 0), so every given key is set."""
        instance, outcome = upsert(model, lookup, values, create_defaults, self.reason)
        self.report.counts[(kind, outcome)] += 1
        return instance

    def _adjustment(self, target, data):
        current = target.current_adjustment()
        values = {**_quantity_values(data.adjusted), "justification": data.adjustment_justification}
        if current and all(getattr(current, k) == v for k, v in values.items()):
            self.report.counts[("metas ajustadas", "sin cambios")] += 1
            return
        TargetAdjustment.objects.create(
            target=target, adjustment_type=AdjustmentType.OFICIAL, status=AdjustmentStatus.APROBADO,
            decided_at=self.now, decision_note=self.reason, **values,
        )
        self.report.counts[("metas ajustadas", "creados")] += 1


def _quantity_values(quantity):
    return {"value": quantity.value, "numerator": quantity.numerator, "denominator": quantity.denominator}


def _parent_level(level):
    return {Level.ACTIVIDAD: Level.COMPONENTE, Level.COMPONENTE: Level.PROPOSITO, Level.PROPOSITO: Level.FIN}.get(
        level, Level.FIN
    )
