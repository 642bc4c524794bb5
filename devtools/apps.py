"""Development-only tooling: synthetic year, benchmarks, load test. Never installed in production."""

from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "devtools"
    verbose_name = "Herramientas de desarrollo"
