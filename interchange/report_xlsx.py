"""The XLSX report in the SHCP layout (docs/intercambio.md): a summary sheet with the selector's
counts per programa and their total, then one sheet per programa, each ready to print and file."""

import textwrap
from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from common.formula_safety import append_row
from indicators import rules
from interchange.reports import report_programs

SEMAFORO_FILL = {
    "verde": PatternFill("solid", fgColor="1A7F37"),
    "amarillo": PatternFill("solid", fgColor="9A6700"),
    "rojo": PatternFill("solid", fgColor="B42318"),
    "gris": PatternFill("solid", fgColor="5B6770"),
}
COLUMNS = [
    (gettext_lazy("Nivel"), 11), (gettext_lazy("Objetivo"), 8), (gettext_lazy("Indicador"), 32),
    (gettext_lazy("Método de cálculo"), 28), (gettext_lazy("Tipo-Dimensión-Frecuencia"), 16),
    (gettext_lazy("Unidad de medida"), 12), (gettext_lazy("Meta anual aprobada"), 12),
    (gettext_lazy("Meta anual modificada"), 12), (gettext_lazy("Meta al periodo"), 12),
    (gettext_lazy("Realizado al periodo"), 12), (gettext_lazy("Avance %"), 10), (gettext_lazy("Semáforo"), 11),
    (gettext_lazy("Estado"), 13), (gettext_lazy("Causa"), 45), (gettext_lazy("Efecto"), 45),
    (gettext_lazy("Otros motivos"), 35),
]
AVANCE, SEMAFORO = 10, 11  # positions in COLUMNS
SUMMARY_COLUMNS = [
    (gettext_lazy("Programa"), 10), (gettext_lazy("Nombre"), 40), (gettext_lazy("Registrados"), 11),
    (gettext_lazy("Con periodo en el trimestre"), 11), (gettext_lazy("Con meta"), 9), (gettext_lazy("Sin meta"), 9),
    (gettext_lazy("Reportados"), 11), (gettext_lazy("Aprobados"), 10), (gettext_lazy("Verde"), 8),
    (gettext_lazy("Amarillo"), 9), (gettext_lazy("Rojo"), 8), (gettext_lazy("Gris"), 8),
    (gettext_lazy("Pendientes"), 11), (gettext_lazy("Sin reporte"), 10), (gettext_lazy("Completitud %"), 12),
    (gettext_lazy("Oportunidad %"), 12),
]
SUMMARY_COUNTS = ["registered", "indicators", "with_meta", "sin_meta", "reported", "approved", "verde", "amarillo",
                  "rojo", "gris", "pendiente", "sin_reporte"]
LINE_HEIGHT = 13  # points per wrapped line; LibreOffice does not re-fit row heights of a generated file
NUMBER_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_FILL = PatternFill("solid", fgColor="D9E1E8")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOTAL_BORDER = Border(left=THIN, right=THIN, top=Side(style="double", color="404040"), bottom=THIN)
ESTADOS = dict(rules.Estado.CHOICES)


def report_workbook(fiscal_year, quarter, indicators, only_approved=False):
    """The workbook's bytes for the quarter (indicators as `export_indicators` returns them)."""
    entries, counts = report_programs(fiscal_year, quarter, indicators, only_approved)
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Resumen")
    _titles(summary, [_("Resumen del SED · ejercicio %(ejercicio)s · trimestre %(trimestre)s")
                      % {"ejercicio": fiscal_year, "trimestre": quarter}])
    header_row = _header(summary, SUMMARY_COLUMNS)
    for entry in entries:
        _summary_row(summary, [entry["program"].clave, entry["program"].name], entry["counts"])
    last = summary.max_row
    cells = _summary_row(summary, [_("Total"), _("%(n)s programas") % {"n": len(entries)}], counts.total)
    _total_style(cells)
    summary.auto_filter.ref = f"A{header_row}:{get_column_letter(len(SUMMARY_COLUMNS))}{last}"
    _print_setup(summary, header_row)
    for entry in entries:
        _program_sheet(workbook, entry, fiscal_year, quarter)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _titles(sheet, titles):
    """The sheet's title and when the file was made (a filed report says as of when)."""
    generated = date_format(timezone.localtime(), "j \\d\\e F \\d\\e Y, H:i")
    append_row(sheet, titles)[0].font = Font(bold=True, size=13)
    append_row(sheet, [_("Generado el %(fecha)s") % {"fecha": generated}])


def _header(sheet, columns):
    """A table's header row: bold, shaded, bordered, wrapped, and as tall as its longest title."""
    cells = append_row(sheet, [str(title) for title, _width in columns])
    for cell in cells:
        cell.font, cell.alignment, cell.fill, cell.border = Font(bold=True), WRAP, HEADER_FILL, BORDER
    sheet.row_dimensions[cells[0].row].height = _row_height(cells, columns)
    for index, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return cells[0].row


def _summary_row(sheet, labels, row):
    cells = append_row(sheet, [*labels, *(row[name] for name in SUMMARY_COUNTS),
                               _fraction(row.completeness), _fraction(row.timeliness)])
    for cell in cells:
        cell.border, cell.alignment = BORDER, WRAP
    for cell in cells[-2:]:
        cell.number_format = PERCENT_FORMAT
    sheet.row_dimensions[cells[0].row].height = _row_height(cells, SUMMARY_COLUMNS)
    return cells


def _total_style(cells):
    for cell in cells:
        cell.font, cell.border = Font(bold=True), TOTAL_BORDER


def _fraction(percentage):
    """A percentage (0–100, as the rules give it) as the fraction a % format shows."""
    return None if percentage is None else percentage / 100


def _row_height(cells, columns):
    """Enough height for the longest wrapped text of the row (so nothing is cut when printed)."""
    lines = 1
    for cell, (_title, width) in zip(cells, columns):
        if isinstance(cell.value, str):
            wrapped = sum(len(textwrap.wrap(part, max(int(width) - 1, 1))) or 1 for part in cell.value.split("\n"))
            lines = max(lines, wrapped)
    return min(LINE_HEIGHT * lines + 4, 409)


def _print_setup(sheet, header_row):
    """Landscape, one page wide, the header row on every page, numbered pages."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddFooter.center.text = _("Página &P de &N")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def _program_sheet(workbook, entry, fiscal_year, quarter):
    program, counts = entry["program"], entry["counts"]
    sheet = workbook.create_sheet(program.clave[:31])
    program_label = f"{program.clave} {program.name}"
    if program.is_fictitious:
        program_label = _("%(programa)s (FICTICIO)") % {"programa": program_label}
    header = [
        (_("Ejercicio"), fiscal_year), (_("Periodo"), _("Trimestre %(trimestre)s") % {"trimestre": quarter}),
        (_("Ramo"), f"{program.ramo.clave} {program.ramo.name}"),
        (_("Unidad responsable"), f"{program.responsible_unit.clave} {program.responsible_unit.name}"),
        (_("Programa"), program_label),
    ]
    for label, value in header:
        append_row(sheet, [label, value])[0].font = Font(bold=True)
    sheet.append([])
    header_row = _header(sheet, COLUMNS)
    for line in entry["lines"]:
        _indicator_row(sheet, line)
    last = sheet.max_row
    lights = " · ".join(f"{_(light)} {counts[light]}" for light in ("verde", "amarillo", "rojo", "gris"))
    cells = append_row(sheet, [
        _("Total del programa"), None,
        _("%(registrados)s indicadores registrados; %(periodo)s con periodo en el trimestre, %(meta)s con meta, "
          "%(reportados)s reportados") % {"registrados": counts.registered, "periodo": counts.indicators,
                                          "meta": counts.with_meta, "reportados": counts.reported},
        None, None, None, None, None, None, None, _fraction(counts.mean_compliance), lights,
        _("Completitud: %(c)s") % {"c": "—" if counts.completeness is None else f"{counts.completeness} %"},
        None, None, None,
    ])
    _total_style(cells)
    for cell in cells:
        cell.alignment = WRAP
    cells[AVANCE].number_format = PERCENT_FORMAT
    sheet.row_dimensions[cells[0].row].height = _row_height(cells, COLUMNS)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{last}"
    _print_setup(sheet, header_row)


def _indicator_row(sheet, line):
    indicator, result, avance = line["indicator"], line["result"], line["avance"]
    light = result.semaforo if result and result.semaforo else None
    compliance = result.compliance if result else None
    if line["month"] is None:
        estado = _("sin periodo en el trimestre")
    else:
        estado = str(ESTADOS[result.status]).lower() if result else _("sin resultado calculado")
    cells = append_row(sheet, [
        indicator.objective.level, indicator.objective.clave, f"{indicator.external_id} · {indicator.name}",
        indicator.calculation_method,
        " - ".join(v for v in (indicator.indicator_type, indicator.dimension, indicator.frequency) if v),
        indicator.unit_of_measure, line["annual"], line["annual_modified"], line["meta"],
        avance.value if avance else None, _fraction(compliance), light, estado,
        avance.cause if avance else None, avance.effect if avance else None,
        avance.other_reasons if avance else None,
    ])
    for cell in cells[6:10]:
        cell.number_format = NUMBER_FORMAT
    cells[AVANCE].number_format = PERCENT_FORMAT
    if light and compliance is None:  # reported, but no cumplimiento can be computed: say why, keep the cell numeric
        cells[AVANCE].comment = Comment(_("Sin porcentaje de avance: la meta o el avance del periodo es 0 (o 0/0); "
                                          "el semáforo sigue la regla del SED."), "SIMIR")
    for cell in cells:
        cell.alignment, cell.border = WRAP, BORDER
    sheet.row_dimensions[cells[0].row].height = _row_height(cells, COLUMNS)
    if light:
        cells[SEMAFORO].fill = SEMAFORO_FILL[light]
        cells[SEMAFORO].font = Font(color="FFFFFF", bold=True)
