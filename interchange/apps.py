"""The SHCP interchange layout (read, validate, import, export) and the XLSX/PDF reports."""

from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "interchange"
    verbose_name = "Intercambio SHCP"
