"""Bad input never breaks anything: random import files and capture posts give clear Spanish
rejections, no server errors and no partial writes."""

import io
import os
import re
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from common.formula_safety import append_row
from common.numbers import plain_number
from indicators import rules
from indicators.models import Indicator, Target
from interchange.exporter import write_csv
from interchange.importer import ImportErrors, UnreadableFile, import_file
from interchange.layout import COLUMNS
from programs.models import Program
from reporting.models import Progress
from tests.sed_files import base_row
from tests.sed_files import write_csv as write_test_csv

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
def test_capture_form_never_errors_500(client, demo_once, numerator, denominator, cause, version):
    program, indicator = demo_once.program, demo_once.indicator
    client.force_login(demo_once.user)
    before = Progress.objects.filter(indicator=indicator, month=3).values_list("value", "version").first()
    if version == "loaded":
        version = before[1] if before else ""
    response = client.post(reverse("simir:capture", args=[2024, 1, program.pk]), {
        "indicator": indicator.pk, "version": version, "numerator": numerator,
        "denominator": denominator, "cause": cause, "effect": "", "other_reasons": "", "action": "guardar",
    })
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # rejected: nothing changed, and the reason is on the page
        assert Progress.objects.filter(indicator=indicator, month=3).values_list("value", "version").first() == before
        assert 'class="error"' in response.content.decode()


def test_oversized_files_are_refused_with_a_clear_message(tmp_path, monkeypatch):
    from interchange import reader

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


# --- Extreme and locale-formatted numbers: never a 500, never a number other than the one meant ---

SWAP = str.maketrans({",": ".", ".": ","})
EXTREMES = [rules.LARGEST, -rules.LARGEST, rules.SMALLEST, -rules.SMALLEST, Decimal("999999999.999999"),
            Decimal(10) ** 15, Decimal(27000000), Decimal(900000000000), Decimal("9999999999999999999999.999999"),
            Decimal(10) ** 22, Decimal("0.0000001"), Decimal(0), Decimal("1234.5")]
MEANT = st.one_of(
    st.sampled_from(EXTREMES),
    st.integers(0, 8).flatmap(lambda places: st.decimals(
        min_value=-10 ** 17, max_value=10 ** 17, places=places, allow_nan=False, allow_infinity=False)),
)
# How people in Mexico write a number: these must be read, exactly, when inside the bound.
MEXICAN = {
    "plain": lambda d: format(d, "f"),
    "grouped": lambda d: f"{d:,f}",
    "signed": lambda d: ("+" if d >= 0 else "") + f"{d:,f}",
    "spaces around": lambda d: f"  {d:,f}\t",
    "typographic minus": lambda d: f"{d:,f}".replace("-", "\u2212"),
}
# Other conventions: refused, or read only when the text means the same number in es-MX.
FOREIGN = {
    "es-ES": lambda d: f"{d:,f}".translate(SWAP),
    "fr": lambda d: f"{d:,f}".replace(",", "\u202f").replace(".", ","),
    "spaced thousands": lambda d: f"{d:,f}".replace(",", " "),
    "percent": lambda d: format(d, "f") + "%",
    "scientific": lambda d: format(d, "E"),
}
WRITTEN = st.tuples(MEANT, st.sampled_from(sorted({**MEXICAN, **FOREIGN}))).map(
    lambda pair: (pair[0], pair[1], {**MEXICAN, **FOREIGN}[pair[1]](pair[0])))


def one_ambiguity(style, text):
    """The one text the rule decides by locale (docs/decisiones.md): a single separator followed by
    exactly three digits is read as in Mexico — «1,234» is 1234 and «1.234» is 1.234, although in
    es-ES they are one point two three four and one thousand two hundred thirty-four."""
    return style in FOREIGN and re.fullmatch(r"[+\-]?[0-9]{1,3}[.,][0-9]{3}", text)


def expected_reading(meant, style, text):
    """The number the reader must give for `text`, or None when it must refuse it."""
    if style in MEXICAN:
        return meant if rules.number_problem(meant) is None else None
    try:
        read = rules.parse_value(text)
    except ValueError:
        return None
    assert read == meant or one_ambiguity(style, text), f"{style} «{text}» read as {read}, meant {meant}"
    return read


@FUZZ
@given(written=WRITTEN)
def test_numbers_are_read_as_meant_or_refused(written):
    meant, style, text = written
    expected = expected_reading(meant, style, text)
    try:
        read = rules.parse_value(text)
    except ValueError as exc:
        assert expected is None, f"{style} «{text}» refused: {exc}"
        assert str(exc) and not str(exc).endswith(".")
    else:
        assert expected is not None and read == expected and str(read) == str(read), (style, text, read)


@FUZZ
@given(written=WRITTEN, field=st.sampled_from(["value", "numerator"]))
def test_capture_and_preview_never_500_nor_reinterpret(client, demo_once, written, field):
    meant, style, text = written
    program, indicator = demo_once.program, demo_once.indicator
    client.force_login(demo_once.user)
    expected = expected_reading(meant, style, text)
    numbers = {"value": "", "numerator": "", "denominator": ""}
    numbers[field] = text
    if field == "numerator":
        numbers["denominator"] = "1"
    preview = client.get(reverse("simir:capture_preview", args=[indicator.pk]), {"ejercicio": 2024, "mes": 3, **numbers})
    assert preview.status_code in (200, 400)
    before = Progress.objects.filter(indicator=indicator, month=3).values_list("value", "numerator", "version").first()
    response = client.post(reverse("simir:capture", args=[2024, 1, program.pk]), {
        "indicator": indicator.pk, "version": before[2] if before else "", **numbers,
        "cause": "", "effect": "", "other_reasons": "", "action": "guardar",
    })
    assert response.status_code in (200, 302)
    after = Progress.objects.filter(indicator=indicator, month=3).values_list("value", "numerator", "version").first()
    derived_fits = field == "value" or (expected is not None and rules.number_problem(expected * 100) is None)
    if expected is not None and derived_fits:
        assert response.status_code == 302, (style, text)
        assert preview.status_code == 200 and preview.json()["valor"] == plain_number(
            expected if field == "value" else expected * 100)
        stored = after[0] if field == "value" else after[1]
        assert stored == expected, (style, text, stored)  # through the database, exactly
        assert client.get(reverse("simir:capture", args=[2024, 1, program.pk])).status_code == 200
        assert client.get(reverse("simir:indicator_detail", args=[indicator.pk])).status_code == 200
    else:
        assert response.status_code == 200 and 'class="error"' in response.content.decode(), (style, text)
        assert preview.status_code == 400
        assert after == before


@FUZZ
@given(written=WRITTEN)
def test_imported_numbers_are_the_numbers_meant(tmp_path_factory, written):
    meant, style, text = written
    expected = expected_reading(meant, style, text)
    path = write_test_csv(tmp_path_factory.mktemp("n") / "n.csv", [base_row(META_MES3=text, ID_INDICADOR="77")])
    if imported_whole_or_not_at_all(path):
        assert expected is not None, (style, text)
        assert Target.objects.get(indicator__external_id="77", month=3).value == expected
    else:
        assert expected is None, (style, text)
