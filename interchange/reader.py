"""Reading an interchange file (CSV or XLSX) into rows of text cells keyed by column name."""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl

from common.formula_safety import restore
from common.text import strip_control_characters

ENCODINGS = [("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252"), ("latin-1", "Latin-1")]
# A whole APF year is ~15,000 indicator rows; anything far beyond that is a mistake or an attack.
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000


class UnreadableFile(Exception):
    pass


@dataclass
class Sheet:
    header: list  # column names as written (upper case, stripped)
    rows: list  # (row number, {column: text}) with the header as row 1
    encoding: str  # what was used to read it, for the report
    stripped: Counter = field(default_factory=Counter)  # column → rows whose control characters were removed


def read_table(path):
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"No existe el archivo {path}.")
    suffix = path.suffix.lower()
    if path.stat().st_size > MAX_BYTES:
        raise UnreadableFile(f"El archivo pesa {path.stat().st_size // (1024 * 1024)} MB; el máximo es {MAX_BYTES // (1024 * 1024)} MB.")
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in {".csv", ".txt"}:
        return _read_csv(path.read_bytes())
    raise UnreadableFile(f"Formato no admitido «{suffix}»: use un archivo .csv o .xlsx.")


def _decode(data):
    for codec, label in ENCODINGS:
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("No se pudo leer el archivo como UTF-8, Windows-1252 ni Latin-1.")  # pragma: no cover


def _read_csv(data):
    text, encoding = _decode(data)
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        raise UnreadableFile("El archivo está vacío: falta el renglón de encabezados.")
    return _sheet(records, encoding)


def _cell_text(value):
    """openpyxl gives numbers as int/float; floats go through their shortest repr, never binary noise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    return str(value)


def _read_xlsx(path):
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise UnreadableFile(f"No se pudo abrir el libro XLSX: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        records = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # read-only mode parses the sheet here: a damaged one (a raw NUL, …) fails now
        raise UnreadableFile(f"No se pudo leer la primera hoja del libro XLSX: {exc}") from exc
    finally:
        workbook.close()
    if not records:
        raise UnreadableFile("La primera hoja del libro está vacía: falta el renglón de encabezados.")
    return _sheet(records, "XLSX")


def _sheet(records, encoding):
    if len(records) - 1 > MAX_ROWS:
        raise UnreadableFile(f"El archivo tiene {len(records) - 1:,} filas; el máximo es {MAX_ROWS:,}.")
    header = [strip_control_characters(name).strip().upper() for name in records[0]]
    rows, stripped = [], Counter()
    for number, record in enumerate(records[1:], start=2):
        cells = {}
        for i, name in enumerate(header):
            if not name:
                continue
            raw = record[i] if i < len(record) else ""
            # Control characters (NUL, …; not tab, LF or CR) carry nothing: they go, and the notes say where.
            text = strip_control_characters(raw)
            if text != raw:
                stripped[name] += 1
            cells[name] = restore(text.strip())
        if any(cells.values()):
            rows.append((number, cells))
    return Sheet(header=header, rows=rows, encoding=encoding, stripped=stripped)
