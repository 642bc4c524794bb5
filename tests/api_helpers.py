"""Data and clients shared by the API tests: the `world` of conftest.py with an avance, an approved
and a requested adjustment on UR A, an avance on UR B, and the results computed from them."""

from decimal import Decimal as D

from django.utils import timezone
from rest_framework.test import APIClient

from api.tokens import create_token
from compliance.engine import compute_year
from indicators.choices import AdjustmentStatus, AdjustmentType
from indicators.models import TargetAdjustment
from reporting.choices import ProgressStatus
from tests.factories import ProgressFactory


def add_avances(world):
    target_a = world.ind_a.targets.get(month=3)
    world.approved = TargetAdjustment.objects.create(
        target=target_a, value=D(90), adjustment_type=AdjustmentType.META, justification="Presupuesto ampliado",
        status=AdjustmentStatus.APROBADO, decided_at=timezone.now())
    world.requested = TargetAdjustment.objects.create(
        target=target_a, value=D(10), adjustment_type=AdjustmentType.META, justification="Pendiente")
    world.progress_a = ProgressFactory(indicator=world.ind_a, month=3, value=D(72), cause="Lluvias",
                                       status=ProgressStatus.APROBADO)
    world.progress_b = ProgressFactory(indicator=world.ind_b, month=3, value=D(40), status=ProgressStatus.APROBADO)
    compute_year(2024)
    world.result_a = world.ind_a.quarter_results.get(quarter=1)
    world.result_b = world.ind_b.quarter_results.get(quarter=1)
    return world


def token_client(user, **token_fields):
    token, key = create_token(user, "Pruebas", **token_fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.token = token
    return client
