"""Programa Institucional: a year's result is captured, sent, reviewed and reported (docs/flujo.md,
«Programa Institucional»); ND / NA from the fichas are said in words, never as 0."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from indicators.choices import Direction, Frequency
from indicators.models import Indicator
from institutional.exports import report_xlsx
from institutional.models import Mark, mark_of
from institutional.report import build_report
from institutional.scope import pi_indicators_for
from institutional.services import NotSent, result_years, save_result
from programs.models import Level, Matrix, Objective
from programs.roles import CAPTURISTA, COORDINADOR
from reporting.models import AnnualWindow, Progress
from reporting.services import ConcurrentEdit, set_annual_window
from reporting.workflow import Action, transition
from tests.factories import IndicatorFactory, ResponsibleUnitFactory, TargetFactory, make_user

pytestmark = pytest.mark.django_db


def pi_indicator(unit, frequency=Frequency.ANUAL, direction=Direction.ASCENDENTE, first=2023, last=2024):
    matrix = Matrix.objects.create(kind=Matrix.Kind.PI, fiscal_year=first, last_year=last, responsible_unit=unit,
                                   name=f"Programa Institucional {unit.clave}")
    objective = Objective.objects.create(matrix=matrix, level=Level.OBJETIVO_PI, clave="2", summary="Implementar")
    return IndicatorFactory(objective=objective, matrix=matrix, responsible_unit=unit, frequency=frequency,
                            direction=direction, external_id=f"PI-{unit.clave}-2.1")


@pytest.fixture
def pi(db):
    unit, other = ResponsibleUnitFactory(clave="AAA"), ResponsibleUnitFactory(clave="BBB")
    indicator = pi_indicator(unit)
    TargetFactory(indicator=indicator, fiscal_year=2024, month=12, value=Decimal(95))
    now = timezone.now()
    AnnualWindow.objects.create(fiscal_year=2024, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9))
    return indicator, make_user("cap", CAPTURISTA, [unit]), make_user("coord", COORDINADOR, [unit]), \
        make_user("coord2", COORDINADOR, [unit]), pi_indicator(other)


def cell(report, indicator, year):
    row = next(r for block in report.objectives for r in block.rows if r.indicator.pk == indicator.pk)
    return next(c for c in row.cells if c.year == year)


def test_a_2024_result_is_captured_sent_approved_and_reported(pi):
    indicator, capturista, coordinator, _, _ = pi
    with pytest.raises(NotSent) as sent:  # 80 against 95 is not verde: causa and efecto are needed
        save_result(capturista, indicator, 2024, send=True, value=Decimal(80), expected_version=0)
    assert set(sent.value.message_dict) == {"cause", "effect"}
    draft = Progress.objects.get(indicator=indicator, fiscal_year=2024, month=12)
    assert (draft.status, draft.value, draft.version) == ("borrador", Decimal(80), 1)

    progress = save_result(capturista, indicator, 2024, send=True, value=Decimal(80), cause="Rezago en la entrega",
                           effect="Menos unidades operando", expected_version=1)
    assert progress.status == "enviado"
    report = build_report(indicator.matrix, pi_indicators_for(coordinator))
    assert (cell(report, indicator, 2024).result, cell(report, indicator, 2024).pending) == (None, "enviado")

    transition(coordinator, progress, Action.APROBAR)
    got = cell(build_report(indicator.matrix, pi_indicators_for(coordinator)), indicator, 2024)
    # c = 100 + (80 − 95) / 95 × 100 = 84.21: amarillo with the default Gestión thresholds (10 / 20)
    assert (got.meta, got.result, got.cumplimiento, got.semaforo) == (Decimal(95), Decimal(80), Decimal("84.21"),
                                                                      "amarillo")
    # The audit of every avance: who did each step, and why.
    assert [h.history_change_reason for h in progress.history.order_by("history_date")] == [
        "Captura", "Captura", "Enviar", "Aprobar"]


def test_the_annual_window_decides_for_capturistas_not_coordinators(pi):
    indicator, capturista, coordinator, _, _ = pi
    AnnualWindow.objects.all().delete()
    with pytest.raises(ValidationError, match="no está abierta"):
        save_result(capturista, indicator, 2024, value=Decimal(1), expected_version=0)
    save_result(coordinator, indicator, 2023, value=Decimal(1), expected_version=0)
    now = timezone.now()
    set_annual_window(coordinator, 2024, now + timedelta(days=1), now + timedelta(days=2))
    with pytest.raises(ValidationError, match="abre el"):
        save_result(capturista, indicator, 2024, value=Decimal(1), expected_version=0)
    set_annual_window(coordinator, 2024, now - timedelta(days=2), now - timedelta(days=1))
    with pytest.raises(ValidationError, match="cerró el"):
        save_result(capturista, indicator, 2024, value=Decimal(1), expected_version=0)
    with pytest.raises(Exception, match="coordinación"):
        set_annual_window(capturista, 2024, now, now + timedelta(days=1))


def test_only_the_programmes_measured_years_and_the_loaded_version(pi):
    indicator, capturista, _, _, _ = pi
    with pytest.raises(ValidationError, match="no se mide en 2025"):
        save_result(capturista, indicator, 2025, value=Decimal(1), expected_version=0)
    save_result(capturista, indicator, 2024, numerator=Decimal(19), denominator=Decimal(20), expected_version=0)
    assert Progress.objects.get(indicator=indicator, fiscal_year=2024).value == Decimal(95)  # × 100: Porcentaje
    with pytest.raises(ConcurrentEdit):
        save_result(capturista, indicator, 2024, value=Decimal(2), expected_version=0)


def test_a_biennial_indicator_has_only_its_years_with_a_meta(db):
    indicator = pi_indicator(ResponsibleUnitFactory(), frequency=Frequency.BIENAL, first=2025, last=2030)
    for year in (2026, 2028, 2030):
        TargetFactory(indicator=indicator, fiscal_year=year, month=12)
    assert result_years(indicator) == [2026, 2028, 2030]


def test_every_spelling_of_nd_and_na():
    assert {mark_of(t) for t in ("ND", "N.D.", "nd")} == {Mark.NO_DISPONIBLE}
    assert {mark_of(t) for t in ("NA", "N.A.", "N/A")} == {Mark.NO_APLICA}
    assert {mark_of(t) for t in (None, 0, "", "Z", "Ninguna")} == {None}


def test_screens_are_404_outside_the_scope(pi, client):
    indicator, capturista, _, _, foreign = pi
    client.force_login(capturista)
    assert client.get(reverse("simir:institutional_capture", args=[foreign.pk, 2024])).status_code == 404
    assert client.get(reverse("simir:institutional_capture", args=[indicator.pk, 2025])).status_code == 404
    for name in ("institutional_report", "institutional_report_xlsx", "institutional_report_pdf"):
        assert client.get(reverse(f"simir:{name}", args=[foreign.matrix_id])).status_code == 404
    page = client.get(reverse("simir:institutional_index")).content.decode()
    assert indicator.external_id in page and foreign.external_id not in page


def test_capture_screen_saves_and_sends(pi, client):
    indicator, capturista, _, _, _ = pi
    client.force_login(capturista)
    url = reverse("simir:institutional_capture", args=[indicator.pk, 2024])
    response = client.post(url, {"value": "96.5", "version": "0", "action": "enviar"})
    assert response.status_code == 302
    progress = Progress.objects.get(indicator=indicator, fiscal_year=2024)
    assert (progress.status, progress.value) == ("enviado", Decimal("96.5"))  # verde: no justification needed
    response = client.post(url, {"value": "1", "version": str(progress.version), "action": "guardar"})
    assert response.status_code == 200  # sent: the page shows it read-only and saves nothing
    progress.refresh_from_db()
    assert progress.value == Decimal("96.5")


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_demo_reports_the_printed_results_and_says_no_disponible(demo, client):
    indicator = Indicator.objects.get(external_id="PI23-2.1")
    report = build_report(indicator.matrix, Indicator.objects.all())
    printed = cell(report, indicator, 2023)
    assert (printed.result, printed.meta) == (Decimal("82.4"), None)  # seed 001's 2023 figure; its meta is 2024's
    unknown = cell(report, indicator, 2024)
    assert (unknown.result, unknown.result_mark, unknown.meta, unknown.semaforo) == (
        None, "no disponible", Decimal(95), None)
    rate = Indicator.objects.get(external_id="PI23-6.1")
    assert cell(report, rate, 2023).result == Decimal("9.0")
    later = Indicator.objects.get(external_id="PI25-4.1")
    report_2030 = build_report(later.matrix, Indicator.objects.all())
    assert cell(report_2030, later, 2025).meta_mark == "no aplica"
    regular = next(r for b in report_2030.objectives for r in b.rows if r.indicator.external_id == "PI25-3.2")
    assert (regular.baseline, regular.baseline_mark) == (None, "no disponible")

    sheet = load_workbook(io.BytesIO(report_xlsx(report))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    row_2024 = next(r for r in rows if r[2] == "PI23-2.1" and r[8] == 2024)
    assert (row_2024[10], row_2024[11]) == (95, "no disponible")
    assert not [r for r in rows if r[2] == "PI23-2.1" and r[8] == 2024 and r[11] == 0]

    client.force_login(indicator.responsible_unit.members.get(username="capturista_ayo"))
    page = client.get(reverse("simir:institutional_report", args=[indicator.matrix_id])).content.decode()
    assert "82.40" in page and "no disponible" in page
    pdf = client.get(reverse("simir:institutional_report_pdf", args=[indicator.matrix_id]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    download = client.get(reverse("simir:institutional_report_xlsx", args=[indicator.matrix_id]))
    cells = {c.value for row in load_workbook(io.BytesIO(download.content)).active.iter_rows() for c in row}
    assert {"PI23-2.1", "no disponible", Decimal("82.4")} <= cells or {"PI23-2.1", "no disponible", 82.4} <= cells
