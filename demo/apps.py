"""The IMSS-BIENESTAR 2024 demo loader (load_demo)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demostración"
