"""The scope scan of tests/test_scope_scan.py for /api/v1/: every route of the API, enumerated from
the URLconf, as users of two URs (and a consulta and a coordinador of one) with a personal token.
Objects of the other UR are 404, to read and to write; lists, CSV and the schema never mention the
other UR."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from compliance.models import QuarterAggregate, QuarterResult
from followup.models import Commitment, Report
from indicators.models import Indicator, TargetAdjustment
from programs.models import Matrix, Objective, Program, Ramo, ResponsibleUnit, State
from reporting.models import Progress
from tests.api_helpers import token_client
from tests.test_scope_scan import MARKERS, USERS, demo, scan_user  # noqa: F401  (demo is a fixture)

pytestmark = pytest.mark.django_db
SHARED = {"ramo", "entidad"}  # catalogs every user reads


def api_patterns():
    resolver = get_resolver()
    (api,) = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "api"]
    found = {}

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                found.setdefault(pattern.name, pattern)  # the format-suffix twins share the name
            else:
                walk(pattern.url_patterns)

    walk(api.url_patterns)
    return found


def foreign_objects(unit):
    return {
        "ramo": Ramo.objects.first(), "entidad": State.objects.first(),
        "ur": ResponsibleUnit.objects.get(clave=unit),
        "programa": Program.objects.filter(responsible_unit__clave=unit).first(),
        "matriz": Matrix.objects.filter(program__responsible_unit__clave=unit).first(),
        "objetivo": Objective.objects.filter(matrix__program__responsible_unit__clave=unit).first(),
        "agregado": QuarterAggregate.objects.filter(program__responsible_unit__clave=unit).first(),
        "indicador": Indicator.objects.filter(responsible_unit__clave=unit).first(),
        "avance": Progress.objects.filter(indicator__responsible_unit__clave=unit).first(),
        "resultado": QuarterResult.objects.filter(indicator__responsible_unit__clave=unit).first(),
        "compromiso": Commitment.objects.filter(responsible_unit__clave=unit).first(),
        "reporte-seguimiento": Report.objects.get_or_create(
            commitment=Commitment.objects.filter(responsible_unit__clave=unit).order_by("clave").first(),
            fiscal_year=2023, quarter=4)[0],
    }


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@USERS
def test_no_api_route_leaks_the_other_unit(demo, django_user_model, username, own, other):  # noqa: F811
    client = token_client(scan_user(django_user_model, username))
    foreign = foreign_objects(other)
    checked = 0
    seen = ""
    for name, pattern in api_patterns().items():
        if name == "docs":
            continue  # a page for a signed-in browser; tests/test_api_schema.py
        basename = name.rsplit("-", 1)[0]
        actions = getattr(pattern.callback, "actions", {})
        if "pk" in pattern.pattern.regex.groupindex:
            url = reverse(f"api:{name}", kwargs={"pk": foreign[basename].pk})
            if actions and "get" not in actions:  # a workflow step or an adjustment: not found either
                rows = type(foreign[basename]).objects.filter(pk=foreign[basename].pk)
                before = (rows.values().get(), TargetAdjustment.objects.count())
                response = client.post(url, {"nota": "Alcance", "mes": 3, "tipo": "meta", "valor": "1",
                                             "justificacion": "Alcance"}, format="json")
                assert response.status_code == 404, f"POST {url} para {username}"
                assert (rows.values().get(), TargetAdjustment.objects.count()) == before
                checked += 1
                continue
            expected = 200 if basename in SHARED else 404
            assert client.get(url).status_code == expected, f"{url} para {username}"
        elif actions and "get" not in actions:  # the batch: the other UR's indicator is an error of its item
            url = reverse(f"api:{name}")
            response = client.post(url, {"parcial": True, "avances": [{
                "indicador": foreign["indicador"].pk, "ciclo": 2024, "mes": 3, "valor": "1", "version": 0}]},
                format="json")
            expected = 403 if username == "consulta_ayo" else 200
            assert response.status_code == expected, f"POST {url} para {username}"
            if expected == 200:
                assert response.json()["resultados"][0]["errores"] == {
                    "indicador": ["No existe o está fuera de su alcance."]}
        else:
            url = reverse(f"api:{name}")
            if "post" in actions:  # a draft on the other UR's indicator or commitment
                response = client.post(url, {"indicador": foreign["indicador"].pk, "ciclo": 2024, "mes": 3,
                                             "valor": "1", "version": 0, "compromiso": foreign["compromiso"].pk,
                                             "ejercicio": 2024, "trimestre": 1, "texto": "Alcance"}, format="json")
                assert response.status_code == 404, f"POST {url} para {username}"
            for params in ({}, {"format": "csv"}, {"por_pagina": 1000}):
                response = client.get(url, params)
                if name == "schema" and params.get("format") == "csv":
                    assert response.status_code == 404  # the schema is YAML or JSON only
                    continue
                assert response.status_code == 200, (url, params)
                text = body(response).decode("utf-8-sig")
                seen += text
                leaked = [marker for marker in MARKERS[other] if marker in text]
                assert not leaked, f"{url} {params} muestra {leaked} a {username}"
        checked += 1
    assert checked >= 26
    assert [marker for marker in MARKERS[own] if marker in seen], f"{username} no ve su propia UR"
