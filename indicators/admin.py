from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.http import Http404
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from . import scope
from .models import (
    CaptureWindow,
    Evidence,
    FiscalYearPolicy,
    Indicator,
    Progress,
    ProgressTransition,
    QuarterAggregate,
    QuarterResult,
    Target,
    TargetAdjustment,
    Variable,
    WindowExtension,
)
from .roles import is_administrator


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


class IndicatorInline(InScope, admin.StackedInline):
    """Registering a matrix row's indicators from the objective page (an objective can hold
    indicators of several URs: only those in scope are shown)."""

    scope_of = scope.indicators_for

    model = Indicator
    fk_name = "objective"
    extra = 0
    show_change_link = True
    fields = [
        ("external_id", "fiscal_year", "matrix", "responsible_unit"),
        "name",
        ("frequency", "direction", "value_type", "factor"),
        ("indicator_type", "dimension", "accumulation", "unit_of_measure"),
    ]


class VariableInline(admin.TabularInline):
    model = Variable
    extra = 0
    fields = ["position", "name", "source", "value", "value_year"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["fiscal_year", "month", "value", "numerator", "denominator", "current_value_display"]
    readonly_fields = ["current_value_display"]
    show_change_link = True

    @admin.display(description="meta vigente")
    def current_value_display(self, obj):
        return obj.current_value if obj.pk else "—"


class ProgressInline(admin.TabularInline):
    model = Progress
    extra = 0
    fields = ["fiscal_year", "month", "state", "value", "numerator", "denominator", "status"]
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_of = scope.indicators_for
    list_display = ["external_id", "name", "level_display", "program_display", "responsible_unit", "frequency",
                    "direction", "fiscal_year"]
    list_filter = ["fiscal_year", "matrix__kind", "matrix__program", "responsible_unit", "objective__level",
                   "frequency", "direction", "indicator_type"]
    search_fields = ["external_id", "name", "definition"]
    list_select_related = ["objective", "matrix__program", "responsible_unit"]
    autocomplete_fields = ["objective"]
    readonly_fields = ["effective_factor_display"]
    inlines = [VariableInline, TargetInline, ProgressInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "name":  # names run to a few hundred characters
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 90})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (None, {"fields": ["fiscal_year", "external_id", "matrix", "objective", "responsible_unit", "name"]}),
        ("Ficha técnica", {"fields": [
            "definition", "calculation_method", ("indicator_type", "dimension"), ("frequency", "direction"),
            ("value_type", "factor", "effective_factor_display"), ("unit_of_measure", "accumulation"),
            ("baseline_value", "baseline_year"), ("threshold_green_yellow", "threshold_yellow_red"),
        ]}),
        ("Cuenta Pública", {"classes": ["collapse"], "fields": [
            "cp_adjusted_target", "cp_progress", "cp_cause", "cp_effect", "cp_other_reasons"]}),
        ("Programa Institucional", {"classes": ["collapse"], "fields": [
            "pi_category", "disaggregation", "collection_period", "information_availability",
            "associated_right", "observations"]}),
        ("Fuente", {"fields": ["source_note"]}),
    ]

    @admin.display(description="nivel", ordering="objective__level")
    def level_display(self, obj):
        return obj.objective.level

    @admin.display(description="programa")
    def program_display(self, obj):
        return obj.matrix.program.clave if obj.matrix.program_id else obj.matrix.name

    @admin.display(description="factor efectivo")
    def effective_factor_display(self, obj):
        return obj.effective_factor if obj.pk else "—"


class TargetAdjustmentInline(admin.TabularInline):
    model = TargetAdjustment
    extra = 0
    fields = ["value", "numerator", "denominator", "adjustment_type", "justification", "status", "decided_at"]


@admin.register(Target)
class TargetAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_of = scope.targets_for
    list_display = ["indicator", "fiscal_year", "month", "value", "numerator", "denominator", "current_value_display"]
    list_filter = ["fiscal_year", "month", "indicator__matrix__program", "indicator__responsible_unit"]
    search_fields = ["indicator__external_id", "indicator__name"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
    inlines = [TargetAdjustmentInline]
    readonly_fields = ["current_value_display"]

    @admin.display(description="meta vigente")
    def current_value_display(self, obj):
        return obj.current_value


@admin.register(TargetAdjustment)
class TargetAdjustmentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_of = scope.adjustments_for
    list_display = ["target", "value", "adjustment_type", "status", "requested_at", "decided_at"]
    list_filter = ["status", "adjustment_type", "target__fiscal_year"]
    search_fields = ["target__indicator__external_id", "justification"]
    list_select_related = ["target__indicator"]
    autocomplete_fields = ["target"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["file", "description", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


@admin.register(Progress)
class ProgressAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_of = scope.progress_for
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


SEMAFORO_COLOURS = {"verde": "#1a7f37", "amarillo": "#b58900", "rojo": "#c62828", "gris": "#6b7280"}


def semaforo_badge(light):
    """Colour always with its word (never colour alone)."""
    if not light:
        return "—"
    return format_html(
        '<span style="background:{};color:#fff;padding:2px 8px;border-radius:8px">{}</span>',
        SEMAFORO_COLOURS[light], light,
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Computed rows: visible, never edited by hand (the compliance engine writes them)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuarterResult)
class QuarterResultAdmin(ScopedAdmin, ReadOnlyAdmin):
    scope_of = scope.results_for
    list_display = ["indicator", "fiscal_year", "quarter", "month", "meta", "avance", "compliance_display",
                    "semaforo_display", "status", "computed_at"]
    list_filter = ["fiscal_year", "quarter", "semaforo", "status", "indicator__matrix__program",
                   "indicator__responsible_unit", "indicator__objective__level"]
    search_fields = ["indicator__external_id", "indicator__name"]
    list_select_related = ["indicator"]

    @admin.display(description="cumplimiento %", ordering="compliance")
    def compliance_display(self, obj):
        if obj.compliance is None:
            return "N/A" if obj.status == "con resultado" else "—"
        return obj.compliance

    @admin.display(description="semáforo", ordering="semaforo")
    def semaforo_display(self, obj):
        return semaforo_badge(obj.semaforo)


@admin.register(QuarterAggregate)
class QuarterAggregateAdmin(ScopedAdmin, ReadOnlyAdmin):
    scope_of = scope.aggregates_for
    list_display = ["__str__", "indicators", "with_meta", "reported", "approved", "verde", "amarillo", "rojo",
                    "gris", "mean_compliance", "completeness", "timeliness", "computed_at"]
    list_filter = ["fiscal_year", "quarter", "scope"]
    list_select_related = ["program", "responsible_unit"]


@admin.register(FiscalYearPolicy)
class FiscalYearPolicyAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "gestion_green_yellow", "gestion_yellow_red", "strategic_green_yellow",
                    "strategic_yellow_red", "descending_ratio"]


@admin.register(ProgressTransition)
class ProgressTransitionAdmin(ScopedAdmin, ReadOnlyAdmin):
    scope_of = scope.transitions_for
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
