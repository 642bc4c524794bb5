from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import FiscalYearPolicy, Indicator, Target, TargetAdjustment, Variable
from indicators.scope import adjustments_for, indicators_for, targets_for
from programs.admin import ObjectiveAdmin
from programs.admin_scope import InScope, ScopedAdmin
from programs.models import Objective


class IndicatorInline(InScope, admin.StackedInline):
    """Registering a matrix row's indicators from the objective page (an objective can hold
    indicators of several URs: only those in scope are shown)."""

    scope_of = indicators_for

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


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_of = indicators_for
    list_display = ["external_id", "name", "level_display", "program_display", "responsible_unit", "frequency",
                    "direction", "fiscal_year"]
    list_filter = ["fiscal_year", "matrix__kind", "matrix__program", "responsible_unit", "objective__level",
                   "frequency", "direction", "indicator_type"]
    search_fields = ["external_id", "name", "definition"]
    list_select_related = ["objective", "matrix__program", "responsible_unit"]
    autocomplete_fields = ["objective"]
    readonly_fields = ["effective_factor_display"]
    inlines = [VariableInline, TargetInline]

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
            "captured_by_state",
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
    scope_of = targets_for
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
    scope_of = adjustments_for
    list_display = ["target", "value", "adjustment_type", "status", "requested_at", "decided_at"]
    list_filter = ["status", "adjustment_type", "target__fiscal_year"]
    search_fields = ["target__indicator__external_id", "justification"]
    list_select_related = ["target__indicator"]
    autocomplete_fields = ["target"]


@admin.register(FiscalYearPolicy)
class FiscalYearPolicyAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "gestion_green_yellow", "gestion_yellow_red", "strategic_green_yellow",
                    "strategic_yellow_red", "descending_ratio"]


# The objective's page lists its indicators; programs cannot import them, so the inline is added here.
admin.site.unregister(Objective)


@admin.register(Objective)
class ObjectiveWithIndicatorsAdmin(ObjectiveAdmin):
    inlines = [*ObjectiveAdmin.inlines, IndicatorInline]
