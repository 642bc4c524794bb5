"""What each user may see: one helper per object kind, used by every view, export and task.

A user's scope is a set of URs and/or programas; administrators see everything. Objects outside
the scope are 404, never 403, so their existence is not revealed."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from programs.models import Matrix, Objective, Program

from .models import Evidence, Indicator, Progress, ProgressTransition, QuarterAggregate, QuarterResult, Target, TargetAdjustment
from .roles import is_administrator


def _units_and_programs(user):
    # Read once per request: every helper of a page asks for the same scope.
    if not hasattr(user, "_simir_scope"):
        user._simir_scope = (
            list(user.responsible_units.values_list("pk", flat=True)),
            list(user.programs.values_list("pk", flat=True)),
        )
    return user._simir_scope


def indicators_for(user):
    if not user.is_authenticated:
        return Indicator.objects.none()
    if is_administrator(user):
        return Indicator.objects.all()
    units, programs = _units_and_programs(user)
    return Indicator.objects.filter(Q(responsible_unit__in=units) | Q(matrix__program__in=programs))


def programs_for(user):
    if not user.is_authenticated:
        return Program.objects.none()
    if is_administrator(user):
        return Program.objects.all()
    units, programs = _units_and_programs(user)
    return Program.objects.filter(
        Q(pk__in=programs) | Q(responsible_unit__in=units) | Q(matrices__indicators__responsible_unit__in=units)
    ).distinct()


def matrices_for(user):
    return Matrix.objects.filter(program__in=programs_for(user))


def objectives_for(user):
    return Objective.objects.filter(matrix__in=matrices_for(user))


def progress_for(user):
    return Progress.objects.filter(indicator__in=indicators_for(user))


def transitions_for(user):
    return ProgressTransition.objects.filter(progress__indicator__in=indicators_for(user))


def targets_for(user):
    return Target.objects.filter(indicator__in=indicators_for(user))


def adjustments_for(user):
    return TargetAdjustment.objects.filter(target__indicator__in=indicators_for(user))


def results_for(user):
    return QuarterResult.objects.filter(indicator__in=indicators_for(user))


def aggregates_for(user):
    """Aggregates of programas and URs in scope; totals and niveles only for administrators
    (they mix indicators the user may not see)."""
    if is_administrator(user):
        return QuarterAggregate.objects.all()
    units, _ = _units_and_programs(user)
    return QuarterAggregate.objects.filter(Q(program__in=programs_for(user)) | Q(responsible_unit__in=units))


def get_indicator_for_user(user, pk):
    return get_object_or_404(indicators_for(user), pk=pk)


def get_program_for_user(user, pk):
    return get_object_or_404(programs_for(user), pk=pk)


def get_progress_for_user(user, pk):
    return get_object_or_404(progress_for(user).select_related("indicator"), pk=pk)


def get_evidence_for_user(user, pk):
    return get_object_or_404(Evidence.objects.filter(progress__indicator__in=indicators_for(user)), pk=pk)


def get_adjustment_for_user(user, pk):
    return get_object_or_404(adjustments_for(user).select_related("target__indicator"), pk=pk)
