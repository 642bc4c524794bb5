import json
from datetime import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.engine import compute_quarter, compute_year
from compliance.models import QuarterAggregate, QuarterResult
from indicators import rules
from indicators.choices import AdjustmentStatus, AdjustmentType, Direction, Frequency, ValueType
from indicators.models import FiscalYearPolicy, TargetAdjustment
from reporting.choices import ProgressStatus
from reporting.services import save_progress
from reporting.workflow import Action, transition
from tests.factories import IndicatorFactory, MatrixFactory, ProgressFactory, TargetFactory

pytestmark = pytest.mark.django_db

MX = rules.MEXICO_CITY
AFTER_2024 = datetime(2026, 1, 1, tzinfo=MX)


def result(indicator, quarter):
    return QuarterResult.objects.get(indicator=indicator, fiscal_year=2024, quarter=quarter)


def reported(indicator, month, value=None, **kwargs):
    kwargs.setdefault("status", ProgressStatus.APROBADO)
    return ProgressFactory(indicator=indicator, month=month, value=value, **kwargs)


def test_quarter_uses_the_last_period_and_never_averages():
    """Al periodo: the Q1 result of a monthly percentage is its March num/den, not a mean of months."""
    indicator = IndicatorFactory(frequency=Frequency.MENSUAL, value_type=ValueType.PORCENTAJE)
    TargetFactory(indicator=indicator, month=3, value=D(80))
    for month, (num, den) in {1: (10, 20), 2: (25, 50), 3: (90, 100)}.items():
        progress = ProgressFactory.build(indicator=indicator, month=month, value=None, numerator=D(num),
                                         denominator=D(den), status=ProgressStatus.APROBADO)
        progress.full_clean()
        progress.save()
    compute_quarter(2024, 1, as_of=AFTER_2024)
    q1 = result(indicator, 1)
    assert (q1.month, q1.avance, q1.compliance, q1.semaforo) == (3, D(90), D("112.50"), "amarillo")
    # Averaging the monthly percentages would give 63.33 and 79.17 %.


@pytest.mark.parametrize(
    "frequency, months_with_result",
    [
        (Frequency.MENSUAL, {1: 3, 2: 6, 3: 9, 4: 12}),
        (Frequency.BIMESTRAL, {1: 2, 2: 6, 3: 8, 4: 12}),
        (Frequency.CUATRIMESTRAL, {2: 4, 3: 8, 4: 12}),
        (Frequency.SEMESTRAL, {2: 6, 4: 12}),
        (Frequency.ANUAL, {4: 12}),
    ],
)
def test_each_frequency_has_results_only_in_quarters_with_a_period(frequency, months_with_result):
    indicator = IndicatorFactory(frequency=frequency)
    compute_year(2024, as_of=AFTER_2024)
    stored = {r.quarter: r.month for r in QuarterResult.objects.filter(indicator=indicator)}
    assert stored == months_with_result
    assert {r.status for r in QuarterResult.objects.filter(indicator=indicator)} == {rules.Estado.SIN_META}


def test_biennial_indicator_only_in_years_with_a_meta():
    indicator = IndicatorFactory(frequency=Frequency.BIENAL)
    compute_year(2024, as_of=AFTER_2024)
    assert not QuarterResult.objects.filter(indicator=indicator).exists()
    TargetFactory(indicator=indicator, month=12, value=D(16))
    compute_year(2024, as_of=AFTER_2024)
    assert result(indicator, 4).status == rules.Estado.SIN_REPORTE


def test_pending_until_the_end_of_the_close_day_then_sin_reporte():
    indicator = IndicatorFactory()
    TargetFactory(indicator=indicator, month=3, value=D(50))
    compute_quarter(2024, 1, as_of=datetime(2024, 4, 30, 23, 59, 59, tzinfo=MX))
    assert (result(indicator, 1).status, result(indicator, 1).semaforo) == (rules.Estado.PENDIENTE, "")
    compute_quarter(2024, 1, as_of=datetime(2024, 5, 1, 0, 0, tzinfo=MX))
    assert (result(indicator, 1).status, result(indicator, 1).semaforo) == (rules.Estado.SIN_REPORTE, "gris")


def test_drafts_and_returned_avances_are_not_reported():
    indicator = IndicatorFactory()
    TargetFactory(indicator=indicator, month=3, value=D(50))
    reported(indicator, 3, D(50), status=ProgressStatus.BORRADOR)
    compute_quarter(2024, 1, as_of=AFTER_2024)
    assert result(indicator, 1).status == rules.Estado.SIN_REPORTE


def test_adjusted_meta_counts_only_once_approved():
    indicator = IndicatorFactory()
    target = TargetFactory(indicator=indicator, month=6, value=D(50))
    reported(indicator, 6, D(40))
    adjustment = TargetAdjustment.objects.create(target=target, value=D(40), adjustment_type=AdjustmentType.META,
                                                 justification="Recorte")
    compute_quarter(2024, 2, as_of=AFTER_2024)
    q2 = result(indicator, 2)
    assert (q2.meta, q2.adjustment, q2.compliance, q2.semaforo) == (D(50), None, D("80.00"), "amarillo")
    adjustment.status, adjustment.decided_at = AdjustmentStatus.APROBADO, timezone.now()
    adjustment.save()
    compute_quarter(2024, 2, as_of=AFTER_2024)
    q2 = result(indicator, 2)
    assert (q2.meta, q2.adjustment, q2.compliance, q2.semaforo) == (D(40), adjustment, D("100.00"), "verde")


def test_zero_over_zero_meta_is_no_meta_and_zero_over_zero_avance_is_gris():
    no_meta = IndicatorFactory()
    TargetFactory(indicator=no_meta, month=3, value=None, numerator=D(0), denominator=D(0))
    gris = IndicatorFactory()
    TargetFactory(indicator=gris, month=3, value=D(50))
    reported(gris, 3, None, numerator=D(0), denominator=D(0))
    compute_quarter(2024, 1, as_of=AFTER_2024)
    assert result(no_meta, 1).status == rules.Estado.SIN_META
    assert (result(gris, 1).status, result(gris, 1).compliance, result(gris, 1).semaforo) == (
        rules.Estado.CON_RESULTADO, None, "gris"
    )


def test_indicator_thresholds_and_ejercicio_defaults():
    own = IndicatorFactory(threshold_green_yellow=D(2), threshold_yellow_red=D(4))
    strategic = IndicatorFactory(indicator_type="Estratégico")
    plain = IndicatorFactory(indicator_type="")
    for indicator in (own, strategic, plain):
        TargetFactory(indicator=indicator, month=3, value=D(100))
        reported(indicator, 3, D(93))
    compute_quarter(2024, 1, as_of=AFTER_2024)
    assert [result(i, 1).semaforo for i in (own, strategic, plain)] == ["rojo", "amarillo", "verde"]
    FiscalYearPolicy.objects.create(fiscal_year=2024, gestion_green_yellow=D(5), gestion_yellow_red=D(6))
    compute_quarter(2024, 1, as_of=AFTER_2024)
    assert result(plain, 1).semaforo == "rojo"
    assert (result(plain, 1).green_yellow, result(plain, 1).yellow_red) == (D(5), D(6))


def test_descending_ratio_is_a_per_ejercicio_setting():
    indicator = IndicatorFactory(direction=Direction.DESCENDENTE)
    TargetFactory(indicator=indicator, month=3, value=D(10))
    reported(indicator, 3, D(8))
    compute_quarter(2024, 1, as_of=AFTER_2024)
    assert result(indicator, 1).compliance == D("120.00")
    FiscalYearPolicy.objects.create(fiscal_year=2024, descending_ratio=True)
    compute_quarter(2024, 1, as_of=AFTER_2024)
    assert result(indicator, 1).compliance == D("125.00")


@pytest.mark.embedded
def test_aggregates_exact_values():
    matrix = MatrixFactory()
    program = matrix.program
    make = lambda: IndicatorFactory(objective__matrix=matrix)  # noqa: E731
    close = rules.quarter_close(2024, 1)
    a, b, c, d, e = make(), make(), make(), make(), make()
    for indicator, meta in ((a, 100), (b, 100), (c, 100), (d, 100)):
        TargetFactory(indicator=indicator, month=3, value=D(meta))
    reported(a, 3, D("100.005"))  # c = 100.01 (half-up)
    reported(b, 3, D(85), submitted_at=close - timezone.timedelta(days=1))  # 85.00 amarillo, on time
    reported(c, 3, D(100), status=ProgressStatus.ENVIADO, submitted_at=close)  # late (close is exclusive)
    reported(e, 3, D(7))  # no meta: not counted as reported
    compute_quarter(2024, 1, as_of=AFTER_2024)
    total = QuarterAggregate.objects.get(fiscal_year=2024, quarter=1, scope="total")
    assert (total.indicators, total.with_meta, total.reported, total.approved) == (5, 4, 3, 2)
    assert (total.verde, total.amarillo, total.rojo, total.gris) == (2, 1, 0, 1)  # d: sin reporte → gris
    assert total.mean_compliance == D("95.00")  # (100.01 + 85.00 + 100.00) / 3 = 95.003…
    assert total.completeness == D("75.00")
    assert total.timeliness == D("50.00")  # a is imported-like (no submission time): left out
    per_program = QuarterAggregate.objects.get(fiscal_year=2024, quarter=1, scope="programa", program=program)
    assert (per_program.with_meta, per_program.mean_compliance) == (4, D("95.00"))
    assert QuarterAggregate.objects.filter(fiscal_year=2024, quarter=1, scope="nivel", level="Actividad").count() == 1


def test_recompute_is_idempotent():
    indicator = IndicatorFactory()
    TargetFactory(indicator=indicator, month=3, value=D(50))
    reported(indicator, 3, D(45))
    # Not the id: a full recompute on PostgreSQL replaces the rows (bulk_write.result_writer).
    fields = [f.name for f in QuarterResult._meta.fields if f.name not in ("id", "computed_at")]
    compute_year(2024, as_of=AFTER_2024)
    first = list(QuarterResult.objects.order_by("indicator", "quarter").values(*fields))
    aggregates = list(QuarterAggregate.objects.order_by("scope").values(
        "scope", "indicators", "verde", "mean_compliance"))
    compute_year(2024, as_of=AFTER_2024)
    assert list(QuarterResult.objects.order_by("indicator", "quarter").values(*fields)) == first
    assert list(QuarterAggregate.objects.order_by("scope").values(
        "scope", "indicators", "verde", "mean_compliance")) == aggregates


def test_full_recompute_uses_a_constant_number_of_queries(django_assert_num_queries):
    matrix = MatrixFactory()

    def build(n):
        for _ in range(n):
            indicator = IndicatorFactory(objective__matrix=matrix)
            TargetFactory(indicator=indicator, month=3, value=D(50))
            reported(indicator, 3, D(45))

    build(3)
    compute_quarter(2024, 1, as_of=AFTER_2024)
    with CaptureQueriesContext(connection) as few:
        compute_quarter(2024, 1, as_of=AFTER_2024)
    build(30)
    compute_quarter(2024, 1, as_of=AFTER_2024)
    with django_assert_num_queries(len(few.captured_queries)):
        compute_quarter(2024, 1, as_of=AFTER_2024)


def test_saving_an_avance_recomputes_its_indicator(django_capture_on_commit_callbacks, admin_user):
    indicator = IndicatorFactory()
    TargetFactory(indicator=indicator, month=3, value=D(80))
    with django_capture_on_commit_callbacks(execute=True):
        transition(admin_user, save_progress(admin_user, indicator, 2024, 3, value=D(80)), Action.ENVIAR)
    q1 = result(indicator, 1)
    assert (q1.avance, q1.compliance, q1.semaforo, q1.reported, q1.approved) == (D(80), D("100.00"), "verde", True, False)
    total = QuarterAggregate.objects.get(fiscal_year=2024, quarter=1, scope="total")
    assert (total.reported, total.verde) == (1, 1)


def test_submitting_a_non_green_avance_requires_causa_and_efecto(admin_user):
    indicator = IndicatorFactory()
    TargetFactory(indicator=indicator, month=3, value=D(80))
    progress = save_progress(admin_user, indicator, 2024, 3, value=D(60))  # a draft needs no justification
    with pytest.raises(ValidationError) as excinfo:
        transition(admin_user, progress, Action.ENVIAR)
    assert excinfo.value.message_dict == {
        "cause": ["Es obligatoria para enviar un avance con semáforo rojo."],
        "effect": ["Es obligatoria para enviar un avance con semáforo rojo."],
    }
    progress = save_progress(admin_user, indicator, 2024, 3, value=D(60), cause="Retraso", effect="Menor cobertura")
    assert transition(admin_user, progress, Action.ENVIAR).status == ProgressStatus.ENVIADO


def demo_json(capsys, *args):
    call_command("compute_compliance", "--ejercicio", "2024", *args, "--format", "json")
    return json.loads(capsys.readouterr().out)


def test_compute_compliance_json_on_the_demo(capsys):
    call_command("load_demo")
    capsys.readouterr()
    payload = demo_json(capsys, "--trimestre", "1")
    real = {r["id_indicador"]: r for r in payload["results"] if r["id_indicador"].startswith("IB24")}
    assert {k: r["avance"] for k, r in real.items()} == {
        "IB24-E001-01": "12.9", "IB24-E001-02": "91.06", "IB24-E001-03": "16.12",
        "IB24-S200-01": "80.918874", "IB24-S200-02": "11.837748",
        "IB24-U013-01": "12.724693", "IB24-U013-02": "5.307969",
        "IB24-K011-01": "57.87", "IB24-K011-02": "100",
    }
    printed = {"IB24-S200-01": "80.92", "IB24-S200-02": "11.84", "IB24-U013-01": "12.72", "IB24-U013-02": "5.31"}
    for key, figure in printed.items():
        assert rules.agrees_with(D(figure), D(real[key]["avance"]))
    assert real["IB24-U013-01"] == {
        "id_indicador": "IB24-U013-01", "ciclo": 2024, "trimestre": 1, "mes": 3, "meta": "0",
        "avance": "12.724693", "cumplimiento": None, "semaforo": "rojo", "estado": "con resultado",
    }
    assert real["IB24-S200-01"]["estado"] == "sin meta" and real["IB24-S200-01"]["semaforo"] is None
    assert sum(r["estado"] == "sin meta" for r in real.values()) == 7
    fictitious = {r["id_indicador"]: r for r in payload["results"] if not r["id_indicador"].startswith("IB24")}
    assert {r["semaforo"] for r in fictitious.values()} == {"verde", "amarillo", None}
    # Left without avance in the demo and its Q1 window still open: waiting for the capturista.
    assert {k for k, r in fictitious.items() if r["estado"] == "pendiente"} == {"990007", "990010"}
    total = [s for s in payload["summary"] if s["programa"] is None]
    assert total == [{
        "ciclo": 2024, "trimestre": 1, "id_ramo": None, "programa": None, "indicadores": 18, "con_meta": 11,
        "reportados": 9, "aprobados": 9, "verde": 5, "amarillo": 2, "rojo": 2, "gris": 0,
        "cumplimiento_promedio": "97.69", "completitud": "81.82", "oportunidad": None,
    }]
    assert {s["programa"] for s in payload["summary"]} == {"E001", "K011", "S200", "U013", "P999", None}


def test_demo_year_shows_every_semaforo_state(capsys):
    call_command("load_demo")
    capsys.readouterr()
    payload = demo_json(capsys)
    assert {r["semaforo"] for r in payload["results"]} == {"verde", "amarillo", "rojo", "gris", None}
    assert {r["trimestre"] for r in payload["summary"]} == {1, 2, 3, 4}


def test_compute_compliance_on_an_empty_year_and_bad_input(capsys):
    assert demo_json(capsys) == {"results": [], "summary": []}
    with pytest.raises(CommandError, match="--trimestre debe ser 1, 2, 3 o 4"):
        call_command("compute_compliance", "--ejercicio", "2024", "--trimestre", "5")
