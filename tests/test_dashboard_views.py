"""The dashboard /tablero/: what each user sees, that the numbers match the stored results, the
totals row, the drill-down's scope, the redirect to the latest quarter and a constant query count."""

import csv
import io
import itertools
import re
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.engine import compute_quarters, compute_year
from compliance.models import QuarterAggregate, QuarterResult
from indicators.models import Indicator
from compliance.scope import results_for
from programs.models import Level, Matrix, Program, ResponsibleUnit
from tests.factories import IndicatorFactory, ObjectiveFactory, ProgramFactory, ResponsibleUnitFactory

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"
COUNT_COLUMNS = ["indicators", "with_meta", "reported", "approved", "verde", "amarillo", "rojo", "gris"]
COLUMNS = COUNT_COLUMNS + ["mean_compliance", "completeness", "timeliness"]
CENT = D("0.01")
OBJECTIVE_CLAVES = (f"T{n}.1" for n in itertools.count(1))  # unlike the demo's A1.1…


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    return Program.objects.get(is_fictitious=True), Program.objects.get(fiscal_year=2024, modalidad="U", number=13)


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def url(quarter, fiscal_year=2024):
    return reverse("simir:dashboard", args=[fiscal_year, quarter])


def text(value):
    """A number as the page shows it (es-MX, 2 decimals), derived independently of the view."""
    return "—" if value is None else f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def percent(part, whole):
    return None if not whole else D(part) / D(whole) * 100


def registered(programs):
    return Indicator.objects.filter(matrix__program__in=programs, matrix__kind__in=["MIR", "FID"]).count()


def expected_cells(results, registered):
    """The row of a group of QuarterResult rows, counted straight from the results (docs/reglas.md),
    after its `registered` indicators."""
    with_meta = [r for r in results if r.status != "sin meta"]
    reported = [r for r in with_meta if r.reported]
    with_date = [r for r in reported if r.on_time is not None]
    compliances = [r.compliance for r in results if r.compliance is not None]
    counts = [registered, len(results), len(with_meta), len(results) - len(with_meta), len(reported),
              sum(r.approved for r in with_meta)]
    counts += [sum(r.semaforo == light for r in results) for light in ("verde", "amarillo", "rojo", "gris")]
    return [str(n) for n in counts] + [
        text(sum(compliances) / len(compliances) if compliances else None),
        text(percent(len(reported), len(with_meta))),
        text(percent(sum(r.on_time for r in with_date), len(with_date))),
    ]


def row_cells(html, marker):
    """The numeric cells of the table row whose header contains `marker`, as rendered."""
    rows = [row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S) if marker in row]
    assert len(rows) == 1, f"{marker!r}: {len(rows)} filas"
    return re.findall(r'<td class="num">([^<]*)</td>', rows[0])


def test_coordinador_sees_p999_and_u013_with_the_counts_of_their_results(demo, client):
    p999, u013 = demo
    login(client, "coordinador")
    for quarter in (1, 2, 3, 4):
        page = client.get(url(quarter))
        assert page.status_code == 200
        html = page.content.decode()
        assert f"Tablero — trimestre {quarter} de 2024" in html
        for program in (p999, u013):
            results = list(QuarterResult.objects.filter(fiscal_year=2024, quarter=quarter, program=program))
            assert results, f"la demostración tiene resultados de {program.clave} en T{quarter}"
            assert row_cells(html, f">{program.clave} · ") == expected_cells(results, registered([program]))
    p999_row = re.search(rf'<a href="\?programa={p999.pk}#detalle">P999 · .*?</th>', html, re.S).group(0)
    assert '<span class="badge ficticio">ficticio</span>' in p999_row


def test_totals_row_is_computed_from_the_rows_shown(demo, client):
    login(client, "coordinador")
    for quarter in (1, 2, 3, 4):
        page = client.get(url(quarter))
        for rows, totals in ((page.context["program_rows"], page.context["program_totals"]),
                             (page.context["unit_rows"], page.context["unit_totals"])):
            for name in COUNT_COLUMNS:
                assert totals[name] == sum(getattr(row, name) for row in rows)
            assert totals["completeness"] == (None if not totals["with_meta"] else
                                              (D(totals["reported"]) / totals["with_meta"] * 100).quantize(CENT, ROUND_HALF_UP))
        # The programa table partitions the results the coordinador sees: its totals are theirs.
        scoped = list(QuarterResult.objects.filter(fiscal_year=2024, quarter=quarter,
                                                   program__in=[r.program for r in page.context["program_rows"]]))
        assert row_cells(page.content.decode(), "programas)") == expected_cells(
            scoped, registered([r.program for r in page.context["program_rows"]]))


def test_administrator_totals_equal_the_stored_overall_aggregate(demo, client):
    login(client, "admin")
    for quarter in (1, 2, 3, 4):
        totals = client.get(url(quarter)).context["program_totals"]
        stored = QuarterAggregate.objects.get(fiscal_year=2024, quarter=quarter, scope="total")
        assert {name: totals[name] for name in COLUMNS} == {name: getattr(stored, name) for name in COLUMNS}


def test_capturista_ayo_sees_only_its_programs_and_404_for_p999(demo, client):
    p999, u013 = demo
    login(client, "capturista_ayo")
    page = client.get(url(1))
    assert page.status_code == 200
    html = page.content.decode()
    assert "P999" not in html and "ZZZ" not in html
    assert p999 not in [row.program for row in page.context["program_rows"]]
    assert u013 in [row.program for row in page.context["program_rows"]]
    assert client.get(url(1) + f"?programa={p999.pk}").status_code == 404
    assert client.get(url(1) + "?programa=abc").status_code == 404
    drill = client.get(url(1) + f"?programa={u013.pk}")
    assert drill.status_code == 200
    shown = [r.indicator.external_id for r in drill.context["results"]]
    assert sorted(shown) == sorted(QuarterResult.objects.filter(fiscal_year=2024, quarter=1, program=u013)
                                   .values_list("indicator__external_id", flat=True))


def test_drill_down_lists_the_programs_results_in_mir_order(demo, client):
    p999, _ = demo
    login(client, "coordinador")
    page = client.get(url(1) + f"?programa={p999.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    results = page.context["results"]
    stored = QuarterResult.objects.filter(fiscal_year=2024, quarter=1, program=p999).select_related("indicator")
    assert sorted(r.pk for r in results) == sorted(r.pk for r in stored)
    order = [level.value for level in Level]
    assert [order.index(r.level) for r in results] == sorted(order.index(r.level) for r in results)
    for result in stored:
        assert f"<strong>{result.indicator.external_id}</strong> · {result.indicator.name}" in html
    # es-MX numbers (comma thousands) and the semáforo as a word, never colour alone.
    big = next(r for r in stored if r.meta is not None and r.meta >= 1000)
    assert text(big.meta) in html and "," in text(big.meta)
    lights = {r.semaforo for r in stored if r.semaforo}
    for light in lights:
        assert f'<span class="semaforo semaforo-{light}">{light}</span>' in html
    assert 'id="detalle"' in html and 'class="selected"' in html


def test_consulta_sees_the_dashboard(demo, client):
    p999, u013 = demo
    login(client, "consulta")
    page = client.get(url(2))
    assert page.status_code == 200
    programs = [row.program for row in page.context["program_rows"]]
    assert p999 in programs and u013 in programs
    html = page.content.decode()
    assert 'id="dashboard-data"' in html and "js/dashboard.js" in html and "vendor/chartjs/chart-4.4.6.umd.js" in html
    assert 'role="img" aria-label="' in html
    assert client.get(url(2) + f"?programa={p999.pk}").status_code == 200


def test_chart_data_follows_the_program_rows(demo, client):
    login(client, "coordinador")
    page = client.get(url(3))
    rows, chart = page.context["program_rows"], page.context["chart"]
    assert chart["labels"] == [row.program.clave for row in rows]
    assert chart["rojo"] == [row.rojo for row in rows]
    # Exact decimal strings without trailing zeros (e.g. "100", "0"), as the indicator chart sends them.
    assert chart["completeness"] == [None if row.completeness is None else format(row.completeness.normalize(), "f")
                                     for row in rows]
    assert all(value is None or isinstance(value, str) for value in chart["completeness"])


def test_navigation_links_the_other_quarters(demo, client):
    login(client, "coordinador")
    html = client.get(url(2)).content.decode()
    assert '<strong aria-current="page">T2</strong>' in html
    for quarter in (1, 3, 4):
        assert f'href="{url(quarter)}"' in html


def test_tablero_opens_on_the_quarter_whose_window_is_open(demo, client, django_user_model):
    """The demo keeps T1-2024 open; with results in every quarter of 2024, nobody lands on T4."""
    for username in ("coordinador", "capturista_ayo", "consulta", "admin"):
        login(client, username)
        response = client.get(reverse("simir:dashboard_latest"))
        assert response.status_code == 302 and response["Location"] == url(1, 2024)
        client.logout()


def test_tablero_redirects_to_the_latest_quarter_with_results_in_scope(demo, client, django_user_model):
    from reporting.models import CaptureWindow

    CaptureWindow.objects.all().delete()  # no window open: the latest quarter with a result
    for username in ("coordinador", "capturista_ayo", "consulta", "admin"):
        user = django_user_model.objects.get(username=username)
        latest = (results_for(user).filter(status="con resultado").order_by("-fiscal_year", "-quarter")
                  .values_list("fiscal_year", "quarter").first())
        login(client, username)
        response = client.get(reverse("simir:dashboard_latest"))
        assert response.status_code == 302
        assert response["Location"] == url(latest[1], latest[0])
        client.logout()
    # Derived above, spelled out here: AYO's only results with a value are U013's first quarter.
    user = django_user_model.objects.get(username="capturista_ayo")
    assert not results_for(user).filter(status="con resultado", quarter__gt=1).exists()


def test_anonymous_goes_to_login_and_bad_quarter_is_404(demo, client):
    assert client.get(url(1)).status_code == 302
    assert client.get(reverse("simir:dashboard_latest")).status_code == 302
    login(client, "coordinador")
    assert client.get(url(5)).status_code == 404
    empty = client.get(url(1, fiscal_year=2019))
    assert empty.status_code == 200 and "No hay resultados de programas de su alcance" in empty.content.decode()


def test_user_without_results_gets_a_page_not_a_redirect(db, client, django_user_model):
    django_user_model.objects.create_user("nadie", password=PASSWORD)
    login(client, "nadie")
    response = client.get(reverse("simir:dashboard_latest"))
    assert response.status_code == 200
    assert "Todavía no hay resultados trimestrales" in response.content.decode()


def _grow(n, p999, coordinador):
    """n more programas (UR ZZZ, in the coordinador's scope), each with an indicator of a new UR of
    the coordinador and its result, and n more indicator results of P999 for the drill-down."""
    zzz = ResponsibleUnit.objects.get(clave="ZZZ")
    matrix = Matrix.objects.get(program=p999)
    now = timezone.now()
    result = dict(fiscal_year=2024, quarter=1, level=Level.ACTIVIDAD, month=3, meta=D(50), avance=D(45),
                  compliance=D("90.00"), semaforo="verde", status="con resultado", green_yellow=D(10),
                  yellow_red=D(20), reported=True, approved=True, computed_at=now)
    for _ in range(n):
        program = ProgramFactory(ramo=zzz.ramo, responsible_unit=zzz)
        unit = ResponsibleUnitFactory(ramo=zzz.ramo)
        unit.members.add(coordinador)
        indicator = IndicatorFactory(objective=ObjectiveFactory(matrix__program=program), responsible_unit=unit)
        QuarterResult.objects.create(indicator=indicator, program=program, responsible_unit=unit, **result)
        indicator = IndicatorFactory(objective=ObjectiveFactory(matrix=matrix, clave=next(OBJECTIVE_CLAVES)))
        QuarterResult.objects.create(indicator=indicator, program=p999, responsible_unit=zzz, **result)


def test_constant_number_of_queries_whatever_the_number_of_rows(demo, client, django_user_model,
                                                                 django_assert_num_queries):
    p999, _ = demo
    coordinador = django_user_model.objects.get(username="coordinador")
    login(client, "coordinador")
    pages = [url(1), url(1) + f"?programa={p999.pk}"]
    _grow(1, p999, coordinador)
    client.get(pages[0])  # warm-up: session, content types
    counts, sizes = [], []
    for page in pages:
        cache.clear()  # the queries of building the page, not of reusing it
        with CaptureQueriesContext(connection) as few:
            response = client.get(page)
        counts.append(len(few.captured_queries))
        sizes.append((len(response.context["program_rows"]), len(response.context["results"] or [])))
    _grow(12, p999, coordinador)
    for page, count, (programs, results) in zip(pages, counts, sizes):
        cache.clear()
        with django_assert_num_queries(count):
            response = client.get(page)
        assert len(response.context["program_rows"]) == programs + 12
        assert len(response.context["unit_rows"]) >= 12
        if response.context["results"] is not None:
            assert len(response.context["results"]) == results + 12


def test_programme_table_pages_by_50_with_totals_of_every_programme(demo, client, django_user_model):
    p999, _ = demo
    coordinador = django_user_model.objects.get(username="coordinador")
    login(client, "coordinador")
    before = len(client.get(url(1)).context["program_rows"])
    _grow(60, p999, coordinador)
    first, second = client.get(url(1)), client.get(url(1), {"pagina": "2"})
    total = before + 60
    assert len(first.context["program_page"]) == 50 and len(second.context["program_page"]) == total - 50
    assert first.context["program_totals"] == second.context["program_totals"]
    assert first.context["program_totals"]["indicators"] == sum(r.indicators for r in first.context["program_rows"])
    assert len(first.context["chart"]["labels"]) == 50
    html = first.content.decode()
    assert f"Programas 1 a 50 de {total}" in html and f"Total ({total} programas)" in html
    assert '<a href="?pagina=2#por-programa">Siguiente »</a>' in html
    # The drill-down link keeps the page, and a page past the end or not a number is a page.
    chosen = second.context["program_page"][0]
    assert f'href="?pagina=2&amp;programa={chosen.program_id}#detalle"' in second.content.decode()
    assert client.get(url(1), {"pagina": "99"}).context["program_page"].number == 2
    assert client.get(url(1), {"pagina": "-1"}).context["program_page"].number == 2
    assert client.get(url(1), {"pagina": "x"}).context["program_page"].number == 1


def test_dashboard_tables_export_as_shown(client):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert client.login(username="capturista_zzz", password="simir-demo-2024")
    response = client.get("/tablero/2024/1/", {"_export": "csv", "tabla": "programas"})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:5] == ["Programa", "Nombre", "UR", "Registrados", "Con periodo"]
    assert [r[0] for r in rows[1:]] == ["P999"] and rows[1][3:8] == ["12", "9", "9", "0", "7"]
    response = client.get("/tablero/2024/1/", {"_export": "xlsx", "tabla": "ur"})
    assert response["Content-Disposition"].endswith('tablero_2024_T1_ur.xlsx"')


def test_page_is_reused_until_a_recompute_moves_the_aggregates_stamp(demo, client):
    p999, _ = demo
    login(client, "coordinador")
    cache.clear()
    sample = Indicator.objects.filter(matrix__program=p999, fiscal_year=2024).first()

    def shown():  # the P999 row of the programmes' table, as the page shows it
        html = client.get(url(1)).content.decode()
        return re.search(r"P999 · [^<]*</a>.*?</tr>", html, re.S).group(0)

    with CaptureQueriesContext(connection) as built:
        before = shown()
    extra = IndicatorFactory(matrix=sample.matrix, objective=sample.objective, fiscal_year=2024,
                             responsible_unit=sample.responsible_unit)  # registered, not a recompute: the stamp stays
    with CaptureQueriesContext(connection) as reused:
        assert shown() == before
    assert len(reused.captured_queries) < len(built.captured_queries)
    # A recompute of one indicator that changes no counter still stamps its groups anew: the page is
    # built again, and counts the indicator registered since.
    compute_quarters(2024, [1], indicator_ids=[sample.pk])
    assert shown() != before
    extra.delete()
    compute_year(2024)
    assert shown() == before
    # Another user's scope never gets this page.
    client.logout()
    login(client, "capturista_ayo")
    assert client.get(url(1), {"programa": p999.pk}).status_code == 404
