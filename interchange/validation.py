"""The first pass over an interchange file: every row is validated as it is read and then dropped;
only what the checks between rows need is kept (keys, not rows), so the file is never whole in
memory. The importer reads the file a second time to write it (docs/intercambio.md)."""

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


class FileChanged(Exception):
    """A row valid in the first pass is not in the second: the file changed while it was imported."""


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
        self.unknown_parents = set()  # (*program key, parent): neither in the file nor stored
        self.rows = 0  # rows to import
        self.skipped = 0  # rows the selection left out
        # Kept per row for the whole pass, so kept small: the rows of an indicator beyond its first only
        # when there are any, and who declares an objective only when rows may be rejected.
        self._indicators = {}  # (ciclo, ID_INDICADOR) → first row
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
        if key in self._indicators:
            self.error(row.number, "ID_INDICADOR", f"el indicador {row.indicator_id} del ciclo {row.fiscal_year} "
                                                   f"ya aparece en la fila {self._indicators[key]}.")
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
        its rows: the first row that gives one decides it (the writing pass keeps it, so a reimport writes
        nothing), and a later row that says otherwise is an aviso."""
        seen = self._programme_columns[row.program_key]
        for name, value in row.program_hacienda.items():
            first, number = seen.setdefault(name, (value, row.number))
            if first != value:
                self.warn(row.number, PROGRAM_COLUMN_OF[name], f"el programa {row.program_clave} {row.fiscal_year} "
                                                               f"trae «{first}» en la fila {number}; se guarda ese.")
        row.program_hacienda = self.programme_columns(row.program_key)

    def programme_columns(self, program_key):
        """{field: value} of a programme's Hacienda columns, each from the first row that gave it (rows
        later rejected by --omitir-filas-con-error included: the first pass does not know yet)."""
        return {name: value for name, (value, _number) in self._programme_columns.get(program_key, {}).items()}

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
        """A parent should be in the file (in a row imported) or already stored: one lookup per parent
        named. One that is neither is an aviso (the layout makes ID_OBJETIVO_PADRE optional: a file may
        hold only some levels); the objective waits for it (importer)."""
        for (*program_key, parent), rows in self._parent_refs.items():
            rows = [r for r in rows if r[3] not in self._rejected_keys]
            if self.skip_bad_rows:
                declared = bool(self._declared_by.get((*program_key, parent), set()) - self._rejected_keys)
            else:
                declared = (*program_key, parent) in self._objectives
            if not rows or declared or stored_objective_exists(program_key, parent):
                continue
            self.unknown_parents.add((*program_key, parent))
            for number, program_clave, objective, _key in rows:
                self.warn(number, "ID_OBJETIVO_PADRE", f"el objetivo padre {parent} no está en el archivo ni "
                                                       f"registrado para {program_clave} {program_key[0]}; el objetivo "
                                                       f"{objective} se guarda sin padre y se enlaza cuando se importe.")


def validate(sheet, selection=EVERY_ROW, strict=False, skip_bad_rows=False):
    """The first pass over the rows `selection` keeps: returns the Validation or raises ImportErrors
    listing every problem (the first SIMIR_IMPORT_MAX_ERRORS of them; with `skip_bad_rows`, only the
    header's)."""
    validation = Validation(strict, skip_bad_rows)
    try:
        header_errors(sheet, validation)
        if validation.errors:
            raise ImportErrors(list(validation.errors))
        for number, cells in sheet.rows:
            if selection.matches(cells):
                validation.add(parse_row(number, cells, validation))
            else:
                validation.skipped += 1
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


class _SecondPass:
    """The sink of the writing pass: its notes were counted by the first pass, and an error means the
    file is not the one validated."""

    def __init__(self, strict, extra_columns):
        self.strict = strict
        self.extra_columns = extra_columns
        self.notes = Counter()

    def error(self, number, column, message):
        raise FileChanged(f"fila {number}, columna {column}: {message}")

    def warn(self, number, column, message):
        pass


def rows_to_write(sheet, validation, selection=EVERY_ROW, rejects=None):
    """The second pass: the rows the first pass validated, parsed again one at a time; the rejected
    ones go to `rejects` (a RejectsFile) as they were read."""
    sink = _SecondPass(validation.strict, layout.extra_columns(sheet.header))
    for number, cells in sheet.rows:
        if not selection.matches(cells):
            continue
        if number in validation.rejected:
            rejects.write(number, cells, validation.rejected[number])
            continue
        row = parse_row(number, cells, sink)
        row.program_hacienda = validation.programme_columns(row.program_key)  # the same on all its rows
        yield row


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


def stored_objective_exists(program_key, clave):
    fiscal_year, ramo, modalidad, number = program_key
    return Objective.objects.filter(
        matrix__program__fiscal_year=fiscal_year,
        matrix__program__ramo__clave=ramo,
        matrix__program__modalidad=modalidad,
        matrix__program__number=number,
        clave=clave,
    ).exists()
