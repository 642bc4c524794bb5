"""The home page: what is waiting for this user now (docs/pantallas.md)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from indicators import rules
from indicators.scope import indicators_for, targets_for
from programs.roles import can_capture, can_review
from programs.scope import programs_for
from reporting.choices import ProgressStatus
from reporting.models import CaptureWindow, Progress
from reporting.scope import progress_for

SIN_CAPTURAR = "sin_capturar"
# In the order the work goes: nothing yet, being written, sent back, waiting, done.
COLUMNS = [SIN_CAPTURAR, ProgressStatus.BORRADOR, ProgressStatus.DEVUELTO, ProgressStatus.ENVIADO,
           ProgressStatus.APROBADO]


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


def pending_by_program(user, fiscal_year, quarter):
    """Per programa, the indicators with a period in the quarter (the rows of its capture page) by
    the state of their national avance: {program_id: {column: n}}."""
    indicators = list(
        indicators_for(user).filter(fiscal_year=fiscal_year)
        .values_list("pk", "matrix__program", "frequency")
    )
    months = list(rules.quarter_months(quarter))
    status = dict(
        ((indicator_id, month), value) for indicator_id, month, value in
        Progress.objects.filter(indicator__in=[pk for pk, *_rest in indicators], fiscal_year=fiscal_year,
                                month__in=months, state__isnull=True)
        .values_list("indicator", "month", "status")
    )
    counts = {}
    for pk, program_id, frequency in indicators:
        month = rules.quarter_period_month(frequency, quarter)
        if month is None:
            continue
        row = counts.setdefault(program_id, dict.fromkeys(COLUMNS, 0))
        row[status.get((pk, month), SIN_CAPTURAR)] += 1
    return counts


@login_required
def desk(request):
    now = timezone.now()
    user = request.user
    if not can_capture(user):  # consulta: its desk is the dashboard
        return redirect("simir:dashboard_latest")
    quarters = []
    for fiscal_year, quarter, window in desk_quarters(user, now):
        counts = pending_by_program(user, fiscal_year, quarter)
        programs = (programs_for(user).filter(fiscal_year=fiscal_year, pk__in=list(counts))
                    .select_related("responsible_unit").order_by("ramo__clave", "modalidad", "number"))
        rows = [(p, counts[p.pk]) for p in programs]
        closes_at = window.closes_at if window else rules.quarter_close(fiscal_year, quarter)
        quarters.append({
            "fiscal_year": fiscal_year, "quarter": quarter, "closes_at": closes_at,
            "is_open": (window.opens_at <= now < window.closes_at) if window else False,
            "days_left": (closes_at - now).days,
            "programs": rows, "totals": {c: sum(r[c] for _p, r in rows) for c in COLUMNS},
        })
    waiting = progress_for(user).filter(status=ProgressStatus.ENVIADO).count() if can_review(user) else None
    return render(request, "desk/desk.html", {
        "quarters": quarters, "waiting": waiting, "can_capture": can_capture(user), "can_review": can_review(user),
    })
