"""Results and aggregates a user may see (docs/dominio.md: scope)."""

from django.db.models import Q

from compliance.models import QuarterAggregate, QuarterResult
from indicators.scope import indicators_for
from programs.roles import is_administrator
from programs.scope import programs_for, units_and_programs


def results_for(user):
    if is_administrator(user):  # the plain table (see reporting.scope.progress_for)
        return QuarterResult.objects.all()
    return QuarterResult.objects.filter(indicator__in=indicators_for(user))


def aggregates_for(user):
    """Aggregates of programas and URs in scope; totals and niveles only for administrators
    (they mix indicators the user may not see)."""
    if is_administrator(user):
        return QuarterAggregate.objects.all()
    units, _ = units_and_programs(user)
    return QuarterAggregate.objects.filter(Q(program__in=programs_for(user)) | Q(responsible_unit__in=units))
