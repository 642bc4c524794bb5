"""Error pages in Spanish (400, 403, 404, 500) and the «ocupado» page (503) for a locked SQLite
database, all with DEBUG off as in production. tests/error_urls.py adds views that fail on purpose."""

import copy

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from programs.roles import COORDINADOR

from .factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug_off")]
failing_urls = override_settings(ROOT_URLCONF="tests.error_urls")


@pytest.fixture
def debug_off():
    with override_settings(DEBUG=False):
        yield


def broken_context_processor(request):
    raise RuntimeError("a context processor that fails (e.g. it needs the database)")


def with_broken_context_processor():
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append("tests.test_error_pages.broken_context_processor")
    return override_settings(TEMPLATES=templates)


class LockingMiddleware:
    """Fails like a session save on a locked database: outside any view, after it ran."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path == "/prueba/middleware-bloqueada/":
            raise OperationalError("database is locked")
        return response


def page(response):
    html = response.content.decode()
    assert '<html lang="es-MX">' in html and "<title>" in html and "css/simir.css" in html
    return html


def test_404_is_a_spanish_page_of_the_site(client):
    response = client.get("/no-existe/")
    html = page(response)
    assert response.status_code == 404
    assert "Página no encontrada" in html and "Not Found" not in html
    assert 'href="/"' in html


def test_404_keeps_the_navigation_of_a_signed_in_user(client):
    client.force_login(make_user("coord", COORDINADOR))
    html = page(client.get("/indicadores/999999/"))
    assert "Página no encontrada" in html and reverse("logout") in html  # base.html with its context


def test_400_is_spanish_for_a_foreign_host_header(client):
    response = client.get("/", headers={"host": "atacante.example"})
    assert response.status_code == 400
    html = page(response)
    assert "Solicitud no válida" in html and "Bad Request" not in html and "atacante" not in html


@failing_urls
def test_400_is_spanish_for_a_suspicious_request(client):
    response = client.get("/prueba/400/")
    assert response.status_code == 400 and "Solicitud no válida" in page(response)


@failing_urls
def test_403_is_spanish_and_does_not_show_the_reason(client):
    response = client.get("/prueba/403/")
    html = page(response)
    assert response.status_code == 403
    assert "Acceso no permitido" in html and "not yours" not in html and "Forbidden" not in html


def test_403_of_a_failed_csrf_check_is_spanish():
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "ana", "password": "x"})
    html = page(response)
    assert response.status_code == 403
    assert "La página caducó" in html and "CSRF verification failed" not in html


@failing_urls
def test_500_is_spanish_and_shows_nothing_internal(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):  # a 500 page may be the answer to a broken database
        response = client.get("/prueba/500/")
    html = page(response)
    assert response.status_code == 500
    assert "Ocurrió un error" in html and "Server Error" not in html
    assert "secret.py" not in html and "RuntimeError" not in html


@failing_urls
def test_500_renders_even_when_a_context_processor_fails():
    client = Client(raise_request_exception=False)
    client.force_login(make_user("ana", COORDINADOR))
    with with_broken_context_processor():
        response = client.get("/prueba/500/")
    assert response.status_code == 500 and "Ocurrió un error" in page(response)


@failing_urls
@pytest.mark.parametrize("debug", [False, True])
def test_a_locked_sqlite_database_gives_the_spanish_busy_page(debug):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("ana", COORDINADOR))
    with override_settings(DEBUG=debug), with_broken_context_processor():  # the page needs no database
        response = client.get("/prueba/bloqueada/")
    html = page(response)
    assert response.status_code == 503 and response["Retry-After"]
    assert "El sistema está ocupado" in html and "database is locked" not in html


@failing_urls
def test_a_lock_outside_the_view_also_gives_the_busy_page():
    client = Client(raise_request_exception=False)
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, "tests.test_error_pages.LockingMiddleware"]):
        response = client.get("/prueba/middleware-bloqueada/")
    assert response.status_code == 503 and "El sistema está ocupado" in page(response)


@failing_urls
def test_other_database_errors_stay_500():
    response = Client(raise_request_exception=False).get("/prueba/otra-falla/")
    html = page(response)
    assert response.status_code == 500 and "Ocurrió un error" in html and "internal_table" not in html
