"""The catalog rows an interchange file repeats on every line (ramo, UR, programa, matriz), written
once per import: each is read from the database the first time a batch names it, written in bulk
when new or changed, and then taken from memory."""

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

CREATED, UPDATED, UNCHANGED = "creados", "actualizados", "sin cambios"


class CatalogTable:
    """One catalog model as this import knows it. `resolve` takes a batch's rows as
    (lookup, values, create_defaults), where empty values keep what is stored, and returns the
    instance of each row."""

    def __init__(self, model, kind, writer, history=False):
        self.model, self.kind, self.writer, self.history = model, kind, writer, history
        self.known = {}  # key → instance (stored, or created by this import)
        self.applied = {}  # key → the values this import last wrote to it

    def resolve(self, items):
        keyed = [(tuple(map(_id, lookup.values())), lookup, values, defaults) for lookup, values, defaults in items]
        self._load([(key, lookup) for key, lookup, *_ in keyed if key not in self.known])
        new, changed, fields = {}, {}, set()
        for key, lookup, values, create_defaults in keyed:
            given = given_values(values)
            if self.applied.get(key) == given:
                continue
            self.applied[key] = given
            instance = self.known.get(key)
            if instance is None:
                self.known[key] = new[key] = self.model(**{**lookup, **(create_defaults or {}), **given})
                self.writer.count(self.kind, key, CREATED)
                continue
            differing = {name: value for name, value in given.items() if _stored(instance, name) != _id(value)}
            for name, value in differing.items():
                setattr(instance, name, value)
            if differing and key not in new:
                changed[key] = instance
                fields.update(differing)
            self.writer.count(self.kind, key, UPDATED if differing else UNCHANGED)
        self._save(list(new.values()), list(changed.values()), sorted(fields))
        return [self.known[key] for key, *_ in keyed]

    def _load(self, missing):
        if not missing:
            return
        names = list(missing[0][1])
        # Each field among the values wanted: a few rows more than the keys, read in one cheap query.
        query = {f"{name}__in": {_id(lookup[name]) for _, lookup in missing} for name in names}
        for instance in self.model.objects.filter(**query).order_by():
            self.known.setdefault(tuple(_stored(instance, name) for name in names), instance)

    def _save(self, new, changed, fields):
        reason = self.writer.reason
        if self.history:
            if new:
                bulk_create_with_history(new, self.model, default_change_reason=reason, default_date=self.writer.now)
            if changed:
                bulk_update_with_history(changed, self.model, fields, default_change_reason=reason,
                                         default_date=self.writer.now)
            return
        if new:
            self.model.objects.bulk_create(new)
        if changed:
            self.model.objects.bulk_update(changed, fields)


def given_values(values):
    """The values a row gives: an empty cell keeps what is stored."""
    return {name: value for name, value in values.items() if value not in ("", None)}


def _stored(instance, name):
    """A field's stored value, comparing relations by id (reading the related object costs a query)."""
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname) if field.is_relation else getattr(instance, name)


def _id(value):
    return getattr(value, "pk", value)
