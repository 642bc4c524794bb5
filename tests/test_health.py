import logging

import pytest
from django.conf import global_settings
from django.db import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.django_db

# What production adds on top of the shared settings around HTTPS (the rest do not change /salud/).
HTTPS_SETTINGS = ("SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
                  "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "DEBUG")


@pytest.fixture
def production_https(production_settings):
    module = production_settings()
    values = {name: getattr(module, name, getattr(global_settings, name)) for name in HTTPS_SETTINGS}
    with override_settings(**values):
        yield module


def test_health_says_only_ok(client):
    response = client.get("/salud/")
    assert (response.status_code, response.json()) == (200, {"estado": "ok"})


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_health_is_503_when_the_broker_is_down_and_says_nothing_more(client, caplog):
    with caplog.at_level(logging.WARNING, logger="config.health"):
        response = client.get("/salud/")
    assert (response.status_code, response.json()) == (503, {"estado": "falla"})
    assert "broker" in caplog.text  # the detail goes to the log, for the operators


def test_health_does_not_show_the_database_error(client, monkeypatch, caplog):
    def broken():
        raise OperationalError('could not connect to server: host "db-interna.simir.local" (10.1.2.3)')

    monkeypatch.setattr("config.health._database", broken)
    with caplog.at_level(logging.WARNING, logger="config.health"):
        response = client.get("/salud/")
    assert (response.status_code, response.json()) == (503, {"estado": "falla"})
    assert "db-interna" not in response.content.decode() and "OperationalError" not in response.content.decode()
    assert "db-interna" in caplog.text


def test_health_answers_plain_http_under_production_settings(client, production_https):
    assert production_https.SECURE_SSL_REDIRECT is True
    response = client.get("/salud/")  # the load balancer probes the instance without TLS
    assert response.status_code == 200, response.get("Location")
    assert response.json() == {"estado": "ok"}
    # The exemption is that one path: everything else still goes to HTTPS.
    for path in ("/cuenta/entrar/", "/salud/otra/", "/saludx/", "/admin/salud/"):
        response = client.get(path)
        assert response.status_code == 301 and response["Location"] == f"https://testserver{path}", path
    assert client.get("/salud/", headers={"x-forwarded-proto": "https"}).status_code == 200


@pytest.mark.integration
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/15")
def test_health_checks_the_configured_broker(client):
    response = client.get("/salud/")
    assert (response.status_code, response.json()) == (200, {"estado": "ok"})
