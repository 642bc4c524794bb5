"""Issue 16 item 6: what users will ask for is kept. Hacienda's programme, PND, functional and January-May
columns are stored and exported; ID_INDICADOR_CICLO_ANTERIOR links an indicator to last year's; columns
SIMIR does not model are kept per indicator, so a Hacienda file round-trips without loss."""

import csv
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.engine import compute_year
from indicators.models import Indicator, Target
from interchange.importer import ImportErrors, import_file
from programs.models import Program, ResponsibleUnit
from programs.roles import ADMINISTRADOR, CONSULTA
from reporting.models import Progress
from tests import hacienda_files as hacienda
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HACIENDA_DATA = {
    "GPO_FUNCIONAL": "2", "DESC_GPO_FUNCIONAL": "Desarrollo Social", "ID_FUNCION": "3", "DESC_FUNCION": "Salud",
    "ID_SUBFUNCION": "2", "DESC_SUBFUNCION": "Prestación de Servicios de Salud a la Persona", "ID_AI": "018",
    "DESC_AI": "Servicios de salud", "MODALIDAD_PP": "S200", "ID_PND": "2", "DESC_PND": "Política Social",
    "OBJETIVO_PND": "Salud para toda la población", "PROGRAMA_PND": "14", "DESC_PROGRAMA_PND": "Programa Sectorial de Salud",
    "OBJETIVO_PROGRAMA_PND": "1", "DESC_OBJETIVO_PROGRAMA_PND": "Garantizar los servicios públicos de salud",
    "OBJETIVO_ESTRATEGICO": "Ampliar la cobertura", "JUSTIFICACION_AJUSTE_ENERO_MAY": "Se ajustó por el calendario",
    "AVANCE_ENERO_MAYO_CAUSA": "Menos consultas", "AVANCE_ENERO_MAYO_EFECTO": "Sin efecto",
    "AVANCE_ENERO_MAYO_OTROS_MOTIVO": "Ninguno",
}


def import_rows(tmp_path, rows, name="hacienda.csv", **options):
    return import_file(hacienda.write(tmp_path / name, rows), recompute=False, **options)


def export(tmp_path, name, year=2024, *args):
    path = tmp_path / name
    call_command("export_sed", "--ejercicio", str(year), "--format", "csv", "-o", str(path), *args,
                 stdout=io.StringIO(), stderr=io.StringIO())
    return path


def read_export(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [dict(zip(rows[0], row)) for row in rows[1:]]


def stored():
    """Everything an import may write, with the history that says it did."""
    return (list(Indicator.objects.order_by("pk").values()), list(Program.objects.order_by("pk").values()),
            Indicator.history.count(), Program.history.count(), Target.history.count(), Progress.history.count())


def changed(report):
    return [(kind, outcome) for (kind, outcome), n in report.counts.items() if outcome != "sin cambios" and n]


# Item 2: Hacienda's columns are stored where they belong


def test_programme_pnd_functional_and_january_may_columns_are_stored(tmp_path):
    report = import_rows(tmp_path, [hacienda.row(**HACIENDA_DATA)])
    program = Program.objects.get()
    assert (program.modalidad_pp, program.pnd_id, program.pnd_name, program.pnd_objective, program.pnd_program,
            program.pnd_program_name, program.pnd_program_objective, program.pnd_program_objective_name,
            program.strategic_objective) == (
        "S200", "2", "Política Social", "Salud para toda la población", "14", "Programa Sectorial de Salud", "1",
        "Garantizar los servicios públicos de salud", "Ampliar la cobertura")
    indicator = Indicator.objects.get()
    assert (indicator.functional_group, indicator.functional_group_name, indicator.function, indicator.function_name,
            indicator.subfunction, indicator.subfunction_name, indicator.institutional_activity,
            indicator.institutional_activity_name) == (
        "2", "Desarrollo Social", "3", "Salud", "2", "Prestación de Servicios de Salud a la Persona", "018",
        "Servicios de salud")
    assert (indicator.jan_may_adjustment_justification, indicator.jan_may_cause, indicator.jan_may_effect,
            indicator.jan_may_other_reasons) == ("Se ajustó por el calendario", "Menos consultas", "Sin efecto", "Ninguno")
    assert ("nota: columnas de Hacienda que SIMIR no guarda, se ignoran: ENTIDAD_FEDERATIVA, ID_MUNICIPIO, MUNICIPIO."
            in list(report.lines()))


def test_an_empty_hacienda_cell_keeps_what_is_stored(tmp_path):
    import_rows(tmp_path, [hacienda.row(**HACIENDA_DATA)])
    report = import_rows(tmp_path, [hacienda.row(ID_PND="", DESC_AI="", AVANCE_ENERO_MAYO_CAUSA="")], name="b.csv")
    assert (Program.objects.get().pnd_id, Indicator.objects.get().institutional_activity_name,
            Indicator.objects.get().jan_may_cause) == ("2", "Servicios de salud", "Menos consultas")
    assert not changed(report)


def test_the_first_row_of_a_programme_decides_its_columns_and_a_different_one_is_an_aviso(tmp_path):
    rows = [hacienda.row(ID_PND="2"), hacienda.row(ID_INDICADOR="5002", ID_OBJETIVO="A2", ID_PND="3", DESC_PND="Eje 3"),
            hacienda.row(ID_INDICADOR="5003", ID_OBJETIVO="A3", ID_PND="2")]
    path = hacienda.write(tmp_path / "f.csv", rows)
    report = import_file(path, recompute=False)
    assert [line for line in report.lines() if line.startswith("aviso")] == [
        "aviso: fila 3, columna ID_PND: el programa S200 2024 trae «2» en la fila 2; se guarda ese."]
    assert (Program.objects.get().pnd_id, Program.objects.get().pnd_name) == ("2", "Eje 3")
    before = stored()
    assert not changed(import_file(path, recompute=False)) and stored() == before


def test_a_hacienda_text_past_its_limit_is_an_error(tmp_path):
    with pytest.raises(ImportErrors) as caught:
        import_rows(tmp_path, [hacienda.row(DESC_AI="x" * 2001)])
    assert caught.value.errors == ["fila 2, columna DESC_AI: tiene 2001 caracteres; el máximo es 2000."]


def test_export_writes_the_hacienda_columns_back_in_their_columns(tmp_path):
    import_rows(tmp_path, [hacienda.row(**HACIENDA_DATA, ID_INDICADOR_CICLO_ANTERIOR="4001")])
    header, rows = read_export(export(tmp_path, "sed.csv"))
    expected = {("AVANCE_ENERO_MAYO_OTROS_MOTIVOS" if column == "AVANCE_ENERO_MAYO_OTROS_MOTIVO" else column): value
                for column, value in HACIENDA_DATA.items()}
    assert {column: rows[0][column] for column in expected} == expected
    assert rows[0]["ID_INDICADOR_CICLO_ANTERIOR"] == "4001"
    # after Cuenta Pública, before our results
    assert header.index("AVANCE_OTROS_MOTIVOS_CP") < header.index("GPO_FUNCIONAL") < header.index("CUMPLIMIENTO_MES1")


# Item 3: the columns SIMIR does not model round-trip


def test_columns_simir_does_not_model_are_kept_per_indicator_and_exported_after_the_known_ones(tmp_path):
    import_rows(tmp_path, [hacienda.row(OBSERVACIONES_SHCP="revisado", INDICADOR_PND="Sí"),
                           hacienda.row(ID_INDICADOR="5002", ID_OBJETIVO="A2", FECHA_CORTE="30/06/2024")])
    assert dict(Indicator.objects.values_list("external_id", "extra_columns")) == {
        "5001": {"FECHA_CORTE": "31/03/2024", "OBSERVACIONES_SHCP": "revisado", "INDICADOR_PND": "Sí"},
        "5002": {"FECHA_CORTE": "30/06/2024"},
    }
    header, rows = read_export(export(tmp_path, "sed.csv"))
    assert header[-3:] == ["FECHA_CORTE", "INDICADOR_PND", "OBSERVACIONES_SHCP"]
    assert header[-4] == "SEMAFORO_MES12"
    assert [(r["ID_INDICADOR"], r["FECHA_CORTE"], r["INDICADOR_PND"], r["OBSERVACIONES_SHCP"]) for r in rows] == [
        ("5001", "31/03/2024", "Sí", "revisado"), ("5002", "30/06/2024", "", "")]


@pytest.mark.embedded
def test_a_hacienda_file_round_trips_without_loss(tmp_path):
    rows = [hacienda.row(**HACIENDA_DATA, OBSERVACIONES_SHCP="=revisado", INDICADOR_PND="Sí"),
            hacienda.row(ID_INDICADOR="5002", ID_OBJETIVO="A2", FECHA_CORTE="30/06/2024", DESC_AI="Otra actividad")]
    import_rows(tmp_path, rows)
    extras = dict(Indicator.objects.values_list("external_id", "extra_columns"))
    first = export(tmp_path, "first.csv")
    before = stored()

    report = import_file(first, recompute=False)
    assert not changed(report)
    assert stored() == before
    assert dict(Indicator.objects.values_list("external_id", "extra_columns")) == extras
    assert extras["5001"]["OBSERVACIONES_SHCP"] == "=revisado"  # the export's formula guard is undone on import
    assert export(tmp_path, "second.csv").read_bytes() == first.read_bytes()


def test_a_later_file_adds_extra_columns_and_never_deletes_one(tmp_path):
    import_rows(tmp_path, [hacienda.row(OBSERVACIONES_SHCP="revisado")])
    header = [column for column in hacienda.HEADER if column != "OBSERVACIONES_SHCP"] + ["NOTA_UR"]
    hacienda.write(tmp_path / "b.csv", [hacienda.row(FECHA_CORTE="30/06/2024", NOTA_UR="ok")], header=header)
    import_file(tmp_path / "b.csv", recompute=False)
    assert Indicator.objects.get().extra_columns == {
        "FECHA_CORTE": "30/06/2024", "OBSERVACIONES_SHCP": "revisado", "NOTA_UR": "ok"}


def test_reimporting_a_file_with_every_kept_column_writes_nothing(tmp_path):
    path = hacienda.write(tmp_path / "f.csv", [hacienda.row(**HACIENDA_DATA, ID_INDICADOR_CICLO_ANTERIOR="4001",
                                                            OBSERVACIONES_SHCP="revisado")])
    import_file(path, recompute=False)
    before = stored()
    report = import_file(path, recompute=False)
    assert stored() == before and not changed(report)


# Item 1: ID_INDICADOR_CICLO_ANTERIOR


def year_row(year, external, previous="", **cells):
    return hacienda.row(CICLO=str(year), ID_INDICADOR=external, ID_INDICADOR_CICLO_ANTERIOR=previous, **cells)


def links():
    return sorted(Indicator.objects.values_list("fiscal_year", "external_id", "previous_external_id",
                                                "previous__external_id"))


def test_the_previous_ejercicios_indicator_is_linked_when_it_is_stored(tmp_path):
    import_rows(tmp_path, [year_row(2023, "4001")], name="2023.csv")
    report = import_rows(tmp_path, [year_row(2024, "5001", "4001")], name="2024.csv")
    assert links() == [(2023, "4001", "", None), (2024, "5001", "4001", "4001")]
    assert not [line for line in report.lines() if "enlazados" in line]


@pytest.mark.embedded
def test_last_years_file_imported_after_links_the_waiting_indicator(tmp_path):
    import_rows(tmp_path, [year_row(2024, "5001", "4001")], name="2024.csv")
    assert links() == [(2024, "5001", "4001", None)]
    report = import_rows(tmp_path, [year_row(2023, "4001")], name="2023.csv")
    assert links() == [(2023, "4001", "", None), (2024, "5001", "4001", "4001")]
    assert ("indicadores enlazados con su indicador del ejercicio anterior, que llegó en esta importación: 1"
            in list(report.lines()))
    latest = Indicator.objects.get(external_id="5001").history.first()
    assert latest.previous_id is not None and latest.history_change_reason == f"Importación de {tmp_path / '2023.csv'}"
    before = stored()
    assert not changed(import_rows(tmp_path, [year_row(2023, "4001")], name="2023.csv")) and stored() == before


def test_a_dry_run_says_what_it_would_link_and_links_nothing(tmp_path):
    import_rows(tmp_path, [year_row(2024, "5001", "4001")], name="2024.csv")
    report = import_rows(tmp_path, [year_row(2023, "4001")], name="2023.csv", dry_run=True)
    assert ("indicadores enlazados con su indicador del ejercicio anterior, que llegó en esta importación: 1"
            in list(report.lines()))
    assert links() == [(2024, "5001", "4001", None)]


def test_a_chain_in_one_file_links_whatever_the_row_order(tmp_path):
    import_rows(tmp_path, [year_row(2024, "5001", "4001"), year_row(2022, "3001"), year_row(2023, "4001", "3001")])
    assert links() == [(2022, "3001", "", None), (2023, "4001", "3001", "3001"), (2024, "5001", "4001", "4001")]


def test_a_file_naming_another_previous_indicator_moves_the_link(tmp_path):
    import_rows(tmp_path, [year_row(2023, "4001"), year_row(2023, "4002", ID_OBJETIVO="A2"),
                           year_row(2024, "5001", "4001")])
    import_rows(tmp_path, [year_row(2024, "5001", "4002")], name="b.csv")
    assert Indicator.objects.get(external_id="5001").previous.external_id == "4002"
    import_rows(tmp_path, [year_row(2024, "5001", "4999")], name="c.csv")  # not stored (yet): unlinked, waiting
    assert links()[-1] == (2024, "5001", "4999", None)


def test_a_previous_indicator_id_is_one_line(tmp_path):
    with pytest.raises(ImportErrors) as caught:
        import_rows(tmp_path, [year_row(2024, "5001", "40\n01")])
    assert caught.value.errors == ["fila 2, columna ID_INDICADOR_CICLO_ANTERIOR: No puede contener saltos de línea, "
                                   "tabuladores ni otros caracteres de control."]


def test_the_link_must_be_to_the_previous_ejercicio(tmp_path):
    import_rows(tmp_path, [year_row(2022, "3001"), year_row(2024, "5001")])
    indicator = Indicator.objects.get(external_id="5001")
    indicator.previous = Indicator.objects.get(external_id="3001")
    with pytest.raises(ValidationError, match="El indicador del ejercicio anterior debe ser del ejercicio 2023."):
        indicator.full_clean()


def compliance_json(year):
    out = io.StringIO()
    call_command("compute_compliance", "--ejercicio", str(year), "--format", "json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_compute_compliance_output_is_the_same_with_or_without_the_link(tmp_path):
    this_year = [year_row(2024, "5001", "4001", META_MES12="80", AVANCE_MES12="70"),
                 year_row(2024, "5002", "4002", ID_OBJETIVO="A2", SENTIDO="Descendente")]
    import_rows(tmp_path, [{**row, "ID_INDICADOR_CICLO_ANTERIOR": ""} for row in this_year], name="sin.csv")
    unlinked = compliance_json(2024)
    import_rows(tmp_path, [year_row(2023, "4001"), year_row(2023, "4002", ID_OBJETIVO="A2")], name="2023.csv")
    import_rows(tmp_path, this_year, name="2024.csv")
    assert Indicator.objects.filter(previous__isnull=False).count() == 2
    assert compliance_json(2024) == unlinked
    assert [r["semaforo"] for r in unlinked["results"] if r["estado"] == "con resultado"] == [
        "verde", "verde", "amarillo"]


# The indicator page: the series across ejercicios


def chain_file(tmp_path, name, first_year, last_year, prefix, **cells):
    rows = [year_row(year, f"{prefix}{year}", f"{prefix}{year - 1}" if year > first_year else "",
                     META_MES12=str(40 + year - first_year), AVANCE_MES12="40", **cells)
            for year in range(first_year, last_year + 1)]
    import_rows(tmp_path, rows, name=name)
    return list(range(first_year, last_year + 1))


def series_rows(html):
    table = re.search(r'<table class="grid" id="year-series">.*?</table>', html, re.S).group(0)
    return [[" ".join(re.sub("<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]]


@pytest.mark.embedded
def test_the_indicator_page_shows_the_chain_across_ejercicios_in_constant_queries(tmp_path, client):
    years = chain_file(tmp_path, "long.csv", 2021, 2024, "L") + chain_file(tmp_path, "short.csv", 2023, 2024, "S",
                                                                           ID_OBJETIVO="A2")
    for year in sorted(set(years)):
        compute_year(year, [1, 2, 3, 4])
    client.force_login(make_user("admin1", ADMINISTRADOR))
    long_page, short_page = (reverse("simir:indicator_detail", args=[Indicator.objects.get(external_id=e).pk])
                             for e in ("L2023", "S2024"))
    with CaptureQueriesContext(connection) as long_queries:
        html = client.get(long_page).content.decode()
    assert series_rows(html) == [
        ["2021", "L2021", "40.00", "40.00 (T4)", "100.00 %", "verde"],
        ["2022", "L2022", "41.00", "40.00 (T4)", "97.56 %", "verde"],
        ["2023", "L2023", "42.00", "40.00 (T4)", "95.24 %", "verde"],
        ["2024", "L2024", "43.00", "40.00 (T4)", "93.02 %", "verde"],
    ]
    assert 'aria-current="page"><td>2023</td>' in html
    with CaptureQueriesContext(connection) as short_queries:
        html = client.get(short_page).content.decode()
    assert [row[:2] for row in series_rows(html)] == [["2023", "S2023"], ["2024", "S2024"]]
    assert len(long_queries) == len(short_queries)


def test_the_series_leaves_out_ejercicios_outside_the_users_scope(tmp_path, client):
    import_rows(tmp_path, [year_row(2023, "L2023"), year_row(2024, "L2024", "L2023", ID_UR="OTR")])
    user = make_user("consulta1", CONSULTA, units=ResponsibleUnit.objects.filter(clave="OTR"))
    client.force_login(user)
    indicator = Indicator.objects.get(external_id="L2024")
    assert indicator.previous.external_id == "L2023"
    html = client.get(reverse("simir:indicator_detail", args=[indicator.pk])).content.decode()
    assert [row[:2] for row in series_rows(html)] == [["2024", "L2024"]]


def test_the_page_says_when_last_years_indicator_is_not_stored_yet(tmp_path, client):
    import_rows(tmp_path, [year_row(2024, "5001", "4001")])
    client.force_login(make_user("admin1", ADMINISTRADOR))
    html = client.get(reverse("simir:indicator_detail", args=[Indicator.objects.get().pk])).content.decode()
    assert "El archivo nombra el indicador 4001 del ejercicio 2023, que aún no está registrado" in html
    assert [row[:2] for row in series_rows(html)] == [["2024", "5001"]]
