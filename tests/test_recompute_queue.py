"""Recomputes queued by a transaction: one task for every indicator it changed, sent at commit."""

from decimal import Decimal as D

import pytest
from django.db import transaction

from compliance.models import QuarterResult
from reporting.services import save_progress
from tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db


def indicator_with_meta():
    indicator = IndicatorFactory()
    TargetFactory(indicator=indicator, month=3, value=D(80))
    return indicator


def test_one_transaction_queues_one_recompute_for_all_its_indicators(admin_user, django_capture_on_commit_callbacks):
    indicators = [indicator_with_meta() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for indicator in indicators:
                save_progress(admin_user, indicator, 2024, 3, value=D(80))
            save_progress(admin_user, indicators[0], 2024, 3, value=D(70))  # the same indicator again
    assert len(callbacks) == 1
    assert QuarterResult.objects.filter(indicator__in=indicators, quarter=1).count() == 3


def test_a_rolled_back_transaction_leaves_no_batch_behind(admin_user, django_capture_on_commit_callbacks):
    first, second = indicator_with_meta(), indicator_with_meta()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():
                save_progress(admin_user, first, 2024, 3, value=D(80))
                raise RuntimeError
            save_progress(admin_user, second, 2024, 3, value=D(80))
    assert len(callbacks) == 1
    assert list(QuarterResult.objects.filter(quarter=1).values_list("indicator_id", flat=True)) == [second.pk]
