"""The indicator page's table across ejercicios: one row per indicator of its ID_INDICADOR_CICLO_ANTERIOR
chain, from the stored quarterly results (docs/pantallas.md)."""

from dataclasses import dataclass

from compliance.models import QuarterResult
from indicators import rules
from indicators.series import linked_indicators

# A result that closes what the year said: with a figure, or gris because the capture closed without one.
CLOSED = (rules.Estado.CON_RESULTADO, rules.Estado.SIN_REPORTE)


@dataclass
class YearRow:
    indicator: object
    meta: object  # the annual meta: the meta vigente of the fourth quarter's period
    result: object  # the latest closed QuarterResult of the year, or None
    current: bool  # the indicator of the page


def year_series(indicator, visible):
    """The rows of the chain that `visible` (the user's indicators) holds, by ejercicio: two queries
    however long the chain. An ejercicio out of the user's scope is left out, as its page would be 404."""
    chain = list(linked_indicators(indicator).filter(pk__in=visible.values("pk")).order_by("fiscal_year", "external_id"))
    by_indicator = {}
    for result in QuarterResult.objects.filter(indicator__in=[i.pk for i in chain]).order_by("quarter"):
        by_indicator.setdefault(result.indicator_id, []).append(result)
    rows = []
    for linked in chain:
        results = by_indicator.get(linked.pk, [])
        fourth = next((r for r in results if r.quarter == 4), None)
        closed = [r for r in results if r.status in CLOSED]
        rows.append(YearRow(linked, fourth.meta if fourth else None, closed[-1] if closed else None,
                            linked.pk == indicator.pk))
    return rows
