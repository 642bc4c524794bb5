"""Helpers every app may use: number formatting, formula-safe exports, bulk upsert, queueing after commit."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Utilidades compartidas"

    def ready(self):
        from django.urls import register_converter

        from common import checks  # noqa: F401  (registers the check that media stays private)
        from common import history
        from common.ids import IdConverter

        history.connect()
        # Before any URLconf is read: every id, ejercicio and trimestre in a URL is `<id:…>`.
        register_converter(IdConverter, "id")
