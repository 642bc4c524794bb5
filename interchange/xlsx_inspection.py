"""Inspecting an XLSX before openpyxl opens it, so that no part of it can make the import use
unbounded memory, whatever sizes, dimensions or counts the file declares.

Why each check exists (openpyxl 3.1, read-only mode):
- `zipfile` loads the whole central directory: a small archive with 400,000 empty entries takes
  more than 200 MB before anything is read. So its size is checked first, from the end record.
- openpyxl reads some parts whole (content types, workbook, relationships, styles, properties,
  theme, chartsheets and what they point to), keeps every shared string in a list, and streams
  the worksheets keeping one emptied element per row plus every element it does not recognise.
  So only the first worksheet (the one imported) and the shared strings may be large, each within
  its own configured limit; every other part must be small and no part may be both.
- A size alone does not bound memory (many tiny elements cost ~100 bytes each once parsed), so the
  large parts are parsed here first with expat, which builds nothing, and refused when a row or a
  string is too big, when there are too many of them, or when too much lies outside them.
- A DTD could declare entities that expand text past any byte limit: Excel never writes one.
"""

import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_THEME,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
)
from openpyxl.xml.functions import fromstring

MB = 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576  # no spreadsheet program writes a row past this one
CENTRAL_DIRECTORY_MAX_BYTES = 1 * MB  # ~10,000 entries; a workbook has a few dozen
SMALL_PART_MAX_BYTES = 4 * MB  # styles, workbook, relationships, other sheets…
SMALL_PART_MAX_ELEMENTS = 100_000
SMALL_PARTS_TOTAL_MAX_BYTES = 64 * MB  # all of them together: each is parsed, some twice
RATIO_MIN_BYTES = 1 * MB  # below this a high compression ratio costs nothing
READ_CHUNK = 64 * 1024
# A row or a string is parsed whole by openpyxl before it hands it over; tiny elements cost up to
# ~40× their bytes once parsed, so these keep one row under ~40 MB.
ROW_MAX_BYTES = 1 * MB
ROW_MAX_ELEMENTS = 65_536  # 16,384 columns (Excel's maximum) with their value elements
STRING_MAX_BYTES = 1 * MB  # Excel caps a cell at 32,767 characters
STRING_MAX_ELEMENTS = 10_000  # rich-text runs
OUTSIDE_MAX_BYTES = 2 * MB  # column widths, merged cells, formats… around the rows
OUTSIDE_MAX_ELEMENTS = 50_000
UNIT_GLUE_BYTES = 64

_ROW = f"{SHEET_MAIN_NS} row"
_STRING = f"{SHEET_MAIN_NS} si"
_WORKSHEET = f"{SHEET_MAIN_NS} worksheet"
_SST = f"{SHEET_MAIN_NS} sst"


class RefusedWorkbook(Exception):
    """The workbook cannot be read safely; the message says why, in Spanish."""


class TooManyRows(RefusedWorkbook):
    pass


@dataclass(frozen=True)
class XlsxLimits:
    sheet_bytes: int
    strings_bytes: int
    strings: int
    ratio: int
    rows: int | None  # data rows (header excluded); None: only Excel's own maximum


def inspect_xlsx(path, limits):
    """Refuse (RefusedWorkbook) a workbook that could exhaust memory; return the path inside the
    archive of the worksheet openpyxl will give as `worksheets[0]`."""
    _check_central_directory(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RefusedWorkbook(f"No se pudo abrir el libro XLSX: {exc}") from exc
    with archive:
        members = archive.infolist()
        for info in members:
            _check_declared_size(info, max(limits.sheet_bytes, limits.strings_bytes), limits.ratio)
        scanned = set()

        def read_small(name):
            """What openpyxl reads whole to find the parts: small, and scanned before it is parsed."""
            info = archive.getinfo(name)
            if info.file_size > SMALL_PART_MAX_BYTES:
                raise RefusedWorkbook(_too_big(info, SMALL_PART_MAX_BYTES))
            if name not in scanned:
                _scan(archive, info, _Budget(name))
                scanned.add(name)
            return archive.read(name)

        try:
            first_sheet, other_sheets, strings, whole_reads = _parts(archive, read_small)
        except RefusedWorkbook:
            raise
        except Exception as exc:  # a damaged workbook: openpyxl fails on it the same way
            raise RefusedWorkbook(f"No se pudo abrir el libro XLSX: {exc}") from exc
        if first_sheet in whole_reads or strings in whole_reads | {first_sheet}:
            raise RefusedWorkbook("El libro XLSX está mal formado: una misma parte se usa como hoja, como textos "
                                  "compartidos o como otra parte del libro.")
        allowed = {first_sheet: limits.sheet_bytes, strings: limits.strings_bytes}
        for info in members:
            if info.file_size > allowed.get(info.filename, SMALL_PART_MAX_BYTES):
                raise RefusedWorkbook(_too_big(info, allowed.get(info.filename, SMALL_PART_MAX_BYTES),
                                               first_sheet, strings))
        rest = sum(info.file_size for info in members if info.filename not in allowed)
        if rest > SMALL_PARTS_TOTAL_MAX_BYTES:
            raise RefusedWorkbook(
                f"En el libro XLSX, las partes que no son la primera hoja ni los textos compartidos suman "
                f"{rest / MB:,.1f} MB sin comprimir; el máximo es {SMALL_PARTS_TOTAL_MAX_BYTES // MB} MB. Solo se "
                "importa la primera hoja: guarde un libro con esa hoja sola, o un CSV."
            )
        row_limit = EXCEL_MAX_ROWS if limits.rows is None else min(EXCEL_MAX_ROWS, limits.rows + 1)
        _scan(archive, archive.getinfo(first_sheet), _worksheet(first_sheet, row_limit, limits.rows))
        for name in other_sheets:  # openpyxl reads into every sheet looking for its dimension
            _scan(archive, archive.getinfo(name), _worksheet(name, EXCEL_MAX_ROWS, None))
        if strings in archive.NameToInfo:
            _scan(archive, archive.getinfo(strings), _shared_strings(strings, limits.strings))
        special = {first_sheet, strings, *other_sheets} | scanned
        for info in members:
            if info.filename not in special:
                _scan(archive, info, _Budget(info.filename))
    return first_sheet


def _check_central_directory(path):
    with open(path, "rb") as handle:
        # The same record zipfile.ZipFile is about to trust (ZIP64 included).
        record = zipfile._EndRecData(handle)
    if not record:
        raise RefusedWorkbook("No se pudo abrir el libro XLSX: no es un archivo ZIP.")
    if record[zipfile._ECD_SIZE] > CENTRAL_DIRECTORY_MAX_BYTES:
        raise RefusedWorkbook(
            f"El libro XLSX declara un índice de {record[zipfile._ECD_SIZE] / MB:,.1f} MB "
            f"({record[zipfile._ECD_ENTRIES_TOTAL]:,} partes); el máximo es "
            f"{CENTRAL_DIRECTORY_MAX_BYTES // MB} MB: no es un libro de Excel normal."
        )


def _check_declared_size(info, largest, max_ratio):
    if info.file_size > largest:
        raise RefusedWorkbook(f"La parte {info.filename} del libro XLSX ocupa {info.file_size // MB:,} MB sin "
                              f"comprimir; el máximo es {largest // MB:,} MB.")
    if info.file_size > RATIO_MIN_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise RefusedWorkbook(
            f"La parte {info.filename} del libro XLSX se comprime {ratio:,} veces ({info.compress_size:,} bytes "
            f"que se vuelven {info.file_size // MB:,} MB); el máximo es {max_ratio:,} veces: parece una bomba de "
            "compresión, no un libro de Excel."
        )


def _too_big(info, allowed, first_sheet=None, strings=None):
    if info.filename == first_sheet:
        what = f"la hoja {info.filename}"
    elif info.filename == strings:
        what = f"la tabla de textos compartidos ({info.filename})"
    else:
        what = f"la parte {info.filename}"
    return (f"En el libro XLSX, {what} ocupa {info.file_size / MB:,.1f} MB sin comprimir; el máximo es "
            f"{allowed / MB:,.0f} MB. Solo se importa la primera hoja: guarde un libro con esa hoja sola, o un CSV.")


def _parts(archive, read_small):
    """Resolve the parts with openpyxl's own functions, as it will when opening: the first worksheet,
    the other worksheets, the shared strings, and every part something may read whole."""
    names = set(archive.namelist())
    package = Manifest.from_tree(fromstring(read_small(ARC_CONTENT_TYPES)))
    workbook_part = _find_workbook_part(package).PartName[1:]
    strings = package.find(SHARED_STRINGS)
    strings = strings.PartName[1:] if strings is not None else None
    read_small(workbook_part)
    workbook_rels = get_rels_path(workbook_part)
    if workbook_rels in names:
        read_small(workbook_rels)
    parser = WorkbookParser(archive, workbook_part, keep_links=False)
    parser.parse()
    # Like openpyxl's read_worksheets: a sheet whose part is missing is skipped, a chartsheet is read whole.
    sheets = [rel for _, rel in parser.find_sheets() if rel.target in names and "chartsheet" not in rel.Type]
    if not sheets:
        raise RefusedWorkbook("El libro XLSX no tiene ninguna hoja de cálculo.")
    streamed = {id(rel) for rel in sheets}
    streamed |= {id(rel) for rel in parser.rels.values()
                 if rel.target == strings and rel.Type.endswith("/sharedStrings")}
    whole_reads = {ARC_CONTENT_TYPES, ARC_CORE, ARC_CUSTOM, ARC_STYLE, ARC_THEME, workbook_part}
    for rels_name in sorted(name for name in names if name.endswith(".rels")):
        whole_reads.add(rels_name)
        if rels_name == workbook_rels:
            rels = parser.rels.values()
        else:
            read_small(rels_name)
            try:
                rels = get_dependents(archive, rels_name)
            except Exception:  # noqa: BLE001 - a part openpyxl never reads; if it does, it fails there
                continue
        whole_reads |= {rel.target for rel in rels if rel.TargetMode != "External" and id(rel) not in streamed}
    return sheets[0].target, [rel.target for rel in sheets[1:]], strings, whole_reads


@dataclass(frozen=True)
class _Budget:
    """What one part may hold. A «unit» is a row of a sheet or a string of the shared strings."""

    name: str
    root: str | None = None
    unit: str | None = None
    units: int = 0
    too_many_units: Exception | None = None
    unit_bytes: int = 0
    unit_elements: int = 0
    unit_label: str = ""
    outside_bytes: int = SMALL_PART_MAX_BYTES
    outside_elements: int = SMALL_PART_MAX_ELEMENTS


def _worksheet(name, row_limit, data_rows):
    if data_rows is not None and row_limit == data_rows + 1:
        too_many = TooManyRows(data_rows)
    else:
        too_many = RefusedWorkbook(f"La hoja {name} tiene más de {EXCEL_MAX_ROWS:,} filas, el máximo de Excel.")
    return _Budget(name, root=_WORKSHEET, unit=_ROW, units=row_limit, too_many_units=too_many,
                   unit_bytes=ROW_MAX_BYTES, unit_elements=ROW_MAX_ELEMENTS, unit_label="una fila",
                   outside_bytes=OUTSIDE_MAX_BYTES, outside_elements=OUTSIDE_MAX_ELEMENTS)


def _shared_strings(name, limit):
    too_many = RefusedWorkbook(f"El libro XLSX tiene más de {limit:,} textos compartidos ({name}); el máximo es "
                               f"{limit:,}.")
    return _Budget(name, root=_SST, unit=_STRING, units=limit, too_many_units=too_many,
                   unit_bytes=STRING_MAX_BYTES, unit_elements=STRING_MAX_ELEMENTS, unit_label="un texto",
                   outside_bytes=OUTSIDE_MAX_BYTES, outside_elements=1_000)


def _scan(archive, info, budget):
    """Parse one part with expat, building nothing, and refuse it as soon as it leaves its budget.
    A part that is not XML stops the scan: openpyxl, which parses it with the same expat, stops there too."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.ordered_attributes = True  # a list per element is cheaper than a dict
    # `mark`: where the bytes outside the units began (the end of the last unit).
    state = {"first": True, "depth": 0, "start": 0, "mark": 0, "units": 0, "elements": 0, "outside": 0,
             "outside_bytes": 0}

    def refuse(reason):
        raise RefusedWorkbook(f"No se importa el libro XLSX: en {budget.name}, {reason}.")

    def outside_bytes(stretch):
        # A unit's end tag and the line break after it are not kept by openpyxl (clearing a row
        # drops its tail); only what is longer than that counts.
        return state["outside_bytes"] + max(0, stretch - UNIT_GLUE_BYTES)

    def start(name, attributes):
        if state["first"]:
            state["first"] = False
            if budget.root and name != budget.root:
                refuse("la parte no es lo que el libro declara")
        if name == budget.unit:
            if not state["depth"]:
                state["units"] += 1
                if state["units"] > budget.units:
                    raise budget.too_many_units
                state["start"] = parser.CurrentByteIndex
                state["outside_bytes"] = outside_bytes(state["start"] - state["mark"])
                state["elements"] = 0
            state["depth"] += 1
        elif state["depth"]:
            state["elements"] += 1
            if state["elements"] > budget.unit_elements:
                refuse(f"{budget.unit_label} tiene más de {budget.unit_elements:,} elementos")
        else:
            state["outside"] += 1
            if state["outside"] > budget.outside_elements:
                refuse(f"hay más de {budget.outside_elements:,} elementos fuera de las filas y los textos")

    def end(name):
        if name == budget.unit and state["depth"]:
            state["depth"] -= 1
            if not state["depth"]:
                state["mark"] = parser.CurrentByteIndex
                if state["mark"] - state["start"] > budget.unit_bytes:
                    refuse(f"{budget.unit_label} ocupa más de {budget.unit_bytes // MB} MB")

    def doctype(*args):
        refuse("hay una declaración DTD, que Excel nunca escribe")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    read = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(READ_CHUNK):
                parser.Parse(chunk, False)
                read += len(chunk)
                # Checked per chunk too, so that one endless unit or stretch is refused while it grows.
                if state["depth"] and read - state["start"] > budget.unit_bytes + READ_CHUNK:
                    refuse(f"{budget.unit_label} ocupa más de {budget.unit_bytes // MB} MB")
                if not state["depth"] and outside_bytes(read - state["mark"]) > budget.outside_bytes + READ_CHUNK:
                    refuse(f"hay más de {budget.outside_bytes // MB} MB fuera de las filas y los textos")
            parser.Parse(b"", True)
    except expat.ExpatError:
        return
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise RefusedWorkbook(f"No se pudo leer el libro XLSX ({info.filename}): {exc}") from exc
