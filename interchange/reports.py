"""The XLSX report in the SHCP layout (docs/intercambio.md): a summary sheet, then one sheet per programa."""

from collections import defaultdict
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from common.formula_safety import append_row
from indicators import rules
from indicators.models import FiscalYearPolicy
from interchange.exporter import period_outcome, period_values
from programs.models import level_rank
from reporting.choices import ProgressStatus
from reporting.models import Progress

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
    (gettext_lazy("Causa"), 45), (gettext_lazy("Efecto"), 45), (gettext_lazy("Otros motivos"), 35),
]
LINE_HEIGHT = 13  # points per wrapped line; LibreOffice does not re-fit row heights of a generated file
NUMBER_FORMAT = "#,##0.00"
WRAP = Alignment(wrap_text=True, vertical="top")


def latest_quarter_with_avances(fiscal_year):
    months = Progress.objects.filter(fiscal_year=fiscal_year, status__in=(ProgressStatus.ENVIADO, ProgressStatus.APROBADO))
    month = months.order_by("-month").values_list("month", flat=True).first()
    return rules.quarter_of_month(month) if month else 4


def report_workbook(fiscal_year, quarter, indicators, only_approved=False):
    """The workbook's bytes for the quarter (indicators as `export_indicators` returns them)."""
    targets, progress = period_values(fiscal_year, indicators, only_approved)
    policy = FiscalYearPolicy.for_year(fiscal_year)
    by_program = defaultdict(list)
    for indicator in indicators:
        by_program[indicator.matrix.program].append(indicator)

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Resumen")
    append_row(summary, [_("Resumen del SED · ejercicio %(ejercicio)s · trimestre %(trimestre)s")
                         % {"ejercicio": fiscal_year, "trimestre": quarter}])
    summary["A1"].font = Font(bold=True, size=13)
    for cell in append_row(summary, [_("Programa"), _("Nombre"), _("Indicadores"), _("Con periodo en el trimestre"),
                                     _("Reportados"), _("Verde"), _("Amarillo"), _("Rojo"), _("Gris"),
                                     _("Completitud %")]):
        cell.font = Font(bold=True)
    for program, program_indicators in by_program.items():
        lines = [_line(i, fiscal_year, quarter, targets[i.pk], progress[i.pk], policy) for i in program_indicators]
        counts = _counts(lines)
        cells = append_row(summary, [program.clave, program.name, len(lines), counts["with_period"],
                                     counts["reported"], counts["verde"], counts["amarillo"], counts["rojo"],
                                     counts["gris"], rules.percentage(counts["reported_with_meta"], counts["with_meta"])])
        cells[9].number_format = NUMBER_FORMAT
        _program_sheet(workbook, program, fiscal_year, quarter, lines)
    for index, width in enumerate([10, 50, 12, 14, 12, 9, 9, 9, 9, 13], start=1):
        summary.column_dimensions[get_column_letter(index)].width = width
    _print_setup(summary)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _line(indicator, fiscal_year, quarter, targets, progress, policy):
    month = rules.quarter_period_month(indicator.frequency, quarter)
    last_month = rules.period_months(indicator.frequency)[-1]
    annual = targets.get(last_month)
    target = targets.get(month) if month else None
    avance = progress.get(month) if month else None
    return {
        "indicator": indicator, "month": month,
        "annual": annual.value if annual else None, "annual_modified": annual.current_value if annual else None,
        "meta": target.current_value if target else None, "avance": avance,
        "outcome": period_outcome(indicator, target, avance, policy),
    }


def _counts(lines):
    counts = defaultdict(int)
    for line in lines:
        if line["month"] is None:
            continue
        counts["with_period"] += 1
        counts["reported"] += line["avance"] is not None
        counts["with_meta"] += line["meta"] is not None
        counts["reported_with_meta"] += line["meta"] is not None and line["avance"] is not None
        if line["outcome"] and line["outcome"].semaforo:
            counts[line["outcome"].semaforo] += 1
    return counts


def _row_height(cells):
    """Enough height for the longest wrapped text of the row (so nothing is cut when printed)."""
    lines = 1
    for cell, (_title, width) in zip(cells, COLUMNS):
        if isinstance(cell.value, str):
            lines = max(lines, -(-len(cell.value) // max(width - 2, 1)))
    return min(LINE_HEIGHT * lines + 4, 409)


def _print_setup(sheet):
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _program_sheet(workbook, program, fiscal_year, quarter, lines):
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
    header_cells = append_row(sheet, [str(title) for title, _width in COLUMNS])
    header_row = header_cells[0].row
    for cell in header_cells:
        cell.font = Font(bold=True)
        cell.alignment = WRAP
    lines = sorted(lines, key=lambda l: level_rank(l["indicator"].objective.level))
    for line in lines:
        indicator, outcome, avance = line["indicator"], line["outcome"], line["avance"]
        light = outcome.semaforo if outcome else None
        cells = append_row(sheet, [
            indicator.objective.level, indicator.objective.clave, f"{indicator.external_id} · {indicator.name}",
            indicator.calculation_method,
            " - ".join(v for v in (indicator.indicator_type, indicator.dimension, indicator.frequency) if v),
            indicator.unit_of_measure, line["annual"], line["annual_modified"], line["meta"],
            avance.value if avance else None,
            (outcome.cumplimiento if outcome and outcome.cumplimiento is not None else (_("N/A") if outcome else None)),
            light or (_("sin meta en el trimestre") if line["month"] is None
                      else _("sin meta") if line["meta"] is None else None),
            avance.cause if avance else None, avance.effect if avance else None,
            avance.other_reasons if avance else None,
        ])
        for cell in cells[6:11]:
            cell.number_format = NUMBER_FORMAT
        for cell in cells:
            cell.alignment = WRAP
        sheet.row_dimensions[cells[0].row].height = _row_height(cells)
        if light:
            cell = cells[11]
            cell.fill = SEMAFORO_FILL[light]
            cell.font = Font(color="FFFFFF", bold=True)
    for index, (_title, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    _print_setup(sheet)
    sheet.print_title_rows = f"{header_row}:{header_row}"


QUARTER_NAMES = {1: gettext_lazy("Primer"), 2: gettext_lazy("Segundo"), 3: gettext_lazy("Tercer"),
                 4: gettext_lazy("Cuarto")}


def informe_context(fiscal_year, quarter, indicators, only_approved=False):
    """Per programa, its instruments and each indicator as seed 000's SED section presents it."""
    targets, progress = period_values(fiscal_year, indicators, only_approved)
    policy = FiscalYearPolicy.for_year(fiscal_year)
    programs = {}
    for indicator in indicators:
        program = indicator.matrix.program
        entry = programs.setdefault(program.pk, {"program": program, "kind": indicator.matrix.kind, "lines": []})
        line = _line(indicator, fiscal_year, quarter, targets[indicator.pk], progress[indicator.pk], policy)
        target = targets[indicator.pk].get(line["month"]) if line["month"] else None
        line["programmed"] = target.value if target else None
        entry["lines"].append(line)
    for entry in programs.values():
        entry["lines"].sort(key=lambda l: level_rank(l["indicator"].objective.level))
    return {"fiscal_year": fiscal_year, "quarter": quarter, "quarter_name": QUARTER_NAMES[quarter],
            "programs": list(programs.values()), "only_approved": only_approved}
