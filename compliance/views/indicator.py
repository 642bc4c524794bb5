from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from common.numbers import plain_number
from common.paging import configure_table
from common.table_export import EXPORT_FORMATS, export_table
from compliance.filters import IndicatorFilter
from compliance.models import QuarterResult, ResultFailure
from compliance.series import year_series
from compliance.tables import IndicatorTable
from indicators import rules
from indicators.models import FiscalYearPolicy, Target
from indicators.scope import get_indicator_for_user, indicators_for
from reporting.models import Progress
from reporting.readings import explain


@login_required
def indicator_list(request):
    queryset = indicators_for(request.user).select_related("matrix__program", "responsible_unit", "objective")
    filterset = IndicatorFilter(request.GET, queryset=queryset, request=request)
    table = IndicatorTable(filterset.qs)
    if request.GET.get("_export") in EXPORT_FORMATS:
        RequestConfig(request, paginate=False).configure(table)
        return export_table(table, request.GET["_export"], "indicadores", _("Indicadores"))
    configure_table(request, table)
    return render(request, "indicators/list.html", {"filter": filterset, "table": table})


@login_required
def indicator_detail(request, pk):
    indicator = get_indicator_for_user(request.user, pk)
    # Prefetched on the indicator so that readings.explain reads the same metas as the tables.
    prefetch_related_objects([indicator], Prefetch("targets", queryset=Target.objects.prefetch_related(
        "adjustments__decided_by", "adjustments__requested_by")))
    targets = {(t.fiscal_year, t.month): t for t in indicator.targets.all()}
    progress = {(p.fiscal_year, p.month): p for p in Progress.objects.filter(indicator=indicator, state__isnull=True)}
    periods = sorted(set(targets) | set(progress))
    series = [
        {"year": year, "month": month, "target": targets.get((year, month)), "progress": progress.get((year, month)),
         "meta": targets[(year, month)].current_value if (year, month) in targets else None}
        for year, month in periods
    ]
    results = list(
        QuarterResult.objects.filter(indicator=indicator).select_related("adjustment").order_by("fiscal_year", "quarter")
    )
    policies = {r.fiscal_year: FiscalYearPolicy.for_year(r.fiscal_year) for r in results}
    for result in results:
        avance = progress.get((result.fiscal_year, result.month))
        if result.status == rules.Estado.CON_RESULTADO and avance:
            result.why = explain(indicator, result.fiscal_year, result.month, avance.value, avance.numerator,
                                 avance.denominator, policies[result.fiscal_year])
    chart = {
        "labels": [f"{s['year']}-{s['month']:02d}" for s in series],
        "meta": [plain_number(s["meta"]) for s in series],
        "avance": [plain_number(s["progress"].value) if s["progress"] else None for s in series],
        "semaforo": [_light(results, s["year"], s["month"]) for s in series],
    }
    failures = ResultFailure.objects.filter(indicator=indicator).order_by("fiscal_year", "quarter")
    return render(request, "indicators/detail.html", {
        "indicator": indicator, "series": series, "results": results, "chart": chart, "failures": failures,
        "targets": [targets[key] for key in sorted(targets)],
        "variables": indicator.variables.all(), "years": year_series(indicator, indicators_for(request.user)),
    })


def _light(results, year, month):
    return next((r.semaforo for r in results if r.fiscal_year == year and r.month == month and r.semaforo), None)
