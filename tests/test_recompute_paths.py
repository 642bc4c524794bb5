"""The three ways results and aggregates are written give the same rows: the full recompute, the
incremental one (aggregates by difference) and the benchmark's set-based floor."""

from datetime import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.utils import timezone

from compliance.aggregates import COUNTERS
from compliance.engine import compute_indicator, compute_year
from compliance.models import QuarterAggregate, QuarterResult
from devtools.compliance_floor import checksums, write_floor
from devtools.synthetic import build_synthetic_year
from indicators import rules
from indicators.choices import AdjustmentStatus, AdjustmentType, Direction, Frequency, IndicatorType, ValueType
from indicators.models import Indicator, Target, TargetAdjustment
from programs.models import Level
from reporting.choices import ProgressStatus
from reporting.models import Progress
from tests.factories import IndicatorFactory, MatrixFactory, ObjectiveFactory, ProgressFactory, TargetFactory

pytestmark = pytest.mark.django_db

YEAR = 2024
MX = rules.MEXICO_CITY
DURING_Q2 = datetime(2024, 5, 15, tzinfo=MX)  # Q1 closed (sin reporte), Q2 still open (pendiente)
AGGREGATE_FIELDS = ["quarter", "scope", "program_id", "responsible_unit_id", "level", *COUNTERS, "mean_compliance",
                    "completeness", "timeliness"]


def stored_aggregates():
    return sorted(QuarterAggregate.objects.filter(fiscal_year=YEAR).values_list(*AGGREGATE_FIELDS),
                  key=lambda row: tuple(str(value) for value in row))


def special_cases():
    """Indicators the synthetic year lacks: adjustments, meta 0, ficha thresholds, sent and late avances."""
    matrix = MatrixFactory(fiscal_year=YEAR)
    close = rules.quarter_close(YEAR, 1)
    make = lambda **kw: IndicatorFactory(objective__matrix=matrix, **kw)  # noqa: E731
    zero_zero, zero_five = make(value_type=ValueType.ABSOLUTO), make(value_type=ValueType.ABSOLUTO)
    for indicator, avance in ((zero_zero, D(0)), (zero_five, D(5))):
        TargetFactory(indicator=indicator, month=3, value=D(0))
        ProgressFactory(indicator=indicator, month=3, value=avance, status=ProgressStatus.APROBADO)
    adjusted = make(indicator_type=IndicatorType.ESTRATEGICO, direction=Direction.DESCENDENTE)
    target = TargetFactory(indicator=adjusted, month=3, value=D(40))
    for value, days in ((D(60), 1), (D(50), 2)):
        TargetAdjustment.objects.create(
            target=target, value=value, adjustment_type=AdjustmentType.META, justification="Ajuste",
            status=AdjustmentStatus.APROBADO, requested_at=close, decided_at=close + timezone.timedelta(days=days))
    ProgressFactory(indicator=adjusted, month=3, value=D(55), status=ProgressStatus.ENVIADO,
                    submitted_at=close + timezone.timedelta(hours=1))  # late
    own_limits = make(threshold_green_yellow=D("1.5"), threshold_yellow_red=D(3), direction=Direction.REGULAR)
    TargetFactory(indicator=own_limits, month=3, value=D(80))
    ProgressFactory(indicator=own_limits, month=3, value=D(82), status=ProgressStatus.ENVIADO,
                    submitted_at=close - timezone.timedelta(days=3))
    pending = make(frequency=Frequency.MENSUAL)
    TargetFactory(indicator=pending, month=6, value=D(10))
    return matrix


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the floor is PostgreSQL SQL (bench_compliance)")
def test_the_floor_writes_the_same_rows_as_the_engine():
    build_synthetic_year(YEAR, 120, 8)
    special_cases()
    compute_year(YEAR, as_of=DURING_Q2)
    engine = checksums(YEAR)
    QuarterResult.objects.all().delete()
    QuarterAggregate.objects.all().delete()
    write_floor(YEAR, DURING_Q2)
    assert checksums(YEAR) == engine
    assert engine[0][1] == QuarterResult.objects.count() > 300 and engine[1][1] > 40


def test_incremental_aggregates_equal_a_full_recompute():
    ids = build_synthetic_year(YEAR, 60, 4)
    matrix = special_cases()
    lonely = IndicatorFactory(objective__matrix=MatrixFactory(fiscal_year=YEAR))  # alone in its programme
    TargetFactory(indicator=lonely, month=3, value=D(10))
    compute_year(YEAR, as_of=DURING_Q2)
    before = stored_aggregates()
    changed = []
    # An avance revised, a pending period reported, a meta removed.
    Progress.objects.filter(indicator_id=ids[0]).update(value=D(1))
    changed.append(ids[0])
    no_avance = Target.objects.filter(indicator_id__in=ids).exclude(
        indicator__progress__month=3).filter(month=3).first()
    if no_avance:
        ProgressFactory(indicator=no_avance.indicator, month=3, value=no_avance.value, status=ProgressStatus.APROBADO)
        changed.append(no_avance.indicator_id)
    Target.objects.filter(indicator_id=ids[1]).delete()
    changed.append(ids[1])
    # Two indicators leave their programme, UR and nivel; one of them leaves its programme empty.
    destination = ObjectiveFactory(matrix=matrix, level=Level.FIN)
    Indicator.objects.filter(pk__in=[ids[2], lonely.pk]).update(
        matrix=matrix, objective=destination, responsible_unit=matrix.program.responsible_unit)
    changed += [ids[2], lonely.pk]
    for indicator_id in changed:
        compute_indicator(indicator_id, as_of=DURING_Q2)
    incremental = stored_aggregates()
    assert not QuarterAggregate.objects.filter(program=lonely.matrix.program).exists()
    compute_year(YEAR, as_of=DURING_Q2)
    assert incremental == stored_aggregates() != before


def test_incremental_recompute_does_not_recount_the_ejercicio(django_assert_max_num_queries):
    ids = build_synthetic_year(YEAR, 40, 2)
    compute_year(YEAR, as_of=DURING_Q2)
    Progress.objects.filter(indicator_id=ids[5]).update(value=D(3))
    # 22: the results, their aggregates by difference, and the readings of its avances waiting for review.
    with django_assert_max_num_queries(22) as captured:
        compute_indicator(ids[5], as_of=DURING_Q2)
    grouped = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"] or "COUNT(" in q["sql"]]
    assert grouped == []
