"""Migrations, constraints and the demo on the real PostgreSQL of the machine."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from indicators.interchange.importer import ImportErrors, import_file
from indicators.models import Indicator, Progress
from programs.models import State

from ..factories import IndicatorFactory, ProgressFactory
from ..sed_files import base_row, write_csv
from ..test_import import TEN_MISTAKES, database_state

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
        import_file(write_csv(tmp_path / "errores.csv", rows))
    assert len(excinfo.value.errors) == 10
    assert database_state() == before
