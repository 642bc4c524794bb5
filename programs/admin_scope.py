"""Admin base classes: every list, filter and page limited to the user's scope (404 outside it),
read-only rows, history without revert, and audited saves."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from programs.roles import is_administrator


class InScope:
    """Admin querysets limited to the user's scope; administrators see everything."""

    scope_of = None  # a function user → queryset of the objects in scope

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_administrator(request.user):
            return queryset
        return queryset.filter(pk__in=type(self).scope_of(request.user).values("pk"))


class ScopedAdmin(InScope):
    """Non-administrator staff see only their scope; anything else is 404, as everywhere."""

    def get_list_filter(self, request):
        # A plain related filter offers every programa and UR of the database; this one offers
        # only those of the objects in the list (get_queryset), that is, of the user's scope.
        return [
            (name, admin.RelatedOnlyFieldListFilter)
            if isinstance(name, str) and get_fields_from_path(self.model, name)[-1].is_relation else name
            for name in super().get_list_filter(request)
        ]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No existe o está fuera de su alcance.")
        return obj

    # django-simple-history reads the history straight from the history table: the object is
    # looked up in scope first (a deleted object's history is then for administrators only).
    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only their screens, services or the compliance engine write: visible, never
    edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class Undeletable:
    """Objects that carry indicators, avances and results: a deletion would cascade them away."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    """Rows shown on a parent's page that only their own screens (and services) change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's pages to read past versions, never to revert to one: a revert is a
    save of its own that would skip the workflow, the services and the recompute."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("Las versiones anteriores solo se consultan; no se restauran."))
        return super().history_form_view(request, object_id, version_id, extra_context)


def admin_reason(obj, fields=None, action="cambio"):
    """The change reason of an administrator's save: «Administración: cambio de meta, numerador»."""
    if action != "cambio" or not fields:
        return f"Administración: {action}"
    names = []
    for name in fields:
        try:
            names.append(str(obj._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a form-only field
            names.append(name)
    return f"Administración: cambio de {', '.join(names)}"


def stamp(obj, user, reason):
    # Read by django-simple-history for the models that keep history; harmless on the others.
    obj._change_reason, obj._history_user = reason, user


class AuditedAdmin:
    """What an administrator may change (catalogs, programas, indicadores and their ficha, metas,
    variables) is saved as the services save: the model form validates it (Model.full_clean), the
    history records the administrator and a reason, and `announce` tells the apps above which
    results are outdated (indicators/admin.py; programs cannot know indicators)."""

    def outdated(self, obj):
        """Ids of the indicators whose results depend on `obj` (read before a delete)."""
        return []

    def announce(self, indicator_ids):
        """Ask for the recompute of these indicators' results; the apps above fill it in."""

    def save_model(self, request, obj, form, change):
        reason = admin_reason(obj, form.changed_data) if change else admin_reason(obj, action="alta")
        stamp(obj, request.user, reason)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        changed = {id(obj): fields for obj, fields in formset.changed_objects}
        for obj in formset.deleted_objects:
            stamp(obj, request.user, admin_reason(obj, action="baja"))
            obj.delete()
        for obj in instances:
            fields = changed.get(id(obj))
            stamp(obj, request.user, admin_reason(obj, fields) if fields is not None else admin_reason(obj, action="alta"))
            obj.save()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.announce(self.outdated(form.instance))  # the object and its inlines, all saved now

    def delete_model(self, request, obj):
        outdated = list(self.outdated(obj))
        stamp(obj, request.user, admin_reason(obj, action="baja"))
        super().delete_model(request, obj)
        self.announce(outdated)

    def delete_queryset(self, request, queryset):
        # One by one, so each deletion is in the history with its reason (the default is one bulk delete).
        for obj in queryset:
            self.delete_model(request, obj)
