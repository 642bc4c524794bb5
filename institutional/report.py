"""The Programa Institucional report (objetivo → indicador → línea base, metas and results per year,
semáforo), read once and shared by the screen, the XLSX and the PDF. Cumplimiento and semáforo come
from `reporting.readings.outcome_against`, i.e. `indicators.rules`, like every avance's."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from indicators.models import FiscalYearPolicy, Target
from institutional.models import Figure
from institutional.services import ANNUAL_MONTH, programme_years, result_years
from reporting.choices import ProgressStatus
from reporting.models import Progress
from reporting.readings import outcome_against


@dataclass
class YearCell:
    year: int
    in_programme: bool
    meta: Decimal | None = None
    meta_mark: str = ""  # «no disponible» / «no aplica» where the ficha printed ND / NA
    result: Decimal | None = None  # approved results only
    result_mark: str = ""
    pending: str = ""  # the state of a result not approved yet («enviado», …)
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    cumplimiento: Decimal | None = None
    semaforo: str | None = None


@dataclass
class IndicatorRow:
    indicator: object
    baseline: Decimal | None
    baseline_mark: str
    cells: list
    latest: YearCell | None  # the latest year with a semáforo


@dataclass
class ObjectiveBlock:
    objective: object
    rows: list = field(default_factory=list)


@dataclass
class InstitutionalReport:
    matrix: object
    years: list
    objectives: list


def build_report(matrix, indicators):
    """The report of a Programa Institucional for `indicators` (the user's, of that matrix)."""
    indicators = list(
        indicators.filter(matrix=matrix).select_related("objective").order_by("objective__clave", "external_id")
        .prefetch_related(
            Prefetch("targets", Target.objects.filter(month=ANNUAL_MONTH).prefetch_related("adjustments")),
            Prefetch("progress", Progress.objects.filter(month=ANNUAL_MONTH, state__isnull=True)),
            "published_marks",
        )
    )
    last = matrix.last_year or matrix.fiscal_year
    seen = {p.fiscal_year for i in indicators for p in i.progress.all()}
    seen |= {m.fiscal_year for i in indicators for m in i.published_marks.all() if m.fiscal_year}
    years = list(range(min([matrix.fiscal_year, *seen]), max([last, *seen]) + 1))
    policies = {}
    blocks = {}
    for indicator in indicators:
        block = blocks.setdefault(indicator.objective_id, ObjectiveBlock(indicator.objective))
        block.rows.append(_row(matrix, indicator, years, policies))
    return InstitutionalReport(matrix, years, list(blocks.values()))


def _row(matrix, indicator, years, policies):
    marks = {(m.figure, m.fiscal_year): m.get_mark_display() for m in indicator.published_marks.all()}
    metas = {t.fiscal_year: t.current_value for t in indicator.targets.all()}
    results = {p.fiscal_year: p for p in indicator.progress.all()}
    cells = []
    for year in years:
        cell = YearCell(year, year >= matrix.fiscal_year, meta=metas.get(year),
                        meta_mark=marks.get((Figure.META, year), ""))
        progress = results.get(year)
        if progress and progress.status == ProgressStatus.APROBADO:
            cell.result, cell.numerator, cell.denominator = progress.value, progress.numerator, progress.denominator
        elif progress:
            cell.pending = progress.get_status_display().lower()
        if cell.result is None:
            cell.result_mark = marks.get((Figure.RESULTADO, year), "")
        if cell.meta is not None and (cell.result is not None or cell.numerator is not None):
            if year not in policies:
                policies[year] = FiscalYearPolicy.for_year(year)
            outcome = outcome_against(indicator, year, cell.meta, cell.result, policies[year])
            cell.cumplimiento, cell.semaforo = outcome.cumplimiento, outcome.semaforo
        cells.append(cell)
    latest = next((c for c in reversed(cells) if c.semaforo), None)
    return IndicatorRow(indicator, indicator.baseline_value, marks.get((Figure.LINEA_BASE, None), ""), cells, latest)


def result_overview(indicators):
    """Per Programa Institucional, its years and each indicator's result of each (None in a year it is
    not measured, {"progress": None} where nothing is captured yet): the list the capture starts from."""
    indicators = indicators.select_related("matrix", "objective").prefetch_related(
        Prefetch("targets", Target.objects.filter(month=ANNUAL_MONTH)),
        Prefetch("progress", Progress.objects.filter(month=ANNUAL_MONTH, state__isnull=True)),
    ).order_by("matrix__fiscal_year", "objective__clave", "external_id")
    programmes = {}
    for indicator in indicators:
        entry = programmes.setdefault(indicator.matrix_id, {"matrix": indicator.matrix, "rows": [],
                                                            "years": list(programme_years(indicator.matrix))})
        results = {p.fiscal_year: p for p in indicator.progress.all()}
        measured = set(result_years(indicator))
        entry["rows"].append({"indicator": indicator, "cells": [
            (year, {"progress": results.get(year)} if year in measured else None) for year in entry["years"]]})
    return list(programmes.values())
