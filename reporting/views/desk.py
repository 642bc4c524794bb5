from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone

from indicators import rules
from programs.roles import can_capture, can_review
from programs.scope import programs_for
from reporting.models import CaptureWindow
from reporting.scope import progress_for

STATUSES = ["borrador", "enviado", "devuelto", "aprobado"]


def _open_quarters(now):
    """Quarters whose capture window is open now (configured windows first)."""
    windows = CaptureWindow.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("fiscal_year", "quarter")
    return [(w.fiscal_year, w.quarter, w.closes_at) for w in windows]


@login_required
def desk(request):
    """What is waiting for this user now."""
    now = timezone.now()
    user = request.user
    if not can_capture(user):  # consulta: its desk is the dashboard
        return redirect("simir:dashboard_latest")
    quarters = []
    for fiscal_year, quarter, closes_at in _open_quarters(now):
        months = list(rules.quarter_months(quarter))
        counts = {
            row["indicator__matrix__program"]: row
            for row in progress_for(user).filter(fiscal_year=fiscal_year, month__in=months)
            .values("indicator__matrix__program")
            .annotate(**{status: Count("pk", filter=Q(status=status)) for status in STATUSES})
        }
        programs = programs_for(user).filter(fiscal_year=fiscal_year).select_related("responsible_unit")
        quarters.append({
            "fiscal_year": fiscal_year, "quarter": quarter, "closes_at": closes_at,
            "days_left": (closes_at - now).days,
            "programs": [(p, counts.get(p.pk, {})) for p in programs],
        })
    waiting = progress_for(user).filter(status="enviado").count() if can_review(user) else None
    return render(request, "desk/desk.html", {
        "quarters": quarters, "waiting": waiting, "can_capture": can_capture(user), "can_review": can_review(user),
    })
