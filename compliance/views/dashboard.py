"""The dashboard (docs/pantallas.md): semáforo distribution, completeness and timeliness per programa
and per UR for one quarter, with drill-down to a programa's indicator results.

The counts come from the one selector (`compliance.counts.quarter_counts`) over the user's
indicators, the drill-down from `results_for`, so a user only ever sees their scope. The number of
queries does not depend on the number of rows. The page's data is cached until a recompute moves the
aggregates' computation stamp."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.ids import parse_id
from common.numbers import plain_number
from common.table_export import EXPORT_FORMATS, export_table
from compliance.counts import quarter_counts
from compliance.models import QuarterAggregate
from compliance.scope import results_for
from compliance.tables import ProgramAggregateTable, UnitAggregateTable
from indicators import rules
from indicators.scope import indicators_for
from programs.models import level_rank
from programs.roles import is_administrator
from programs.scope import get_program_for_user, units_and_programs
from reporting.models import CaptureWindow

PROGRAMS_PER_PAGE = 50
CACHE_SECONDS = 3600  # a bound on memory: a recompute makes the stored page unreachable anyway
MONTHS = [gettext_lazy("enero"), gettext_lazy("febrero"), gettext_lazy("marzo"), gettext_lazy("abril"),
          gettext_lazy("mayo"), gettext_lazy("junio"), gettext_lazy("julio"), gettext_lazy("agosto"),
          gettext_lazy("septiembre"), gettext_lazy("octubre"), gettext_lazy("noviembre"), gettext_lazy("diciembre")]


def _chart_data(program_rows):
    return {
        "labels": [row.program.clave for row in program_rows],
        "names": [row.program.name for row in program_rows],
        **{light: [getattr(row, light) for row in program_rows] for light in ("verde", "amarillo", "rojo", "gris")},
        "completeness": [plain_number(row.completeness) for row in program_rows],
        "timeliness": [plain_number(row.timeliness) for row in program_rows],
    }


def _periods(scoped_results):
    """(ejercicio, trimestre) pairs with results in the user's scope, for the navigation."""
    return list(scoped_results.order_by("fiscal_year", "quarter").values_list("fiscal_year", "quarter").distinct())


def _drill_down(user, scoped_results, raw_pk, fiscal_year, quarter):
    """One programa's indicator results in the quarter; a programa outside the scope is 404."""
    pk = parse_id(raw_pk)
    if pk is None:
        raise Http404(_("Programa inexistente."))
    program = get_program_for_user(user, pk)
    results = list(
        scoped_results.filter(fiscal_year=fiscal_year, quarter=quarter, program=program).select_related("indicator")
    )
    results.sort(key=lambda r: (level_rank(r.level), r.indicator.external_id))
    for result in results:
        result.month_name = MONTHS[result.month - 1]
    return program, results


@login_required
def dashboard_latest(request):
    """The quarter whose capture window is open now, if the scope has results in it: that is the
    quarter people are working on. Otherwise the latest quarter with a computed result (meta and
    avance); failing that, the latest with any result row. Later quarters of the current year
    already have rows (pendiente), so "any row" alone would land on a quarter nobody has reported."""
    results = results_for(request.user).order_by("-fiscal_year", "-quarter").values_list("fiscal_year", "quarter")
    now = timezone.now()
    open_quarters = CaptureWindow.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by(
        "-fiscal_year", "-quarter").values_list("fiscal_year", "quarter")
    latest = next((pair for pair in open_quarters if results.filter(fiscal_year=pair[0], quarter=pair[1]).exists()),
                  None)
    latest = latest or results.filter(status=rules.Estado.CON_RESULTADO).first() or results.first()
    if latest is None:
        return render(request, "dashboard/empty.html")
    return redirect("simir:dashboard", *latest)


def computation_stamp():
    """When the aggregates were last computed, and how many there are (a group that empties is
    deleted). Every recompute moves it, full or of one indicator (`aggregates.apply_difference`
    stamps every group its results touch), so a page built before it is never served after it."""
    stamp = QuarterAggregate.objects.aggregate(Max("computed_at"), Count("pk"))
    return stamp["computed_at__max"], stamp["pk__count"]


def _cache_key(request, fiscal_year, quarter):
    """What the page's numbers depend on: the user's scope, the quarter, the page and drill-down
    asked for, the language, and the aggregates' computation stamp."""
    user = request.user
    parts = (user.pk, is_administrator(user), units_and_programs(user), fiscal_year, quarter,
             sorted(request.GET.lists()), translation.get_language(), computation_stamp())
    return "dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@login_required
def dashboard(request, fiscal_year, quarter):
    """The page's data is cached until a recompute changes the stamp; the response itself is
    rendered each time (it carries the user's menu, messages and CSRF token)."""
    if quarter not in rules.QUARTERS:
        raise Http404(_("Trimestre inexistente."))
    key = None if request.GET.get("_export") in EXPORT_FORMATS else _cache_key(request, fiscal_year, quarter)
    context = cache.get(key) if key else None
    if context is None:
        context = _page(request, fiscal_year, quarter)
        if isinstance(context, HttpResponseBase):  # an exported table
            return context
        cache.set(key, context, CACHE_SECONDS)
    return render(request, "dashboard/dashboard.html", context)


def _page(request, fiscal_year, quarter):
    user = request.user
    # Each scope helper reads the user's URs and programas once; built once, reused below.
    scoped_results = results_for(user)
    counts = quarter_counts(fiscal_year, quarter, None if is_administrator(user) else indicators_for(user))
    program_rows, unit_rows = counts.programs, counts.units
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:  # each table can be downloaded as shown
        table = UnitAggregateTable(unit_rows) if request.GET.get("tabla") == "ur" else ProgramAggregateTable(program_rows)
        name = f"tablero_{fiscal_year}_T{quarter}_{'ur' if isinstance(table, UnitAggregateTable) else 'programas'}"
        return export_table(table, export_format, name, _("Tablero"))
    # The table pages; its totals and the UR table cover every programa (1,000 rows for the APF).
    program_page = Paginator(program_rows, PROGRAMS_PER_PAGE).get_page(request.GET.get("pagina"))
    selected, results = None, None
    if "programa" in request.GET:
        selected, results = _drill_down(user, scoped_results, request.GET["programa"], fiscal_year, quarter)
    periods = _periods(scoped_results)
    with_data = {q for year, q in periods if year == fiscal_year}
    return {
        "fiscal_year": fiscal_year, "quarter": quarter,
        "quarters": [(q, q in with_data) for q in rules.QUARTERS],
        # Each other ejercicio opens on its latest quarter with results.
        "years": sorted({year: q for year, q in periods}.items()),
        "program_rows": program_rows, "program_page": program_page,
        # Both tables cover the same indicators: their totals are the scope's total.
        "program_totals": counts.total if program_rows else None,
        "unit_rows": unit_rows, "unit_totals": counts.total if unit_rows else None,
        "chart": _chart_data(program_page.object_list),
        "selected": selected, "results": results,
    }
