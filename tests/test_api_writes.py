"""Writes of the API through the web's services: a draft avance with its optimistic version (409 on
conflict), the capture window and its prórroga, scope (404), read-only roles (403), the workflow
steps, the audit as the token's user and the recompute."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from compliance.models import QuarterResult
from indicators.models import TargetAdjustment
from reporting.models import CaptureWindow, Progress
from reporting.services import grant_extension
from tests.api_helpers import token_client

pytestmark = pytest.mark.django_db


def draft(indicator, **changes):
    return {"indicador": indicator.pk, "ciclo": 2024, "mes": 3, "valor": "72", "causa": "Lluvias", "version": 0,
            **changes}


def test_a_draft_is_created_then_updated_with_its_version_and_recomputed(world, django_capture_on_commit_callbacks):
    client = token_client(world.cap_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/avances/", draft(world.ind_a), format="json")
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("indicador", "mes", "valor", "estado", "causa", "version")} == {
        "indicador": world.ind_a.pk, "mes": 3, "valor": "72", "estado": "borrador", "causa": "Lluvias", "version": 1}
    progress = Progress.objects.get(pk=body["id"])
    assert (progress.created_by, progress.history.first().history_user, progress.history.first().history_change_reason
            ) == (world.cap_a, world.cap_a, "Captura")
    result = QuarterResult.objects.get(indicator=world.ind_a, fiscal_year=2024, quarter=1)
    assert (result.avance, result.status) == (None, "pendiente")  # a draft is not reported yet
    with django_capture_on_commit_callbacks(execute=True):  # each request commits, and queues at commit
        response = client.post("/api/v1/avances/", draft(world.ind_a, valor="1,955.5", version=1), format="json")
    assert (response.status_code, response.json()["valor"], response.json()["version"]) == (200, "1955.5", 2)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/avances/", draft(world.ind_a, valor="76", version=2), format="json")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/avances/{body['id']}/enviar/", format="json")
    result.refresh_from_db()
    assert (result.avance, result.meta, result.compliance, result.status, result.reported) == (
        D(76), D(80), D(95), "con resultado", True)


def test_a_stale_version_is_a_409_and_writes_nothing(world):
    client = token_client(world.cap_a)
    client.post("/api/v1/avances/", draft(world.ind_a), format="json")
    client.post("/api/v1/avances/", draft(world.ind_a, valor="73", version=1), format="json")
    response = client.post("/api/v1/avances/", draft(world.ind_a, valor="99", version=1), format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "Otra persona (cap_a) guardó este avance mientras usted lo editaba "
                                         "(versión 2, usted cargó la 1). No se guardaron sus cambios: recargue la "
                                         "página, revise los valores actuales y vuelva a capturar."}
    assert Progress.objects.get(indicator=world.ind_a).value == D(73)


def test_scope_role_and_bad_values_are_refused_with_the_field(world):
    assert token_client(world.cap_a).post("/api/v1/avances/", draft(world.ind_b), format="json").status_code == 404
    response = token_client(world.consulta).post("/api/v1/avances/", draft(world.ind_a), format="json")
    assert (response.status_code, response.json()) == (403, {"detail": "Su rol no permite capturar avances."})
    client = token_client(world.cap_a)
    response = client.post("/api/v1/avances/", draft(world.ind_a, valor="abc"), format="json")
    assert (response.status_code, response.json()) == (400, {"valor": ["valor: «abc» no es un número (use punto decimal, p. ej. 1,955.5)."]})
    response = client.post("/api/v1/avances/", draft(world.ind_a, mes=2), format="json")
    assert response.status_code == 400
    assert response.json() == {"mes": ["El mes 2 no cierra un periodo de frecuencia Trimestral; los meses válidos "
                                       "son 3, 6, 9, 12."]}
    response = client.post("/api/v1/avances/", {"indicador": world.ind_a.pk}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"ciclo", "mes", "version"}
    assert not Progress.objects.exists()


def test_a_closed_window_refuses_until_a_prorroga_opens_it(world):
    CaptureWindow.objects.filter(fiscal_year=2024, quarter=1).update(closes_at=timezone.now() - timedelta(hours=1))
    client = token_client(world.cap_a)
    response = client.post("/api/v1/avances/", draft(world.ind_a), format="json")
    assert response.status_code == 400 and "cerr" in response.json()["detail"]
    grant_extension(world.coord, 2024, 1, timezone.now() + timedelta(days=2), "Falla del sistema",
                    responsible_unit=world.unit_a)
    assert client.post("/api/v1/avances/", draft(world.ind_a), format="json").status_code == 201
    assert token_client(world.cap_b).post("/api/v1/avances/", draft(world.ind_b), format="json").status_code == 400


def test_the_workflow_steps_are_those_of_the_web(world):
    capturista, coordinator = token_client(world.cap_a), token_client(world.coord)
    pk = capturista.post("/api/v1/avances/", draft(world.ind_a), format="json").json()["id"]
    assert token_client(world.cap_b).post(f"/api/v1/avances/{pk}/enviar/", format="json").status_code == 404
    response = capturista.post(f"/api/v1/avances/{pk}/enviar/", format="json")
    assert (response.status_code, response.json()["estado"], response.json()["version"]) == (200, "enviado", 2)
    response = capturista.post(f"/api/v1/avances/{pk}/aprobar/", format="json")
    assert (response.status_code, response.json()) == (403, {"detail": "Su rol no permite esta acción."})
    response = coordinator.post(f"/api/v1/avances/{pk}/devolver/", {"nota": ""}, format="json")
    assert (response.status_code, response.json()) == (
        400, {"nota": ["Para devolver un avance hay que escribir la observación."]})
    assert coordinator.post(f"/api/v1/avances/{pk}/aprobar/", format="json").json()["estado"] == "aprobado"
    response = coordinator.post(f"/api/v1/avances/{pk}/enviar/", format="json")
    assert (response.status_code, response.json()) == (
        400, {"detail": "No se puede «enviar» un avance en estado aprobado."})
    response = coordinator.post(f"/api/v1/avances/{pk}/reabrir/", {"nota": "Cifra corregida"}, format="json")
    assert (response.json()["estado"], response.json()["observacion_revisor"]) == ("devuelto", "Cifra corregida")
    progress = Progress.objects.get(pk=pk)
    assert [(t.from_status, t.to_status, t.user.username) for t in progress.transitions.all()] == [
        ("borrador", "enviado", "cap_a"), ("enviado", "aprobado", "coord"), ("aprobado", "devuelto", "coord")]


def test_an_adjustment_is_requested_as_on_the_web(world):
    client = token_client(world.cap_a)
    url = f"/api/v1/indicadores/{world.ind_a.pk}/ajustes/"
    response = client.post(url, {"mes": 3, "tipo": "meta", "valor": "85", "justificacion": "Recorte"}, format="json")
    assert response.status_code == 201
    body = response.json()
    adjustment = TargetAdjustment.objects.get(pk=body["id"])
    assert {k: v for k, v in body.items() if k != "solicitado_el"} == {
        "id": adjustment.pk, "meta": world.ind_a.targets.get(month=3).pk, "ciclo": 2024, "mes": 3, "valor": "85",
        "numerador": None, "denominador": None, "tipo": "meta", "justificacion": "Recorte", "estado": "solicitado",
        "aprobado_el": None}
    assert (adjustment.requested_by, adjustment.history.first().history_user) == (world.cap_a, world.cap_a)
    response = client.post(url, {"mes": 3, "tipo": "meta", "valor": "85", "justificacion": " "}, format="json")
    assert (response.status_code, response.json()) == (
        400, {"justificacion": ["La justificación del ajuste es obligatoria."]})
    response = client.post(url, {"mes": 3, "tipo": "oficial", "valor": "85", "justificacion": "x"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["tipo"]
    assert token_client(world.cap_b).post(url, {"mes": 3, "tipo": "meta", "valor": "1", "justificacion": "x"},
                                          format="json").status_code == 404
    response = token_client(world.consulta).post(url, {"mes": 3, "tipo": "meta", "valor": "1", "justificacion": "x"},
                                                 format="json")
    assert (response.status_code, response.json()) == (403, {"detail": "Su rol no permite solicitar ajustes de meta."})
    assert TargetAdjustment.objects.count() == 1
