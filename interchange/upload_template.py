"""The avances template of a quarter (docs/intercambio.md, «Carga por la web»): the interchange layout
limited to the quarter's months, pre-filled with the user's indicators, their metas and their current
avances whatever their estado, plus the columns the upload needs to check what the user saw."""

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common.formula_safety import append_row
from indicators import rules
from indicators.models import Target
from indicators.models.fields import VALUE_MAX_DIGITS
from interchange import layout
from interchange.catalogs import CATALOGS, CLOSED_CATALOGS
from interchange.exporter import export_indicators, ficha_cells, month_cells, write_csv
from reporting.models import Progress

FORMATS = ("csv", "xlsx")
SHEET = "avances"
CATALOG_SHEET = "catalogos"
# The largest magnitude a value column stores (its integer digits), for the XLSX decimal validation.
VALUE_LIMIT = 10 ** (VALUE_MAX_DIGITS - rules.MAX_DECIMALS) - 1


def version(n):
    """The version of the avance the template was made with: the upload's optimistic check."""
    return f"VERSION_AVANCE_MES{n}"


def status(n):
    """The avance's estado when the template was made: for the reader, ignored by the upload."""
    return f"ESTADO_AVANCE_MES{n}"


def avance_columns(n):
    """What the upload reads of a month: the avance's numbers first, then its justification."""
    return [layout.avance(n), f"{layout.avance(n)}_NUM", f"{layout.avance(n)}_DEN",
            layout.cause(n), layout.effect(n), layout.other_reasons(n)]


def header(quarter):
    months = rules.quarter_months(quarter)
    return (layout.FICHA_COLUMNS + [c for n in months for c in layout.month_columns(n)]
            + [c for n in months for c in (version(n), status(n))])


def number_columns(quarter):
    """Columns whose cells are numbers (an XLSX writes them as numbers, validated as decimals)."""
    months = rules.quarter_months(quarter)
    quantities = [q for n in months for q in (layout.meta(n), layout.adjusted(n), layout.avance(n))]
    return {c for q in quantities for c in (q, f"{q}_NUM", f"{q}_DEN")}


@dataclass
class Template:
    filename: str
    content_type: str
    data: bytes


def template_rows(user_indicators, fiscal_year, quarter, programs=None):
    """(header, rows of text) of the in-scope SED indicators of the ejercicio (optionally of some programmes)."""
    months = list(rules.quarter_months(quarter))
    columns = header(quarter)
    indicators = export_indicators(fiscal_year, programs, indicators=user_indicators)
    targets, avances = defaultdict(dict), defaultdict(dict)
    ids = [i.pk for i in indicators]
    for target in Target.objects.filter(indicator_id__in=ids, fiscal_year=fiscal_year,
                                        month__in=months).prefetch_related("adjustments"):
        targets[target.indicator_id][target.month] = target
    for item in Progress.objects.filter(indicator_id__in=ids, fiscal_year=fiscal_year, month__in=months,
                                        state__isnull=True):
        avances[item.indicator_id][item.month] = item
    rows = []
    for indicator in indicators:
        cells = ficha_cells(indicator)
        for month in months:
            item = avances[indicator.pk].get(month)
            cells.update(month_cells(month, targets[indicator.pk].get(month), item))
            if item is not None:
                cells[version(month)] = str(item.version)
                cells[status(month)] = item.get_status_display()
        rows.append([cells.get(column, "") for column in columns])
    return columns, rows


def build_template(user_indicators, fiscal_year, quarter, output_format, programs=None):
    columns, rows = template_rows(user_indicators, fiscal_year, quarter, programs)
    name = f"plantilla_avances_{fiscal_year}_T{quarter}"
    if output_format == "xlsx":
        return Template(f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        _xlsx(columns, rows, number_columns(quarter)))
    output = io.BytesIO()
    write_csv(columns, rows, output)  # UTF-8 with BOM writes every character
    return Template(f"{name}.csv", "text/csv; charset=utf-8", output.getvalue())


def _xlsx(columns, rows, numeric):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    append_row(sheet, columns)
    for row in rows:
        # Numbers as numbers: at most 15 digits (rules.parse_value), which a double keeps exactly.
        append_row(sheet, [Decimal(text) if column in numeric and text else text
                           for column, text in zip(columns, row)])
    sheet.freeze_panes = "A2"
    last = max(len(rows) + 1, 2)
    decimals = DataValidation(type="decimal", operator="between", formula1=str(-VALUE_LIMIT),
                              formula2=str(VALUE_LIMIT), allow_blank=True, showErrorMessage=True,
                              errorTitle="Número", error="Escriba un número (punto decimal, sin fórmulas).")
    sheet.add_data_validation(decimals)
    listed = [column for column in columns if column in CLOSED_CATALOGS]
    _catalog_sheet(workbook, listed)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column in numeric:
            decimals.add(f"{letter}2:{letter}{last}")
        elif column in CLOSED_CATALOGS:
            _catalog_validation(sheet, listed.index(column) + 1, column, f"{letter}2:{letter}{last}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _catalog_sheet(workbook, listed):
    """The catalogs' values, one column each, on a hidden sheet (an inline list is capped at 255 characters)."""
    catalogs = workbook.create_sheet(CATALOG_SHEET)
    catalogs.sheet_state = "hidden"
    values = [sorted(set(CATALOGS[column].values())) for column in listed]
    append_row(catalogs, listed)
    for depth in range(max(map(len, values), default=0)):
        append_row(catalogs, [column[depth] if depth < len(column) else None for column in values])


def _catalog_validation(sheet, position, column, cells):
    letter = get_column_letter(position)
    count = len(set(CATALOGS[column].values()))
    validation = DataValidation(type="list", formula1=f"{CATALOG_SHEET}!${letter}$2:${letter}${count + 1}",
                                allow_blank=True, showErrorMessage=True, errorTitle=column,
                                error="Elija un valor de la lista.")
    sheet.add_data_validation(validation)
    validation.add(cells)
