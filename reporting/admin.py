"""Avances, their transitions and the capture windows in the admin.

Avances, evidencias and transitions have their own screens and the workflow: here they are only
read. Windows and prórrogas are saved through their services, with the administrator as author."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from indicators.admin import IndicatorAdmin
from indicators.models import Indicator
from programs.admin_scope import HistoryAdmin, ReadOnlyAdmin, ReadOnlyInline, ScopedAdmin
from reporting.models import AnnualWindow, CaptureWindow, Evidence, Progress, ProgressTransition, WindowExtension
from reporting.scope import progress_for, transitions_for
from reporting.services import grant_extension, set_annual_window, set_capture_window


class ProgressInline(ReadOnlyInline, admin.TabularInline):
    model = Progress
    extra = 0
    fields = ["fiscal_year", "month", "state", "value", "numerator", "denominator", "status"]
    show_change_link = True


class EvidenceInline(ReadOnlyInline, admin.TabularInline):
    """Listed with a link through the scope-checked download (`simir:evidence`): the file widget
    would link to /media/, which nothing serves. Files are attached on the capture screen, where
    type, content and the avance's state are checked."""

    model = Evidence
    extra = 0
    fields = ["download", "description", "uploaded_by", "uploaded_at"]
    readonly_fields = ["download", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("archivo"))
    def download(self, evidence):
        if not evidence.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("simir:evidence", args=[evidence.pk]),
                           evidence.file.name.rsplit("/", 1)[-1])


@admin.register(Progress)
class ProgressAdmin(ScopedAdmin, ReadOnlyAdmin, HistoryAdmin):
    scope_of = progress_for
    list_display = ["indicator", "fiscal_year", "month", "state", "value", "numerator", "denominator", "status",
                    "imported"]
    list_filter = ["fiscal_year", "month", "status", "imported", "indicator__matrix__program",
                   "indicator__responsible_unit", "indicator__objective__level"]
    search_fields = ["indicator__external_id", "indicator__name", "cause", "effect"]
    list_select_related = ["indicator", "state"]
    # Listed for the past-version page, whose form django-simple-history builds with every field.
    readonly_fields = ["indicator", "fiscal_year", "month", "state", "value", "numerator", "denominator", "cause",
                       "effect", "other_reasons", "status", "imported", "version", "review_note", "created_at",
                       "updated_at", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at"]
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
class CaptureWindowAdmin(HistoryAdmin):
    """Opened or moved by set_capture_window: validated, in history with the administrator, and the
    quarter recomputed now and when it closes."""

    list_display = ["__str__", "opens_at", "closes_at", "note"]
    list_filter = ["fiscal_year", "quarter"]

    def get_readonly_fields(self, request, obj=None):
        return ["fiscal_year", "quarter"] if obj else []  # the service finds a window by its quarter

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        window = set_capture_window(request.user, obj.fiscal_year, obj.quarter, obj.opens_at, obj.closes_at,
                                    obj.note)
        obj.pk = window.pk


@admin.register(AnnualWindow)
class AnnualWindowAdmin(HistoryAdmin):
    """Opened or moved by set_annual_window, like a quarter's window."""

    list_display = ["__str__", "opens_at", "closes_at", "note"]

    def get_readonly_fields(self, request, obj=None):
        return ["fiscal_year"] if obj else []  # the service finds a window by its year

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = set_annual_window(request.user, obj.fiscal_year, obj.opens_at, obj.closes_at, obj.note).pk


@admin.register(WindowExtension)
class WindowExtensionAdmin(HistoryAdmin):
    """Granted by grant_extension, with the administrator as grantor; a granted prórroga stays as
    it was given (a later one for the same UR or programa extends it)."""

    list_display = ["__str__", "responsible_unit", "program", "until", "granted_by", "granted_at"]
    list_filter = ["fiscal_year", "quarter"]
    autocomplete_fields = ["program"]
    fields = ["fiscal_year", "quarter", "responsible_unit", "program", "until", "reason", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        extension = grant_extension(request.user, obj.fiscal_year, obj.quarter, obj.until, obj.reason,
                                    responsible_unit=obj.responsible_unit, program=obj.program)
        obj.pk, obj.granted_by, obj.granted_at = extension.pk, extension.granted_by, extension.granted_at


# The indicator's page lists its avances; indicators cannot import them, so the inline is added here.
admin.site.unregister(Indicator)


@admin.register(Indicator)
class IndicatorWithProgressAdmin(IndicatorAdmin):
    inlines = [*IndicatorAdmin.inlines, ProgressInline]
