"""Programa Institucional matrices and indicators a user may see (docs/dominio.md: scope)."""

from django.shortcuts import get_object_or_404

from indicators.scope import indicators_for
from programs.models import Matrix


def pi_indicators_for(user):
    return indicators_for(user).filter(matrix__kind=Matrix.Kind.PI)


def pi_matrices_for(user):
    """A Programa Institucional is seen by whoever sees one of its indicators."""
    return Matrix.objects.filter(kind=Matrix.Kind.PI, pk__in=pi_indicators_for(user).values("matrix"))


def get_pi_indicator_for_user(user, pk):
    return get_object_or_404(pi_indicators_for(user).select_related("matrix", "objective"), pk=pk)


def get_pi_matrix_for_user(user, pk):
    return get_object_or_404(pi_matrices_for(user), pk=pk)
