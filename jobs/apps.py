"""Background jobs (recompute, export) with their progress and files."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Trabajos"
