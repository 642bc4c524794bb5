"""Avances, transitions and evidence a user may see (docs/dominio.md: scope)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from indicators.scope import indicators_for
from programs.roles import is_administrator
from programs.scope import programs_for, units_for
from reporting.models import Evidence, Progress, ProgressTransition, WindowExtension


def progress_for(user):
    # An administrator sees everything: the plain table, not `indicator IN (every indicator)`.
    if is_administrator(user):
        return Progress.objects.all()
    return Progress.objects.filter(indicator__in=indicators_for(user))


def transitions_for(user):
    return ProgressTransition.objects.filter(progress__indicator__in=indicators_for(user))


def get_progress_for_user(user, pk):
    return get_object_or_404(progress_for(user).select_related("indicator"), pk=pk)


def get_evidence_for_user(user, pk):
    return get_object_or_404(Evidence.objects.filter(progress__indicator__in=indicators_for(user)), pk=pk)


def extensions_for(user):
    """Prórrogas granted to a UR or programa of the user's scope."""
    return WindowExtension.objects.filter(
        Q(responsible_unit__in=units_for(user)) | Q(program__in=programs_for(user))
    )
