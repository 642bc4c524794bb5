"""Importing an interchange file, all or nothing (docs/flujo.md, docs/intercambio.md): one pass over
the file that validates each row and writes it (interchange/writer.py), in one transaction, and the
report."""

import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field

from django.db import transaction

from compliance.tasks import schedule_year_recompute
from interchange.kept import link_waiting_indicators
from interchange.reader import FROM_SETTINGS, UnreadableFile, read_table
from interchange.rejects import RejectsFile
from interchange.selection import EVERY_ROW
from interchange.validation import (
    ALIAS, CONTROL_CHARACTERS_REMOVED, HACIENDA_COLUMNS, NBSP_REPLACED, UNKNOWN_COLUMN, ImportErrors,
    spill_to, spilled_rows, validate, write_rejects,
)
from interchange.writer import Writer

PROGRESS_EVERY = 1000  # rows between two calls of an import's on_progress
READING, WRITING = "lectura", "escritura"  # the phases on_progress names

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
    rolled_up: int = 0  # national avances summed from the entidades' (the file had no national row)
    state_metas: int = 0  # metas on entidad rows, not kept

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
                     "metas", "metas ajustadas", "avances", "avances por entidad"):
            created, updated, unchanged = (self.counts[(kind, o)] for o in ("creados", "actualizados", "sin cambios"))
            if created or updated or unchanged:
                yield f"{kind}: {created} creados, {updated} actualizados, {unchanged} sin cambios"
        if self.rolled_up:
            yield f"avances nacionales sumados de las entidades (el archivo no trae la fila nacional): {self.rolled_up}"
        if self.state_metas:
            yield (f"nota: {self.state_metas} metas de filas por entidad no se guardan: la meta es la del indicador "
                   "(su fila nacional).")
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
    there, and the others are imported. `on_progress(phase, done, total)` is called as the import goes:
    READING with the rows read and the share of the file read (None when unknown), then WRITING with
    the rows written and the rows to write (every PROGRESS_EVERY rows and at the end).

    The file is read once, in one transaction: each row is validated and written as it comes, until
    an error rules the file out; the validation goes on to list every error and then the transaction
    is rolled back. With `rejects_path`, only the end of the file tells which rows are left out (a
    later row may reject an earlier one's indicator): the parsed rows are spilled to a temporary file
    and written from it after the validation."""
    skip_bad_rows = rejects_path is not None
    limits = {"max_bytes": max_bytes, "max_rows": max_rows}
    try:
        # The transaction begins with the first batch written: a file refused before it (by its size, its
        # declared shape or a limit met while reading) never reaches the database.
        with read_table(path, **limits) as sheet, tempfile.TemporaryFile() as spill, ExitStack() as scope:
            writer = Writer(reason or f"Importación de {path}",
                            begin=lambda: scope.enter_context(transaction.atomic()))
            progress = on_progress and (lambda read: on_progress(READING, read, sheet.share_read()))
            validation = validate(sheet, selection, strict, skip_bad_rows,
                                  on_row=spill_to(spill) if skip_bad_rows else writer.write,
                                  on_progress=progress, progress_every=PROGRESS_EVERY)
            report = _report(sheet, validation, selection, rejects_path, dry_run)
            if skip_bad_rows:
                _reject(path, limits, sheet.header, validation, selection, rejects_path)
                if not validation.rows:
                    raise NothingToImport(f"0 filas: nada que importar ({report.rejected} filas rechazadas, "
                                          f"en {rejects_path}).")
                _write(spilled_rows(spill, validation), writer, validation.rows, on_progress)
            writer.flush()
            if on_progress and not skip_bad_rows:
                on_progress(WRITING, validation.rows, validation.rows)
            writer.roll_up_national()
            writer.link_waiting_objectives()
            report.counts, report.linked, report.rolled_up = writer.counts, writer.linked, writer.rolled_up
            report.state_metas = writer.state_metas
            report.warnings += writer.warnings
            report.linked_previous = link_waiting_indicators(writer.fiscal_years, writer.reason)
            if dry_run:
                raise _DryRunRollback
            if recompute:
                for fiscal_year in sorted(writer.fiscal_years):
                    schedule_year_recompute(fiscal_year)
    except _DryRunRollback:
        pass
    return report


def _report(sheet, validation, selection, rejects_path, dry_run):
    if not validation.rows and not validation.rejected:
        left_out = f" (la selección {selection.described} omitió {validation.skipped})" if validation.skipped else ""
        raise NothingToImport(f"0 filas: nada que importar{left_out}.")
    return ImportReport(encoding=sheet.encoding, rows=validation.rows, skipped=validation.skipped,
                        selection=selection.described, rejected=len(validation.rejected),
                        rejects_path=str(rejects_path or ""), dry_run=dry_run, notes=validation.notes,
                        warnings=validation.warnings, more_warnings=validation.more_warnings)


def _reject(path, limits, header, validation, selection, rejects_path):
    """The rejects file: the rejected rows as they were read, so the file once more, unparsed."""
    with RejectsFile(rejects_path, header) as rejects:
        if validation.rejected:
            with read_table(path, **limits) as sheet:
                write_rejects(sheet, validation, selection, rejects)


def _write(rows, writer, total, on_progress):
    for written, row in enumerate(rows, start=1):
        writer.write(row)
        if on_progress and written % PROGRESS_EVERY == 0:
            on_progress(WRITING, written, total)
    writer.flush()
    if on_progress and total % PROGRESS_EVERY:  # else its last line said so
        on_progress(WRITING, total, total)
