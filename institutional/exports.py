"""The Programa Institucional report as XLSX (one row per indicator × year, for spreadsheets) and
as PDF (the screen's layout through WeasyPrint)."""

from io import BytesIO

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from common.formula_safety import append_row
from interchange.report_xlsx import NUMBER_FORMAT, SEMAFORO_FILL

COLUMNS = [
    gettext_lazy("Objetivo"), gettext_lazy("Texto del objetivo"), gettext_lazy("Indicador"), gettext_lazy("Nombre"),
    gettext_lazy("Sentido"), gettext_lazy("Unidad de medida"), gettext_lazy("Línea base"),
    gettext_lazy("Año de la línea base"), gettext_lazy("Año"), gettext_lazy("Periodo"), gettext_lazy("Meta"),
    gettext_lazy("Resultado"), gettext_lazy("Numerador"), gettext_lazy("Denominador"),
    gettext_lazy("Cumplimiento %"), gettext_lazy("Semáforo"), gettext_lazy("Observación"),
]
NUMBER_COLUMNS = {7, 11, 12, 13, 14, 15}  # 1-based: línea base, meta, resultado, numerador, denominador, %


def report_xlsx(report):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Programa Institucional")
    append_row(sheet, [str(report.matrix)])[0].font = Font(bold=True, size=13)
    for cell in append_row(sheet, [str(c) for c in COLUMNS]):
        cell.font = Font(bold=True)
    for block in report.objectives:
        for row in block.rows:
            indicator = row.indicator
            for cell in row.cells:
                cells = append_row(sheet, [
                    block.objective.clave, block.objective.summary, indicator.external_id, indicator.name,
                    indicator.direction, indicator.unit_of_measure, _figure(row.baseline, row.baseline_mark),
                    indicator.baseline_year, cell.year,
                    _("programa") if cell.in_programme else _("serie histórica"),
                    _figure(cell.meta, cell.meta_mark), _figure(cell.result, cell.result_mark),
                    cell.numerator, cell.denominator, cell.cumplimiento, cell.semaforo or "",
                    _("resultado %(estado)s, sin aprobar") % {"estado": cell.pending} if cell.pending else "",
                ])
                for position in NUMBER_COLUMNS:
                    cells[position - 1].number_format = NUMBER_FORMAT
                if cell.semaforo:
                    cells[15].fill = SEMAFORO_FILL[cell.semaforo]
                    cells[15].font = Font(color="FFFFFF", bold=True)
    sheet.freeze_panes = "A3"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def _figure(value, mark):
    """The number, else what the ficha printed in its place in words (never a 0), else empty."""
    return value if value is not None else str(mark or "")


def report_pdf(report):
    # Imported here: WeasyPrint takes a noticeable moment to load, and only this download needs it.
    from weasyprint import CSS, HTML

    html = render_to_string("institutional/report_pdf.html", {"report": report, "pdf": True})
    stylesheets = [CSS(filename=finders.find("css/informe.css")),
                   CSS(string="@page { size: letter landscape; margin: 1.5cm; } h2 { page-break-before: auto; }")]
    return HTML(string=html).write_pdf(stylesheets=stylesheets)
