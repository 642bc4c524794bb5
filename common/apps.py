"""Helpers every app may use: number formatting, formula-safe exports, bulk upsert, queueing after commit."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Utilidades compartidas"

    def ready(self):
        from django.db.backends.signals import connection_created

        from common.search import register_sqlite_unaccent

        connection_created.connect(register_sqlite_unaccent, dispatch_uid="simir_sqlite_unaccent")

        from django.urls import register_converter

        from common import checks  # noqa: F401  (registers the check that media stays private)
        from common.ids import IdConverter

        # Before any URLconf is read: every id, ejercicio and trimestre in a URL is `<id:…>`.
        register_converter(IdConverter, "id")
