"""PostgreSQL's `unaccent` for the accent-insensitive catalog search (common/search.py). On SQLite
the operation does nothing: the function is registered on each connection instead."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_schedules")]

    operations = [UnaccentExtension()]
