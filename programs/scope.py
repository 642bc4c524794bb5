"""Scope: which programas, matrices and objetivos a user may see. The helper of each object kind
lives in the app that owns the kind (indicators/scope.py, reporting/scope.py, compliance/scope.py)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from programs.models import Matrix, Objective, Program, ResponsibleUnit
from programs.roles import is_administrator


def units_and_programs(user):
    # Read once per request: every helper of a page asks for the same scope.
    if not hasattr(user, "_simir_scope"):
        user._simir_scope = (
            list(user.responsible_units.values_list("pk", flat=True)),
            list(user.programs.values_list("pk", flat=True)),
        )
    return user._simir_scope


def programs_for(user):
    if not user.is_authenticated:
        return Program.objects.none()
    if is_administrator(user):
        return Program.objects.all()
    units, programs = units_and_programs(user)
    return Program.objects.filter(
        Q(pk__in=programs) | Q(responsible_unit__in=units) | Q(matrices__indicators__responsible_unit__in=units)
    ).distinct()


def units_for(user):
    """URs a user answers for (a programa in scope does not bring its UR along)."""
    if not user.is_authenticated:
        return ResponsibleUnit.objects.none()
    if is_administrator(user):
        return ResponsibleUnit.objects.all()
    units, _programs = units_and_programs(user)
    return ResponsibleUnit.objects.filter(pk__in=units)


def get_unit_for_user(user, pk):
    return get_object_or_404(units_for(user), pk=pk)


def matrices_for(user):
    return Matrix.objects.filter(program__in=programs_for(user))


def objectives_for(user):
    return Objective.objects.filter(matrix__in=matrices_for(user))


def get_program_for_user(user, pk):
    return get_object_or_404(programs_for(user), pk=pk)
