"""Admin base classes that limit every list, filter and page to the user's scope (404 outside it)."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.http import Http404

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
    """Computed rows: visible, never edited by hand (the compliance engine writes them)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
