"""A locked SQLite database is a moment of contention, not a bug: the person gets a Spanish «try
again» page (503) instead of an error 500. The page is rendered without the request, so no context
processor (they read the database) runs while the database is the problem."""

import sys

from django.db import OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 5


def is_database_locked(exc):
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def database_locked_response():
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseLockedMiddleware:
    """For locks raised in a view; it also works with DEBUG on (`make run` uses SQLite)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_locked(exception):
            return database_locked_response()
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: locks raised outside a view (a middleware saving the session) get the same page.
    Django calls it while handling the exception, so sys.exc_info() is that exception."""
    if is_database_locked(sys.exc_info()[1]):
        return database_locked_response()
    return defaults.server_error(request, template_name)
