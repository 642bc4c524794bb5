"""What an import keeps of an indicator besides its ficha: the link to the previous ejercicio's indicator
(ID_INDICADOR_CICLO_ANTERIOR) and the columns SIMIR does not model (docs/intercambio.md)."""

from django.db.models import OuterRef, Subquery
from simple_history.utils import bulk_update_with_history

from indicators.models import Indicator

PREVIOUS = "previous_external_id"


def previous_ids(rows):
    """{(ejercicio, ID_INDICADOR): id} of the stored indicators the rows name as their previous one
    (one query for a batch; none when no row names one)."""
    wanted = {(row.fiscal_year - 1, row.ficha[PREVIOUS]) for row in rows if PREVIOUS in row.ficha}
    if not wanted:
        return {}
    found = Indicator.objects.filter(fiscal_year__in={year for year, _ in wanted},
                                     external_id__in={external for _, external in wanted}).order_by()
    return {(year, external): pk for year, external, pk in found.values_list("fiscal_year", "external_id", "pk")
            if (year, external) in wanted}


def add_kept_values(values, row, previous):
    """Add to an indicator's `values` what the row gives besides the ficha: the previous indicator it
    names (None while it is not stored: it is linked when it arrives) and its extra columns (over those
    of the indicator's other rows, national and per entidad)."""
    if PREVIOUS in row.ficha:
        values["previous_id"] = previous.get((row.fiscal_year - 1, row.ficha[PREVIOUS]))
    if row.extra:
        values["extra_columns"] = {**values.get("extra_columns", {}), **row.extra}


def keep_stored_extra_columns(wanted):
    """An import never deletes: a stored extra column the row does not bring keeps its value. `wanted`
    is the writer's {(ejercicio, ID_INDICADOR): values}; one query when some row brings extra columns."""
    bringing = {key: values for key, values in wanted.items() if "extra_columns" in values}
    if not bringing:
        return
    stored = Indicator.objects.filter(
        fiscal_year__in={year for year, _ in bringing}, external_id__in={external for _, external in bringing},
    ).exclude(extra_columns={}).order_by().values_list("fiscal_year", "external_id", "extra_columns")
    for year, external, extra in stored:
        values = bringing.get((year, external))
        if values is not None:
            values["extra_columns"] = {**extra, **values["extra_columns"]}


def link_waiting_indicators(fiscal_years, reason):
    """Indicators of the ejercicio after an imported one that named a previous indicator not stored
    then get it now that it is; returns how many. Saved with their history, as any change of the ficha."""
    previous = Indicator.objects.filter(fiscal_year=OuterRef("fiscal_year") - 1, external_id=OuterRef(PREVIOUS))
    waiting = list(Indicator.objects.filter(
        fiscal_year__in={year + 1 for year in fiscal_years}, previous__isnull=True,
    ).exclude(**{PREVIOUS: ""}).annotate(found=Subquery(previous.values("pk")[:1])).filter(found__isnull=False))
    for indicator in waiting:
        indicator.previous_id = indicator.found
    if waiting:
        bulk_update_with_history(waiting, Indicator, ["previous"], default_change_reason=reason)
    return len(waiting)
