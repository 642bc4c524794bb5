"""Commitments, their sub-items and the sessions in the admin (administrators register them);
reports are only read here: they are written on their screen and moved through the workflow."""

from django.contrib import admin

from followup.models import Commitment, Item, Report, Session, SessionReading
from followup.scope import commitments_for
from programs.admin_scope import AuditedAdmin, HistoryAdmin, ReadOnlyAdmin, ScopedAdmin


def reports_for(user):
    return Report.objects.filter(commitment__in=commitments_for(user))


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    fields = ["number", "text", "weight", "state", "percent"]


@admin.register(Commitment)
class CommitmentAdmin(ScopedAdmin, AuditedAdmin, HistoryAdmin):
    scope_of = commitments_for
    list_display = ["clave", "kind", "responsible_unit", "due_date", "rule", "fictitious"]
    list_filter = ["kind", "rule", "responsible_unit"]
    search_fields = ["clave", "text"]
    raw_id_fields = ["program", "indicators"]
    inlines = [ItemInline]


class SessionReadingInline(admin.TabularInline):
    model = SessionReading
    extra = 0
    raw_id_fields = ["commitment"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "held_on"]
    inlines = [SessionReadingInline]


@admin.register(Report)
class ReportAdmin(ScopedAdmin, ReadOnlyAdmin, HistoryAdmin):
    scope_of = reports_for
    list_display = ["commitment", "fiscal_year", "quarter", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "fiscal_year", "quarter"]
