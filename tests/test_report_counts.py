"""One selector for every count (compliance.counts): the dashboard, the home, the XLSX summary, the
PDF informe and the export's pre-flight say the same numbers for one fixture (the demo); the XLSX
cell by cell (formats, totals, annual meta by accumulation); the informe's text."""

import io
import re
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from compliance.counts import quarter_counts
from indicators import rules
from indicators.choices import Accumulation, ValueType
from programs.models import Program

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"
COUNTS = ["registered", "indicators", "with_meta", "sin_meta", "reported", "approved", "verde", "amarillo", "rojo",
          "gris", "pendiente", "sin_reporte"]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


def export(tmp_path, output_format, *args):
    path = tmp_path / f"sed.{output_format}"
    out = io.StringIO()
    call_command("export_sed", "--ejercicio", "2024", "--trimestre", "1", "--format", output_format, "-o", str(path),
                 *args, stdout=out, stderr=io.StringIO())
    return path, out.getvalue()


def numbers(row):
    return [row[name] for name in COUNTS]


def test_every_screen_and_export_shows_the_selectors_counts(demo, client, tmp_path):
    counts = quarter_counts(2024, 1)
    p999 = Program.objects.get(is_fictitious=True)
    mine = counts.for_program(p999.pk)
    # The demo's P999: 12 registered, 9 with a period in T1 (the issue's «9 against 12»).
    assert (mine.registered, mine.indicators, mine.reported) == (12, 9, 7)
    assert counts.total.indicators == counts.total.with_meta + counts.total.sin_meta
    assert counts.total.registered == sum(row.registered for row in counts.programs) == 21

    assert client.login(username="admin", password=PASSWORD)
    page = client.get("/tablero/2024/1/")
    assert [numbers(r) for r in page.context["program_rows"]] == [numbers(r) for r in counts.programs]
    assert numbers(page.context["program_totals"]) == numbers(counts.total)

    assert client.login(username="coordinador", password=PASSWORD)
    home = client.get("/").context["quarters"]
    t1 = next(q for q in home if (q["fiscal_year"], q["quarter"]) == (2024, 1))
    for row in t1["programs"]:
        selected = counts.for_program(row.program_id)
        assert numbers(row) == numbers(selected)
        assert sum(row[state] for state in ("sin_capturar", "borrador", "devuelto", "enviado", "aprobado")) \
            == selected.indicators

    workbook = load_workbook(export(tmp_path, "xlsx")[0])
    summary = {row[0]: row for row in workbook["Resumen"].iter_rows(min_row=4, values_only=True)}
    for row in counts.programs:
        assert list(summary[row.program.clave][2:14]) == numbers(row)
    assert list(summary["Total"][2:14]) == numbers(counts.total)
    assert summary["Total"][14] == pytest.approx(float(counts.total.completeness / 100))

    path, stdout = export(tmp_path, "pdf")
    cover = " ".join(PdfReader(path).pages[1].extract_text().split())
    t = counts.total
    assert f"Total {t.registered} {t.indicators} {t.with_meta} {t.reported} {t.verde} {t.amarillo} {t.rojo} " \
           f"{t.gris} {t.completeness}" in cover
    _path, stdout = export(tmp_path, "csv")
    assert (f"resumen T1-2024: {t.registered} indicadores registrados, {t.indicators} con periodo en el trimestre, "
            f"{t.with_meta} con meta, {t.sin_meta} sin meta, {t.reported} reportados") in stdout


def test_xlsx_report_is_fit_to_file(demo, tmp_path):
    workbook = load_workbook(export(tmp_path, "xlsx")[0])
    summary = workbook["Resumen"]
    assert summary.auto_filter.ref == "A3:P8" and summary.print_title_rows == "$3:$3"
    assert summary.row_dimensions[3].height >= 3 * 13  # «Con periodo en el trimestre» wraps on 3 lines
    assert summary["O9"].value == pytest.approx(0.8182) and summary["O9"].number_format == "0.00%"
    assert summary["A9"].font.bold and summary["A9"].border.top.style == "double"
    sheet = workbook["P999"]
    header = [c.value for c in sheet[7]]
    assert header[10:13] == ["Avance %", "Semáforo", "Estado"] and sheet.row_dimensions[7].height > 15
    assert sheet.auto_filter.ref == f"A7:P{sheet.max_row - 1}"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.print_title_rows == "$7:$7"
    rows = {row[2].value.split(" · ")[0]: row for row in sheet.iter_rows(min_row=8, max_row=sheet.max_row - 1)}
    verde = rows["990003"]
    assert verde[10].value == pytest.approx(1.0435) and verde[10].number_format == "0.00%"
    assert all(cell.border.left.style == "thin" for cell in verde)
    # Annual meta by the ficha's accumulation: the bimonthly Curso (periodic, absolute) adds its six
    # metas; the average (periodic, numerador/denominador) is the ratio of the sums, not a sum.
    assert rows["990012"][6].value == 42 and rows["990003"][6].value == pytest.approx(43.782051)
    assert rows["990007"][12].value == "pendiente" and rows["990001"][12].value == "sin periodo en el trimestre"
    assert not any(cell.value == "N/A" for row in sheet.iter_rows() for cell in row)
    total = sheet[sheet.max_row]
    assert total[0].value == "Total del programa" and total[0].font.bold
    assert total[2].value.startswith("12 indicadores registrados; 9 con periodo en el trimestre")
    assert total[11].value == "verde 5 · amarillo 2 · rojo 0 · gris 0"


def test_annual_meta_rule():
    periodic, accumulated = Accumulation.PERIODICO, Accumulation.ACUMULADO
    periods = [(D(10), None, None), None, (D(0), None, None), (D(32), None, None)]
    assert rules.annual_meta(periodic, ValueType.ABSOLUTO, None, periods) == D(42)
    assert rules.annual_meta(accumulated, ValueType.ABSOLUTO, None, periods) == D(32)
    assert rules.annual_meta("", ValueType.ABSOLUTO, None, periods) == D(32)  # the ficha does not say: last period
    ratios = [(D(50), D(1), D(2)), (D(25), D(1), D(4))]
    assert rules.annual_meta(periodic, ValueType.PORCENTAJE, None, ratios) == D("33.333333")  # 2/6, not 75
    no_ratio = [(D(50), None, None), (D(25), None, None)]
    assert rules.annual_meta(periodic, ValueType.PORCENTAJE, None, no_ratio) == D(25)
    assert rules.annual_meta(periodic, ValueType.ABSOLUTO, None, [None, None]) is None


def test_informe_has_a_cover_and_keeps_sources_for_the_annex(demo, tmp_path):
    path, _out = export(tmp_path, "pdf")
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]
    body = " ".join(pages)
    assert "Informe del Sistema de Evaluación del Desempeño" in pages[0] and "Generado el" in pages[0]
    assert "hora de la Ciudad de México" in pages[0] and "Resumen por programa" in pages[1]
    assert "Fuente:" not in body and "Supuestos" not in body and "Anexo" not in body
    # Programmes flow: the five programmes and 21 indicators take fewer pages than before (17).
    assert len(pages) <= 14
    path, _out = export(tmp_path, "pdf", "--con-fuentes")
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]
    annex = next(i for i, text in enumerate(pages) if text.startswith("Anexo. Fuentes y supuestos"))
    assert "Anexo. Fuentes y supuestos" in pages[1]  # in the contents
    assert not any(re.search(r"Supuestos?:", text) for text in pages[2:annex])
    assert any("Supuesto" in text or "PASH" in text for text in pages[annex:])


def test_informe_html_sources_only_on_request(demo, client):
    assert client.login(username="coordinador", password=PASSWORD)
    html = client.get("/exportaciones/informe/2024/1/").content.decode()
    assert "Resumen por programa" in html and "Anexo. Fuentes y supuestos" not in html
    assert "Anexo. Fuentes y supuestos" in client.get("/exportaciones/informe/2024/1/?con_fuentes=1").content.decode()


def test_web_export_job_adds_the_annex_on_request(demo, client, django_capture_on_commit_callbacks):
    from jobs.models import Job

    assert client.login(username="coordinador", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exportaciones/", {"ejercicio": "2024", "formato": "pdf", "trimestre": "1", "con_fuentes": "1"})
    job = Job.objects.get()
    assert job.params["con_fuentes"] is True and job.status == "terminado"
    text = " ".join(page.extract_text() for page in PdfReader(job.file.open("rb")).pages)
    assert "Anexo. Fuentes y supuestos" in text and "resumen T1-2024" in job.message
