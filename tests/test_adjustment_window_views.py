"""Meta adjustments and capture windows on the web, with users of two URs (the `world` fixture)."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.models import QuarterResult
from indicators.choices import AdjustmentStatus, AdjustmentType
from indicators.models import TargetAdjustment
from reporting.models import CaptureWindow, Progress, WindowExtension
from reporting.services import request_adjustment, save_progress
from reporting.workflow import Action, transition

pytestmark = pytest.mark.django_db


def ask(client, indicator, **overrides):
    data = {"month": 3, "adjustment_type": AdjustmentType.META, "value": "75", "numerator": "", "denominator": "",
            "justification": "Recorte presupuestal de marzo"} | overrides
    return client.post(reverse("simir:adjustment_request", args=[indicator.pk]), data)


def test_request_approve_and_the_new_meta_gives_the_new_cumplimiento(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        progress = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(60), cause="Retraso", effect="Menos")
        transition(world.cap_a, progress, Action.ENVIAR)  # a draft does not count yet
    assert QuarterResult.objects.get(indicator=world.ind_a, quarter=1).compliance == D("75.00")  # 60 / 80
    client.force_login(world.cap_a)
    response = ask(client, world.ind_a, value="1,000.5")  # es-MX grouping, through parse_number
    adjustment = TargetAdjustment.objects.get()
    assert response.status_code == 302 and response.url == reverse("simir:adjustment_detail", args=[adjustment.pk])
    assert (adjustment.value, adjustment.requested_by, adjustment.status) == (D("1000.5"), world.cap_a, "solicitado")
    adjustment.delete()
    ask(client, world.ind_a)
    adjustment = TargetAdjustment.objects.get()
    # The capturista sees it but cannot decide: 403.
    page = client.get(reverse("simir:adjustment_detail", args=[adjustment.pk]))
    assert page.status_code == 200 and "Aprobar: será la meta vigente" not in page.content.decode()
    assert client.post(reverse("simir:adjustment_decide", args=[adjustment.pk]),
                       {"decision": "aprobar"}).status_code == 403
    client.force_login(world.coord_a)
    comparison = client.get(reverse("simir:adjustment_detail", args=[adjustment.pk])).context["comparison"]
    assert (comparison["meta_now"], comparison["now"].cumplimiento, comparison["adjusted"].cumplimiento) == (
        D(80), D("75.00"), D("80.00"))  # what the coordinator sees before deciding
    listing = client.get(reverse("simir:adjustment_list")).content.decode()
    assert world.ind_a.external_id in listing and "Resolver" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("simir:adjustment_decide", args=[adjustment.pk]), {"decision": "aprobar"})
    assert response.status_code == 302
    adjustment.refresh_from_db()
    assert (adjustment.status, adjustment.decided_by) == (AdjustmentStatus.APROBADO, world.coord_a)
    assert adjustment.target.current_value == D(75)
    result = QuarterResult.objects.get(indicator=world.ind_a, quarter=1)
    assert (result.meta, result.adjustment_id, result.compliance) == (D(75), adjustment.pk, D("80.00"))  # 60 / 75


def test_request_errors_stay_on_the_form(world, client):
    client.force_login(world.cap_a)
    response = ask(client, world.ind_a, value="12,34,5x", justification=" ")
    html = response.content.decode()
    assert response.status_code == 200 and "no es un número" in html
    response = ask(client, world.ind_a, month=2)  # not a period of a quarterly indicator
    assert response.status_code == 200 and "Seleccione una opción válida" in response.content.decode()
    Progress.objects.create(indicator=world.ind_a, fiscal_year=2024, month=3, value=D(80), status="aprobado")
    response = ask(client, world.ind_a)
    assert "ya tiene un avance aprobado" in response.content.decode()
    assert not TargetAdjustment.objects.exists()


def test_rejection_needs_a_reason(world, client):
    adjustment = request_adjustment(world.cap_a, world.ind_a, 2024, 3, adjustment_type=AdjustmentType.META,
                                    justification="Recorte", value=D(70))
    client.force_login(world.coord)
    url = reverse("simir:adjustment_decide", args=[adjustment.pk])
    client.post(url, {"decision": "rechazar", "note": ""})
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.SOLICITADO
    client.post(url, {"decision": "rechazar", "note": "No hay oficio de la SHCP"})
    adjustment.refresh_from_db()
    assert (adjustment.status, adjustment.decision_note) == (AdjustmentStatus.RECHAZADO, "No hay oficio de la SHCP")
    assert "Rechazado" in client.get(reverse("simir:adjustment_list"), {"estado": "todos"}).content.decode()


def test_adjustments_outside_scope_are_404_and_consulta_may_not_request(world, client):
    own = request_adjustment(world.cap_a, world.ind_a, 2024, 3, adjustment_type=AdjustmentType.META,
                             justification="Recorte", value=D(70))
    foreign = request_adjustment(world.cap_b, world.ind_b, 2024, 3, adjustment_type=AdjustmentType.META,
                                 justification="Recorte", value=D(70))
    client.force_login(world.cap_a)
    assert client.get(reverse("simir:adjustment_request", args=[world.ind_b.pk])).status_code == 404
    assert client.get(reverse("simir:adjustment_detail", args=[foreign.pk])).status_code == 404
    listing = client.get(reverse("simir:adjustment_list")).content.decode()
    assert world.ind_a.external_id in listing and world.ind_b.external_id not in listing
    client.force_login(world.coord_a)
    assert client.post(reverse("simir:adjustment_decide", args=[foreign.pk]), {"decision": "aprobar"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == AdjustmentStatus.SOLICITADO
    client.force_login(world.consulta)
    assert client.get(reverse("simir:adjustment_request", args=[world.ind_a.pk])).status_code == 403
    assert client.post(reverse("simir:adjustment_decide", args=[own.pk]), {"decision": "aprobar"}).status_code == 403
    assert client.get(reverse("simir:adjustment_detail", args=[own.pk])).status_code == 200


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_closing_the_window_stops_the_capturista_until_a_prorroga(world, client):
    client.force_login(world.coord)
    now = timezone.now()
    response = client.post(reverse("simir:window_save", args=[2024, 1]), {
        "t1-opens_at": local(now - timedelta(days=5)), "t1-closes_at": local(now - timedelta(hours=1)),
        "t1-note": "Cierre anticipado"})
    assert response.status_code == 302
    window = CaptureWindow.objects.get(fiscal_year=2024, quarter=1)
    assert window.note == "Cierre anticipado" and window.closes_at < now
    assert window.history.first().history_user == world.coord
    client.force_login(world.cap_a)
    capture = reverse("simir:capture", args=[2024, 1, world.program_a.pk])
    row = f"r{world.ind_a.pk}-3"
    post = {f"{row}-version": "", f"{row}-value": "70", f"{row}-numerator": "70", f"{row}-denominator": "100",
            f"{row}-cause": "", f"{row}-effect": "",
            f"{row}-other_reasons": "", "action": "guardar"}
    assert "pida una prórroga" in client.get(capture).content.decode()  # the row is read-only, with the reason
    assert "pida una prórroga" in client.post(capture, post).content.decode()  # refused beside its row
    assert not Progress.objects.exists()
    client.force_login(world.coord_a)
    response = client.post(reverse("simir:extension_grant", args=[2024]), {
        "quarter": 1, "target": f"ur-{world.unit_a.pk}", "until": local(now + timedelta(days=2)),
        "reason": "Falla del sistema estatal"})
    assert response.status_code == 302
    extension = WindowExtension.objects.get()
    assert (extension.responsible_unit, extension.granted_by) == (world.unit_a, world.coord_a)
    client.force_login(world.cap_a)
    assert client.post(capture, post).status_code == 302
    assert Progress.objects.get(indicator=world.ind_a).value == D(70)
    page = client.get(reverse("simir:windows"), {"ejercicio": 2024}).content.decode()
    assert "Falla del sistema estatal" in page and "coord_a" in page and "Otorgar una prórroga" not in page


def test_prorroga_outside_scope_is_404_and_capturista_is_403(world, client):
    client.force_login(world.coord_a)
    url = reverse("simir:extension_grant", args=[2024])
    until = local(timezone.now() + timedelta(days=2))
    assert client.post(url, {"quarter": 1, "target": f"ur-{world.unit_b.pk}", "until": until,
                             "reason": "x"}).status_code == 404
    program_b = world.ind_b.matrix.program
    assert client.post(url, {"quarter": 1, "target": f"programa-{program_b.pk}", "until": until,
                             "reason": "x"}).status_code == 404
    assert not WindowExtension.objects.exists()
    form = client.get(reverse("simir:windows"), {"ejercicio": 2024}).content.decode()
    assert f"ur-{world.unit_a.pk}" in form and f"ur-{world.unit_b.pk}" not in form
    client.force_login(world.cap_a)
    assert client.post(url, {"quarter": 1, "target": f"ur-{world.unit_a.pk}", "until": until,
                             "reason": "x"}).status_code == 403
    assert client.post(reverse("simir:window_save", args=[2024, 1]), {}).status_code == 403
    assert client.get(reverse("simir:windows")).status_code == 200


def test_window_errors_are_shown(world, client):
    client.force_login(world.coord)
    now = timezone.now()
    response = client.post(reverse("simir:window_save", args=[2024, 2]), {
        "t2-opens_at": local(now), "t2-closes_at": local(now - timedelta(days=1))})
    assert response.status_code == 400 and "La ventana debe abrir antes de cerrar." in response.content.decode()
    assert client.post(reverse("simir:window_save", args=[2024, 5]), {}).status_code == 404


def test_request_page_shows_each_period_with_its_meta_vigente(world, client):
    client.force_login(world.cap_a)
    html = client.get(reverse("simir:adjustment_request", args=[world.ind_a.pk])).content.decode()
    assert ">2024-03 · meta vigente 80</option>" in html and ">2024-06</option>" in html


@pytest.mark.parametrize("raw", ["9" * 30, str(2**63), "²", "٣"])
def test_huge_or_non_ascii_numbers_in_filters_and_targets_are_never_a_500(world, client, raw):
    client.force_login(world.coord_a)
    assert client.get(reverse("simir:adjustment_list"), {"ejercicio": raw, "programa": raw, "ur": raw}).status_code == 200
    assert client.get(reverse("simir:windows"), {"ejercicio": raw}).status_code == 200
    response = client.post(reverse("simir:extension_grant", args=[2024]), {
        "quarter": 1, "target": f"ur-{raw}", "until": local(timezone.now() + timedelta(days=2)), "reason": "x"})
    assert response.status_code in (200, 400, 404)
    assert not WindowExtension.objects.exists()
