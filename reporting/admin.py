"""Avances, their transitions and the capture windows in the admin."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators.admin import IndicatorAdmin
from indicators.models import Indicator
from programs.admin_scope import ReadOnlyAdmin, ScopedAdmin
from reporting.models import CaptureWindow, Evidence, Progress, ProgressTransition, WindowExtension
from reporting.scope import progress_for, transitions_for


class ProgressInline(admin.TabularInline):
    model = Progress
    extra = 0
    fields = ["fiscal_year", "month", "state", "value", "numerator", "denominator", "status"]
    readonly_fields = ["status"]
    show_change_link = True


class EvidenceInline(admin.TabularInline):
    """Listed with a link through the scope-checked download (`simir:evidence`): the file widget
    would link to /media/, which nothing serves. Files are attached on the capture screen, where
    type, content and the avance's state are checked."""

    model = Evidence
    extra = 0
    fields = ["download", "description", "uploaded_by", "uploaded_at"]
    readonly_fields = ["download", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("archivo"))
    def download(self, evidence):
        if not evidence.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("simir:evidence", args=[evidence.pk]),
                           evidence.file.name.rsplit("/", 1)[-1])


@admin.register(Progress)
class ProgressAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_of = progress_for
    list_display = ["indicator", "fiscal_year", "month", "state", "value", "numerator", "denominator", "status",
                    "imported"]
    list_filter = ["fiscal_year", "month", "status", "imported", "indicator__matrix__program",
                   "indicator__responsible_unit", "indicator__objective__level"]
    search_fields = ["indicator__external_id", "indicator__name", "cause", "effect"]
    list_select_related = ["indicator", "state"]
    autocomplete_fields = ["indicator"]
    # The status moves only through the workflow (indicators.workflow), never by hand.
    readonly_fields = ["status", "imported", "version", "review_note", "created_at", "updated_at", "submitted_by",
                       "submitted_at", "reviewed_by", "reviewed_at"]
    inlines = [EvidenceInline]
    fieldsets = [
        (None, {"fields": ["indicator", ("fiscal_year", "month", "state")]}),
        ("Valor", {"fields": [("value", "numerator", "denominator")],
                   "description": "Con numerador y denominador, el valor se calcula (× factor del indicador)."}),
        ("Justificación", {"fields": ["cause", "effect", "other_reasons"]}),
        ("Estado", {"fields": [("status", "version"), "imported", "review_note", ("created_at", "updated_at"),
                               ("submitted_by", "submitted_at"), ("reviewed_by", "reviewed_at")]}),
    ]


@admin.register(ProgressTransition)
class ProgressTransitionAdmin(ScopedAdmin, ReadOnlyAdmin):
    scope_of = transitions_for
    list_display = ["progress", "from_status", "to_status", "user", "at", "note"]
    list_filter = ["to_status", "progress__fiscal_year"]
    list_select_related = ["progress__indicator", "user"]


@admin.register(CaptureWindow)
class CaptureWindowAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "opens_at", "closes_at", "note"]
    list_filter = ["fiscal_year", "quarter"]


@admin.register(WindowExtension)
class WindowExtensionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "responsible_unit", "program", "until", "granted_by", "granted_at"]
    list_filter = ["fiscal_year", "quarter"]
    autocomplete_fields = ["program"]


# The indicator's page lists its avances; indicators cannot import them, so the inline is added here.
admin.site.unregister(Indicator)


@admin.register(Indicator)
class IndicatorWithProgressAdmin(IndicatorAdmin):
    inlines = [*IndicatorAdmin.inlines, ProgressInline]
