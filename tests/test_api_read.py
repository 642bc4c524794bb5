"""The read endpoints of /api/v1/ as users of two URs: lists hold only the scope, objects outside
it are 404, filters take only valid values (400 naming the parameter), CSV is neutralised."""

import csv
import io

import pytest

from compliance.models import QuarterAggregate
from indicators.models import Indicator
from reporting.readings import explain
from tests.api_helpers import add_avances, token_client

pytestmark = pytest.mark.django_db

LISTS = ["programas", "matrices", "objetivos", "indicadores", "avances", "resultados", "agregados", "urs"]
# Results and aggregates exist for the four quarters; the fixture's objects are those of T1.
PARAMS = {"resultados": {"trimestre": 1}, "agregados": {"trimestre": 1, "agrupacion": "programa"}}


@pytest.fixture
def data(world):
    return add_avances(world)


def own_and_foreign(data, resource):
    """(id in UR A's scope, id only in UR B's) for each endpoint."""
    return {
        "programas": (data.program_a.pk, data.ind_b.matrix.program_id),
        "indicadores": (data.ind_a.pk, data.ind_b.pk),
        "avances": (data.progress_a.pk, data.progress_b.pk),
        "resultados": (data.result_a.pk, data.result_b.pk),
        "matrices": (data.matrix_a.pk, data.ind_b.matrix_id),
        "objetivos": (data.ind_a.objective_id, data.ind_b.objective_id),
        "agregados": tuple(QuarterAggregate.objects.get(fiscal_year=2024, quarter=1, program=program).pk
                           for program in (data.program_a.pk, data.ind_b.matrix.program_id)),
        "urs": (data.unit_a.pk, data.unit_b.pk),
    }[resource]


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("resource", LISTS)
def test_each_list_holds_only_the_users_scope_and_foreign_objects_are_404(data, resource):
    mine, foreign = own_and_foreign(data, resource)
    for user, own, other in ((data.cap_a, mine, foreign), (data.cap_b, foreign, mine)):
        client = token_client(user)
        assert ids(client.get(f"/api/v1/{resource}/", PARAMS.get(resource))) == [own]
        assert client.get(f"/api/v1/{resource}/{own}/").json()["id"] == own
        response = client.get(f"/api/v1/{resource}/{other}/")
        assert response.status_code == 404
    both = token_client(data.coord)
    assert sorted(ids(both.get(f"/api/v1/{resource}/", PARAMS.get(resource)))) == sorted([mine, foreign])


@pytest.mark.parametrize("resource", ["ramos", "entidades"])
def test_shared_catalogs_are_read_by_everyone(data, resource):
    from programs.models import Ramo, State

    model = {"ramos": Ramo, "entidades": State}[resource]
    expected = list(model.objects.order_by("clave").values_list("pk", flat=True))
    for user in (data.cap_a, data.cap_b):
        assert ids(token_client(user).get(f"/api/v1/{resource}/")) == expected
    first = State.objects.order_by("clave").first()
    assert token_client(data.cap_a).get("/api/v1/entidades/").json()["results"][0] == {
        "id": first.pk, "clave": first.clave, "nombre": first.name, "abreviatura": first.abbreviation}


def test_an_indicator_carries_its_ficha_metas_and_only_approved_adjustments(data):
    body = token_client(data.cap_a).get(f"/api/v1/indicadores/{data.ind_a.pk}/").json()
    ind = data.ind_a
    assert body["clave"] == ind.external_id and body["nombre"] == ind.name
    assert body["programa"] == data.program_a.pk and body["ur"] == data.unit_a.pk
    assert body["objetivo"] == {"id": ind.objective_id, "nivel": "Actividad", "clave": ind.objective.clave,
                                "resumen_narrativo": "Actividad de prueba"}
    assert (body["frecuencia"], body["sentido"], body["tipo_valor"], body["factor"]) == (
        "Trimestral", "Ascendente", "Porcentaje", "100")
    (meta,) = body["metas"]
    assert meta == {
        "id": ind.targets.get().pk, "ciclo": 2024, "mes": 3, "programada": "80", "numerador": None,
        "denominador": None, "vigente": "90",
        "ajustes_aprobados": [{"id": data.approved.pk, "valor": "90", "numerador": None, "denominador": None,
                               "tipo": "meta", "justificacion": "Presupuesto ampliado",
                               "aprobado_el": meta["ajustes_aprobados"][0]["aprobado_el"]}],
    }


def test_an_avance_carries_its_estado_and_justification(data):
    body = token_client(data.cap_a).get(f"/api/v1/avances/{data.progress_a.pk}/").json()
    assert {key: body[key] for key in ("indicador", "ciclo", "mes", "trimestre", "entidad", "valor", "estado",
                                       "causa", "efecto", "version")} == {
        "indicador": data.ind_a.pk, "ciclo": 2024, "mes": 3, "trimestre": 1, "entidad": None, "valor": "72",
        "estado": "aprobado", "causa": "Lluvias", "efecto": "", "version": 1}


def test_a_result_and_its_explanation_are_those_of_the_screens(data):
    client = token_client(data.cap_a)
    body = client.get(f"/api/v1/resultados/{data.result_a.pk}/").json()
    assert {key: body[key] for key in ("indicador", "ciclo", "trimestre", "meta", "ajuste", "avance", "avance_usado",
                                       "cumplimiento", "semaforo", "estado")} == {
        "indicador": data.ind_a.pk, "ciclo": 2024, "trimestre": 1, "meta": "90", "ajuste": data.approved.pk,
        "avance": "72", "avance_usado": data.progress_a.pk, "cumplimiento": "80", "semaforo": "amarillo",
        "estado": "con resultado"}
    why = client.get(f"/api/v1/resultados/{data.result_a.pk}/explicacion/").json()
    screen = explain(Indicator.objects.get(pk=data.ind_a.pk), 2024, 3, data.progress_a.value)
    assert why == {
        "meta": "90", "origen_meta": screen.meta_source, "avance": "72", "numerador": None, "denominador": None,
        "factor": "100", "formula": screen.formula, "sustituida": screen.substituted, "cumplimiento": "80",
        "desviacion": "20", "umbral_verde_amarillo": "10", "umbral_amarillo_rojo": "20",
        "origen_umbrales": screen.thresholds_source, "semaforo": "amarillo"}
    assert why["origen_meta"].startswith("versión 2: ajuste aprobado")
    assert client.get(f"/api/v1/resultados/{data.result_b.pk}/explicacion/").status_code == 404


def test_aggregates_carry_their_counts_and_totals_are_for_administrators(data, django_user_model):
    body = token_client(data.cap_a).get("/api/v1/agregados/", {"trimestre": 1, "agrupacion": "programa"}).json()
    (row,) = body["results"]
    assert {k: row[k] for k in ("ciclo", "trimestre", "agrupacion", "programa", "ur", "nivel", "indicadores",
                                "con_meta", "reportados", "aprobados", "verde", "amarillo", "rojo", "gris",
                                "cumplimiento_promedio", "completitud")} == {
        "ciclo": 2024, "trimestre": 1, "agrupacion": "programa", "programa": data.program_a.pk, "ur": None,
        "nivel": "", "indicadores": 1, "con_meta": 1, "reportados": 1, "aprobados": 1, "verde": 0, "amarillo": 1,
        "rojo": 0, "gris": 0, "cumplimiento_promedio": "80", "completitud": "100"}
    assert ids(token_client(data.coord).get("/api/v1/agregados/", {"agrupacion": "total"})) == []
    admin = django_user_model.objects.create_superuser("raiz", "raiz@simir.invalid", "x")
    totals = token_client(admin).get("/api/v1/agregados/", {"agrupacion": "total", "trimestre": 1}).json()
    assert [(r["indicadores"], r["amarillo"]) for r in totals["results"]] == [(2, 1)]


def test_matrices_and_objectives_filter_by_programa(data):
    client = token_client(data.coord)
    assert ids(client.get("/api/v1/matrices/", {"programa": data.program_a.pk})) == [data.matrix_a.pk]
    assert ids(client.get("/api/v1/objetivos/", {"matriz": data.matrix_a.pk, "nivel": "Actividad"})) == [
        data.ind_a.objective_id]
    row = client.get(f"/api/v1/objetivos/{data.ind_a.objective_id}/").json()
    assert (row["matriz"], row["nivel"], row["padre"], row["resumen_narrativo"]) == (
        data.matrix_a.pk, "Actividad", None, "Actividad de prueba")


def test_filters_narrow_the_scope(data):
    client = token_client(data.coord)
    assert ids(client.get("/api/v1/indicadores/", {"ur": data.unit_b.pk})) == [data.ind_b.pk]
    assert ids(client.get("/api/v1/indicadores/", {"programa": data.program_a.pk, "nivel": "Actividad",
                                                   "ciclo": 2024})) == [data.ind_a.pk]
    assert ids(client.get("/api/v1/indicadores/", {"nivel": "Fin"})) == []
    assert ids(client.get("/api/v1/avances/", {"trimestre": 1, "estado": "aprobado", "ur": data.unit_a.pk})) == [
        data.progress_a.pk]
    assert ids(client.get("/api/v1/avances/", {"trimestre": 2})) == []
    assert sorted(ids(client.get("/api/v1/resultados/", {"trimestre": 1, "ramo": data.unit_a.ramo_id}))) == sorted(
        [data.result_a.pk, data.result_b.pk])
    assert ids(client.get("/api/v1/resultados/", {"ciclo": 2025})) == []
    assert ids(client.get("/api/v1/programas/", {"ur": data.unit_a.pk})) == [data.program_a.pk]
    # Another UR's id only matches nothing: the rows were scoped first.
    assert ids(token_client(data.cap_a).get("/api/v1/indicadores/", {"ur": data.unit_b.pk})) == []


@pytest.mark.parametrize("params, message", [
    ({"trimestre": "5"}, "«trimestre» debe ser un número entero de 1 a 4; se recibió «5»."),
    ({"trimestre": "T1"}, "«trimestre» debe ser un número entero de 1 a 4; se recibió «T1»."),
    ({"ciclo": "٢٠٢٤"}, "«ciclo» debe ser un número entero de 1 a 32767; se recibió «٢٠٢٤»."),
    ({"ciclo": "100%"}, "«ciclo» debe ser un número entero de 1 a 32767; se recibió «100%»."),
    ({"ur": "-1"}, "«ur» debe ser un número entero de 1 a 9223372036854775807; se recibió «-1»."),
    ({"programa": str(2**63)}, f"«programa» debe ser un número entero de 1 a 9223372036854775807; se recibió "
                               f"«{2**63}»."),
    ({"nivel": "Meta"}, "«nivel» no admite «Meta»; los valores válidos son: Fin, Propósito, Componente, Actividad, "
                        "FID, Objetivo prioritario."),
    ({"estado": "listo"}, "«estado» no admite «listo»; los valores válidos son: borrador, enviado, devuelto, "
                          "aprobado."),
])
def test_a_bad_filter_value_is_a_400_naming_the_parameter(data, params, message):
    response = token_client(data.coord).get("/api/v1/avances/", params)
    assert response.status_code == 400
    assert response.json() == {next(iter(params)): [message]}


def test_bad_ids_are_404_never_500(data):
    client = token_client(data.coord)
    for bad in ["abc", "0", str(2**63), "99999999999999999999", "٣"]:
        for resource in LISTS:
            assert client.get(f"/api/v1/{resource}/{bad}/").status_code == 404, (resource, bad)


def test_lists_are_paginated_up_to_1000(data):
    client = token_client(data.coord)
    body = client.get("/api/v1/indicadores/", {"por_pagina": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1
    assert body["next"] == "http://testserver/api/v1/indicadores/?pagina=2&por_pagina=1"
    assert len(client.get("/api/v1/indicadores/", {"por_pagina": 5000}).json()["results"]) == 2
    from api.pagination import ApiPagination

    assert (ApiPagination.page_size, ApiPagination.max_page_size) == (100, 1000)


def test_csv_export_neutralises_formulas_and_keeps_the_scope(data):
    Indicator.objects.filter(pk=data.ind_a.pk).update(name="=cmd|' /C calc'!A0")
    response = token_client(data.cap_a).get("/api/v1/indicadores/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert [row["clave"] for row in rows] == [data.ind_a.external_id]
    assert rows[0]["nombre"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["objetivo.nivel"] == "Actividad" and rows[0]["factor"] == "100"
    assert not [cell for row in rows for cell in row.values() if cell.startswith("=")]
    results = token_client(data.cap_a).get("/api/v1/resultados/", {"format": "csv", "trimestre": 1}).content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(results, newline=""))
    assert (row["id"], row["cumplimiento"], row["semaforo"]) == (str(data.result_a.pk), "80", "amarillo")
