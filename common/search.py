"""Accent- and case-insensitive text search that behaves the same on PostgreSQL and SQLite.

The database folds the column with UNACCENT (PostgreSQL's `unaccent` extension, created by a
migration; on SQLite a Python function registered on each connection) and LOWER, and the typed
text is folded in Python the same way, so «vacunacion» finds «Vacunación» on both."""

import unicodedata

from django.db.models import CharField, Func
from django.db.models.functions import Lower


def fold(text):
    """«Vacunación ÑANDÚ» → «vacunacion nandu»: accents dropped (NFKD), lower case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class Unaccent(Func):
    function = "UNACCENT"
    output_field = CharField()


def folded(expression):
    return Lower(Unaccent(expression))


def register_sqlite_unaccent(sender, connection, **kwargs):
    """SQLite has no UNACCENT; give it the same folding (deterministic, so indexes could use it)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "UNACCENT", 1, lambda value: None if value is None else fold(value), deterministic=True
        )
