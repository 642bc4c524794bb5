import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from programs.models import ResponsibleUnit
from tests.factories import IndicatorFactory, MatrixFactory

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))


def test_indicator_page_explains_each_semaforo(demo, client):
    indicator = Indicator.objects.get(external_id="990005")
    assert client.login(username="capturista_zzz", password=PASSWORD)
    page = client.get(reverse("simir:indicator_detail", args=[indicator.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "c = 100 + (A − M) / |M| × 100" in html
    panels = [" ".join(re.sub("<[^>]+>", " ", p).split()) for p in re.findall(r'<details class="why">.*?</details>', html, re.S)]
    assert len(panels) == 4
    # T3 uses the approved adjusted meta (65, programmed 70) and says which version it is.
    assert "Meta (M) 65 — versión 2: ajuste aprobado (Meta modificada publicada (importada)," in panels[2]
    assert "Avance (A) 5,410 / 8,500 × 100 = 63.647059" in panels[2]
    assert "Con los números c = 100 + (63.647059 − 65) / |65| × 100 = 97.92" in panels[2]
    assert "|c − 100| 2.08" in panels[2] and "Semáforo verde" in panels[2]
    assert "Umbrales verde si |c − 100| ≤ 5.00; amarillo si ≤ 15.00; rojo si es mayor — ficha del indicador" in panels[2]
    assert "Meta (M) 45 — versión 1: meta programada" in panels[1] and "|c − 100| 9.02" in panels[1]
    assert "Semáforo amarillo" in panels[1]
    assert [r.compliance for r in page.context["results"]][2] == Decimal("97.92")
    assert page.context["chart"]["meta"] == ["20", "45", "65", "90"]


def test_u013_meta_zero_is_explained(demo, client):
    indicator = Indicator.objects.get(external_id="IB24-U013-01")
    assert client.login(username="capturista_ayo", password=PASSWORD)
    html = client.get(reverse("simir:indicator_detail", args=[indicator.pk])).content.decode()
    assert "M = 0: c = 100 si A = 0; si A ≠ 0, c no está definido (N/A, rojo)" in html
    assert "N/A" in html


def test_indicator_page_is_404_outside_scope(demo, client):
    indicator = Indicator.objects.get(external_id="990005")
    assert client.login(username="capturista_ayo", password=PASSWORD)
    assert client.get(reverse("simir:indicator_detail", args=[indicator.pk])).status_code == 404


def test_catalog_lists_only_the_scope_filters_and_exports(demo, client):
    assert client.login(username="capturista_zzz", password=PASSWORD)
    page = client.get(reverse("simir:indicator_list"))
    shown = {row.record.external_id for row in page.context["table"].paginated_rows}
    assert shown == set(Indicator.objects.filter(responsible_unit__clave="ZZZ").values_list("external_id", flat=True))
    page = client.get(reverse("simir:indicator_list"), {"frecuencia": "Mensual"})
    assert {row.record.external_id for row in page.context["table"].paginated_rows} == {"990004"}
    export = client.get(reverse("simir:indicator_list"), {"_export": "csv", "sentido": "Regular"})
    lines = export.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ID,Nombre,Programa,UR,Nivel")
    assert len(lines) == 2 and lines[1].startswith("990008,") and ",P999,ZZZ," in lines[1]


@pytest.mark.parametrize("per_page", ["-1", "0", "3", "99999999"])
def test_catalog_page_size_is_the_tables_own(demo, client, per_page):
    assert client.login(username="admin", password=PASSWORD)
    page = client.get(reverse("simir:indicator_list"), {"per_page": per_page})
    assert page.status_code == 200
    table = page.context["table"]
    assert table.paginator.per_page == 50
    assert len(table.paginated_rows) == len(client.get(reverse("simir:indicator_list")).context["table"].paginated_rows)


def test_catalog_queries_do_not_grow_with_rows(demo, client, django_assert_num_queries):
    assert client.login(username="admin", password=PASSWORD)
    url = reverse("simir:indicator_list")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    matrix = MatrixFactory(program__responsible_unit=ResponsibleUnit.objects.get(clave="ZZZ"))
    for _ in range(20):
        IndicatorFactory(objective__matrix=matrix)
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


def test_catalog_is_ordered_by_ejercicio_then_id(db, client):
    from tests.factories import make_user
    first = MatrixFactory(fiscal_year=2024)
    unit = first.program.responsible_unit
    second = MatrixFactory(fiscal_year=2024, program__responsible_unit=unit)
    later = MatrixFactory(fiscal_year=2025, program__responsible_unit=unit)
    # The model's Meta.ordering (ejercicio, matriz, objetivo, id) would list C-3 before B-2.
    for matrix, external_id in ((later, "A-1"), (first, "C-3"), (second, "B-2"), (later, "0-9")):
        IndicatorFactory(objective__matrix=matrix, external_id=external_id)
    client.force_login(make_user("coord_orden", "Coordinador", units=[unit]))
    page = client.get(reverse("simir:indicator_list"))
    shown = [(row.record.fiscal_year, row.record.external_id) for row in page.context["table"].paginated_rows]
    assert shown == [(2024, "B-2"), (2024, "C-3"), (2025, "0-9"), (2025, "A-1")]
