"""Helpers every app may use: number formatting, formula-safe exports, bulk upsert, queueing after commit."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Utilidades compartidas"
