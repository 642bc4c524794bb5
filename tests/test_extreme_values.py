"""Extreme numbers end to end ("Production truth"): values at the edge of the bound are computed and
stored, one indicator that cannot be computed never stops the others, and every page that reads a
stored value shows it — on SQLite, whose decimals are floating point, as on PostgreSQL."""

from datetime import datetime
from decimal import Decimal as D
from io import BytesIO

import openpyxl
import pytest
from django.db import DataError, connection
from django.urls import reverse

from compliance.engine import compute_quarter, compute_year
from compliance.models import QuarterAggregate, QuarterResult, ResultFailure
from indicators import rules
from indicators.models import Indicator, Target
from interchange.exports import render_export
from jobs import runner
from jobs.models import Job
from jobs.services import start_recompute
from reporting.choices import ProgressStatus
from reporting.models import Progress
from tests.factories import IndicatorFactory, MatrixFactory, ProgressFactory, TargetFactory

pytestmark = pytest.mark.django_db
AFTER_2024 = datetime(2026, 1, 1, tzinfo=rules.MEXICO_CITY)
TOO_MANY = "se admiten a lo más 15 entre enteras y decimales (el mayor número es 999,999,999,999,999)"
ATTACK = D("9999999999999999999999.999999")  # accepted before the bound; SQLite kept it as the REAL 1e22


def indicator_with(meta, avance, matrix, **fields):
    indicator = IndicatorFactory(objective__matrix=matrix, **fields)
    TargetFactory(indicator=indicator, month=3, value=meta)
    ProgressFactory(indicator=indicator, month=3, value=avance, status=ProgressStatus.APROBADO)
    return indicator


@pytest.fixture
def extreme_year(db):
    """One programme with indicators at the edges of the bound, one normal and one whose avance was
    stored before the bound existed (beyond it)."""
    matrix = MatrixFactory()
    return {
        "huge": indicator_with(D(90), D(27000000), matrix),
        "largest": indicator_with(rules.SMALLEST, rules.LARGEST, matrix),
        "decimals": indicator_with(rules.LARGEST, D("-999999999.999999"), matrix),
        "normal": indicator_with(D(80), D(80), matrix),
        "legacy": indicator_with(D(80), ATTACK, matrix),
    }


def legacy_reason():
    # What each database hands back for the value stored before the bound.
    shown = "9,999,999,999,999,999,999,999.999999" if connection.vendor == "postgresql" else \
        "10,000,000,000,000,000,000,000"
    figures = 28 if connection.vendor == "postgresql" else 23
    return (f"El avance del mes 3 es {shown}, que tiene {figures} cifras; {TOO_MANY}; corrija el valor para "
            "calcular el resultado.")


def check_extreme_recompute(extreme_year):
    written = compute_quarter(2024, 1, as_of=AFTER_2024)
    results = {r.indicator_id: r for r in QuarterResult.objects.filter(fiscal_year=2024, quarter=1)}
    by_name = {name: results.get(indicator.pk) for name, indicator in extreme_year.items()}
    assert written == 4
    assert by_name["huge"].compliance == D("30000000.00") and by_name["huge"].semaforo == "rojo"
    assert by_name["largest"].compliance == D("99999999999999900000000.00")
    assert by_name["largest"].avance == rules.LARGEST and by_name["largest"].meta == rules.SMALLEST
    assert by_name["decimals"].compliance == D("0.00") and by_name["decimals"].avance == D("-999999999.999999")
    assert (by_name["normal"].compliance, by_name["normal"].semaforo) == (D("100.00"), "verde")
    # The one that cannot be computed has no result, counts nowhere and says why.
    assert by_name["legacy"] is None
    failure = ResultFailure.objects.get()
    assert (failure.indicator, failure.fiscal_year, failure.quarter) == (extreme_year["legacy"], 2024, 1)
    assert failure.reason == legacy_reason()
    total = QuarterAggregate.objects.get(fiscal_year=2024, quarter=1, scope=QuarterAggregate.Scope.TOTAL)
    assert (total.indicators, total.with_meta, total.reported, total.with_compliance) == (4, 4, 4, 4)
    assert (total.verde, total.rojo) == (1, 3)
    program = QuarterAggregate.objects.get(fiscal_year=2024, quarter=1, scope=QuarterAggregate.Scope.PROGRAMA)
    assert program.indicators == 4
    if connection.vendor == "postgresql":  # numeric: exact at any size
        # (30,000,000 + 99,999,999,999,999,900,000,000 + 0 + 100) / 4
        assert total.compliance_hundredths == D("9999999999999993000010000")
        assert total.mean_compliance == program.mean_compliance == D("24999999999999982500025.00")
    else:  # floating point: SQLite keeps about 15 significant digits of so large a mean
        assert total.mean_compliance == program.mean_compliance
        assert abs(total.mean_compliance / D("24999999999999982500025.00") - 1) < D("1e-14")
    return failure


def test_extreme_values_are_computed_and_one_failure_stops_nothing(extreme_year):
    check_extreme_recompute(extreme_year)


@pytest.mark.integration
def test_extreme_values_are_computed_and_one_failure_stops_nothing_on_postgresql(extreme_year):
    """The attack's database: 27,000,000 against 90 gave «integer out of range», 9e11 «numeric
    field overflow», and the whole year stopped."""
    check_extreme_recompute(extreme_year)


def test_fixing_the_value_clears_the_failure(extreme_year):
    compute_quarter(2024, 1, as_of=AFTER_2024)
    Progress.objects.filter(indicator=extreme_year["legacy"]).update(value=D(72))
    compute_quarter(2024, 1, as_of=AFTER_2024, indicator_ids=[extreme_year["legacy"].pk])
    assert not ResultFailure.objects.exists()
    assert QuarterResult.objects.get(indicator=extreme_year["legacy"], quarter=1).compliance == D("90.00")
    # And back: the stale result goes, so the indicator counts nowhere while it cannot be computed.
    Progress.objects.filter(indicator=extreme_year["legacy"]).update(value=ATTACK)
    compute_quarter(2024, 1, as_of=AFTER_2024, indicator_ids=[extreme_year["legacy"].pk])
    assert not QuarterResult.objects.filter(indicator=extreme_year["legacy"]).exists()
    assert ResultFailure.objects.get().reason == legacy_reason()
    total = QuarterAggregate.objects.get(fiscal_year=2024, quarter=1, scope=QuarterAggregate.Scope.TOTAL)
    assert total.indicators == 4


def test_any_exception_in_one_indicator_is_recorded_and_the_rest_computed(extreme_year, monkeypatch):
    broken = extreme_year["normal"].pk
    original = rules.quarter_outcome

    def outcome(meta, *args, **kwargs):
        if meta == D(80) and args[2] == D(80):  # only the "normal" indicator: avance 80 against meta 80
            raise ArithmeticError("boom")
        return original(meta, *args, **kwargs)

    monkeypatch.setattr(rules, "quarter_outcome", outcome)
    assert compute_year(2024, [1], as_of=AFTER_2024) == {1: 3}
    reasons = dict(ResultFailure.objects.values_list("indicator_id", "reason"))
    assert reasons[broken] == ("Error inesperado al calcular el resultado (ArithmeticError); el detalle quedó en el "
                               "registro del servidor.")
    assert set(QuarterResult.objects.values_list("indicator_id", flat=True)) == {
        extreme_year[name].pk for name in ("huge", "largest", "decimals")}


def test_the_job_page_lists_the_failure_and_the_indicator_page_shows_why(extreme_year, client, admin_user,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_recompute(admin_user, 2024, [1])
    job.refresh_from_db()
    legacy = extreme_year["legacy"]
    assert job.status == Job.Status.TERMINADO
    assert job.message == "\n".join([
        "Resultados calculados — T1: 4.",
        "1 resultado no se pudo calcular y no cuenta en ningún agregado; su motivo está en la ficha del indicador:",
        f"{legacy.external_id} T1: {legacy_reason()}",
    ])
    page = client.get(reverse("simir:indicator_detail", args=[legacy.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Resultados que no se pudieron calcular" in html and f"T1-2024: {legacy_reason()}" in html


def test_a_database_error_is_never_shown_raw_on_the_job_page(db, admin_user, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    def overflow(*args, **kwargs):
        raise DataError("numeric field overflow\nDETAIL:  A field with precision 12, scale 2 must round to …")

    monkeypatch.setattr(runner, "compute_year", overflow)
    with pytest.raises(DataError), django_capture_on_commit_callbacks(execute=True):
        start_recompute(admin_user, 2024, [1])
    job = Job.objects.get()
    assert job.status == Job.Status.ERROR
    assert job.message == ("Error: la base de datos no aceptó lo calculado y no se guardó nada de este trabajo (lo "
                           "guardado antes sigue igual). El detalle técnico quedó en el registro del servidor.")


# --- Every page that reads a stored value ------------------------------------------------------

def pages(world, progress, indicator):
    """(user, url) of every page that shows the avance."""
    return [  # (user, url, whether the page shows the avance itself)
        (world.cap_a, reverse("simir:capture", args=[2024, 1, world.program_a.pk]), True),
        (world.coord, reverse("simir:review_queue"), False),
        (world.coord, reverse("simir:review_detail", args=[progress.pk]), True),
        (world.coord, reverse("simir:indicator_detail", args=[indicator.pk]), True),
        (world.coord, reverse("simir:indicator_list"), False),
        (world.coord, reverse("simir:audit", args=[indicator.pk]), True),
        (world.coord, reverse("simir:audit_xlsx", args=[indicator.pk]), False),
        (world.coord, reverse("simir:dashboard", args=[2024, 1]), False),
        (world.coord, reverse("simir:dashboard", args=[2024, 1]) + f"?programa={world.program_a.pk}", False),
    ]


ADMIN_PAGES = ["admin:reporting_progress_changelist", "admin:compliance_quarterresult_changelist",
               "admin:compliance_quarteraggregate_changelist", "admin:indicators_indicator_changelist"]


def admin_pages(progress, indicator):
    return [reverse(name) for name in ADMIN_PAGES] + [
        reverse("admin:reporting_progress_change", args=[progress.pk]),
        reverse("admin:reporting_progress_history", args=[progress.pk]),
        reverse("admin:indicators_indicator_change", args=[indicator.pk]),
    ]


def capture_and_send(client, world, *values):
    """Save each value in turn through the capture form (so the audit shows the changes), sending the last."""
    client.force_login(world.cap_a)
    Indicator.objects.filter(pk=world.ind_a.pk).update(value_type="Absoluto", factor=None)  # a plain value
    row = f"r{world.ind_a.pk}-3"
    for version, value in enumerate(values):
        response = client.post(reverse("simir:capture", args=[2024, 1, world.program_a.pk]), {
            f"{row}-version": version, f"{row}-value": value,
            f"{row}-cause": "Valor extremo de prueba.", f"{row}-effect": "Ninguno.", f"{row}-other_reasons": "",
            "action": f"enviar:{world.ind_a.pk}-3" if version == len(values) - 1 else "guardar",
        })
        assert response.status_code == 302, response.content.decode()
    return Progress.objects.get(indicator=world.ind_a, month=3)


def test_the_largest_value_round_trips_on_every_page(world, client, admin_client):
    Target.objects.filter(indicator=world.ind_a).update(value=rules.SMALLEST)
    progress = capture_and_send(client, world, "80", "999,999,999,999,999")
    assert progress.value == rules.LARGEST and progress.status == ProgressStatus.ENVIADO
    compute_year(2024, [1], as_of=AFTER_2024)
    assert QuarterResult.objects.get(indicator=world.ind_a).compliance == D("99999999999999900000000.00")
    for user, url, shows_value in pages(world, progress, world.ind_a):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        if shows_value:
            html = response.content.decode()
            assert "999,999,999,999,999" in html or "999999999999999" in html, url
    html = client.get(reverse("simir:indicator_detail", args=[world.ind_a.pk])).content.decode()
    assert "999,999,999,999,999.00" in html and "99,999,999,999,999,900,000,000.00 %" in html
    for url in admin_pages(progress, world.ind_a):
        assert admin_client.get(url).status_code == 200, url
    output = BytesIO()
    render_export(2024, "xlsx", output, 1)
    sheet = openpyxl.load_workbook(output).worksheets[1]
    assert rules.LARGEST in [cell.value for row in sheet.iter_rows() for cell in row]


def test_a_value_stored_before_the_bound_still_reads_on_every_page(world, client, admin_client):
    """9,999,999,999,999,999,999,999.999999 passed the old validation; SQLite kept it as the REAL
    1e22, and every page that read it answered 500."""
    progress = capture_and_send(client, world, "80")
    Progress.objects.filter(pk=progress.pk).update(value=ATTACK)
    progress.refresh_from_db()
    expected = ATTACK if connection.vendor == "postgresql" else D(10) ** 22
    assert progress.value == expected
    compute_year(2024, [1], as_of=AFTER_2024)
    assert ResultFailure.objects.get().indicator == world.ind_a
    for user, url, _shows_value in pages(world, progress, world.ind_a):
        client.force_login(user)
        assert client.get(url).status_code == 200, url
    for url in admin_pages(progress, world.ind_a):
        assert admin_client.get(url).status_code == 200, url
    render_export(2024, "xlsx", BytesIO(), 1)
    render_export(2024, "csv", BytesIO(), 1)


def test_compute_compliance_names_the_failures_on_stderr_and_keeps_the_json(extreme_year, capsys):
    from django.core.management import call_command

    call_command("compute_compliance", "--ejercicio", "2024", "--trimestre", "1", "--format", "json")
    captured = capsys.readouterr()
    assert captured.err == f"T1 {extreme_year['legacy'].external_id}: no se calculó — {legacy_reason()}\n"
    assert captured.out.startswith('{"results": [')
