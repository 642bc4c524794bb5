"""Reading an interchange file (CSV or XLSX) as a stream of rows of text cells keyed by column name.

Memory stays bounded whatever the file declares: rows come one at a time from a generator, every
limit is checked while reading (the reading stops at the first row past it), and a workbook is
inspected before openpyxl opens it (`xlsx_inspection.py`). docs/intercambio.md, «Lectura del archivo».
"""

import codecs
import csv
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.conf import settings

from common.formula_safety import restore
from common.text import has_control_characters, strip_control_characters
from interchange.layout import canonical_header
from interchange.xlsx_inspection import EXCEL_MAX_ROWS, RefusedWorkbook, TooManyRows, XlsxLimits, inspect_xlsx

# Tried in this order on the whole file; Latin-1 decodes any byte, so it always ends the search.
ENCODINGS = [("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252")]
FALLBACK_ENCODING = ("latin-1", "Latin-1")
CHUNK = 1024 * 1024
# A CSV record is kept whole until it ends (quoted fields may span lines): this bounds one record.
MAX_RECORD_CHARS = 1024 * 1024
MAX_COLUMNS = 16_384  # Excel's own maximum (XFD)
NBSP = "\u00a0"
FROM_SETTINGS = object()  # a limit not given: the configured one (None means no limit)


class UnreadableFile(Exception):
    pass


@dataclass
class Sheet:
    """`rows` yields (row number, {column: text}) with the header as row 1; empty rows are skipped.
    Close the sheet (or use it as a context manager) when not reading it to the end."""

    header: list  # column names as written (upper case, stripped)
    rows: object  # a generator
    encoding: str  # what was used to read it, for the report
    # column → rows whose control characters were removed; complete once `rows` is read through
    stripped: Counter = field(default_factory=Counter)
    # column → rows whose non-breaking spaces became spaces; complete once `rows` is read through
    spaced: Counter = field(default_factory=Counter)
    renamed: dict = field(default_factory=dict)  # our column name → the alias the file wrote
    _release: object = field(default=None, repr=False)
    _share_read: object = field(default=None, repr=False)

    def share_read(self):
        """The share of the file read so far (0 to 1), or None where the reader cannot tell (XLSX)."""
        return self._share_read() if self._share_read else None

    def close(self):
        self.rows.close()
        if self._release:
            self._release()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def read_table(path, max_bytes=FROM_SETTINGS, max_rows=FROM_SETTINGS):
    """Open an interchange file for reading row by row. Limits default to SIMIR_IMPORT_MAX_BYTES and
    SIMIR_IMPORT_MAX_ROWS; None lifts one. Raises UnreadableFile, here or while iterating `rows`."""
    path = Path(path)
    max_bytes = settings.SIMIR_IMPORT_MAX_BYTES if max_bytes is FROM_SETTINGS else max_bytes
    max_rows = settings.SIMIR_IMPORT_MAX_ROWS if max_rows is FROM_SETTINGS else max_rows
    if not path.exists():
        raise UnreadableFile(f"No existe el archivo {path}.")
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise UnreadableFile(f"El archivo pesa {size // (1024 * 1024)} MB; "
                             f"el máximo es {max_bytes // (1024 * 1024)} MB.")
    if suffix == ".xlsx":
        return _open_xlsx(path, max_rows)
    if suffix in {".csv", ".txt"}:
        return _open_csv(path, max_rows)
    raise UnreadableFile(f"Formato no admitido «{suffix}»: use un archivo .csv o .xlsx.")


def too_many_rows(max_rows):
    return f"El archivo tiene más de {max_rows:,} filas de datos; el máximo es {max_rows:,}."


def _rows(records, header, max_rows, stripped, spaced, last_row=None):
    """Number the records from 2, stop past the limits, keep only named and non-empty cells.
    Control characters (NUL, …; not tab, LF or CR) carry nothing: they go, and `stripped` says where.
    A non-breaking space (Hacienda's texts have them) is a space to every reader: `spaced` says where.
    Line breaks inside a text are kept."""
    for number, record in enumerate(records, start=2):
        if max_rows is not None and number - 1 > max_rows:
            raise UnreadableFile(too_many_rows(max_rows))
        if last_row is not None and number > last_row:
            raise UnreadableFile(f"La hoja tiene filas más allá de la {last_row:,}, el máximo de Excel.")
        # Most of a wide file's cells are empty and most records clean: one look at the whole
        # record decides whether any cell needs more than a strip.
        whole = "".join(record)
        cells = _cells(record, header, stripped if has_control_characters(whole) else None,
                       spaced if NBSP in whole else None)
        if cells:
            yield number, cells


def _cells(record, header, stripped, spaced):
    """{column: text} of a record's named, non-empty cells. `stripped` counts the control characters
    removed and `spaced` the non-breaking spaces replaced; each is None when the record has none, so
    that a clean record's cells only get stripped."""
    cells = {}
    for name, raw in zip(header, record):
        if not (raw and name):
            continue
        clean = raw
        if stripped is not None:
            clean = strip_control_characters(raw)
            if clean != raw:
                stripped[name] += 1
        if spaced is not None and NBSP in clean:
            clean = clean.replace(NBSP, " ")
            spaced[name] += 1
        text = clean.strip()
        if text:
            cells[name] = restore(text) if text[0] == "'" else text
    return cells


def _header(record):
    if len(record) > MAX_COLUMNS:
        raise UnreadableFile(f"El encabezado tiene {len(record):,} columnas; el máximo es {MAX_COLUMNS:,}.")
    header = [strip_control_characters(name).replace(NBSP, " ").strip().upper() for name in record]
    while header and not header[-1]:
        header.pop()
    return canonical_header(header)


# CSV


def detect_encoding(path):
    """The first of UTF-8 (with or without BOM) and Windows-1252 that decodes the whole file, else
    Latin-1 — as if the file were decoded at once, but in chunks, keeping none of them."""
    for codec, label in ENCODINGS:
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return codec, label
    return FALLBACK_ENCODING


class _RecordLines:
    """The lines csv.reader asks for, refusing a record past MAX_RECORD_CHARS before it is built
    (a line is read at most that long, so a file without line breaks is refused too)."""

    def __init__(self, handle):
        self.handle = handle
        self.number = 1  # the record being read
        self.chars = 0

    def __iter__(self):
        return self

    def __next__(self):
        line = self.handle.readline(MAX_RECORD_CHARS + 1)
        if not line:
            raise StopIteration
        self.chars += len(line)
        if self.chars > MAX_RECORD_CHARS:
            raise UnreadableFile(f"La fila {self.number:,} del archivo tiene más de {MAX_RECORD_CHARS:,} caracteres; "
                                 "revise que sea un CSV con un renglón por fila.")
        return line


def _count_records(path, codec, max_rows):
    """A capped read counts the records first, keeping none: a caller that keeps the rows it is
    given (the importer validates them all before writing) gets none from a file past the limit."""
    with open(path, encoding=codec, newline="") as handle:
        for number, _ in enumerate(_csv_file_records(handle), start=1):
            if number - 1 > max_rows:
                raise UnreadableFile(too_many_rows(max_rows))


def _csv_file_records(handle):
    lines = _RecordLines(handle)
    return _csv_records(csv.reader(lines), lines)


def _csv_records(reader, lines):
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableFile(f"La fila {lines.number:,} del CSV está mal formada: {exc}.") from exc
        except UnicodeDecodeError as exc:  # the file changed since its encoding was detected
            raise UnreadableFile(f"La fila {lines.number:,} del CSV no se pudo decodificar: {exc}.") from exc
        yield record
        lines.number += 1
        lines.chars = 0


def _open_csv(path, max_rows):
    codec, label = detect_encoding(path)
    if max_rows is not None:
        _count_records(path, codec, max_rows)
    handle = open(path, encoding=codec, newline="")  # noqa: SIM115 - closed by the Sheet
    try:
        records = _csv_file_records(handle)
        first = next(records, None)
        if first is None:
            raise UnreadableFile("El archivo está vacío: falta el renglón de encabezados.")
        header, renamed = _header(first)
    except BaseException:
        handle.close()
        raise
    stripped, spaced = Counter(), Counter()
    rows = _closing(_rows(records, header, max_rows, stripped, spaced), handle.close)
    size = max(path.stat().st_size, 1)
    return Sheet(header=header, rows=rows, encoding=label, stripped=stripped, spaced=spaced, renamed=renamed,
                 _release=handle.close, _share_read=lambda: min(handle.buffer.tell() / size, 1))


def _closing(rows, release):
    try:
        yield from rows
    finally:
        release()


# XLSX


def _cell_text(value):
    """openpyxl gives numbers as int/float; floats go through their shortest repr, never binary noise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    return str(value)


def xlsx_limits(max_rows):
    return XlsxLimits(
        sheet_bytes=settings.SIMIR_IMPORT_XLSX_MAX_SHEET_BYTES,
        strings_bytes=settings.SIMIR_IMPORT_XLSX_MAX_STRINGS_BYTES,
        strings=settings.SIMIR_IMPORT_XLSX_MAX_STRINGS,
        ratio=settings.SIMIR_IMPORT_XLSX_MAX_RATIO,
        rows=max_rows,
    )


def _open_xlsx(path, max_rows):
    try:
        first_sheet = inspect_xlsx(path, xlsx_limits(max_rows))
    except TooManyRows as exc:
        raise UnreadableFile(too_many_rows(max_rows)) from exc
    except RefusedWorkbook as exc:
        raise UnreadableFile(str(exc)) from exc
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise UnreadableFile(f"No se pudo abrir el libro XLSX: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        # The inspection sized this part; reading any other would read one it did not check.
        if sheet._worksheet_path != first_sheet:
            raise UnreadableFile("No se pudo abrir el libro XLSX: su primera hoja no es la que declara.")
        # The dimension the file declares is not trusted: rows end where the sheet's rows end.
        sheet.reset_dimensions()
        header_rows = sheet.iter_rows(max_row=1, values_only=True)
        try:
            first = next(header_rows, None)
        finally:
            header_rows.close()
        if first is None:
            raise UnreadableFile("La primera hoja del libro está vacía: falta el renglón de encabezados.")
        header, renamed = _header([_cell_text(value) for value in first])
    except UnreadableFile:
        workbook.close()
        raise
    except Exception as exc:
        workbook.close()
        raise UnreadableFile(f"No se pudo leer el libro XLSX: {exc}") from exc
    records = _xlsx_records(sheet, len(header)) if header else iter(())
    stripped, spaced = Counter(), Counter()
    rows = _rows(records, header, max_rows, stripped, spaced, last_row=EXCEL_MAX_ROWS)
    return Sheet(header=header, rows=_closing(rows, workbook.close), encoding="XLSX", stripped=stripped,
                 spaced=spaced, renamed=renamed, _release=workbook.close)


def _xlsx_records(sheet, width):
    # max_col: cells right of the header are never built (nor is a row padded to a declared width).
    rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl's own error for a damaged part, met while streaming
            raise UnreadableFile(f"No se pudo leer el libro XLSX: {exc}") from exc
        yield [_cell_text(value) for value in row]
