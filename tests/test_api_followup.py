"""/api/v1/compromisos/ and /api/v1/reportes-seguimiento/: the % and its explanation as the page
shows them, and a report captured, sent and approved through the web's services."""

import pytest

from followup.models import Commitment
from tests.api_helpers import token_client
from tests.test_scope_scan import demo  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def test_commitments_with_their_explanation_at_a_quarter(demo, django_user_model):  # noqa: F811
    client = token_client(django_user_model.objects.get(username="capturista_zzz"))
    listed = client.get("/api/v1/compromisos/", {"trimestre": "2024-1"}).json()["results"]
    assert {c["clave"] for c in listed} == {"FICT-AUD-01", "FICT-PTCI-01", "FICT-ASM-01"}
    audit = next(c for c in listed if c["clave"] == "FICT-AUD-01")
    assert audit["avance"] == "22.22" and audit["resumen"] == "2 de 9 sub-elementos resueltos = 22.22 %"
    assert [s["estado"] for s in audit["subelementos"]][:3] == ["resuelto", "resuelto", "en_proceso"]
    p7 = Commitment.objects.get(clave="JG-3O2024-P7")
    assert client.get(f"/api/v1/compromisos/{p7.pk}/").status_code == 404
    coordinator = token_client(django_user_model.objects.get(username="coordinador"))
    one = coordinator.get(f"/api/v1/compromisos/{p7.pk}/", {"trimestre": "2024-3"}).json()
    assert (one["avance"], one["regla"], one["fecha_compromiso"]) == ("70", "reportado", "2024-09-30")
    assert "seed 004" in one["fuente"]


def test_a_report_captured_sent_and_approved_by_the_api(demo, django_user_model):  # noqa: F811
    asm = Commitment.objects.get(clave="FICT-ASM-01")
    item = asm.items.get(number=2)
    capturista = token_client(django_user_model.objects.get(username="capturista_zzz"))
    response = capturista.post("/api/v1/reportes-seguimiento/", {
        "compromiso": asm.pk, "ejercicio": 2024, "trimestre": 1, "texto": "MIR actualizada (ficticio)",
        "subelementos": [{"subelemento": item.pk, "estado": "resuelto"}]}, format="json")
    assert response.status_code == 201, response.json()
    report = response.json()["id"]
    assert capturista.post(f"/api/v1/reportes-seguimiento/{report}/enviar/", {}, format="json").json()["estado"] == \
        "enviado"
    assert capturista.post(f"/api/v1/reportes-seguimiento/{report}/aprobar/", {}, format="json").status_code == 403
    coordinator = token_client(django_user_model.objects.get(username="coordinador"))
    refused = coordinator.post(f"/api/v1/reportes-seguimiento/{report}/devolver/", {"nota": ""}, format="json")
    assert refused.status_code == 400 and "observación" in refused.json()["nota"][0]
    assert coordinator.post(f"/api/v1/reportes-seguimiento/{report}/aprobar/", {}, format="json").json()["estado"] == \
        "aprobado"
    assert coordinator.get(f"/api/v1/compromisos/{asm.pk}/", {"trimestre": "2024-1"}).json()["avance"] == "100"
    late = capturista.post("/api/v1/reportes-seguimiento/", {
        "compromiso": asm.pk, "ejercicio": 2024, "trimestre": 4, "texto": "x"}, format="json")
    assert late.status_code == 400 and "cerró" in late.json()["detail"]
