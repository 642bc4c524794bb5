"""indicators.metas.metas_vigentes gives, for many periods at once, what Target.current_value gives for one."""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from indicators.choices import AdjustmentStatus, AdjustmentType
from indicators.metas import metas_vigentes
from indicators.models import TargetAdjustment
from tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db


def adjust(target, value, status=AdjustmentStatus.APROBADO, days=0):
    TargetAdjustment.objects.create(target=target, value=D(value), adjustment_type=AdjustmentType.META,
                                    justification="Ajuste", status=status,
                                    decided_at=timezone.now() + timezone.timedelta(days=days))


def test_many_periods_at_once_equal_each_targets_current_value():
    indicator = IndicatorFactory()
    plain, adjusted, twice, refused = (TargetFactory(indicator=indicator, month=m, value=D(50)) for m in (3, 6, 9, 12))
    adjust(adjusted, 60)
    adjust(twice, 70, days=2)
    adjust(twice, 65, days=1)  # approved earlier: the one decided last wins
    adjust(refused, 90, status=AdjustmentStatus.RECHAZADO)
    periods = [(indicator.pk, 2024, m) for m in (3, 6, 9, 12)] + [(indicator.pk, 2024, 1), (indicator.pk, 2025, 3)]
    metas = metas_vigentes(periods)
    assert metas == {(indicator.pk, 2024, 3): D(50), (indicator.pk, 2024, 6): D(60),
                     (indicator.pk, 2024, 9): D(70), (indicator.pk, 2024, 12): D(50)}
    assert all(metas[(indicator.pk, 2024, t.month)] == t.current_value for t in (plain, adjusted, twice, refused))
    assert metas_vigentes([]) == {}
