from django import forms
from django.contrib import admin

from indicators.models import FiscalYearPolicy, Indicator, Target, TargetAdjustment, Variable
from indicators.scope import adjustments_for, indicators_for, targets_for
from indicators.signals import results_outdated, year_results_outdated
from programs.admin import MatrixAdmin, ObjectiveAdmin, ProgramAdmin
from programs.admin_scope import (
    AuditedAdmin,
    HistoryAdmin,
    InScope,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ScopedAdmin,
    Undeletable,
)
from programs.models import Matrix, Objective, Program


class AnnouncesResults(AuditedAdmin):
    """Audited saves whose indicators get their results recomputed (metas and ficha fields decide
    them; so do the programa, matrix and objetivo an indicator hangs from, in the aggregates)."""

    def announce(self, indicator_ids):
        for indicator_id in sorted(set(indicator_ids)):
            results_outdated.send(sender=self.model, indicator_id=indicator_id)


class IndicatorInline(InScope, admin.StackedInline):
    """Registering a matrix row's indicators from the objective page (an objective can hold
    indicators of several URs: only those in scope are shown)."""

    scope_of = indicators_for

    model = Indicator
    fk_name = "objective"
    extra = 0
    show_change_link = True
    can_delete = False  # an indicator takes its avances and results with it
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
class IndicatorAdmin(ScopedAdmin, Undeletable, AnnouncesResults, HistoryAdmin):
    scope_of = indicators_for
    list_display = ["external_id", "name", "level_display", "program_display", "responsible_unit", "frequency",
                    "direction", "fiscal_year"]
    list_filter = ["fiscal_year", "matrix__kind", "matrix__program", "responsible_unit", "objective__level",
                   "frequency", "direction", "indicator_type"]
    search_fields = ["external_id", "name", "definition"]
    list_select_related = ["objective", "matrix__program", "responsible_unit"]
    autocomplete_fields = ["objective"]
    # The link and the columns not modelled come from imported files (interchange/kept.py): an edit here
    # would not relink nor reach the file they came from.
    readonly_fields = ["effective_factor_display", "previous_external_id", "previous", "extra_columns"]
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
        ("Datos de Hacienda", {"classes": ["collapse"], "fields": [
            ("functional_group", "functional_group_name"), ("function", "function_name"),
            ("subfunction", "subfunction_name"), ("institutional_activity", "institutional_activity_name"),
            "jan_may_adjustment_justification", "jan_may_cause", "jan_may_effect", "jan_may_other_reasons",
            ("previous_external_id", "previous"), "extra_columns"]}),
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

    def outdated(self, obj):
        return [obj.pk]


# Adjustments are requested and decided through reporting/services.py (role, scope, approved
# avances, who decided and when); here they are only read.
class TargetAdjustmentInline(ReadOnlyInline, admin.TabularInline):
    model = TargetAdjustment
    extra = 0
    fields = ["value", "numerator", "denominator", "adjustment_type", "justification", "status", "decided_at"]


@admin.register(Target)
class TargetAdmin(ScopedAdmin, AnnouncesResults, HistoryAdmin):
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

    def outdated(self, obj):
        return [obj.indicator_id]


@admin.register(TargetAdjustment)
class TargetAdjustmentAdmin(ScopedAdmin, ReadOnlyAdmin, HistoryAdmin):
    scope_of = adjustments_for
    list_display = ["target", "value", "adjustment_type", "status", "requested_at", "decided_at"]
    list_filter = ["status", "adjustment_type", "target__fiscal_year"]
    search_fields = ["target__indicator__external_id", "justification"]
    list_select_related = ["target__indicator"]
    autocomplete_fields = ["target"]


@admin.register(FiscalYearPolicy)
class FiscalYearPolicyAdmin(AuditedAdmin, admin.ModelAdmin):
    """Default thresholds and the descending formula of an ejercicio: every result of the year."""

    list_display = ["fiscal_year", "gestion_green_yellow", "gestion_yellow_red", "strategic_green_yellow",
                    "strategic_yellow_red", "descending_ratio"]

    def get_readonly_fields(self, request, obj=None):
        return ["fiscal_year"] if obj else []  # moving a policy to another year would leave this one stale

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        year_results_outdated.send(sender=FiscalYearPolicy, fiscal_year=form.instance.fiscal_year)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        year_results_outdated.send(sender=FiscalYearPolicy, fiscal_year=obj.fiscal_year)


# Programas, matrices and objetivos are registered in programs, which cannot import indicators: here
# their pages add the recompute of the indicators hanging from them (and the objective's page its
# indicators).
admin.site.unregister(Program)
admin.site.unregister(Matrix)
admin.site.unregister(Objective)


@admin.register(Program)
class ProgramWithResultsAdmin(AnnouncesResults, ProgramAdmin):
    def outdated(self, obj):
        return Indicator.objects.filter(matrix__program=obj).values_list("pk", flat=True)


@admin.register(Matrix)
class MatrixWithResultsAdmin(AnnouncesResults, MatrixAdmin):
    def outdated(self, obj):
        return Indicator.objects.filter(matrix=obj).values_list("pk", flat=True)


@admin.register(Objective)
class ObjectiveWithIndicatorsAdmin(AnnouncesResults, ObjectiveAdmin):
    inlines = [*ObjectiveAdmin.inlines, IndicatorInline]

    def outdated(self, obj):
        return Indicator.objects.filter(objective=obj).values_list("pk", flat=True)
