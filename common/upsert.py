"""Idempotent writes: loading the same data twice must not touch the database (nor its history)."""


def upsert(model, lookup, values, create_defaults=None, reason=""):
    """Fetch by `lookup` or build a new instance, set `values`, and save only when something changed.

    Returns (instance, outcome) with outcome "creados", "actualizados" or "sin cambios"; `reason` is
    recorded as the history change reason of models that keep history."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**{**lookup, **(create_defaults or {}), **values})
        outcome = "creados"
    else:
        values = {name: value for name, value in values.items() if getattr(instance, name) != value}
        for name, value in values.items():
            setattr(instance, name, value)
        outcome = "actualizados" if values else "sin cambios"
    if outcome != "sin cambios":
        instance._change_reason = reason
        instance.save()
    return instance, outcome
