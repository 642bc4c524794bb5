"""Bad input never breaks anything: random import files and capture posts give clear Spanish
rejections, no server errors and no partial writes."""

import io
import os
from datetime import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators.formula_safety import append_row
from indicators.interchange.exporter import write_csv
from indicators.interchange.importer import ImportErrors, UnreadableFile, import_file
from indicators.interchange.layout import COLUMNS
from indicators.models import Indicator, Progress, Target
from programs.models import Program

from .sed_files import base_row
from .sed_files import write_csv as write_test_csv

pytestmark = pytest.mark.django_db
# More cases in CI, where the time is there; the README quotes the CI figure.
EXAMPLES = int(os.environ.get("SIMIR_FUZZ_EXAMPLES", 400 if os.environ.get("CI") == "true" else 60))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
NASTY = st.one_of(
    st.text(max_size=40), st.sampled_from(["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "1e999", "NaN", "-0",
                                           "9" * 40, "1,234.5", "３", "\x00", "12.1234567", "－5"]),
    st.integers(-10**30, 10**30).map(str), st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
FUZZED_COLUMNS = ["CICLO", "ID_PP", "ID_NIVEL", "FRECUENCIA", "SENTIDO", "META_MES3", "META_MES3_NUM",
                  "META_MES3_DEN", "AVANCE_MES3", "AVANCE_MES3_NUM", "AVANCE_MES3_DEN", "UMBRAL_VERDE_AMARILLO",
                  "UMBRAL_AMARILLO_ROJO", "FACTOR", "AVANCE_MES2", "NOMBRE_INDICADOR", "TIPO_RELATIVO"]


def snapshot():
    return (Indicator.objects.count(), Target.objects.count(), Progress.objects.count())


def imported_whole_or_not_at_all(path):
    """Import the file; a rejection must leave the database as it was and name row and column."""
    before = snapshot()
    try:
        import_file(path, recompute=False)
    except ImportErrors as exc:
        assert snapshot() == before
        assert all(message.startswith("fila ") and ", columna " in message for message in exc.errors)
        return False
    return True


@pytest.mark.embedded
@FUZZ
@given(cells=st.dictionaries(st.sampled_from(FUZZED_COLUMNS), NASTY, min_size=1, max_size=6))
def test_random_cells_import_completely_or_not_at_all(tmp_path_factory, cells):
    path = write_test_csv(tmp_path_factory.mktemp("f") / "f.csv", [base_row(**cells), base_row(ID_INDICADOR="2")])
    if imported_whole_or_not_at_all(path):  # written whole: both rows' indicators are there
        fiscal_year = int(cells.get("CICLO", "2024"))
        assert Indicator.objects.filter(fiscal_year=fiscal_year, external_id="1001").exists()
        assert Indicator.objects.filter(fiscal_year=2024, external_id="2").exists()


# What an Excel cell can hold: numbers, dates, booleans and text, in any column.
TYPED = st.one_of(NASTY, st.integers(-10**20, 10**20), st.booleans(),
                  st.floats(allow_nan=False, allow_infinity=False),
                  st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)))


@FUZZ
@given(cells=st.dictionaries(st.sampled_from(FUZZED_COLUMNS), TYPED, min_size=1, max_size=6))
def test_random_typed_xlsx_cells_import_completely_or_not_at_all(tmp_path_factory, cells):
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    for row in (base_row(**cells), base_row(ID_INDICADOR="2")):
        # Control characters cannot be stored in a workbook at all (openpyxl refuses them).
        workbook.active.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                                for v in (row.get(column) for column in COLUMNS)])
    path = tmp_path_factory.mktemp("x") / "f.xlsx"
    workbook.save(path)
    if imported_whole_or_not_at_all(path):
        assert Indicator.objects.filter(external_id="2").exists()


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_reader(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("b") / "f.csv"
    path.write_bytes(data)
    try:
        import_file(path, recompute=False)
    except (ImportErrors, UnreadableFile):
        pass
    assert Indicator.objects.count() == 0


def test_broken_xlsx_is_a_clear_message(tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"PK\x03\x04 no es un libro")
    with pytest.raises(UnreadableFile, match="No se pudo abrir el libro XLSX"):
        import_file(path)


def test_formula_text_is_neutralised_in_csv_and_restored_on_import(tmp_path):
    header = list(COLUMNS)
    row = [""] * len(header)
    row[header.index("NOMBRE_INDICADOR")] = "=cmd|' /C calc'!A0"
    row[header.index("META_MES3")] = "-5"
    data, _ = write_csv(header, [row])
    text = data.decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text.replace('"', "") and ",-5," in text
    path = write_test_csv(tmp_path / "f.csv", [base_row(NOMBRE_INDICADOR="'=HYPERLINK(\"x\")", META_MES3="-5")])
    import_file(path, recompute=False)
    assert Indicator.objects.get().name == '=HYPERLINK("x")'


@pytest.fixture
def demo_once(db, django_user_model):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    return SimpleNamespace(program=Program.objects.get(is_fictitious=True),
                           indicator=Indicator.objects.get(fiscal_year=2024, external_id="990007"),
                           user=django_user_model.objects.get(username="capturista_zzz"))


@FUZZ
@given(numerator=NASTY, denominator=NASTY, cause=st.text(max_size=2100),
       version=st.one_of(st.just("loaded"), NASTY))
@pytest.mark.embedded
def test_capture_form_never_errors_500(client, demo_once, numerator, denominator, cause, version):
    program, indicator = demo_once.program, demo_once.indicator
    client.force_login(demo_once.user)
    before = Progress.objects.filter(indicator=indicator, month=3).values_list("value", "version").first()
    if version == "loaded":
        version = before[1] if before else ""
    response = client.post(reverse("indicators:capture", args=[2024, 1, program.pk]), {
        "indicator": indicator.pk, "version": version, "numerator": numerator,
        "denominator": denominator, "cause": cause, "effect": "", "other_reasons": "", "action": "guardar",
    })
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # rejected: nothing changed, and the reason is on the page
        assert Progress.objects.filter(indicator=indicator, month=3).values_list("value", "version").first() == before
        assert 'class="error"' in response.content.decode()


def test_oversized_files_are_refused_with_a_clear_message(tmp_path, monkeypatch):
    from indicators.interchange import reader

    monkeypatch.setattr(reader, "MAX_ROWS", 1)
    path = write_test_csv(tmp_path / "f.csv", [base_row(), base_row(ID_INDICADOR="2")])
    with pytest.raises(UnreadableFile, match="El archivo tiene 2 filas; el máximo es 1."):
        import_file(path)
    monkeypatch.setattr(reader, "MAX_BYTES", 10)
    with pytest.raises(UnreadableFile, match="el máximo es 0 MB"):
        import_file(path)


def test_xlsx_exports_keep_formula_text_as_text(db):
    sheet = Workbook().active
    append_row(sheet, ["=cmd|' /C calc'!A0", -5, "texto"])
    assert [c.data_type for c in sheet[1]] == ["s", "n", "s"]
    assert sheet["A1"].value == "=cmd|' /C calc'!A0"
