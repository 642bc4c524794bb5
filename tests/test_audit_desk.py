"""The audit a person can read, the homes that say what is pending, and the catalog search."""

import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from compliance.engine import compute_year
from indicators import rules
from indicators.choices import AdjustmentType
from reporting.evidence import attach_evidence
from reporting.services import (
    decide_adjustment,
    grant_extension,
    request_adjustment,
    save_progress,
    set_capture_window,
)
from reporting.workflow import Action, transition

pytestmark = pytest.mark.django_db


def test_audit_has_one_row_per_action_with_names_labels_and_local_time(world, client):
    world.cap_a.first_name, world.cap_a.last_name = "Ana", "Pérez"
    world.cap_a.save()
    progress = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(70), cause="Retraso", effect="Menos")
    progress = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D("70.5"), numerator=None, cause="Retraso",
                             effect="Menor cobertura", expected_version=progress.version)
    attach_evidence(world.cap_a, progress, SimpleUploadedFile("lista.pdf", b"%PDF-1.4"))
    transition(world.cap_a, progress, Action.ENVIAR)
    transition(world.coord, progress, Action.DEVOLVER, note="Falta el oficio")
    adjustment = request_adjustment(world.cap_a, world.ind_a, 2024, 3, adjustment_type=AdjustmentType.META,
                                    justification="Recorte", value=D(75))
    decide_adjustment(world.coord, adjustment, approve=True)
    now = timezone.now()
    set_capture_window(world.coord, 2024, 1, now - timedelta(days=1), now + timedelta(days=3), "Ampliación")
    grant_extension(world.coord, 2024, 1, now + timedelta(days=5), "Cambio de titular", responsible_unit=world.unit_a)
    grant_extension(world.coord, 2024, 1, now + timedelta(days=5), "Otra UR", responsible_unit=world.unit_b)

    client.force_login(world.cap_a)
    entries = client.get(reverse("simir:audit", args=[world.ind_a.pk])).context["entries"]
    rows = [(e.who, e.subject, e.action, e.changes_text, e.reason) for e in reversed(entries)
            if not e.subject.startswith(("Ficha", "Meta 2024"))][1:]  # [0]: the fixture's window
    assert rows == [
        ("Ana Pérez", "Avance 2024-03", "alta", "valor: — → 70\ncausa: — → Retraso\nefecto: — → Menos\n"
         "estado: — → Borrador\ncapturado por: — → Ana Pérez", "Captura"),
        ("Ana Pérez", "Avance 2024-03", "cambio", "valor: 70 → 70.5\nefecto: Menos → Menor cobertura", "Captura"),
        ("Ana Pérez", "Avance 2024-03", "evidencia", "archivo: — → lista.pdf", ""),
        ("Ana Pérez", "Avance 2024-03", "flujo", entries_changes(entries, "Enviar"), "Enviar"),
        ("coord", "Avance 2024-03", "flujo", entries_changes(entries, "Falta el oficio"), "Falta el oficio"),
        ("Ana Pérez", "Ajuste de meta 2024-03", "alta",
         "meta ajustada: — → 75\ntipo de ajuste: — → Ajuste de meta\njustificación: — → Recorte\n"
         "estado: — → Solicitado\nsolicitado por: — → Ana Pérez", "Solicitud de ajuste"),
        ("coord", "Ajuste de meta 2024-03", "cambio", entries_changes(entries, "Aprobado"), "Aprobado"),
        ("coord", "Ventana de captura T1-2024", "cambio", entries_changes(entries, "Ampliación"), "Ampliación"),
        ("coord", "Prórroga T1-2024", "alta", entries_changes(entries, "Cambio de titular"), "Cambio de titular"),
    ]
    step = next(e for e in entries if e.reason == "Enviar")
    assert "estado: Borrador → Enviado" in step.changes_text and "enviado por: — → Ana Pérez" in step.changes_text
    assert "estado: Enviado → Devuelto" in next(e for e in entries if e.reason == "Falta el oficio").changes_text
    decision = next(e for e in entries if e.reason == "Aprobado").changes_text
    assert "estado: Solicitado → Aprobado" in decision and "resuelto por: — → coord" in decision
    # Local time of Mexico City, to the second.
    assert step.local == timezone.localtime(step.when, rules.MEXICO_CITY).replace(microsecond=0, tzinfo=None)
    html = client.get(reverse("simir:audit", args=[world.ind_a.pk])).content.decode()
    assert step.local.strftime("%d/%m/%Y %H:%M:%S") in html and "Ana Pérez" in html and "Otra UR" not in html
    sheet = load_workbook(io.BytesIO(client.get(reverse("simir:audit_xlsx", args=[world.ind_a.pk])).content)).active
    xlsx_rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(xlsx_rows) == len(entries)
    assert xlsx_rows[[e.reason for e in entries].index("Enviar")] == (
        step.local, "Ana Pérez", "Avance 2024-03", "flujo", step.changes_text, "Enviar")


def entries_changes(entries, reason):
    return next(e for e in entries if e.reason == reason).changes_text


# --- Home ---------------------------------------------------------------------------------


def _home_world(world):
    from indicators.choices import Frequency
    from programs.models import State
    from tests.factories import IndicatorFactory, ProgressFactory

    same = {"objective__matrix": world.matrix_a, "responsible_unit": world.unit_a}
    for status in ("borrador", "borrador", "devuelto", "enviado", "aprobado"):
        ProgressFactory(indicator=IndicatorFactory(**same), status=status)
    IndicatorFactory(**same, frequency=Frequency.ANUAL)  # no period in T1: not a row of the quarter
    state = State.objects.order_by("clave").first()  # the catalog comes with the migrations
    ProgressFactory(indicator=world.ind_a, state=state)  # an entidad's figure is not the national avance
    ProgressFactory(indicator=world.ind_b, status="enviado")
    compute_year(2024)  # the home counts the periods of the stored results, as the dashboard does


STATES = ["sin_capturar", "borrador", "devuelto", "enviado", "aprobado"]


def counts_of(page):
    quarter = page.context["quarters"][0]
    return ([(row.program_id, {name: row[name] for name in STATES}) for row in quarter["programs"]],
            {name: quarter["totals"][name] for name in STATES})


def test_home_counts_each_state_per_programme_with_totals(world, client):
    _home_world(world)
    client.force_login(world.cap_a)
    page = client.get("/")
    rows, totals = counts_of(page)
    a = {"sin_capturar": 1, "borrador": 2, "devuelto": 1, "enviado": 1, "aprobado": 1}
    assert rows == [(world.program_a.pk, a)] and totals == a
    html = page.content.decode()
    assert "Sin capturar" in html and "Total" in html and "captura abierta hasta el" in html
    client.force_login(world.coord)
    rows, totals = counts_of(client.get("/"))
    b = {"sin_capturar": 0, "borrador": 0, "devuelto": 0, "enviado": 1, "aprobado": 0}
    assert rows == [(world.program_a.pk, a), (world.ind_b.matrix.program_id, b)]
    assert totals == {"sin_capturar": 1, "borrador": 2, "devuelto": 1, "enviado": 2, "aprobado": 1}
    client.force_login(world.cap_b)
    rows, totals = counts_of(client.get("/"))
    assert rows == [(world.ind_b.matrix.program_id, b)] and totals == b


def test_home_without_an_open_window_shows_the_latest_quarter_with_data(world, client):
    from reporting.models import CaptureWindow
    from tests.factories import ProgressFactory, TargetFactory

    CaptureWindow.objects.all().delete()
    TargetFactory(indicator=world.ind_a, month=6, value=D(80))
    ProgressFactory(indicator=world.ind_a, month=6, status="enviado")
    compute_year(2024)
    client.force_login(world.cap_a)
    page = client.get("/")
    quarter = page.context["quarters"][0]
    assert (quarter["fiscal_year"], quarter["quarter"], quarter["is_open"]) == (2024, 2, False)
    assert "último con datos" in page.content.decode()
    rows, totals = counts_of(page)
    assert totals == {"sin_capturar": 0, "borrador": 0, "devuelto": 0, "enviado": 1, "aprobado": 0}


# --- Catalog search -----------------------------------------------------------------------


def test_catalog_search_ignores_accents_and_case(world, client):
    from indicators.models import Indicator

    Indicator.objects.filter(pk=world.ind_a.pk).update(name="Porcentaje de VACUNACIÓN en niñas y niños")
    Indicator.objects.filter(pk=world.ind_b.pk).update(name="Cobertura de vacunación")
    client.force_login(world.coord_a)
    for typed in ("vacunacion", "Vacunación", "VACUNACION", "ninas y NIÑOS"):
        shown = [i.pk for i in client.get(reverse("simir:indicator_list"), {"q": typed}).context["filter"].qs]
        assert shown == [world.ind_a.pk], typed  # ind_b matches too, but is outside coord_a's scope
    client.force_login(world.coord)
    shown = {i.pk for i in client.get(reverse("simir:indicator_list"), {"q": "vacunacion"}).context["filter"].qs}
    assert shown == {world.ind_a.pk, world.ind_b.pk}
    assert not client.get(reverse("simir:indicator_list"), {"q": "vacunaciónes"}).context["filter"].qs.exists()
    assert [i.pk for i in client.get(reverse("simir:indicator_list"),
                                     {"q": world.ind_b.external_id}).context["filter"].qs] == [world.ind_b.pk]
