"""The site's URLs plus views that fail on purpose, for the error page tests (ROOT_URLCONF override)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.urls import path

from config.urls import *  # noqa: F401,F403  (the error handlers too)
from config.urls import urlpatterns as site_urlpatterns


def bad_request(request):
    raise SuspiciousOperation("test: malformed request")


def forbidden(request):
    raise PermissionDenied("test: not yours")


def crash(request):
    raise RuntimeError("test: something internal, /srv/simir/secret.py line 42")


def locked(request):
    raise OperationalError("database is locked")


def other_database_error(request):
    raise OperationalError("no such table: internal_table")


urlpatterns = [
    path("prueba/400/", bad_request),
    path("prueba/403/", forbidden),
    path("prueba/500/", crash),
    path("prueba/bloqueada/", locked),
    path("prueba/otra-falla/", other_database_error),
    *site_urlpatterns,
]
