"""Importing an interchange file, all or nothing (docs/flujo.md, docs/intercambio.md): validation pass,
then the writing pass (interchange/writer.py) in one transaction, and the report."""

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import transaction

from compliance.tasks import schedule_year_recompute
from interchange.kept import link_waiting_indicators
from interchange.reader import FROM_SETTINGS, UnreadableFile, read_table
from interchange.rejects import RejectsFile
from interchange.selection import EVERY_ROW
from interchange.validation import (
    ALIAS, CONTROL_CHARACTERS_REMOVED, HACIENDA_COLUMNS, NBSP_REPLACED, UNKNOWN_COLUMN, FileChanged, ImportErrors,
    rows_to_write, validate,
)
from interchange.writer import Writer

PROGRESS_EVERY = 1000  # rows between two calls of an import's on_progress

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
    linked_previous: int = 0  # indicators that waited for their previous ejercicio's and got it

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
                yield f"nota: columna desconocida {column}: se conserva por indicador y se vuelve a exportar."
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
        if self.linked_previous:
            yield ("indicadores enlazados con su indicador del ejercicio anterior, que llegó en esta importación: "
                   f"{self.linked_previous}")
        if self.dry_run:
            yield "Simulación (--dry-run): no se escribió nada."


class _DryRunRollback(Exception):
    pass


def import_file(path, dry_run=False, reason=None, recompute=True, max_bytes=FROM_SETTINGS, max_rows=FROM_SETTINGS,
                selection=EVERY_ROW, strict=False, rejects_path=None, on_progress=None):
    """Import the rows of an interchange file that `selection` keeps. Raises UnreadableFile or
    ImportErrors having written nothing. With `recompute`, the quarterly results of the imported
    ejercicios are recomputed after commit. The limits are the reader's (settings by default, None for none).
    With `strict`, a value that disagrees with its own _NUM/_DEN is an error instead of an aviso.
    With `rejects_path`, rows with errors (with every row of their indicator) are left out and written
    there, and the others are imported. `on_progress(written, total)` is called as the writing pass
    goes (every PROGRESS_EVERY rows and at the end).

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
    writer = Writer(report, reason or f"Importación de {path}", validation.unknown_parents)
    try:
        with transaction.atomic():
            with read_table(path, **limits) as sheet, _rejects_file(rejects_path, sheet.header) as rejects:
                for written, row in enumerate(rows_to_write(sheet, validation, selection, rejects), start=1):
                    writer.write(row)
                    if on_progress and written % PROGRESS_EVERY == 0:
                        on_progress(written, validation.rows)
                writer.flush()
                if on_progress and validation.rows % PROGRESS_EVERY:  # else its last line said so
                    on_progress(validation.rows, validation.rows)
            if not validation.rows:
                raise NothingToImport(f"0 filas: nada que importar ({report.rejected} filas rechazadas, "
                                      f"en {rejects_path}).")
            writer.link_waiting_objectives()
            report.linked_previous = link_waiting_indicators(writer.fiscal_years, writer.reason)
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
