"""Rows per entidad federativa (issue 16, item 5): a row with ID_ENTIDAD_FEDERATIVA is that state's
avance; the national one comes from its own row or, where the file has none, is summed from the
entidades (rules.roll_up); export --por-entidad and import round-trip."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.models import Indicator
from interchange.importer import ImportErrors, import_file
from reporting.models import Progress
from reporting.services import save_state_progress
from reporting.workflow import Action, transition
from programs.models import State
from tests import hacienda_files as hacienda
from tests.test_export import empty_the_database, export_bytes

pytestmark = pytest.mark.django_db


# Hacienda's file has no avance numerador/denominador; our export writes them, and states need them to be summed.
HEADER = [*hacienda.HEADER, "AVANCE_MES3_NUM", "AVANCE_MES3_DEN"]


def state_row(clave, numerator, denominator, **cells):
    return hacienda.row(**{"ID_ENTIDAD_FEDERATIVA": clave, "META_MES3": "", "AVANCE_MES3": "",
                           "AVANCE_MES3_NUM": str(numerator), "AVANCE_MES3_DEN": str(denominator), **cells})


def avances():
    return sorted(Progress.objects.values_list("state__clave", "month", "value", "numerator", "denominator", "status"),
                  key=lambda a: a[0] or "")


def imported(tmp_path, rows, name="f.csv", **options):
    return import_file(hacienda.write(tmp_path / name, rows, header=HEADER), recompute=False, **options)


def test_state_rows_are_the_entidades_avances_beside_the_national_row(tmp_path):
    rows = [hacienda.row(META_MES3="80", AVANCE_MES3="75"), state_row("1", 30, 40), state_row("05", 45, 60)]
    report = imported(tmp_path, rows)
    assert avances() == [
        (None, 3, Decimal(75), None, None, "aprobado"),
        ("01", 3, Decimal(75), Decimal(30), Decimal(40), "aprobado"),
        ("05", 3, Decimal(75), Decimal(45), Decimal(60), "aprobado"),
    ]
    assert Indicator.objects.get().captured_by_state
    lines = list(report.lines())
    assert "indicadores: 1 creados, 0 actualizados, 0 sin cambios" in lines
    assert "avances por entidad: 2 creados, 0 actualizados, 0 sin cambios" in lines
    again = list(imported(tmp_path, rows, "g.csv").lines())
    assert "avances por entidad: 0 creados, 0 actualizados, 2 sin cambios" in again
    assert "avances: 0 creados, 0 actualizados, 1 sin cambios" in again


def test_without_a_national_row_the_national_avance_is_summed_from_the_entidades(tmp_path):
    # 30 / 40 and 10 / 60: 40 / 100 × 100 = 40, not the mean of 75 % and 16.67 % (docs/reglas.md §14).
    report = imported(tmp_path, [state_row("31", 30, 40, META_MES3="50"), state_row("32", 10, 60)])
    national = Progress.objects.get(state__isnull=True)
    assert (national.value, national.numerator, national.denominator, national.status) == (
        Decimal(40), Decimal(40), Decimal(100), "aprobado")
    lines = list(report.lines())
    assert "avances nacionales sumados de las entidades (el archivo no trae la fila nacional): 1" in lines
    assert "nota: 1 metas de filas por entidad no se guardan: la meta es la del indicador (su fila nacional)." in lines


def test_entidades_that_cannot_be_summed_leave_an_aviso_and_no_national_avance(tmp_path):
    rows = [state_row("31", 30, 40), hacienda.row(ID_ENTIDAD_FEDERATIVA="32", META_MES3="", AVANCE_MES3="12")]
    report = imported(tmp_path, rows)
    assert not Progress.objects.filter(state__isnull=True).exists()
    assert [line for line in report.lines() if line.startswith("aviso")] == [
        "aviso: indicador 5001 2024, mes 3: el avance nacional no se sumó de las entidades: Para sumar las entidades "
        "cada avance estatal necesita numerador y denominador (solo los valores absolutos se suman directamente)."]


def test_a_bad_or_repeated_entidad_is_an_error(tmp_path):
    rows = [hacienda.row(), state_row("40", 1, 2), state_row("7", 1, 2), state_row("07", 1, 2)]
    with pytest.raises(ImportErrors) as caught:
        imported(tmp_path, rows)
    assert caught.value.errors == [
        "fila 3, columna ID_ENTIDAD_FEDERATIVA: «40» no es una entidad federativa: use su clave INEGI, de 1 (01) a "
        "32; vacía, la cifra nacional.",
        "fila 5, columna ID_INDICADOR: el indicador 5001 del ciclo 2024 ya aparece para la entidad 07 en la fila 4.",
    ]


def test_rejected_with_its_indicator_every_row_of_it_goes(tmp_path):
    rows = [hacienda.row(), state_row("01", 1, 2), state_row("02", 1, 0), hacienda.row(ID_INDICADOR="5002")]
    report = imported(tmp_path, rows, rejects_path=tmp_path / "rechazos.csv")
    assert report.rejected == 3 and list(Indicator.objects.values_list("external_id", flat=True)) == ["5002"]


def test_export_by_entidad_and_import_round_trip(tmp_path, django_user_model):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    user = django_user_model.objects.get(username="coordinador")
    indicator = Indicator.objects.get(external_id="990010")
    for clave, numerator, denominator in (("31", 2700, 3000), ("32", 2880, 3100)):
        save_state_progress(user, indicator, 2024, 3, State.objects.get(clave=clave), numerator=Decimal(numerator),
                            denominator=Decimal(denominator))
    for progress in Progress.objects.filter(indicator=indicator, month=3):
        transition(user, progress, Action.ENVIAR)

    def by_state():  # the import makes them aprobado: the official figures
        return sorted(Progress.objects.filter(indicator__external_id="990010", status__in=["enviado", "aprobado"])
                      .values_list("state__clave", "month", "value", "numerator", "denominator"),
                      key=lambda a: (a[1], a[0] or ""))

    before = by_state()
    (tmp_path / "respaldo.csv").write_bytes(export_bytes(tmp_path, "--por-entidad"))
    empty_the_database()
    import_file(tmp_path / "respaldo.csv", recompute=False)
    assert by_state() == before and [a[0] for a in before if a[1] == 3] == [None, "31", "32"]
