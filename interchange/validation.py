"""The pass over an interchange file: every row is validated as it is read and handed on, parsed, to
be written (or spilled to a temporary file, when rows with errors are left out and only the end of the
file tells which); in memory only what the checks between rows need is kept (keys, not rows), so the
file is never whole in memory (docs/intercambio.md, «Lectura del archivo»)."""

import pickle
from collections import Counter, defaultdict

from django.conf import settings

from interchange import layout
from interchange.parsing import parse_row
from interchange.selection import EVERY_ROW
from programs.models import Objective

CONTROL_CHARACTERS_REMOVED = "se quitaron caracteres de control"
NBSP_REPLACED = "espacios no separables → espacios"
ALIAS = "alias de columna"
HACIENDA_COLUMNS = "columnas de Hacienda que SIMIR no guarda"
UNKNOWN_COLUMN = "columna desconocida, se conserva"
PROGRAM_COLUMN_OF = {name: column for column, name in layout.PROGRAM_HACIENDA_COLUMNS.items()}


class ImportErrors(Exception):
    def __init__(self, errors, truncated=False):
        super().__init__(f"{'más de ' if truncated else ''}{len(errors)} errores")
        self.errors = errors
        self.truncated = truncated  # validation stopped at SIMIR_IMPORT_MAX_ERRORS


class _TooManyErrors(Exception):
    pass


class _Errors(list):
    """Every error is kept until the report, so a file full of bad cells would fill memory: past the
    limit the validation stops (wherever the error is appended)."""

    def __init__(self, limit):
        super().__init__()
        self.limit = limit

    def append(self, message):
        if self.limit is not None and len(self) >= self.limit:
            raise _TooManyErrors
        super().append(message)


class Validation:
    """What the first pass learns: errors, notes, and the keys the checks between rows compare.

    With `skip_bad_rows` (`--omitir-filas-con-error`) an error in a data row rejects that row and
    every row of the same indicator (ciclo, ID_INDICADOR) instead of the file: an indicator is
    imported whole or not at all. A row without ID_INDICADOR is rejected alone."""

    def __init__(self, strict=False, skip_bad_rows=False):
        self.strict = strict  # a value that disagrees with its own _NUM/_DEN is an error, not an aviso
        self.skip_bad_rows = skip_bad_rows
        self.extra_columns = ()  # of the header: kept per indicator (layout.extra_columns)
        self.errors = _Errors(settings.SIMIR_IMPORT_MAX_ERRORS)
        self.row_errors = defaultdict(list)  # with skip_bad_rows: row → [(column, message)], not capped
        self.rejected = {}  # with skip_bad_rows, after finish(): row → [(column, message)]
        self.notes = Counter()
        # avisos: imported as the file says; the first SIMIR_IMPORT_MAX_ERRORS are kept, the rest counted
        self._warnings = []  # (row, text)
        self.more_warnings = 0
        self.rows = 0  # rows to import
        self.skipped = 0  # rows the selection left out
        # Kept per row for the whole pass, so kept small: the rows of an indicator beyond its first only
        # when there are any, and who declares an objective only when rows may be rejected.
        self._indicators = {}  # (ciclo, ID_INDICADOR) → first row
        self._figures = {}  # (ciclo, ID_INDICADOR, entidad or "") → its row
        self._repeated = defaultdict(list)  # (ciclo, ID_INDICADOR) → its other rows
        self._objectives = {}  # (*program key, ID_OBJETIVO) → (level, parent, first row)
        self._declared_by = defaultdict(set)  # with skip_bad_rows: objective key → indicator keys of its rows
        self._parent_refs = defaultdict(list)  # (*program key, parent) → (row, …, indicator key) naming it
        self._programme_columns = defaultdict(dict)  # program key → {field: (value, first row giving it)}

    def error(self, number, column, message):
        if self.skip_bad_rows and number > 1:
            self.row_errors[number].append((column, message))
        else:
            self.errors.append(f"fila {number}, columna {column}: {message}")

    def warn(self, number, column, message):
        if len(self._warnings) < settings.SIMIR_IMPORT_MAX_ERRORS:
            self._warnings.append((number, f"fila {number}, columna {column}: {message}"))
        else:
            self.more_warnings += 1

    @property
    def warnings(self):
        return [text for number, text in self._warnings if number not in self.rejected]

    def add(self, row):
        """Checks that need earlier rows: repeated indicators, consistent objectives."""
        self.rows += 1
        key = (row.fiscal_year, row.indicator_id) if row.indicator_id else ("fila", row.number)
        figure = (*key, row.state)  # an indicator has one national row and one per entidad
        if figure in self._figures:
            of_state = f" para la entidad {row.state}" if row.state else ""
            self.error(row.number, "ID_INDICADOR", f"el indicador {row.indicator_id} del ciclo {row.fiscal_year} "
                                                   f"ya aparece{of_state} en la fila {self._figures[figure]}.")
        else:
            self._figures[figure] = row.number
        if key in self._indicators:
            self._repeated[key].append(row.number)
        else:
            self._indicators[key] = row.number
        if row.objective and row.level:
            objective_key = (*row.program_key, row.objective)
            if self.skip_bad_rows:
                self._declared_by[objective_key].add(key)
            seen = self._objectives.setdefault(objective_key, (row.level, row.parent_objective, row.number))
            if seen[0] != row.level:
                self.error(row.number, "DESC_NIVEL", f"el objetivo {row.objective} es {seen[0]} "
                                                     f"en la fila {seen[2]} y aquí {row.level}.")
            elif row.parent_objective and seen[1] and seen[1] != row.parent_objective:
                self.error(row.number, "ID_OBJETIVO_PADRE", f"el objetivo {row.objective} tiene padre "
                                                            f"{seen[1]} en la fila {seen[2]} y aquí {row.parent_objective}.")
        if row.program_number is not None:
            self._check_programme_columns(row)
        if row.parent_objective and row.program_number is not None and row.fiscal_year is not None:
            self._parent_refs[(*row.program_key, row.parent_objective)].append(
                (row.number, row.program_clave, row.objective, key))

    def _check_programme_columns(self, row):
        """The Hacienda columns of a programme (MODALIDAD_PP, PND) are the programme's, repeated on each of
        its rows: the first row that gives one decides it (the row is written with the values so far, so a
        reimport writes nothing), and a later row that says otherwise is an aviso. A row later rejected by
        --omitir-filas-con-error counts too: the end of the file tells which are rejected."""
        seen = self._programme_columns[row.program_key]
        for name, value in row.program_hacienda.items():
            first, number = seen.setdefault(name, (value, row.number))
            if first != value:
                self.warn(row.number, PROGRAM_COLUMN_OF[name], f"el programa {row.program_clave} {row.fiscal_year} "
                                                               f"trae «{first}» en la fila {number}; se guarda ese.")
        row.program_hacienda = {name: value for name, (value, _number) in seen.items()}

    def finish(self):
        self._reject()
        self._check_parents()

    def _reject(self):
        rejected_keys = set()
        if not self.row_errors:
            self._rejected_keys = rejected_keys
            return
        for key, first in self._indicators.items():
            rows = [first, *self._repeated.get(key, ())]
            failing = [number for number in rows if number in self.row_errors]
            if not failing:
                continue
            rejected_keys.add(key)
            for number in rows:
                self.rejected[number] = self.row_errors.get(number) or [(
                    "ID_INDICADOR", f"se rechaza con su indicador {key[1]}: la fila {failing[0]} tiene errores.")]
        self._rejected_keys = rejected_keys
        self.rows -= len(self.rejected)

    def _check_parents(self):
        """A parent should be in the file (in a row imported) or already stored: one query for all the
        parents named. One that is neither is an aviso (the layout makes ID_OBJETIVO_PADRE optional: a
        file may hold only some levels); the objective waits for it (interchange/writer.py)."""
        undeclared = {}
        for (*program_key, parent), rows in self._parent_refs.items():
            rows = [r for r in rows if r[3] not in self._rejected_keys]
            if self.skip_bad_rows:
                declared = bool(self._declared_by.get((*program_key, parent), set()) - self._rejected_keys)
            else:
                declared = (*program_key, parent) in self._objectives
            if rows and not declared:
                undeclared[(*program_key, parent)] = rows
        stored = stored_objectives(undeclared)
        for (*program_key, parent), rows in undeclared.items():
            if (*program_key, parent) in stored:
                continue
            for number, program_clave, objective, _key in rows:
                self.warn(number, "ID_OBJETIVO_PADRE", f"el objetivo padre {parent} no está en el archivo ni "
                                                       f"registrado para {program_clave} {program_key[0]}; el objetivo "
                                                       f"{objective} se guarda sin padre y se enlaza cuando se importe.")


def validate(sheet, selection=EVERY_ROW, strict=False, skip_bad_rows=False, on_row=None, on_progress=None,
             progress_every=1000):
    """The pass over the rows `selection` keeps: returns the Validation or raises ImportErrors
    listing every problem (the first SIMIR_IMPORT_MAX_ERRORS of them; with `skip_bad_rows`, only the
    header's). Each parsed row is given to `on_row` while no error rules the file out;
    `on_progress(rows read)` is called every `progress_every` rows."""
    validation = Validation(strict, skip_bad_rows)
    try:
        header_errors(sheet, validation)
        if validation.errors:
            raise ImportErrors(list(validation.errors))
        for read, (number, cells) in enumerate(sheet.rows, start=1):
            if selection.matches(cells):
                row = parse_row(number, cells, validation)
                validation.add(row)
                if on_row is not None and not validation.errors:
                    on_row(row)
            else:
                validation.skipped += 1
            if on_progress and read % progress_every == 0:
                on_progress(read)
        validation.finish()
        validation.notes.update(
            {(CONTROL_CHARACTERS_REMOVED, column, "", ""): rows for column, rows in sheet.stripped.items()}
        )
        validation.notes.update({(NBSP_REPLACED, column, "", ""): rows for column, rows in sheet.spaced.items()})
    except _TooManyErrors:
        raise ImportErrors(list(validation.errors), truncated=True) from None
    if validation.errors:
        raise ImportErrors(list(validation.errors))
    return validation


def spill_to(spill):
    """An `on_row` for `validate` that keeps the parsed rows in the binary file `spill`."""
    return lambda row: pickle.dump(row, spill, pickle.HIGHEST_PROTOCOL)


def spilled_rows(spill, validation):
    """The rows spilled by `spill_to`, in file order, but the rejected ones."""
    spill.seek(0)
    while True:
        try:
            row = pickle.load(spill)
        except EOFError:
            return
        if row.number not in validation.rejected:
            yield row


def write_rejects(sheet, validation, selection, rejects):
    """The rejected rows as they were read, with their problems, into `rejects` (a RejectsFile)."""
    for number, cells in sheet.rows:
        if number in validation.rejected and selection.matches(cells):
            rejects.write(number, cells, validation.rejected[number])


def header_errors(sheet, validation):
    header = sheet.header
    seen = Counter(header)
    for name, count in seen.items():
        if name and count > 1:
            validation.error(1, name, f"el encabezado aparece {count} veces.")
    for name in layout.REQUIRED_COLUMNS:
        if name not in seen:
            validation.error(1, name, "falta esta columna obligatoria.")
    if "ID_NIVEL" not in seen and "DESC_NIVEL" not in seen:
        validation.error(1, "DESC_NIVEL", "falta; se necesita ID_NIVEL o DESC_NIVEL.")
    for ours, written in sheet.renamed.items():
        validation.notes[(ALIAS, ours, written, "")] += 1
    hacienda = [name for name in header if name in layout.HACIENDA_COLUMNS]
    if hacienda:
        validation.notes[(HACIENDA_COLUMNS, ", ".join(hacienda), "", "")] += 1
    validation.extra_columns = layout.extra_columns(header)
    for name in validation.extra_columns:
        validation.notes[(UNKNOWN_COLUMN, name, "", "")] += 1


def stored_objectives(keys):
    """Which of the (ejercicio, ramo, modalidad, número, clave) objectives are stored, in one query."""
    if not keys:
        return set()
    found = Objective.objects.filter(
        matrix__program__fiscal_year__in={key[0] for key in keys}, clave__in={key[4] for key in keys},
    ).values_list("matrix__program__fiscal_year", "matrix__program__ramo__clave", "matrix__program__modalidad",
                  "matrix__program__number", "clave")
    return set(found) & set(keys)
