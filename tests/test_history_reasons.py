"""Every version's change reason holds a whole text, whatever the database (issue «Production truth»);
tests/integration/test_long_texts.py proves it on PostgreSQL through the services."""

from django.apps import apps
from django.db import models
from simple_history.models import HistoricalChanges


def test_every_history_keeps_its_change_reason_without_a_length_limit():
    historical = [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]
    assert len(historical) >= 7  # programa, indicador, meta, ajuste, avance, ventana, prórroga
    for model in historical:
        field = model._meta.get_field("history_change_reason")
        assert isinstance(field, models.TextField) and field.max_length is None, model.__name__
