"""The REST API under /api/v1/ (docs/api.md): personal tokens, read endpoints, schema and docs page.
The top domain layer: it reads every app below it through their scope helpers and services."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        from api import schema  # noqa: F401  (registers the token's description in the schema)
