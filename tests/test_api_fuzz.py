"""Any text in any query parameter of any list endpoint of the API: 200, a 400 naming that
parameter, a 404 for a page that does not exist, never a 500 (tests/test_fuzz.py, for the API)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.text import has_control_characters
from tests.api_helpers import add_avances, token_client
from tests.test_fuzz import FUZZ, NASTY

pytestmark = pytest.mark.django_db
LISTS = ["ramos", "urs", "entidades", "programas", "matrices", "objetivos", "indicadores", "avances", "resultados",
         "agregados"]
NAMES = st.sampled_from(["ciclo", "ramo", "ur", "programa", "matriz", "nivel", "trimestre", "estado", "agrupacion",
                         "pagina", "por_pagina", "format", "otro"])


@FUZZ
@given(data=st.data(), name=NAMES, value=st.one_of(NASTY, st.text(max_size=300)))
def test_api_query_parameters_never_error_500(world, data, name, value):
    if not hasattr(world, "result_a"):
        add_avances(world)
    client = token_client(world.coord)
    resource = data.draw(st.sampled_from(LISTS))
    response = client.get(f"/api/v1/{resource}/", {name: value})
    if has_control_characters(name) or has_control_characters(value):
        assert response.status_code == 400
    elif response.status_code == 400:
        (param,) = response.json()
        assert param == name and f"«{name}»" in response.json()[name][0]
    elif response.status_code == 404:
        assert name in ("pagina", "format"), (resource, name, value)
    else:
        assert response.status_code == 200, (resource, name, value)


JSON_VALUES = st.one_of(NASTY, st.none(), st.booleans(), st.integers(-10**20, 10**20), st.lists(st.integers(), max_size=2),
                        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
WRITE_FIELDS = st.sampled_from(["indicador", "ciclo", "mes", "entidad", "valor", "numerador", "denominador", "causa",
                                "efecto", "otros_motivos", "version"])


@FUZZ
@given(field=WRITE_FIELDS, value=JSON_VALUES, step=st.sampled_from(["enviar", "aprobar", "devolver", "reabrir"]),
       note=JSON_VALUES)
def test_api_writes_never_error_500(world, field, value, step, note):
    """Any JSON value in any field of a draft, and any note to any workflow step: a clear refusal
    (400 naming a field, 403, 404, 409) or the write, never a 500."""
    client = token_client(world.cap_a)
    body = {"indicador": world.ind_a.pk, "ciclo": 2024, "mes": 3, "valor": "50", "version": 0, field: value}
    response = client.post("/api/v1/avances/", body, format="json")
    assert response.status_code in (200, 201, 400, 404, 409), (field, value, response.content)
    if response.status_code == 400:
        assert set(response.json()) <= {*WRITE_FIELDS.elements, "detail"}, response.json()
    progress = world.ind_a.progress.first()
    if progress is not None:
        response = token_client(world.coord).post(f"/api/v1/avances/{progress.pk}/{step}/", {"nota": note},
                                                  format="json")
        assert response.status_code in (200, 400, 403), (step, note, response.content)
