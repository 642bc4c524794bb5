"""Exports at scale (issue 21): no per-row scan of the sheet, no query per programme, CSVs written and
sent row by row, the PDF laid out a programme at a time. Time and memory are measured by hand, not
here (see docs/decisiones.md)."""

import io
import json
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from common.formula_safety import append_row
from common.table_export import export_table
from indicators.models import FiscalYearPolicy, Indicator
from interchange import exporter, informe_pdf
from interchange.exporter import write_csv
from interchange.exports import render_export
from programs.models import Program
from reporting.choices import ProgressStatus
from tests.factories import IndicatorFactory, ProgressFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_append_row_returns_the_new_rows_cells_and_keeps_formulas_as_text():
    sheet = Workbook().active
    append_row(sheet, ["título"])
    cells = append_row(sheet, ["=1+1", Decimal("2.5"), None, "a\x01b"])
    assert [(c.coordinate, c.value, c.data_type) for c in cells] == [
        ("A2", "=1+1", "s"), ("B2", Decimal("2.5"), "n"), ("C2", None, "n"), ("D2", "ab", "s")]
    assert sheet["A2"] is cells[0] and sheet["B2"] is cells[1]


class _Rows(tables.Table):
    nombre = tables.Column()
    valor = tables.Column()


@pytest.fixture
def sheet_scans(monkeypatch):
    """How many times the sheet is scanned for its extent: each `max_row` / `max_column` reads every
    cell, so a count that follows the rows makes the export quadratic."""
    calls = []
    for name in ("max_row", "max_column"):
        scan = getattr(Worksheet, name).fget
        monkeypatch.setattr(Worksheet, name, property(lambda sheet, scan=scan: calls.append(1) or scan(sheet)))
    return calls


def test_table_xlsx_export_scans_the_sheet_as_often_for_10_rows_as_for_40(sheet_scans):
    def scans(count):
        sheet_scans.clear()
        rows = [{"nombre": f"=fila {n}", "valor": Decimal(n)} for n in range(count)]
        response = export_table(_Rows(rows), "xlsx", "filas", "Filas")
        return len(sheet_scans), response.content

    (few, _), (many, content) = scans(10), scans(40)
    assert few == many
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == ["Nombre", "Valor"] and sheet["A1"].font.bold
    assert (sheet["A41"].value, sheet["A41"].data_type, sheet["B41"].value, sheet["B41"].number_format) == (
        "=fila 39", "s", 39, "#,##0.00")


def sed_programmes(count):
    """`count` programmes of 2024, each with its own UR and one indicator with a Q1 meta and avance."""
    indicators = [IndicatorFactory() for _ in range(count)]
    for indicator in indicators:
        TargetFactory(indicator=indicator)
        ProgressFactory(indicator=indicator, status=ProgressStatus.ENVIADO)
    return [indicator.matrix.program for indicator in indicators]


def test_xlsx_report_queries_do_not_grow_with_programmes():
    programs = sed_programmes(6)
    FiscalYearPolicy.for_year(2024)

    def report(selected):
        output = io.BytesIO()
        with CaptureQueriesContext(connection) as captured:
            export = render_export(2024, "xlsx", output, 1, selected)
        return len(captured), export.rows, load_workbook(output)

    (few, two, small), (many, six, large) = report(programs[:2]), report(programs)
    assert (two, six) == (2, 6) and few == many
    assert len(small.sheetnames) == 3 and len(large.sheetnames) == 7
    program = programs[5]
    assert large[program.clave]["B4"].value == f"{program.responsible_unit.clave} {program.responsible_unit.name}"


def test_csv_rows_reach_the_file_as_they_are_made():
    output = io.BytesIO()
    written = []

    def rows():
        for n in range(3):
            written.append(len(output.getvalue()))
            yield [f"=x{n}"]

    assert write_csv(["A"], rows(), output) == []
    assert written == [6, 12, 18]  # BOM and «A\r\n», then one «'=xN\r\n» per row
    assert output.getvalue() == b"\xef\xbb\xbfA\r\n'=x0\r\n'=x1\r\n'=x2\r\n"


def test_export_sed_csv_is_the_same_file_read_two_indicators_at_a_time(tmp_path, monkeypatch):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())

    def exported(name):
        path = tmp_path / name
        call_command("export_sed", "--ejercicio", "2024", "--format", "csv", "--por-entidad", "-o", str(path),
                     stdout=io.StringIO(), stderr=io.StringIO())
        return path.read_bytes()

    whole = exported("todo.csv")
    monkeypatch.setattr(exporter, "BATCH", 2)
    assert exported("por_lotes.csv") == whole and whole.count(b"\r\n") == 22
    assert not (tmp_path / "por_lotes.csv.parcial").exists()


def test_catalog_csv_is_streamed_with_bom_and_neutralised_cells(client, django_user_model):
    """Byte for byte what the non-streamed export wrote."""
    indicator = IndicatorFactory(name="=HYPERLINK(\"x\")", external_id="700001")
    client.force_login(django_user_model.objects.create_superuser("raiz", "raiz@simir.invalid", "x"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/indicadores/", {"_export": "csv"})
        in_the_view = len(captured)
        body = response.getvalue()
    assert len(captured) == in_the_view  # the rows were read before the response started
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="indicadores.csv"'
    program, unit = indicator.matrix.program, indicator.responsible_unit
    assert body.decode("utf-8") == (
        "\ufeffID,Nombre,Programa,UR,Nivel,Frecuencia,Sentido,Tipo de valor,Ejercicio\r\n"
        f"700001,\"'=HYPERLINK(\"\"x\"\")\",{program.clave},{unit.clave},Actividad,Trimestral,Ascendente,"
        "Porcentaje,2024\r\n")


def test_pdf_informe_is_laid_out_in_parts_and_joined(monkeypatch):
    """Parts of whole programmes (E001 alone; S200 and U013 together): a part starts a page, the
    programmes inside one follow each other on the page."""
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    monkeypatch.setattr(informe_pdf, "FOOTER_PAGES", 4)  # footers laid out in two runs
    monkeypatch.setattr(informe_pdf, "PART_INDICATORS", 4)  # E001 has 3 indicators, S200 and U013 2 each
    programs = [p for p in Program.objects.filter(fiscal_year=2024) if p.clave in ("S200", "U013", "E001")]
    output, calls = io.BytesIO(), []
    export = render_export(2024, "pdf", output, 1, programs, on_progress=lambda done, total: calls.append((done, total)))
    assert (export.filename, export.rows, calls) == ("sed_2024_T1.pdf", 7, [(1, 3), (3, 3)])
    reader = PdfReader(output)
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert [page.endswith(f"Página {n} de 8") for n, page in enumerate(pages, start=1)] == [True] * 8
    starts = {clave: n for n, page in enumerate(pages, start=1) for clave in ("E001", "S200", "U013")
              if page.startswith(f"Programa presupuestario {clave} - ")}
    assert starts == {"E001": 3, "S200": 5}  # U013 follows S200 within page 6
    assert "Programa presupuestario U013 - " in pages[5]
    assert pages[0].startswith("47 ENTIDADES NO SECTORIZADAS") and "Generado el" in pages[0]
    assert "seguridad social ......... 3 Programa presupuestario S200" in pages[1]
    assert "médica ................................. 5" in pages[1] and "laboral ....." in pages[1]
    assert reader.metadata.title == "Sistema de Evaluación del Desempeño · Primer trimestre 2024"
    root, children = reader.outline
    assert root.title.startswith("Informe del Sistema de Evaluación del Desempeño de los Programas presupuestarios")
    top = [(item.title[:28], reader.get_destination_page_number(item) + 1) for item in children
           if not isinstance(item, list)]
    assert top == [("Resumen por programa", 2), ("Contenido", 2), ("Programa presupuestario E001", 3),
                   ("Programa presupuestario S200", 5), ("Programa presupuestario U013", 6)]
    # Each contents line is a link (a box per line of text) that jumps to its programme's first page.
    jumps = [reader.get_page_number(link.get_object()["/Dest"][0].get_object()) + 1
             for link in reader.pages[1]["/Annots"]]
    assert list(dict.fromkeys(jumps)) == [3, 5, 6]


def test_bench_exports_measures_two_sizes_and_leaves_nothing():
    out = io.StringIO()
    call_command("bench_exports", "--indicators", "20", "--json", "--pdf", stdout=out, stderr=io.StringIO())
    figures = json.loads(out.getvalue())
    assert sorted(figures) == ["2", "20", "flat"]
    assert list(figures["flat"]) == ["export_sed_csv_peak_mb", "informe_pdf_rss_growth_mb"]
    assert sorted(figures["20"]) == ["catalog_xlsx_peak_mb", "catalog_xlsx_s", "export_sed_csv_peak_mb",
                                     "export_sed_csv_s", "informe_pdf_peak_rss_mb", "informe_pdf_rss_growth_mb",
                                     "informe_pdf_s"]
    assert not Indicator.objects.filter(fiscal_year__in=(2097, 2098)).exists()
