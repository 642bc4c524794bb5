import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_eager_broker(client):
    assert client.get("/salud/").json() == {"estado": "ok", "base_de_datos": "ok", "broker": "eager"}


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_health_is_503_when_the_broker_is_down(client):
    response = client.get("/salud/")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error: ")


@pytest.mark.integration
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/15")
def test_health_checks_the_configured_broker(client):
    response = client.get("/salud/")
    assert (response.status_code, response.json()["broker"]) == (200, "ok")
