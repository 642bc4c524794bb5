"""POST /api/v1/avances/lote/: one result per item; atomic unless `parcial`; sent avances reach the
review queue; the size limit."""

from decimal import Decimal as D

import pytest
from django.test import override_settings

from reporting.models import Progress
from tests.api_helpers import token_client
from tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db


def item(indicator, **changes):
    return {"indicador": indicator.pk, "ciclo": 2024, "mes": 3, "valor": "72", "version": 0, **changes}


def test_an_atomic_batch_with_a_bad_item_keeps_nothing_and_says_why(world):
    response = token_client(world.cap_a).post("/api/v1/avances/lote/", {"avances": [
        item(world.ind_a), item(world.ind_a, mes=6, valor="x"), item(world.ind_b)]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"guardado": False, "errores": 2, "resultados": [
        {"indice": 0, "resultado": "revertido", "id": None, "version": 1, "estado": "borrador"},
        {"indice": 1, "resultado": "error", "errores": {"valor": ["valor: «x» no es un número (use punto decimal, "
                                                                  "p. ej. 1,955.5)."]}},
        {"indice": 2, "resultado": "error", "errores": {"indicador": ["No existe o está fuera de su alcance."]}},
    ]}
    assert not Progress.objects.exists()


def test_a_partial_batch_keeps_the_good_items_and_updates_with_versions(world):
    client = token_client(world.cap_a)
    first = client.post("/api/v1/avances/", item(world.ind_a), format="json").json()
    other = IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a)
    response = client.post("/api/v1/avances/lote/", {"parcial": True, "avances": [
        item(world.ind_a, valor="75", version=1), item(other), item(world.ind_a, version=1), "no es un objeto"]},
        format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["guardado"], body["errores"]) == (True, 2)
    assert body["resultados"][0] == {"indice": 0, "resultado": "actualizado", "id": first["id"], "version": 2,
                                     "estado": "borrador"}
    assert body["resultados"][1]["resultado"] == "creado"
    assert body["resultados"][2]["resultado"] == "error" and "versión 2, usted cargó la 1" in (
        body["resultados"][2]["errores"]["detail"])
    assert list(body["resultados"][3]["errores"]) == ["non_field_errors"]
    assert Progress.objects.get(pk=first["id"]).value == D(75)
    assert Progress.objects.get(indicator=other).value == D(72)


def test_a_sent_batch_reaches_the_review_queue(world, client):
    others = [IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a) for _ in range(3)]
    for indicator in others:
        TargetFactory(indicator=indicator, month=3, value=D(80))
    response = token_client(world.cap_a).post("/api/v1/avances/lote/", {"enviar": True, "avances": [
        item(indicator) for indicator in [world.ind_a, *others]]}, format="json")
    assert response.status_code == 200
    assert {r["estado"] for r in response.json()["resultados"]} == {"enviado"}
    client.force_login(world.coord)
    queue = client.get("/revision/", {"estado": "enviado"}).content.decode()
    assert all(indicator.external_id in queue for indicator in [world.ind_a, *others])


@override_settings(SIMIR_API_BATCH_MAX=2)
def test_the_size_of_a_batch_is_limited_and_a_read_only_role_is_403(world):
    response = token_client(world.cap_a).post("/api/v1/avances/lote/", {"avances": [item(world.ind_a)] * 3},
                                              format="json")
    assert (response.status_code, response.json()) == (
        400, {"avances": ["Un lote lleva como máximo 2 avances; llegaron 3."]})
    response = token_client(world.cap_a).post("/api/v1/avances/lote/", {"avances": []}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["avances"]
    response = token_client(world.consulta).post("/api/v1/avances/lote/", {"avances": [item(world.ind_a)]},
                                                 format="json")
    assert (response.status_code, response.json()) == (403, {"detail": "Su rol no permite capturar avances."})


def test_two_hundred_items_in_one_request(world):
    indicators = [IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a)
                  for _ in range(200)]
    response = token_client(world.cap_a).post("/api/v1/avances/lote/", {"avances": [
        item(indicator) for indicator in indicators]}, format="json")
    assert response.status_code == 200 and response.json()["errores"] == 0
    assert Progress.objects.filter(indicator__in=indicators).count() == 200
