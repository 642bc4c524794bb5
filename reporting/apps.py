"""Avances al periodo: capture, evidence, capture windows and prórrogas, the workflow and its review."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporte de avances"
