"""Indicators, metas and adjustments a user may see (docs/dominio.md: scope)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from indicators.models import Indicator, Target, TargetAdjustment
from programs.roles import is_administrator
from programs.scope import units_and_programs


def indicators_for(user):
    if not user.is_authenticated:
        return Indicator.objects.none()
    if is_administrator(user):
        return Indicator.objects.all()
    units, programs = units_and_programs(user)
    return Indicator.objects.filter(Q(responsible_unit__in=units) | Q(matrix__program__in=programs))


def targets_for(user):
    return Target.objects.filter(indicator__in=indicators_for(user))


def adjustments_for(user):
    return TargetAdjustment.objects.filter(target__indicator__in=indicators_for(user))


def get_indicator_for_user(user, pk):
    return get_object_or_404(indicators_for(user), pk=pk)


def get_adjustment_for_user(user, pk):
    return get_object_or_404(adjustments_for(user).select_related("target__indicator"), pk=pk)
