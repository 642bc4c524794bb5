"""Bad input never breaks anything: random import files, capture and review posts, query parameters
and stored texts give clear Spanish rejections or safe exports, no server errors and no partial
writes (on SQLite and on PostgreSQL)."""

import csv
import io
import os
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from common.formula_safety import FORMULA_START, append_row
from common.formula_safety import NUMBER as FORMULA_NUMBER
from common.numbers import plain_number
from common.text import has_control_characters
from followup.models import Commitment, ItemUpdate, Report
from indicators import rules
from indicators.models import Indicator, Target
from interchange.exporter import write_csv
from interchange.importer import ImportErrors, UnreadableFile, import_file
from interchange.layout import COLUMNS
from programs.models import Program, ResponsibleUnit
from reporting.models import Progress, ProgressTransition
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
    output = io.BytesIO()
    write_csv(header, [row], output)
    text = output.getvalue().decode("utf-8-sig")
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


def has_controls(*values):
    return any(has_control_characters(str(value)) for value in values)


# Texts of every length around the 2,000-character limit, some with control characters.
LONG_TEXT = st.one_of(
    st.text(max_size=40), st.text(min_size=1990, max_size=2010, alphabet="ab \r\n\tñ="),
    st.integers(1995, 2005).map(lambda n: "x" * n), st.text(max_size=2100), st.sampled_from(["\x00", "a\x1fb"]),
)


@pytest.mark.embedded
@FUZZ
@given(numerator=NASTY, denominator=NASTY, cause=LONG_TEXT, effect=LONG_TEXT, other_reasons=LONG_TEXT,
       version=st.one_of(st.just("loaded"), NASTY), action=st.sampled_from(["guardar", "enviar"]))
def test_capture_form_never_errors_500(client, demo_once, numerator, denominator, cause, effect, other_reasons,
                                       version, action):
    program, indicator = demo_once.program, demo_once.indicator
    client.force_login(demo_once.user)
    Progress.objects.filter(indicator=indicator, month=3).update(status="borrador")
    before = Progress.objects.filter(indicator=indicator, month=3).values_list(
        "value", "version", "cause", "effect", "other_reasons", "status").first()
    if version == "loaded":
        version = before[1] if before else ""
    row = f"r{indicator.pk}-3"
    posted = {f"{row}-version": version, f"{row}-numerator": numerator, f"{row}-denominator": denominator,
              f"{row}-cause": cause, f"{row}-effect": effect, f"{row}-other_reasons": other_reasons,
              "action": f"enviar:{indicator.pk}-3" if action == "enviar" else action}
    response = client.post(reverse("simir:capture", args=[2024, 1, program.pk]), posted)
    after = Progress.objects.filter(indicator=indicator, month=3).values_list(
        "value", "version", "cause", "effect", "other_reasons", "status").first()
    if has_controls(*posted.values()):
        assert response.status_code == 400 and "contiene caracteres de control" in response.content.decode()
        assert after == before
        return
    assert response.status_code in (200, 302)
    if response.status_code == 200 and action == "enviar" and after != before:
        # The grid saves the draft, then sends it apart: a refused send keeps the draft, written whole.
        assert after[2:5] == (cause.strip(), effect.strip(), other_reasons.strip()) and after[5] == "borrador"
    elif response.status_code == 200:  # rejected: nothing changed, and the reason is on the page
        assert after == before
        assert 'class="error"' in response.content.decode()
    elif after is None:  # an empty row is no change: nothing to save
        assert before is None
    else:  # written whole: every text as posted (trimmed), none cut
        assert after[2:5] == (cause.strip(), effect.strip(), other_reasons.strip())


@pytest.fixture
def sent_once(demo_once, django_user_model):
    progress = Progress.objects.filter(indicator__matrix__program=demo_once.program, month=3).first()
    return SimpleNamespace(progress=progress, coordinator=django_user_model.objects.get(username="coordinador"))


@FUZZ
@given(action=st.sampled_from(["aprobar", "devolver", "reabrir", "enviar", "", "x\x00"]), note=LONG_TEXT,
       status=st.sampled_from(["enviado", "aprobado"]))
def test_review_form_never_errors_500(client, sent_once, action, note, status):
    progress = sent_once.progress
    Progress.objects.filter(pk=progress.pk).update(status=status)
    steps = ProgressTransition.objects.filter(progress=progress).count()
    client.force_login(sent_once.coordinator)
    response = client.post(reverse("simir:review_detail", args=[progress.pk]), {"action": action, "note": note})
    stored = Progress.objects.get(pk=progress.pk)
    if has_controls(action, note):
        assert response.status_code == 400
    else:
        assert response.status_code in (200, 302)
    if response.status_code == 302:  # one step, with the whole note
        assert ProgressTransition.objects.filter(progress=progress).count() == steps + 1
        assert ProgressTransition.objects.filter(progress=progress).last().note == note.strip()
        if action in ("devolver", "reabrir"):
            assert stored.review_note == note.strip()
    else:  # refused: nothing half written
        assert (stored.status, ProgressTransition.objects.filter(progress=progress).count()) == (status, steps)


@FUZZ
@given(text=LONG_TEXT, percent=NASTY, state=st.sampled_from(["", "resuelto", "en_proceso", "pendiente", "otro"]),
       item_percent=NASTY, note=LONG_TEXT, action=st.sampled_from(["guardar", "enviar"]))
def test_followup_report_form_never_errors_500(client, demo_once, text, percent, state, item_percent, note, action):
    """The quarterly report of a commitment: saved whole, or refused with nothing written."""
    commitment = Commitment.objects.get(clave="FICT-PTCI-01")
    item = commitment.items.get(number=2)
    Report.objects.filter(commitment=commitment).delete()
    client.force_login(demo_once.user)
    posted = {"text": text, "reported_percent": percent, f"item-{item.pk}-state": state,
              f"item-{item.pk}-percent": item_percent, f"item-{item.pk}-note": note, action: "1"}
    response = client.post(reverse("simir:followup_report", args=[commitment.pk, 2024, 1]), posted)
    report = Report.objects.filter(commitment=commitment).first()
    if has_controls(*posted.values()):
        assert response.status_code == 400 and report is None
        return
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400 and report is not None:  # saved as a draft; only the send was refused
        assert action == "enviar" and report.status == "borrador"
    if report is not None:  # written whole
        assert report.text == text.strip()
        update = ItemUpdate.objects.filter(report=report).first()
        assert (update.state, update.note) == (state, note.strip()) if state else update is None


@given(value=NASTY, numerator=NASTY, denominator=NASTY, cause=LONG_TEXT, effect=LONG_TEXT,
       version=st.one_of(st.just("loaded"), NASTY), action=st.sampled_from(["guardar", "enviar", "", "x"]))
def test_institutional_result_form_never_errors_500(client, demo_once, django_user_model, value, numerator,
                                                    denominator, cause, effect, version, action):
    """The yearly result of a Programa Institucional indicator: saved whole, or refused with its reason."""
    indicator = Indicator.objects.get(external_id="PI23-2.1")
    client.force_login(django_user_model.objects.get(username="capturista_ayo"))
    Progress.objects.filter(indicator=indicator, fiscal_year=2024).update(status="borrador")
    fields = ("value", "numerator", "version", "cause", "effect", "status")
    before = Progress.objects.filter(indicator=indicator, fiscal_year=2024).values_list(*fields).first()
    if version == "loaded":
        version = before[2] if before else 0
    posted = {"value": value, "numerator": numerator, "denominator": denominator, "cause": cause, "effect": effect,
              "version": version, "action": action}
    response = client.post(reverse("simir:institutional_capture", args=[indicator.pk, 2024]), posted)
    after = Progress.objects.filter(indicator=indicator, fiscal_year=2024).values_list(*fields).first()
    if has_controls(*posted.values()):
        assert response.status_code == 400 and after == before
        return
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: nothing written, and the reason is on the page
        assert after == before and 'class="error"' in response.content.decode()
    else:  # saved whole (and perhaps sent): the texts as posted, trimmed
        assert after[3:5] == (cause.strip(), effect.strip())


def screen_urls(demo):
    """Every web screen reachable by GET, with valid ids of the demo."""
    indicator, program = demo.indicator, demo.program
    urls = [reverse(name) for name in ("simir:desk", "simir:indicator_list", "simir:review_queue",
                                       "simir:dashboard_latest", "simir:exports", "simir:upload",
                                       "simir:upload_template")]
    urls += [reverse("simir:indicator_detail", args=[indicator.pk]), reverse("simir:audit", args=[indicator.pk]),
             reverse("simir:audit_xlsx", args=[indicator.pk]), reverse("simir:capture_preview", args=[indicator.pk]),
             reverse("simir:capture", args=[2024, 1, program.pk]), reverse("simir:dashboard", args=[2024, 1]),
             reverse("simir:informe_html", args=[2024, 1]), "/admin/", "/admin/indicators/indicator/",
             "/admin/reporting/progress/", reverse("login")]
    commitment = Commitment.objects.get(clave="FICT-AUD-01")
    urls += [reverse(name) for name in ("simir:followup_list", "simir:followup_board", "simir:followup_board_xlsx",
                                        "simir:followup_overdue", "simir:followup_asm")]
    urls += [reverse("simir:followup_detail", args=[commitment.pk]),
             reverse("simir:followup_report", args=[commitment.pk, 2024, 1])]
    institutional = Indicator.objects.get(external_id="PI23-2.1")
    urls += [reverse("simir:institutional_index"),
             reverse("simir:institutional_capture", args=[institutional.pk, 2024]),
             reverse("simir:institutional_report", args=[institutional.matrix_id]),
             reverse("simir:institutional_report_xlsx", args=[institutional.matrix_id])]
    return urls


QUERY_NAMES = st.sampled_from(["q", "ejercicio", "programa", "ur", "nivel", "estado", "semaforo", "trimestre",
                               "pagina", "per_page", "orden", "mes", "value", "numerator", "_export", "tabla", "p", "o",
                               "e"])
CONTROL = st.sampled_from([chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32)]])


@FUZZ
@given(data=st.data(), name=QUERY_NAMES, value=st.one_of(NASTY, st.text(max_size=2100)))
def test_query_parameters_never_error_500(client, demo_once, django_user_model, data, name, value):
    """Any text in any query parameter of any screen: a page or a clear 400, never a 500."""
    client.force_login(django_user_model.objects.get(username="admin"))
    url = data.draw(st.sampled_from(screen_urls(demo_once)))
    response = client.get(url, {name: value})
    if has_controls(name, value):
        assert response.status_code == 400 and "contiene caracteres de control" in response.content.decode()
    elif "vista-previa" in url and response.status_code == 400:  # the live preview names what it lacks
        assert response.json()["error"]
    else:
        assert response.status_code in (200, 302, 404), (url, name, value)


@FUZZ
@given(data=st.data(), name=QUERY_NAMES, prefix=st.text(max_size=20), control=CONTROL, suffix=st.text(max_size=20),
       in_name=st.booleans(), method=st.sampled_from(["get", "post"]))
def test_control_characters_anywhere_are_a_400(client, demo_once, django_user_model, data, name, prefix, control,
                                               suffix, in_name, method):
    """In a parameter's value or its name, by GET or POST, on every screen and the admin."""
    client.force_login(django_user_model.objects.get(username="admin"))
    url = data.draw(st.sampled_from(screen_urls(demo_once)))
    tainted = prefix + control + suffix
    # A multipart field name reaches Django stripped of surrounding whitespace (\x0b, \x0c, \x1c…): a
    # control character only at its edges never reaches the application.
    assume(not (in_name and method == "post" and not has_control_characters(tainted.strip())))
    params = {tainted: "x"} if in_name else {name: tainted}
    before = snapshot()
    response = getattr(client, method)(url, params)
    assert response.status_code == 400
    assert "contiene caracteres de control" in response.content.decode()
    assert snapshot() == before


# Text an old row may hold: anything PostgreSQL stores (all but NUL), formula-like starts included.
STORED_TEXT = st.one_of(st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]),
                                min_size=1, max_size=200),
                        st.sampled_from(["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-1+cmd|' /C calc'!A0",
                                         "@SUM(A1)", "\t=1", "\r=1", "=1\x07"]))
TABLES = [("simir:indicator_list", [], {}), ("simir:review_queue", [], {"estado": ""}),
          ("simir:dashboard", [2024, 1], {}), ("simir:dashboard", [2024, 1], {"tabla": "ur"})]


@FUZZ
@given(name=STORED_TEXT, unit=STORED_TEXT, program=STORED_TEXT, table=st.sampled_from(TABLES),
       export_format=st.sampled_from(["csv", "xlsx"]))
def test_table_exports_of_any_stored_text_are_safe(client, demo_once, django_user_model, name, unit, program, table,
                                                    export_format):
    indicator = demo_once.indicator
    Indicator.objects.filter(pk=indicator.pk).update(name=name)
    Program.objects.filter(pk=demo_once.program.pk).update(name=program)
    ResponsibleUnit.objects.filter(pk=indicator.responsible_unit_id).update(name=unit)
    client.force_login(django_user_model.objects.get(username="admin"))
    url_name, args, params = table
    response = client.get(reverse(url_name, args=args), {**params, "_export": export_format})
    assert response.status_code == 200
    if export_format == "csv":
        cells = [c for row in csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"), newline="")) for c in row]
        assert not [c for c in cells if c.startswith(FORMULA_START) and not FORMULA_NUMBER.fullmatch(c)]
        assert not [c for c in cells if has_control_characters(c)]
    else:
        workbook = load_workbook(io.BytesIO(response.content))  # a valid workbook
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not [xml for xml in sheets if re.search(rb"<(\w+:)?f[ >]", xml)]
        assert workbook.active.max_row >= 1


def test_oversized_files_are_refused_with_a_clear_message(tmp_path, settings):
    settings.SIMIR_IMPORT_MAX_ROWS = 1
    path = write_test_csv(tmp_path / "f.csv", [base_row(), base_row(ID_INDICADOR="2")])
    with pytest.raises(UnreadableFile, match="El archivo tiene más de 1 filas de datos; el máximo es 1."):
        import_file(path)
    settings.SIMIR_IMPORT_MAX_BYTES = 10
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
    derived_fits = field == "value" or (expected is not None and rules.number_problem(expected * 100) is None)
    if field == "value":  # 990007 is a Porcentaje: the grid posts its numerador (test_number_inputs posts values)
        if expected is not None:
            assert preview.status_code == 200 and preview.json()["valor"] == plain_number(expected), (style, text)
        else:
            assert preview.status_code == 400, (style, text)
        return
    before = Progress.objects.filter(indicator=indicator, month=3).values_list("value", "numerator", "version").first()
    row = f"r{indicator.pk}-3"
    response = client.post(reverse("simir:capture", args=[2024, 1, program.pk]), {
        f"{row}-version": before[2] if before else "", f"{row}-numerator": numbers["numerator"],
        f"{row}-denominator": numbers["denominator"], f"{row}-cause": "", f"{row}-effect": "",
        f"{row}-other_reasons": "", "action": "guardar",
    })
    assert response.status_code in (200, 302)
    after = Progress.objects.filter(indicator=indicator, month=3).values_list("value", "numerator", "version").first()
    if expected is not None and derived_fits:
        assert response.status_code == 302, (style, text)
        assert preview.status_code == 200 and preview.json()["valor"] == plain_number(expected * 100)
        assert after[1] == expected, (style, text, after[1])  # through the database, exactly
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
