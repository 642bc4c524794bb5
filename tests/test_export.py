import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators.models import Indicator
from interchange.exporter import build_rows, export_indicator_ids, write_csv
from interchange.importer import import_file
from interchange.layout import COLUMNS, RESULT_COLUMNS
from programs.models import Matrix, Objective, Program, Ramo, ResponsibleUnit, State
from reporting.models import Progress
from reporting.services import save_progress, save_state_progress
from reporting.workflow import Action, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


def export_bytes(tmp_path, *args):
    path = tmp_path / "sed.csv"
    call_command("export_sed", "--ejercicio", "2024", "--format", "csv", "-o", str(path), *args,
                 stdout=io.StringIO(), stderr=io.StringIO())
    return path.read_bytes()


def parse(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_layout_columns_in_order_with_bom_and_crlf(demo, tmp_path):
    data = export_bytes(tmp_path)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == COLUMNS + RESULT_COLUMNS
    rows = parse(data)
    assert len(rows) == len({r["ID_INDICADOR"] for r in rows}) == 21  # 9 real + 12 fictitious, one row each


@pytest.mark.embedded
def test_q1_2024_values_of_the_seed(demo, tmp_path):
    rows = {r["ID_INDICADOR"]: r for r in parse(export_bytes(tmp_path, "--trimestre", "1"))}
    s200 = rows["IB24-S200-01"]
    assert (s200["AVANCE_MES3"], s200["AVANCE_MES3_NUM"], s200["AVANCE_MES3_DEN"]) == ("80.918874", "1955", "2416")
    assert (s200["CUMPLIMIENTO_MES3"], s200["SEMAFORO_MES3"], s200["META_MES3"]) == ("", "", "")
    assert "1,955 personas contratadas" in s200["AVANCE_CAUSA_MES3"]
    u013 = rows["IB24-U013-01"]
    assert (u013["META_MES3"], u013["AVANCE_MES3"], u013["CUMPLIMIENTO_MES3"], u013["SEMAFORO_MES3"]) == (
        "0", "12.724693", "N/A", "rojo")
    assert {k: rows[k]["AVANCE_MES3"] for k in ("IB24-E001-01", "IB24-E001-02", "IB24-E001-03", "IB24-K011-01",
                                                 "IB24-K011-02")} == {
        "IB24-E001-01": "12.9", "IB24-E001-02": "91.06", "IB24-E001-03": "16.12", "IB24-K011-01": "57.87",
        "IB24-K011-02": "100"}
    assert rows["IB24-S200-01"]["ID_PP"] == "200" and rows["IB24-E001-01"]["ID_PP"] == "001"
    assert "AVANCE_MES4" not in rows["IB24-S200-01"]  # --trimestre 1: months 1..3 only
    assert rows["990008"]["CUMPLIMIENTO_MES3"] == "86.36" and rows["990008"]["SEMAFORO_MES3"] == "amarillo"


def test_rows_follow_ramo_programa_nivel_objetivo_indicador(demo, tmp_path):
    order = [(r["ID_MODALIDAD"] + r["ID_PP"], r["ID_INDICADOR"]) for r in parse(export_bytes(tmp_path))]
    programs = [p for p, _ in order]
    assert programs == sorted(programs, key=lambda c: (c[0], int(c[1:])))
    p999 = [i for p, i in order if p == "P999"]
    assert p999[0] == "990001" and p999[1] in ("990002", "990003")  # Fin first, then Propósito


def empty_the_database():
    Objective.objects.update(parent=None)
    Matrix.objects.all().delete()
    Program.objects.all().delete()
    ResponsibleUnit.objects.all().delete()
    Ramo.objects.all().delete()


@pytest.mark.embedded
def test_export_import_export_is_byte_identical(demo, tmp_path):
    first = export_bytes(tmp_path)
    (tmp_path / "first.csv").write_bytes(first)
    empty_the_database()
    import_file(tmp_path / "first.csv")
    assert export_bytes(tmp_path) == first


def test_only_approved_and_drafts_never(demo, tmp_path, django_user_model):
    user = django_user_model.objects.get(username="capturista_zzz")
    sent = save_progress(user, Indicator.objects.get(external_id="990007"), 2024, 3, numerator=Decimal(98),
                         denominator=Decimal(115))
    transition(user, sent, Action.ENVIAR)
    save_progress(user, Indicator.objects.get(external_id="990010"), 2024, 3, numerator=Decimal(1),
                  denominator=Decimal(2))  # a draft
    rows = {r["ID_INDICADOR"]: r for r in parse(export_bytes(tmp_path))}
    assert rows["990007"]["AVANCE_MES3"] == "85.217391" and rows["990010"]["AVANCE_MES3"] == ""
    rows = {r["ID_INDICADOR"]: r for r in parse(export_bytes(tmp_path, "--solo-aprobados"))}
    assert rows["990007"]["AVANCE_MES3"] == ""


def test_preflight_warnings_and_strict(demo, tmp_path):
    err = io.StringIO()
    path = tmp_path / "x.csv"
    call_command("export_sed", "--ejercicio", "2024", "--trimestre", "1", "--format", "csv", "-o", str(path),
                 "--programa", "S200", stdout=io.StringIO(), stderr=err)
    assert "aviso: IB24-S200-01 2024-03: sin meta para un periodo que su frecuencia (Trimestral) exige." in err.getvalue()
    assert len(parse(path.read_bytes())) == 2
    strict = tmp_path / "strict.csv"
    with pytest.raises(CommandError, match="avisos con --strict: no se escribió"):
        call_command("export_sed", "--ejercicio", "2024", "--format", "csv", "-o", str(strict), "--strict",
                     "--programa", "S200", stdout=io.StringIO(), stderr=io.StringIO())
    assert not strict.exists()


def test_latin1_encoding_option(demo, tmp_path):
    data = export_bytes(tmp_path, "--encoding", "latin-1", "--programa", "P999")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "Propósito".encode("latin-1") in data


def test_unknown_programme_is_a_clear_error(demo, tmp_path):
    with pytest.raises(CommandError, match="No existe el programa X001 en el ejercicio 2024."):
        export_bytes(tmp_path, "--programa", "X001")


def test_exporter_functions_directly(demo):
    header, rows, _ = build_rows(2024, export_indicator_ids(2024), quarter=4)
    output = io.BytesIO()
    assert write_csv(header, rows, output) == [] and len(parse(output.getvalue())) == 21


@pytest.mark.embedded
def test_xlsx_report_cell_by_cell(demo, tmp_path):
    path = tmp_path / "reporte.xlsx"
    call_command("export_sed", "--ejercicio", "2024", "--trimestre", "1", "--format", "xlsx", "-o", str(path),
                 stdout=io.StringIO(), stderr=io.StringIO())
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Resumen", "E001", "K011", "P999", "S200", "U013"]
    summary = {row[0]: row for row in workbook["Resumen"].iter_rows(min_row=4, values_only=True)}
    # registrados, con periodo, con meta, sin meta, reportados, aprobados, verde … gris, pendientes, sin reporte
    assert summary["P999"][2:14] == (12, 9, 9, 0, 7, 7, 5, 2, 0, 0, 2, 0)
    assert summary["P999"][14] == pytest.approx(0.7778)
    sheet = workbook["U013"]
    assert sheet["B5"].value.startswith("U013 ") and sheet["B2"].value == "Trimestre 1"
    assert [c.value for c in sheet[7]][:12] == [
        "Nivel", "Objetivo", "Indicador", "Método de cálculo", "Tipo-Dimensión-Frecuencia", "Unidad de medida",
        "Meta anual aprobada", "Meta anual modificada", "Meta al periodo", "Realizado al periodo", "Avance %",
        "Semáforo"]
    first = sheet[8]
    assert first[0].value == "Componente" and first[2].value.startswith("IB24-U013-01 · Transferencias")
    # Meta 0, avance > 0: no cumplimiento, so the numeric cell stays empty with a comment saying why.
    assert (first[8].value, first[9].value, first[10].value, first[11].value) == (0, 12.724693, None, "rojo")
    assert first[10].comment.text.startswith("Sin porcentaje de avance") and first[12].value == "con resultado"
    assert first[9].number_format == "#,##0.00" and first[10].number_format == "0.00%"
    assert first[11].fill.fgColor.rgb.endswith("B42318")
    assert first[13].value.startswith("Las metas para el ejercicio 2024 se mantiene en 0")
    assert sheet.freeze_panes == "A8"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    p999 = workbook["P999"]
    levels = [row[0] for row in p999.iter_rows(min_row=8, max_row=p999.max_row - 1, values_only=True)]
    assert levels == sorted(levels, key=["Fin", "Propósito", "Componente", "Actividad"].index)


@pytest.mark.embedded
def test_pdf_informe_text(demo, tmp_path):
    path = tmp_path / "informe.pdf"
    call_command("export_sed", "--ejercicio", "2024", "--trimestre", "1", "--format", "pdf", "-o", str(path),
                 "--programa", "S200", "--programa", "U013", stdout=io.StringIO(), stderr=io.StringIO())
    pages = [page.extract_text() for page in PdfReader(path).pages]
    text = " ".join(" ".join(pages).split())
    assert "Generado el" in pages[0] and "Contenido" in pages[1] and "Programa presupuestario S200 - Fortalecimiento a la atención médica" in text
    assert "Indicador de ACTIVIDAD. Porcentaje de personal de salud itinerante completo" in text
    assert "Primer trimestre 2024" in text and "80.92" in text
    assert "Causa: La falta de notificación por el área de recursos humanos" in text
    assert "no calculable" in text and "N/A" not in text  # U013: meta 0, avance > 0
    assert f"Página 1 de {len(pages)}" in pages[0]
    assert "Fuente:" not in text


def test_entidades_roll_up_and_export_by_entidad(demo, tmp_path, django_user_model):
    user = django_user_model.objects.get(username="coordinador")
    indicator = Indicator.objects.get(external_id="990010")  # Porcentaje, left without Q1 avance
    yucatan, zacatecas = State.objects.get(clave="31"), State.objects.get(clave="32")
    save_state_progress(user, indicator, 2024, 3, yucatan, numerator=Decimal(2700), denominator=Decimal(3000))
    national = save_state_progress(user, indicator, 2024, 3, zacatecas, numerator=Decimal(2880),
                                   denominator=Decimal(3100))
    assert (national.numerator, national.denominator, national.value) == (
        Decimal(5580), Decimal(6100), Decimal("91.475410"))
    transition(user, national, Action.ENVIAR)
    rows = parse(export_bytes(tmp_path, "--programa", "P999", "--trimestre", "1", "--por-entidad"))
    assert [r["ID_ENTIDAD_FEDERATIVA"] for r in rows if r["ID_INDICADOR"] == "990010"] == [""]  # drafts stay out
    for progress in Progress.objects.filter(indicator=indicator, state__isnull=False):
        transition(user, progress, Action.ENVIAR)
    rows = parse(export_bytes(tmp_path, "--programa", "P999", "--trimestre", "1", "--por-entidad"))
    ours = [r for r in rows if r["ID_INDICADOR"] == "990010"]
    assert [(r["ID_ENTIDAD_FEDERATIVA"], r["ENTIDAD_FEDERATIVA"], r["AVANCE_MES3_NUM"], r["AVANCE_MES3_DEN"],
             r["SEMAFORO_MES3"]) for r in ours] == [
        ("", "", "5580", "6100", "verde"), ("31", "Yucatán", "2700", "3000", ""), ("32", "Zacatecas", "2880", "3100", "")]


@pytest.mark.embedded
def test_approved_data_survives_export_and_import_unchanged(demo, tmp_path):
    def approved():
        return sorted(Progress.objects.filter(status="aprobado", state__isnull=True, indicator__matrix__kind__in=["MIR", "FID"])
                      .values_list("indicator__external_id", "fiscal_year", "month", "value", "numerator",
                                   "denominator", "cause", "effect", "other_reasons"))

    before = approved()
    (tmp_path / "respaldo.csv").write_bytes(export_bytes(tmp_path, "--solo-aprobados"))
    empty_the_database()
    import_file(tmp_path / "respaldo.csv")
    assert approved() == before and len(before) > 50


def test_export_queries_do_not_grow_with_indicators(demo):
    def queries(selected):
        with CaptureQueriesContext(connection) as captured:
            header, rows, _ = build_rows(2024, selected, by_state=True)
            write_csv(header, rows, io.BytesIO())
        return len(captured)

    ids = export_indicator_ids(2024)  # the first 8 include an adjusted meta, like the whole year
    assert len(ids) == 21 and queries(ids[:8]) == queries(ids)
