"""Commitments and follow-up reports a user may see: those of the URs (or programas) of their scope."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from followup.models import Commitment, Report, ReportEvidence
from programs.roles import is_administrator
from programs.scope import units_and_programs


def commitments_for(user):
    if not user.is_authenticated:
        return Commitment.objects.none()
    if is_administrator(user):
        return Commitment.objects.all()
    units, programs = units_and_programs(user)
    return Commitment.objects.filter(Q(responsible_unit__in=units) | Q(program__in=programs))


def get_commitment_for_user(user, pk):
    return get_object_or_404(commitments_for(user).select_related("responsible_unit", "program", "origin_session"),
                             pk=pk)


def get_report_for_user(user, pk):
    return get_object_or_404(Report.objects.filter(commitment__in=commitments_for(user))
                             .select_related("commitment"), pk=pk)


def get_report_evidence_for_user(user, pk):
    return get_object_or_404(ReportEvidence.objects.filter(report__commitment__in=commitments_for(user)), pk=pk)
