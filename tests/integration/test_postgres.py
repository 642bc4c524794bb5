"""Migrations, constraints and the demo on the real PostgreSQL of the machine."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from compliance.engine import compute_year
from compliance.models import QuarterAggregate, QuarterResult
from indicators.models import Indicator
from interchange.importer import ImportErrors, import_file
from programs.models import State
from reporting.models import Progress
from tests.factories import IndicatorFactory, ProgressFactory, TargetFactory
from tests.sed_files import base_row, write_csv
from tests.test_import import TEN_MISTAKES, database_state

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_runs_on_postgresql_with_all_migrations():
    assert connection.vendor == "postgresql"
    assert State.objects.count() == 32


def test_partial_unique_constraints_hold_on_postgresql():
    progress = ProgressFactory()
    state = State.objects.get(clave="01")
    ProgressFactory(indicator=progress.indicator, state=state)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressFactory(indicator=progress.indicator)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressFactory(indicator=progress.indicator, state=state)


def test_check_constraints_hold_on_postgresql():
    indicator = IndicatorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Progress.objects.create(indicator=indicator, fiscal_year=2024, month=3, value=1, numerator=3, denominator=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Progress.objects.create(indicator=indicator, fiscal_year=2024, month=13, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=indicator.pk).update(threshold_green_yellow=Decimal(30), threshold_yellow_red=Decimal(10))


def test_demo_loads_on_postgresql_with_exact_values():
    call_command("load_demo")
    progress = Progress.objects.get(indicator__name__startswith="Porcentaje de personal de salud itinerante completo")
    assert (progress.value, progress.numerator, progress.denominator) == (
        Decimal("80.918874"), Decimal(1955), Decimal(2416)
    )
    u013 = Progress.objects.get(indicator__name__startswith="Transferencias de recursos")
    assert u013.numerator == Decimal("2567395999.45") and u013.value == Decimal("12.724693")


def test_bad_file_writes_nothing_on_postgresql(tmp_path):
    before = database_state()
    rows = [base_row(ID_INDICADOR=str(3000 + i), **cells) for i, (cells, _) in enumerate(TEN_MISTAKES)]
    with pytest.raises(ImportErrors) as excinfo:
        import_file(write_csv(tmp_path / "errores.csv", rows), strict=True)  # the ratio mismatch is the 10th
    assert len(excinfo.value.errors) == 10
    assert database_state() == before


def results_and_aggregates():
    return (sorted(QuarterResult.objects.values_list("indicator_id", "quarter", "avance", "compliance", "semaforo")),
            sorted(QuarterAggregate.objects.values_list("scope", "quarter", "reported", "mean_compliance")))


@pytest.mark.django_db(transaction=True)  # the recompute's own transaction is the outermost, as in a worker
def test_a_database_error_mid_recompute_leaves_the_previous_results_whole():
    """The database itself refuses the aggregates, after the results were written in the same run:
    nothing of that run stays, and the next run (once the database is fine) gives the right rows."""
    progress = ProgressFactory(value=Decimal(72), status="enviado")
    TargetFactory(indicator=progress.indicator, month=3, value=Decimal(80))
    compute_year(2024)
    before = results_and_aggregates()
    Progress.objects.filter(pk=progress.pk).update(value=Decimal(40))
    with connection.cursor() as cursor:
        cursor.execute("CREATE FUNCTION simir_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disco lleno'; "
                       "END $$ LANGUAGE plpgsql")
        cursor.execute("CREATE TRIGGER simir_refuse BEFORE INSERT ON compliance_quarteraggregate "
                       "FOR EACH ROW EXECUTE FUNCTION simir_refuse()")
    try:
        with pytest.raises(DatabaseError, match="disco lleno"):
            compute_year(2024)
        assert results_and_aggregates() == before  # not the 40: the run's results were rolled back
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER simir_refuse ON compliance_quarteraggregate; DROP FUNCTION simir_refuse()")
    compute_year(2024)
    result = QuarterResult.objects.get(indicator=progress.indicator, quarter=1)
    assert (result.avance, result.compliance, result.semaforo) == (Decimal(40), Decimal("50.00"), "rojo")
