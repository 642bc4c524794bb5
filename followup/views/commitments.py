"""The list of commitments and a commitment's page: its % at a quarter and how it was computed."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from common.ids import parse_int
from followup import rules
from followup.board import row
from followup.choices import Kind, Standing
from followup.models import Report, ReportTransition
from followup.readings import current_quarter, parse_quarter
from followup.scope import commitments_for, get_commitment_for_user
from programs.roles import can_capture, can_review
from reporting.choices import ProgressStatus
from programs.scope import units_for


def quarters_between(first, last):
    year, quarter = first
    while (year, quarter) <= last:
        yield year, quarter
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)


@login_required
def commitment_list(request):
    queryset = commitments_for(request.user).select_related("responsible_unit", "program").prefetch_related("items")
    filters = {"tipo": request.GET.get("tipo", ""), "estado": request.GET.get("estado", ""),
               "ur": request.GET.get("ur", "")}
    if filters["tipo"] in Kind.values:
        queryset = queryset.filter(kind=filters["tipo"])
    unit = parse_int(filters["ur"])
    if unit is not None:
        queryset = queryset.filter(responsible_unit=unit)
    rows = [row(c) for c in queryset.order_by("kind", "clave")]
    if filters["estado"] in Standing.values:
        rows = [r for r in rows if r.standing == filters["estado"]]
    to_review = []
    if can_review(request.user):  # what waits for the coordinación, oldest first
        to_review = (Report.objects.filter(commitment__in=commitments_for(request.user), status=ProgressStatus.ENVIADO)
                     .select_related("commitment", "submitted_by").order_by("submitted_at", "pk"))
    return render(request, "followup/list.html", {
        "rows": rows, "filters": filters, "kinds": Kind.choices, "standings": Standing.choices,
        "units": units_for(request.user).order_by("clave"), "to_review": to_review,
    })


@login_required
def commitment_detail(request, pk):
    commitment = get_commitment_for_user(request.user, pk)
    today = current_quarter()
    reports = list(Report.objects.filter(commitment=commitment).select_related("submitted_by", "reviewed_by")
                   .prefetch_related("evidence", "updates__item").order_by("-fiscal_year", "-quarter"))
    starts = [(r.fiscal_year, r.quarter) for r in reports]
    if commitment.baseline_on:
        starts.append(rules.quarter_of(commitment.baseline_on))
    if commitment.due_date:
        starts.append(rules.quarter_of(commitment.due_date))
    first = min(starts + [today])
    quarters = list(quarters_between(first, today))[::-1]
    fiscal_year, quarter = parse_quarter(request.GET.get("trimestre"), today)
    if (fiscal_year, quarter) not in quarters:  # only the commitment's quarters, up to today
        fiscal_year, quarter = today
    entry = row(commitment, fiscal_year, quarter)
    transitions = (ReportTransition.objects.filter(report__commitment=commitment)
                   .select_related("report", "user").order_by("-at", "-pk"))
    edits = (Report.history.filter(commitment_id=commitment.pk).select_related("history_user")
             .order_by("-history_date", "-history_id"))
    return render(request, "followup/detail.html", {
        "commitment": commitment, "entry": entry, "fiscal_year": fiscal_year, "quarter": quarter,
        "quarters": quarters,
        "reports": reports, "transitions": transitions, "edits": edits, "readings": commitment.readings.select_related("session"),
        "indicators": commitment.indicators.all(), "can_capture": can_capture(request.user), "today": today,
    })
