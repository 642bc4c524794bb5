from django.contrib import admin
from django.db.models import Count

from programs.admin_scope import AuditedAdmin, HistoryAdmin, ScopedAdmin, Undeletable
from programs.models import Matrix, Objective, Program, Ramo, ResponsibleUnit, State
from programs.scope import matrices_for, objectives_for, programs_for


@admin.register(Ramo)
class RamoAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["clave", "name"]
    search_fields = ["clave", "name"]


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["clave", "name", "ramo", "is_fictitious"]
    list_filter = ["ramo", "is_fictitious"]
    search_fields = ["clave", "name"]
    filter_horizontal = ["members"]


@admin.register(State)
class StateAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["clave", "name", "abbreviation"]
    search_fields = ["name", "abbreviation"]


class MatrixInline(admin.TabularInline):
    model = Matrix
    fields = ["kind", "external_id", "name", "fiscal_year"]
    extra = 0
    show_change_link = True
    can_delete = False  # a matrix takes its indicators, avances and results with it


# Programas, matrices and objetivos carry indicators, avances and results: they are not deleted
# here (a deletion would cascade them away); indicators/admin.py adds the recompute of results.
@admin.register(Program)
class ProgramAdmin(ScopedAdmin, Undeletable, AuditedAdmin, HistoryAdmin):
    scope_of = programs_for
    list_display = ["clave_display", "name", "fiscal_year", "ramo", "responsible_unit", "registered_indicators",
                    "loaded_indicators", "is_fictitious"]
    list_filter = ["fiscal_year", "ramo", "modalidad", "responsible_unit", "is_fictitious"]
    search_fields = ["name", "modalidad_name", "source_note"]
    list_select_related = ["ramo", "responsible_unit"]
    inlines = [MatrixInline]

    @admin.display(description="clave", ordering="modalidad")
    def clave_display(self, obj):
        return obj.clave

    @admin.display(description="indicadores cargados")
    def loaded_indicators(self, obj):
        return obj.loaded_indicators

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(loaded_indicators=Count("matrices__indicators"))

class ObjectiveInline(admin.TabularInline):
    model = Objective
    fk_name = "matrix"
    fields = ["level", "clave", "parent", "summary"]
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Matrix)
class MatrixAdmin(ScopedAdmin, Undeletable, AuditedAdmin, admin.ModelAdmin):
    scope_of = matrices_for
    list_display = ["__str__", "kind", "program", "fiscal_year", "last_year"]
    list_filter = ["kind", "fiscal_year", "program__ramo"]
    search_fields = ["name", "external_id", "program__name"]
    list_select_related = ["program"]
    inlines = [ObjectiveInline]

@admin.register(Objective)
class ObjectiveAdmin(ScopedAdmin, Undeletable, AuditedAdmin, admin.ModelAdmin):
    scope_of = objectives_for
    list_display = ["clave", "level", "summary_short", "matrix", "parent"]
    list_filter = ["level", "matrix__fiscal_year", "matrix__kind", "matrix__program"]
    search_fields = ["clave", "summary"]
    list_select_related = ["matrix__program", "parent"]
    autocomplete_fields = ["parent"]
    @admin.display(description="resumen narrativo")
    def summary_short(self, obj):
        return obj.summary[:100]
