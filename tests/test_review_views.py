"""The coordinator's review screens: /revision/ (queue, filters, export, batch approval) and
/revision/<avance>/ (ficha, history and the approve / devolver / reabrir actions)."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from compliance.models import QuarterResult
from compliance import tables
from compliance.progress_readings import readings_for
from indicators import rules
from indicators.choices import AdjustmentStatus, AdjustmentType
from indicators.models import TargetAdjustment
from reporting.choices import ProgressStatus as S
from reporting.models import ProgressTransition
from reporting.readings import avance_semaforo
from tests.factories import IndicatorFactory, ProgressFactory, TargetFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("simir:review_queue")
APPROVE_MANY = reverse("simir:review_approve_many")


def sent(world, indicator, month=3, value=D(80), status=S.ENVIADO, **kwargs):
    note = "Revise la fuente" if status == S.DEVUELTO else ""
    return ProgressFactory(indicator=indicator, month=month, value=value, status=status, review_note=note,
                           submitted_by=world.cap_a, submitted_at=timezone.now(), **kwargs)


def indicator_of_a(world, meta=D(80), month=3):
    indicator = IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a)
    if meta is not None:
        TargetFactory(indicator=indicator, month=month, value=meta)
    return indicator


def stored_result(progress, semaforo, compliance=D(100)):
    """A QuarterResult computed from this avance (the queue must prefer it to recomputing)."""
    indicator = progress.indicator
    return QuarterResult.objects.create(
        indicator=indicator, fiscal_year=progress.fiscal_year, quarter=rules.quarter_of_month(progress.month),
        program=indicator.matrix.program, responsible_unit=indicator.responsible_unit,
        level=indicator.objective.level, month=progress.month, meta=D(80), avance=progress.value, progress=progress,
        compliance=compliance, semaforo=semaforo, status=rules.Estado.CON_RESULTADO, green_yellow=D(10),
        yellow_red=D(20), reported=True, computed_at=timezone.now(),
    )


def shown(response):
    return [row.record for row in response.context["table"].paginated_rows]


def queue(client, user, **params):
    client.force_login(user)
    return client.get(QUEUE, params)


def detail_url(progress):
    return reverse("simir:review_detail", args=[progress.pk])


# --- Queue ---------------------------------------------------------------------------------


def test_queue_shows_only_sent_avances_in_scope(world, client):
    own = sent(world, world.ind_a)
    sent(world, world.ind_a, month=6, status=S.BORRADOR)
    sent(world, world.ind_b)  # UR B: outside coord_a's scope
    response = queue(client, world.coord_a)
    assert response.status_code == 200
    assert shown(response) == [own]
    html = response.content.decode()
    assert f'href="{detail_url(own)}"' in html
    assert '<span class="semaforo semaforo-verde">verde</span>' in html
    assert 'name="seleccion"' in html and "1 avance enviado por revisar" in html
    # An explicit empty estado means «todos», still within the scope.
    assert {p.month for p in shown(queue(client, world.coord_a, estado=""))} == {3, 6}


def test_queue_formats_numbers_and_dates_in_es_mx(world, client):
    indicator = indicator_of_a(world, meta=D(2000))
    progress = sent(world, indicator, value=D("1955.918874"))
    progress.submitted_at = timezone.datetime(2024, 4, 5, 16, 30, tzinfo=rules.MEXICO_CITY)
    progress.save()
    html = queue(client, world.coord_a).content.decode()
    assert '<td class="num">1,955.92</td>' in html
    assert "05/04/2024 16:30" in html
    assert "2024-03" in html and world.program_a.clave in html and "AAA" in html


def test_capturista_gets_404_everywhere(world, client):
    progress = sent(world, world.ind_a)
    client.force_login(world.cap_a)
    assert client.get(QUEUE).status_code == 404
    assert client.get(detail_url(progress)).status_code == 404
    assert client.post(detail_url(progress), {"action": "aprobar"}).status_code == 404
    assert client.post(APPROVE_MANY, {"seleccion": [progress.pk]}).status_code == 404
    progress.refresh_from_db()
    assert progress.status == S.ENVIADO


def test_anonymous_is_sent_to_login(world, client):
    assert client.get(QUEUE).status_code == 302


def test_coordinator_of_another_unit_gets_404(world, client):
    foreign = sent(world, world.ind_b)
    client.force_login(world.coord_a)
    assert client.get(detail_url(foreign)).status_code == 404
    assert client.post(detail_url(foreign), {"action": "aprobar"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == S.ENVIADO


# --- Review page ---------------------------------------------------------------------------


def test_review_page_shows_ficha_history_and_only_valid_actions(world, client):
    world.ind_a.definition = "Mide la cobertura"
    world.ind_a.calculation_method = "(A / B) × 100"
    world.ind_a.frequency = "Mensual"
    world.ind_a.save()
    TargetFactory(indicator=world.ind_a, month=1, value=D(1000))
    sent(world, world.ind_a, month=1, value=D(1500), status=S.APROBADO)
    progress = sent(world, world.ind_a, value=D(60), cause="Retraso en la entrega", effect="Menor cobertura")
    ProgressTransition.objects.create(progress=progress, from_status=S.BORRADOR, to_status=S.ENVIADO,
                                      user=world.cap_a, note="")
    client.force_login(world.coord_a)
    response = client.get(detail_url(progress))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Mide la cobertura", "(A / B) × 100", "Mensual", "Ascendente", "Retraso en la entrega",
                 "Menor cobertura", "75.00 %", '<span class="semaforo semaforo-rojo">rojo</span>',
                 "Borrador → Enviado", "cap_a", "1,000", "1,500", "Sin avance"]:
        assert text in html, text
    assert [row["month"] for row in response.context["history"]] == [1, 2]
    assert 'value="aprobar"' in html and 'value="devolver"' in html and 'value="reabrir"' not in html


@pytest.mark.embedded
def test_approve_from_the_review_page(world, client):
    progress = sent(world, world.ind_a)
    client.force_login(world.coord_a)
    response = client.post(detail_url(progress), {"action": "aprobar"}, follow=True)
    assert response.redirect_chain == [(QUEUE, 302)]
    progress.refresh_from_db()
    assert progress.status == S.APROBADO and progress.reviewed_by == world.coord_a
    assert ProgressTransition.objects.get(progress=progress).to_status == S.APROBADO
    assert f"Avance {world.ind_a.external_id} (2024-03) aprobado." in response.content.decode()


@pytest.mark.embedded
def test_returning_needs_an_observation(world, client):
    progress = sent(world, world.ind_a)
    client.force_login(world.coord_a)
    response = client.post(detail_url(progress), {"action": "devolver", "note": "  "})
    assert response.status_code == 200
    assert "Para devolver un avance hay que escribir la observación." in response.content.decode()
    progress.refresh_from_db()
    assert progress.status == S.ENVIADO and progress.version == 1 and not progress.transitions.exists()

    response = client.post(detail_url(progress), {"action": "devolver", "note": "Falta la evidencia"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    progress.refresh_from_db()
    assert progress.status == S.DEVUELTO and progress.review_note == "Falta la evidencia"


def test_reopening_an_approved_avance_needs_a_reason(world, client):
    progress = sent(world, world.ind_a, status=S.APROBADO)
    client.force_login(world.coord_a)
    html = client.get(detail_url(progress)).content.decode()
    assert 'value="reabrir"' in html and 'value="aprobar"' not in html and 'value="devolver"' not in html
    response = client.post(detail_url(progress), {"action": "reabrir", "note": ""})
    assert "Para reabrir un avance aprobado hay que escribir el motivo." in response.content.decode()
    progress.refresh_from_db()
    assert progress.status == S.APROBADO
    client.post(detail_url(progress), {"action": "reabrir", "note": "Cifra corregida por la UR"})
    progress.refresh_from_db()
    assert progress.status == S.DEVUELTO and progress.review_note == "Cifra corregida por la UR"


def test_an_action_that_no_longer_applies_is_explained(world, client):
    progress = sent(world, world.ind_a, status=S.APROBADO)  # approved by someone else meanwhile
    client.force_login(world.coord_a)
    response = client.post(detail_url(progress), {"action": "aprobar"})
    assert "No se puede «aprobar» un avance en estado aprobado." in response.content.decode()


# --- Batch approval ------------------------------------------------------------------------


@pytest.mark.embedded
def test_batch_approval_reports_each_failure(world, client):
    first, second = sent(world, world.ind_a), sent(world, indicator_of_a(world))
    draft = sent(world, indicator_of_a(world), status=S.BORRADOR)
    foreign = sent(world, world.ind_b)
    client.force_login(world.coord_a)
    back = QUEUE + "?trimestre=1"
    response = client.post(APPROVE_MANY, {"seleccion": [first.pk, second.pk, draft.pk, foreign.pk, "x"],
                                          "next": back}, follow=True)
    assert response.redirect_chain == [(back, 302)]
    for progress, status in [(first, S.APROBADO), (second, S.APROBADO), (draft, S.BORRADOR), (foreign, S.ENVIADO)]:
        progress.refresh_from_db()
        assert progress.status == status
    assert (
        f"2 avances aprobados; 1 con error: {draft.indicator.external_id} (2024-03): "
        "No se puede «aprobar» un avance en estado borrador.; 1 no encontrado en su alcance"
    ) in response.content.decode()


def test_batch_approval_without_selection_or_with_foreign_next(world, client):
    client.force_login(world.coord_a)
    for foreign in ("https://example.com/", "//example.com/", "x", "simir:desk"):
        response = client.post(APPROVE_MANY, {"next": foreign}, follow=True)
        assert response.redirect_chain == [(QUEUE, 302)]
    assert "Seleccione al menos un avance para aprobar." in response.content.decode()
    assert client.get(APPROVE_MANY).status_code == 405


# --- Filters -------------------------------------------------------------------------------


def test_quarter_filter(world, client):
    first = sent(world, world.ind_a, month=3)
    second = sent(world, indicator_of_a(world, month=6), month=6)
    assert shown(queue(client, world.coord_a, trimestre=2)) == [second]
    assert shown(queue(client, world.coord_a, trimestre=1)) == [first]


def test_pending_count_is_the_scopes_whatever_the_filters_and_counted_once_by_default(world, client):
    for month in (3, 6):
        sent(world, indicator_of_a(world, month=month), month=month)
    sent(world, indicator_of_a(world), status=S.BORRADOR)
    sent(world, world.ind_b)  # another UR: not in the count
    client.force_login(world.coord_a)
    with CaptureQueriesContext(connection) as default:
        page = client.get(QUEUE)
    assert "2 avances enviados por revisar" in page.content.decode()
    assert sum("COUNT(" in q["sql"] for q in default.captured_queries) == 1
    for filters in ({"trimestre": 1}, {"estado": ""}, {"semaforo": "verde"}):
        assert "2 avances enviados por revisar" in queue(client, world.coord_a, **filters).content.decode()


def test_semaforo_filter_uses_stored_results_and_computed_ones(world, client):
    green = sent(world, world.ind_a, value=D(80))
    red_computed = sent(world, indicator_of_a(world), value=D(60))
    red_stored = sent(world, indicator_of_a(world), value=D(80))
    stored_result(red_stored, rules.Semaforo.ROJO, D(50))  # the stored result wins over recomputing
    yellow = sent(world, indicator_of_a(world), value=D(70))
    without_meta = sent(world, indicator_of_a(world, meta=None), value=D(70))
    assert set(shown(queue(client, world.coord_a, semaforo="rojo"))) == {red_computed, red_stored}
    assert shown(queue(client, world.coord_a, semaforo="verde")) == [green]
    assert shown(queue(client, world.coord_a, semaforo="amarillo")) == [yellow]
    assert shown(queue(client, world.coord_a, semaforo="sin-meta")) == [without_meta]
    assert shown(queue(client, world.coord_a, semaforo="rojo", trimestre=2)) == []
    stored_without_meta = sent(world, indicator_of_a(world), value=D(90))
    stored_result(stored_without_meta, "", None)  # computed when its meta did not exist yet
    assert set(shown(queue(client, world.coord_a, semaforo="sin-meta"))) == {without_meta, stored_without_meta}
    assert stored_without_meta not in shown(queue(client, world.coord_a, semaforo="verde"))


def test_program_filter_only_offers_the_scope(world, client):
    sent(world, world.ind_a)
    sent(world, world.ind_b)
    response = queue(client, world.coord_a)
    offered = list(response.context["filter"].form.fields["programa"].queryset)
    assert offered == [world.program_a]
    assert list(response.context["filter"].form.fields["ur"].queryset) == [world.unit_a]
    response = queue(client, world.coord_a, programa=world.ind_b.matrix.program.pk)
    assert response.context["filter"].errors  # not a valid choice: ignored, nothing foreign shown


def test_readings_agree_with_avance_semaforo_unless_a_result_used_the_avance(world):
    TargetAdjustment.objects.create(
        target=world.ind_a.targets.get(month=3), value=D(100), adjustment_type=AdjustmentType.META,
        justification="Ampliación", status=AdjustmentStatus.APROBADO, decided_at=timezone.now(),
    )
    computed = sent(world, world.ind_a, value=D(85))
    stored = sent(world, indicator_of_a(world), value=D(80))
    stored_result(stored, rules.Semaforo.AMARILLO, D(88))
    readings = readings_for([computed, stored])
    assert readings[computed.pk].meta == D(100)  # meta vigente = the approved adjustment
    assert readings[computed.pk].semaforo == avance_semaforo(world.ind_a, 2024, 3, D(85)) == "amarillo"
    assert readings[stored.pk].semaforo == "amarillo" and readings[stored.pk].compliance == D(88)


def test_queue_pages_by_25_and_sorts(world, client):
    for i in range(26):
        sent(world, indicator_of_a(world), value=D(50 + i))
    first_page = shown(queue(client, world.coord_a))
    assert len(first_page) == 25 and len(shown(queue(client, world.coord_a, pagina=2))) == 1
    values = [p.value for p in shown(queue(client, world.coord_a, orden="-valor"))]
    assert values == sorted(values, reverse=True) and values[0] == D(75)


@pytest.mark.parametrize("per_page", ["-1", "1", "1000000"])
def test_queue_page_size_is_not_chosen_by_the_query_string(world, client, per_page):
    for i in range(26):
        sent(world, indicator_of_a(world), value=D(50 + i))
    assert len(shown(queue(client, world.coord_a, per_page=per_page))) == 25
    assert len(shown(queue(client, world.coord_a, pagina="99"))) == 1  # past the end: the last page
    assert len(shown(queue(client, world.coord_a, pagina="-3"))) == 25  # not a page number: the first


def test_queue_is_served_oldest_first_by_default(world, client):
    # Created newest first, so neither the primary key nor Meta.ordering gives arrival order.
    now = timezone.now()
    arrivals = []
    for minutes in (5, 30, 10):
        progress = sent(world, indicator_of_a(world))
        progress.submitted_at = now - timezone.timedelta(minutes=minutes)
        progress.save(update_fields=["submitted_at"])
        arrivals.append(progress)
    tied = sent(world, indicator_of_a(world))
    tied.submitted_at = arrivals[0].submitted_at
    tied.save(update_fields=["submitted_at"])
    expected = [arrivals[1], arrivals[2], arrivals[0], tied]  # ties broken by arrival in the database
    assert [p.pk for p in shown(queue(client, world.coord_a))] == [p.pk for p in expected]


# --- Export and query count ----------------------------------------------------------------


def test_csv_and_xlsx_export_the_filtered_rows(world, client):
    first = sent(world, world.ind_a, value=D("1234.5"))
    sent(world, indicator_of_a(world, month=6), month=6)
    response = queue(client, world.coord_a, trimestre=1, _export="csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0] == ["Programa", "UR", "Nivel", "Indicador", "Periodo", "Valor", "Semáforo", "Estado",
                       "Enviado el", "Enviado por"]
    assert len(rows) == 2
    assert rows[1][:8] == [world.program_a.clave, "AAA", "Actividad", f"{first.indicator.external_id} "
                           f"{first.indicator.name}", "2024-03", "1,234.50", "rojo", "Enviado"]
    assert rows[1][9] == "cap_a"

    response = queue(client, world.coord_a, _export="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Programa" and len(values) == 3
    assert D(str(values[1][5])) in {D("1234.5"), D(80)}


def test_export_reads_the_semaforo_a_chunk_at_a_time_with_the_same_result(world, client, monkeypatch):
    values = [D(80), D(60), D(70), D(95), D(40), D(79)]
    for value in values:
        sent(world, indicator_of_a(world), value=value)
    whole = list(csv.reader(io.StringIO(queue(client, world.coord_a, _export="csv").getvalue().decode("utf-8-sig"))))
    monkeypatch.setattr(tables, "READING_CHUNK", 1)
    chunked = list(csv.reader(io.StringIO(queue(client, world.coord_a, _export="csv").getvalue().decode("utf-8-sig"))))
    assert chunked == whole and len(whole) == len(values) + 1
    assert sorted(row[6] for row in whole[1:]) == ["amarillo", "amarillo", "rojo", "rojo", "verde", "verde"]


def make_queue_rows(world, count, start=0):
    """Verde avances of distinct indicators: every other one with a stored result, the rest read
    live (every third against an adjusted meta), so 2 and 20 rows exercise the same paths."""
    for i in range(start, start + count):
        indicator = indicator_of_a(world)
        if i % 3 == 0:
            TargetAdjustment.objects.create(
                target=indicator.targets.get(), value=D(84), adjustment_type=AdjustmentType.META,
                justification="Ajuste", status=AdjustmentStatus.APROBADO, decided_at=timezone.now(),
            )
        progress = sent(world, indicator, value=D(80))
        if i % 2:
            stored_result(progress, rules.Semaforo.VERDE)


def test_queue_runs_a_constant_number_of_queries(world, client, django_assert_num_queries):
    filtered = {"semaforo": "verde", "trimestre": 1, "nivel": "Actividad"}
    make_queue_rows(world, 2)
    client.force_login(world.coord_a)
    with CaptureQueriesContext(connection) as plain_two:
        assert len(shown(client.get(QUEUE))) == 2
    with CaptureQueriesContext(connection) as filtered_two:
        assert shown(client.get(QUEUE, filtered))
    make_queue_rows(world, 18, start=2)
    with django_assert_num_queries(len(plain_two)):
        assert len(shown(client.get(QUEUE))) == 20
    with django_assert_num_queries(len(filtered_two)):
        assert len(shown(client.get(QUEUE, filtered))) == 20


def test_detail_explains_the_semaforo_with_the_avance_numbers(world, client):
    progress = sent(world, indicator_of_a(world, meta=D(80)), value=D(72))
    client.force_login(world.coord_a)
    html = client.get(detail_url(progress)).content.decode()
    assert "¿Por qué este semáforo?" in html
    assert "80 — versión 1: meta programada" in html
    assert '<dd class="why-deviation">10.00</dd>' in html
    assert "= 90.00</dd>" in html


def test_semaforo_filter_lists_exactly_the_avances_of_that_semaforo_stored_or_not(world, client):
    """After a recompute every avance waiting for review has a stored reading and is filtered in
    SQL; one sent since, one whose value changed since, and drafts are read as `readings_for` does. Each filtered page is exactly what `avance_semaforo` (rules.py) says."""
    from compliance.engine import compute_year
    from compliance.models import ProgressReading
    from indicators.choices import Frequency

    def monthly(metas):
        indicator = IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a,
                                     frequency=Frequency.MENSUAL)
        for month, meta in metas.items():
            TargetFactory(indicator=indicator, month=month, value=meta)
        return indicator

    first, second = monthly({1: D(80), 2: D(80), 3: D(80)}), monthly({1: D(80), 3: D(80)})
    for month, value in ((1, D(80)), (2, D(70)), (3, D(60))):
        sent(world, first, month=month, value=value)
    sent(world, second, month=1, value=D(60))
    sent(world, second, month=2, value=D(90))  # no meta for February
    sent(world, world.ind_a, value=D(70))
    compute_year(2024)
    assert ProgressReading.objects.count() == 6  # every avance waiting for review
    later = monthly({1: D(80)})
    sent(world, later, month=1, value=D(70))  # after the recompute: no stored reading yet
    changed = first.progress.get(month=1)
    type(changed).objects.filter(pk=changed.pk).update(value=D(60))  # its reading was for 80
    sent(world, monthly({2: D(80)}), month=2, value=D(80), status=S.BORRADOR)
    every = list(type(changed).objects.filter(indicator__responsible_unit=world.unit_a).select_related("indicator"))
    nonempty = set()
    for light in ("verde", "amarillo", "rojo", "sin-meta"):
        for estado in (S.ENVIADO, ""):
            expected = {p.pk for p in every if (estado == "" or p.status == estado)
                        and (avance_semaforo(p.indicator, 2024, p.month, p.value) or "sin-meta") == light}
            listed = {p.pk for p in shown(queue(client, world.coord_a, semaforo=light, estado=estado))}
            assert listed == expected, (light, estado)
            nonempty |= {light} if expected else set()
    assert nonempty == {"verde", "amarillo", "rojo", "sin-meta"}
    assert {p.pk for p in shown(queue(client, world.coord_a, semaforo="rojo"))} >= {changed.pk}
    # The stored reading is what the filter reads: a tampered one moves its avance.
    kept = ProgressReading.objects.get(progress__indicator=second, progress__month=1)
    assert kept.semaforo == "rojo"
    ProgressReading.objects.filter(pk=kept.pk).update(semaforo="verde")
    assert kept.pk in {p.pk for p in shown(queue(client, world.coord_a, semaforo="verde"))}
