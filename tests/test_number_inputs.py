"""Numbers typed in the capture (form and live preview), written in import files and entered in
the admin: one reader, one bound, and a refusal that says why — never a number silently
reinterpreted, rounded or left to the database to reject."""

from decimal import Decimal as D

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Indicator, Target
from interchange.importer import ImportErrors, import_file
from interchange.layout import COLUMNS
from programs.models import Program
from reporting.models import Progress
from tests.sed_files import base_row, write_csv

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"
TOO_MANY = "se admiten a lo más 15 entre enteras y decimales (el mayor número es 999,999,999,999,999)"
ATTACK = "9999999999999999999999.999999"


@pytest.fixture
def demo(db, client):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert client.login(username="capturista_zzz", password=PASSWORD)
    return Program.objects.get(is_fictitious=True), Indicator.objects.get(fiscal_year=2024, external_id="990007")


def post(client, program, indicator, **numbers):
    """One capture-grid row (March). A plain value needs an absolute indicator, so the test makes it one."""
    if "value" in numbers:
        Indicator.objects.filter(pk=indicator.pk).update(value_type="Absoluto", factor=None)
    row = f"r{indicator.pk}-3"
    fields = {"version": "", "cause": "", "effect": "", "other_reasons": "", "value": "", "numerator": "",
              "denominator": "", **numbers}
    data = {f"{row}-{name}": value for name, value in fields.items()}
    return client.post(reverse("simir:capture", args=[2024, 1, program.pk]), {**data, "action": "guardar"})


def stored(indicator):
    return Progress.objects.filter(indicator=indicator, fiscal_year=2024, month=3).values_list(
        "value", "numerator", "denominator").first()


@pytest.mark.parametrize("numbers, message", [
    ({"numerator": "1.234,5", "denominator": "2,469"},
     "Numerador: «1.234,5» la coma solo separa miles y el punto es el decimal: escriba «1,234.5» o «1234.5»."),
    ({"numerator": "1,5", "denominator": "3"},
     "Numerador: «1,5» la coma solo separa miles (1,234.5); para decimales use punto: «1.5»."),
    ({"numerator": "1,,,2", "denominator": "3"},
     "Numerador: «1,,,2» la coma solo separa miles, en grupos de 3 cifras (1,234,567.5)."),
    ({"numerator": "12", "denominator": "1 234"},
     "Denominador: «1 234» no puede llevar espacios dentro; para separar miles use coma: 1,234.5."),
    ({"value": "80.5%"}, "Valor: «80.5%» va sin el signo %: escriba «80.5»."),
    ({"value": ATTACK}, f"Valor: «{ATTACK}» tiene 28 cifras; {TOO_MANY}."),
    ({"value": "1,000,000,000,000,000"}, f"Valor: «1,000,000,000,000,000» tiene 16 cifras; {TOO_MANY}."),
    ({"numerator": "123,456,789,012", "denominator": "7"},
     "El valor calculado, 123,456,789,012 / 7 × 100 = 1,763,668,414,457.142857, tiene 19 cifras; " + TOO_MANY + "."),
])
def test_capture_refuses_what_it_cannot_read_or_keep_exactly(demo, client, numbers, message):
    program, indicator = demo
    response = post(client, program, indicator, **numbers)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert stored(indicator) is None


def test_capture_reads_numbers_as_written_in_mexico(demo, client):
    program, indicator = demo
    assert post(client, program, indicator, numerator="1,234.5", denominator="2,469").status_code == 302
    assert stored(indicator) == (D(50), D("1234.5"), D(2469))


def test_capture_keeps_the_largest_value(demo, client):
    program, indicator = demo
    assert post(client, program, indicator, value="999,999,999,999,999").status_code == 302
    assert stored(indicator) == (D("999999999999999"), None, None)


def test_live_preview_reads_and_refuses_like_the_form(demo, client):
    _, indicator = demo
    url = reverse("simir:capture_preview", args=[indicator.pk])
    ask = {"ejercicio": 2024, "mes": 3}
    assert client.get(url, {**ask, "numerator": "1,234.5", "denominator": "2,469"}).json()["valor"] == "50"
    response = client.get(url, {**ask, "numerator": "1.234,5", "denominator": "2,469"})
    assert response.status_code == 400
    assert response.json() == {"error": "Numerador: «1.234,5» la coma solo separa miles y el punto es el decimal: "
                                        "escriba «1,234.5» o «1234.5»."}
    response = client.get(url, {**ask, "value": ATTACK})
    assert (response.status_code, response.json()) == (400, {"error": f"Valor: «{ATTACK}» tiene 28 cifras; {TOO_MANY}."})
    response = client.get(url, {**ask, "numerator": "123,456,789,012", "denominator": "7"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("El valor calculado, 123,456,789,012 / 7 × 100 = 1,763,668,414,457.142857")
    data = client.get(url, {**ask, "value": "999,999,999,999,999"}).json()  # meta 85
    assert (data["valor"], data["cumplimiento"], data["semaforo"]) == ("999999999999999", "1176470588235292.94", "rojo")


# --- Import -------------------------------------------------------------------------------------

def import_errors(path):
    with pytest.raises(ImportErrors) as excinfo:
        import_file(path, recompute=False)
    return excinfo.value.errors


def test_import_reads_thousands_groups_and_signs(tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(META_MES3="1,234.5", AVANCE_MES3=" -1,955 ", LINEA_BASE="+0.5",
                                                   FACTOR="100,000", TIPO_RELATIVO="Tasa")])
    import_file(path, recompute=False)
    indicator = Indicator.objects.get()
    assert Target.objects.get().value == D("1234.5")
    assert Progress.objects.get().value == D(-1955)
    assert (indicator.baseline_value, indicator.factor) == (D("0.5"), D(100000))


@pytest.mark.parametrize("cells, message", [
    ({"META_MES3": "1.234,5"}, "fila 2, columna META_MES3: «1.234,5» la coma solo separa miles y el punto es el "
                               "decimal: escriba «1,234.5» o «1234.5»."),
    ({"META_MES3": "1,,,2"}, "fila 2, columna META_MES3: «1,,,2» la coma solo separa miles, en grupos de 3 cifras "
                             "(1,234,567.5)."),
    ({"AVANCE_MES3": "1 234"}, "fila 2, columna AVANCE_MES3: «1 234» no puede llevar espacios dentro; para separar "
                               "miles use coma: 1,234.5."),
    ({"AVANCE_MES3": "1.2.3"}, "fila 2, columna AVANCE_MES3: «1.2.3» tiene más de un punto: el punto es el decimal "
                               "y la coma separa miles (1,234,567.5)."),
    ({"AVANCE_MES3": "80%"}, "fila 2, columna AVANCE_MES3: «80%» va sin el signo %: escriba «80»."),
    ({"AVANCE_MES3": ATTACK}, f"fila 2, columna AVANCE_MES3: «{ATTACK}» tiene 28 cifras; {TOO_MANY}."),
    ({"AVANCE_MES3_NUM": "123456789012", "AVANCE_MES3_DEN": "7"},
     "fila 2, columna AVANCE_MES3: el valor calculado AVANCE_MES3_NUM / AVANCE_MES3_DEN × 100 = "
     f"1,763,668,414,457.142857 tiene 19 cifras; {TOO_MANY}; no se redondea."),
    ({"UMBRAL_VERDE_AMARILLO": "5.125", "UMBRAL_AMARILLO_ROJO": "10"},
     "fila 2, columna UMBRAL_VERDE_AMARILLO: «5.125» tiene 3 decimales; un umbral admite a lo más 2."),
    ({"UMBRAL_VERDE_AMARILLO": "5", "UMBRAL_AMARILLO_ROJO": "123456"},
     "fila 2, columna UMBRAL_AMARILLO_ROJO: «123456» es demasiado grande para un umbral (a lo más 99,999.99 puntos)."),
])
def test_import_refuses_with_the_cell_and_the_reason(tmp_path, cells, message):
    assert import_errors(write_csv(tmp_path / "f.csv", [base_row(**cells)])) == [message]
    assert not Indicator.objects.exists()


def xlsx(path, values):
    """One row whose cells are written as given (numbers as numbers, text as text)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(COLUMNS)
    row = {**base_row(), **values}
    workbook.active.append([row.get(column) for column in COLUMNS])
    workbook.save(path)
    return path


def test_xlsx_numeric_cells_are_exact_and_text_cells_read_like_csv(tmp_path):
    import_file(xlsx(tmp_path / "f.xlsx", {"META_MES3": 80.918874, "META_MES6": 999999999999999,
                                           "AVANCE_MES3": "1,234.5", "META_MES9": 0.1}), recompute=False)
    metas = dict(Target.objects.values_list("month", "value"))
    assert metas == {3: D("80.918874"), 6: D("999999999999999"), 9: D("0.1")}
    assert Progress.objects.get().value == D("1234.5")


def test_xlsx_numeric_cells_outside_the_bound_are_refused(tmp_path):
    errors = import_errors(xlsx(tmp_path / "f.xlsx", {"META_MES3": 1e16, "META_MES6": 0.1234567, "META_MES9": "1,5"}))
    assert errors == [
        f"fila 2, columna META_MES3: «10000000000000000» tiene 17 cifras; {TOO_MANY}.",
        "fila 2, columna META_MES6: «0.1234567» tiene 7 decimales; se admiten a lo más 6.",
        "fila 2, columna META_MES9: «1,5» la coma solo separa miles (1,234.5); para decimales use punto: «1.5».",
    ]


# --- Admin ------------------------------------------------------------------------------------

def test_admin_refuses_values_outside_the_bound_with_a_spanish_message(db, client):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert client.login(username="admin", password=PASSWORD)
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990007")
    response = client.post(reverse("admin:indicators_target_add"), {  # avances are read-only in the admin
        "indicator": indicator.pk, "fiscal_year": 2025, "month": 3, "value": ATTACK,
        "adjustments-TOTAL_FORMS": 0, "adjustments-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    assert f"El número 9,999,999,999,999,999,999,999.999999 tiene 28 cifras; {TOO_MANY}." in response.content.decode()
    assert not Target.objects.filter(indicator=indicator, fiscal_year=2025).exists()
