"""The home page: what is waiting for this user now (docs/pantallas.md). Here, not in `reporting`,
because its counts are the one selector's (`compliance.counts`), as on the dashboard and in the reports."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from compliance.counts import quarter_counts
from indicators import rules
from indicators.scope import indicators_for, targets_for
from programs.roles import can_capture, can_review
from reporting.choices import ProgressStatus
from reporting.models import CaptureWindow
from reporting.scope import progress_for


def desk_quarters(user, now):
    """[(ejercicio, trimestre, window or None)]: the quarters whose configured window is open now;
    with none open, the latest quarter where the user's scope has an avance (else a meta), so the
    home still says where things stand."""
    open_windows = CaptureWindow.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("fiscal_year", "quarter")
    if open_windows:
        return [(w.fiscal_year, w.quarter, w) for w in open_windows]
    latest = (progress_for(user).filter(state__isnull=True).order_by("-fiscal_year", "-month")
              .values_list("fiscal_year", "month").first())
    if latest is None:
        latest = targets_for(user).order_by("-fiscal_year", "-month").values_list("fiscal_year", "month").first()
    if latest is None:
        return []
    fiscal_year, month = latest
    quarter = rules.quarter_of_month(month)
    return [(fiscal_year, quarter, CaptureWindow.objects.filter(fiscal_year=fiscal_year, quarter=quarter).first())]


@login_required
def desk(request):
    now = timezone.now()
    user = request.user
    if not can_capture(user):  # consulta: its desk is the dashboard
        return redirect("simir:dashboard_latest")
    quarters = []
    for fiscal_year, quarter, window in desk_quarters(user, now):
        counts = quarter_counts(fiscal_year, quarter, indicators_for(user), workflow=True)
        # The programas with rows on their capture page: indicators with a period in the quarter.
        rows = [row for row in counts.programs if row.indicators]
        closes_at = window.closes_at if window else rules.quarter_close(fiscal_year, quarter)
        quarters.append({
            "fiscal_year": fiscal_year, "quarter": quarter, "closes_at": closes_at,
            "is_open": (window.opens_at <= now < window.closes_at) if window else False,
            "days_left": (closes_at - now).days,
            "programs": rows, "totals": counts.total,
        })
    waiting = progress_for(user).filter(status=ProgressStatus.ENVIADO).count() if can_review(user) else None
    return render(request, "desk/desk.html", {
        "quarters": quarters, "waiting": waiting, "can_capture": can_capture(user), "can_review": can_review(user),
    })
