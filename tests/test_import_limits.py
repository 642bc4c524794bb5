"""Whatever an import file declares, reading it keeps memory bounded: the attacks found from outside
(a 2 KB XLSX declaring A1:XFD1048576, a shared-strings bomb, a 45 MB CSV) run in a separate process
whose peak memory is compared with a baseline, and the smaller tricks get a clear message and write
nothing."""

import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from indicators.models import Indicator
from interchange.importer import ImportErrors, UnreadableFile, import_file
from interchange.layout import COLUMNS, REQUIRED_COLUMNS
from interchange.reader import read_table
from programs.models import Program
from tests.sed_files import base_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)
BOUND_MB = 150  # above the baseline process; the attacks reached 1.4 to 2.4 GB
ADDRESS_SPACE = 2 * 1024**3  # a regression dies here instead of exhausting the shared machine
needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = [*REQUIRED_COLUMNS, "ID_NIVEL", "ID_MODALIDAD", "ID_OBJETIVO"]


def probe(path, mode="import"):
    """Import (or read) `path` in a fresh process; returns its outcome and peak memory."""
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    done = subprocess.run([sys.executable, "-m", "tests.memory_probe", str(path), mode], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, preexec_fn=limit_memory)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return json.loads(lines[-1])


@pytest.fixture(scope="module")
def baseline_mb(tmp_path_factory):
    path = tmp_path_factory.mktemp("base") / "vacio.csv"
    path.write_text("CICLO\n", encoding="utf-8")
    outcome = probe(path)
    assert outcome["error"].startswith("ImportErrors")
    return outcome["peak_mb"]


def assert_bounded(outcome, baseline_mb):
    assert outcome.get("error") != "MemoryError", outcome
    assert outcome["peak_mb"] - baseline_mb < BOUND_MB, outcome
    assert not outcome["db"], "the import reached the database"


def xml_row(number, values):
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' if value != "" else "<c/>" for value in values)
    return f'<row r="{number}">{cells}</row>'


def header_and_row():
    row = base_row()
    return xml_row(1, HEADER) + xml_row(2, [row.get(name, "") for name in HEADER])


def write_workbook(path, sheet, strings=None, extra=(), content_types=None, compresslevel=6):
    """A minimal XLSX written part by part; `sheet` and `strings` may be iterables of bytes chunks."""
    overrides = ['<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.sheet.main+xml"/>',
                 '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.worksheet+xml"/>']
    if strings is not None:
        overrides.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.spreadsheetml.sharedStrings+xml"/>')
    parts = {
        "[Content_Types].xml": content_types or (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>"),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": sheet,
        **({"xl/sharedStrings.xml": strings} if strings is not None else {}),
        **dict(extra),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, content in parts.items():
            with archive.open(name, "w") as part:
                for chunk in [content] if isinstance(content, (str, bytes)) else content:
                    part.write(chunk.encode() if isinstance(chunk, str) else chunk)
    return path


def sheet_xml(rows, dimension=None):
    return (f'<worksheet xmlns="{MAIN}">' + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + f"<sheetData>{rows}</sheetData></worksheet>")


# The attacks, in a process of their own


@needs_proc
def test_a_2_kb_workbook_declaring_every_cell_builds_no_rows(tmp_path, baseline_mb):
    # The dimension claims all 16,384 columns × 1,048,576 rows, and one row sits at the very last line.
    rows = header_and_row() + xml_row(1_048_576, ["2024"] * len(HEADER))
    path = write_workbook(tmp_path / "dimension.xlsx", sheet_xml(rows, dimension="A1:XFD1048576"))
    assert path.stat().st_size < 3000
    outcome = probe(path)
    assert_bounded(outcome, baseline_mb)
    assert outcome["error"] == "UnreadableFile: El archivo tiene más de 100,000 filas de datos; el máximo es 100,000."
    # Without a row limit the reader walks to that last row and gives the two real ones, still flat.
    outcome = probe(path, "read")
    assert_bounded(outcome, baseline_mb)
    assert outcome["rows"] == 2


@needs_proc
def test_a_shared_strings_bomb_is_refused_before_opening(tmp_path, baseline_mb):
    # 256 MB of one-letter strings squeezed into ~1.7 MB: openpyxl would keep each as an object.
    chunk = b"<si><t>a</t></si>" * 65_536
    strings = [f'<sst xmlns="{MAIN}">'.encode(), *([chunk] * (256 * 1024 * 1024 // len(chunk))), b"</sst>"]
    path = write_workbook(tmp_path / "bomba.xlsx", sheet_xml(header_and_row()), strings=strings, compresslevel=1)
    assert path.stat().st_size < 3 * 1024 * 1024
    outcome = probe(path)
    assert_bounded(outcome, baseline_mb)
    assert "La parte xl/sharedStrings.xml del libro XLSX se comprime" in outcome["error"]
    assert "parece una bomba de compresión" in outcome["error"]


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    """45 MB of valid rows, more of them than the limit allows (each one would be validated and kept)."""
    path = tmp_path_factory.mktemp("csv") / "grande.csv"
    row = base_row()
    header = list(row)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header) + "\r\n")
        number = 0
        while handle.tell() < 45 * 1024 * 1024:
            number += 1
            handle.write(",".join(str(number) if name == "ID_INDICADOR" else row[name] for name in header) + "\r\n")
    return path, number


@needs_proc
def test_a_45_mb_csv_stops_at_the_row_limit(big_csv, baseline_mb):
    path, _ = big_csv
    outcome = probe(path)
    assert_bounded(outcome, baseline_mb)
    assert outcome["error"] == "UnreadableFile: El archivo tiene más de 100,000 filas de datos; el máximo es 100,000."


@needs_proc
def test_the_reader_streams_a_csv_of_any_length_in_flat_memory(big_csv, baseline_mb):
    path, rows = big_csv
    assert rows > 150_000
    outcome = probe(path, "read")
    assert outcome["rows"] == rows
    assert outcome["peak_mb"] - baseline_mb < 50, outcome


# The smaller tricks, in this process


def refused(path, match, **limits):
    with pytest.raises(UnreadableFile, match=match):
        import_file(path, recompute=False, **limits)
    assert Indicator.objects.count() == 0 and Program.objects.count() == 0


def test_a_workbook_with_more_rows_than_the_limit_is_refused_before_opening(tmp_path, settings):
    settings.SIMIR_IMPORT_MAX_ROWS = 1
    path = write_xlsx(tmp_path / "f.xlsx", [base_row(), base_row(ID_INDICADOR="2")])
    refused(path, "El archivo tiene más de 1 filas de datos; el máximo es 1.")
    assert import_file(path, recompute=False, max_rows=None).rows == 2  # the caller may lift the limit


def test_cells_right_of_the_header_are_never_kept(tmp_path):
    row = base_row()
    values = [row.get(name, "") for name in HEADER]
    path = write_workbook(tmp_path / "f.xlsx", sheet_xml(
        xml_row(1, HEADER) + xml_row(2, values).replace("</row>", '<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'),
        dimension="A1:XFD2"))
    with read_table(path) as sheet:
        assert sheet.header == HEADER
        assert list(sheet.rows) == [(2, {name: value for name, value in zip(HEADER, values) if value})]


def test_shared_strings_past_their_limits_are_refused(tmp_path, settings):
    strings = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{name}</t></si>" for name in HEADER) + "</sst>"
    rows = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
    path = write_workbook(tmp_path / "f.xlsx", sheet_xml(f'<row r="1">{rows}</row>'), strings=strings)
    with read_table(path) as sheet:
        assert sheet.header == HEADER
    settings.SIMIR_IMPORT_XLSX_MAX_STRINGS = 5
    refused(path, r"El libro XLSX tiene más de 5 textos compartidos \(xl/sharedStrings.xml\); el máximo es 5.")
    settings.SIMIR_IMPORT_XLSX_MAX_STRINGS_BYTES = 100
    refused(path, r"la tabla de textos compartidos \(xl/sharedStrings.xml\) ocupa 0.0 MB sin comprimir; el máximo "
                  r"es 0 MB. Solo se importa la primera hoja")


def test_a_sheet_past_its_limit_is_refused(tmp_path, settings):
    path = write_workbook(tmp_path / "f.xlsx", sheet_xml(header_and_row()))
    settings.SIMIR_IMPORT_XLSX_MAX_SHEET_BYTES = 100
    refused(path, "la hoja xl/worksheets/sheet1.xml ocupa 0.0 MB sin comprimir")


def test_a_row_too_big_to_parse_safely_is_refused(tmp_path):
    # Text that does not compress, so that the compression ratio is not what refuses it.
    text = os.urandom(800 * 1024).hex()
    rows = header_and_row() + xml_row(3, [text] * 2)
    refused(write_workbook(tmp_path / "f.xlsx", sheet_xml(rows)),
            "No se importa el libro XLSX: en xl/worksheets/sheet1.xml, una fila ocupa más de 1 MB.")


def test_what_lies_outside_the_rows_is_bounded_too(tmp_path):
    junk = "".join(f'<foo a="{os.urandom(8).hex()}"/>' for _ in range(60_000))
    rows = header_and_row()
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData><extLst>{junk}</extLst></worksheet>'
    refused(write_workbook(tmp_path / "f.xlsx", sheet),
            "hay más de 50,000 elementos fuera de las filas y los textos")


def test_a_dtd_is_refused(tmp_path):
    sheet = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>' + sheet_xml(header_and_row())
    refused(write_workbook(tmp_path / "f.xlsx", sheet), "hay una declaración DTD, que Excel nunca escribe")


def test_a_part_cannot_pass_for_a_sheet_and_be_read_whole(tmp_path):
    # The content types make the (large, streamed) sheet the workbook part, which openpyxl reads whole.
    types = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    sheet = (f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="sheet1.xml"/></Relationships>')
    path = write_workbook(tmp_path / "f.xlsx", sheet, content_types=types,
                          extra={"xl/worksheets/_rels/sheet1.xml.rels": rels})
    refused(path, "una misma parte se usa como hoja, como textos compartidos o como otra parte del libro")


def test_the_sheet_cannot_also_be_a_chartsheet(tmp_path):
    # A second sheet of chart type points at the first sheet's part: openpyxl would read it whole.
    path = write_workbook(tmp_path / "f.xlsx", sheet_xml(header_and_row()), extra={
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/><sheet name="Graf" sheetId="2" r:id="rId3"/>'
            "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'chartsheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    })
    refused(path, "una misma parte se usa como hoja, como textos compartidos o como otra parte del libro")


def test_a_zip_index_of_thousands_of_parts_is_refused_before_it_is_loaded(tmp_path):
    path = write_workbook(tmp_path / "f.xlsx", sheet_xml(header_and_row()),
                          extra={f"relleno/{i:06d}": b"" for i in range(20_000)})
    refused(path, r"El libro XLSX declara un índice de 1\.\d MB \(20,005 partes\); el máximo es 1 MB")


def test_many_parts_of_just_under_the_ratio_check_are_refused_together(tmp_path):
    megabyte = b" " * (1024 * 1024)
    path = write_workbook(tmp_path / "f.xlsx", sheet_xml(header_and_row()),
                          extra={f"xl/relleno{i}.xml": megabyte for i in range(70)})
    refused(path, "las partes que no son la primera hoja ni los textos compartidos suman 70.0 MB sin comprimir; "
                  "el máximo es 64 MB")


def test_a_csv_without_line_breaks_is_refused_past_one_record(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(",".join(COLUMNS) + "\r\n" + "x" * (1024 * 1024 + 10), encoding="utf-8")
    refused(path, "La fila 2 del archivo tiene más de 1,048,576 caracteres")


def test_a_csv_header_wider_than_excel_is_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(",".join(f"C{i}" for i in range(20_000)) + "\r\n", encoding="utf-8")
    refused(path, "El encabezado tiene 20,000 columnas; el máximo es 16,384.")


def test_the_encoding_is_decided_by_the_whole_file_not_its_beginning(tmp_path):
    # The only non-UTF-8 bytes come after the first megabyte: the file is still Windows-1252.
    lines = ["ID_INDICADOR,DEFINICION_INDICADOR,DESC_OBJETIVO"]
    lines += [f"{i},{'d' * 900},Objetivo" for i in range(1, 1300)]
    lines.append("1300,Definición,Atención médica")
    path = tmp_path / "f.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    assert path.read_bytes().index("ó".encode("cp1252")) > 1024 * 1024
    with read_table(path) as sheet:
        assert sheet.encoding == "Windows-1252"
        assert dict(sheet.rows)[1301]["DESC_OBJETIVO"] == "Atención médica"
    # A byte Windows-1252 does not define (0x81), that late too: Latin-1.
    path.write_bytes(path.read_bytes() + b"\x81")
    with read_table(path) as sheet:
        assert sheet.encoding == "Latin-1"


def test_validation_stops_at_the_error_limit(tmp_path, settings):
    settings.SIMIR_IMPORT_MAX_ERRORS = 5
    bad = {f"META_MES{month}": "x" for month in (3, 6, 9, 12)}
    path = write_csv(tmp_path / "f.csv", [base_row(ID_INDICADOR=str(i), **bad) for i in range(1, 1000)])
    with pytest.raises(ImportErrors) as caught:
        import_file(path, recompute=False)
    assert caught.value.truncated and len(caught.value.errors) == 5
    assert caught.value.errors[-1].startswith("fila 3, columna META_MES3:")
    with pytest.raises(CommandError, match=r"El archivo tiene más de 5 errores \(la validación se detuvo ahí\)"):
        call_command("import_sed", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Indicator.objects.count() == 0
