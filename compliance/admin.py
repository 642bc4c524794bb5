"""Stored results and aggregates in the admin: read-only, derived data."""

from django.contrib import admin
from django.utils.html import format_html

from compliance.models import QuarterAggregate, QuarterResult
from compliance.scope import aggregates_for, results_for
from programs.admin_scope import ReadOnlyAdmin, ScopedAdmin

SEMAFORO_COLOURS = {"verde": "#1a7f37", "amarillo": "#b58900", "rojo": "#c62828", "gris": "#6b7280"}


def semaforo_badge(light):
    """Colour always with its word (never colour alone)."""
    if not light:
        return "—"
    return format_html(
        '<span style="background:{};color:#fff;padding:2px 8px;border-radius:8px">{}</span>',
        SEMAFORO_COLOURS[light], light,
    )


@admin.register(QuarterResult)
class QuarterResultAdmin(ScopedAdmin, ReadOnlyAdmin):
    scope_of = results_for
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
    scope_of = aggregates_for
    list_display = ["__str__", "indicators", "with_meta", "reported", "approved", "verde", "amarillo", "rojo",
                    "gris", "mean_compliance", "completeness", "timeliness", "computed_at"]
    list_filter = ["fiscal_year", "quarter", "scope"]
    list_select_related = ["program", "responsible_unit"]
