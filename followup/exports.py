"""The Junta's list of agreements for its next session as XLSX and PDF (followup/board.py rows)."""

from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from common.formula_safety import append_row


def headers():
    return [_("Clave"), _("Texto"), _("Responsable"), _("Fecha compromiso"), _("% de avance"), _("Regla"),
            _("Desglose del %"), _("Estado"), _("Cambio desde la última sesión")]


def values(entry):
    explanation = entry.explanation
    # Labels are lazy translations: openpyxl takes only plain strings.
    return [entry.commitment.clave, entry.commitment.text, entry.responsible, str(entry.due), explanation.percent,
            str(entry.commitment.get_rule_display()), entry.breakdown, str(entry.standing_label), entry.change]


WIDTHS = [20, 60, 30, 24, 12, 24, 60, 14, 50]


def board_xlsx(session, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Acuerdos")
    title = _("Seguimiento de acuerdos para la próxima sesión de la Junta de Gobierno")
    append_row(sheet, [title])[0].font = Font(bold=True, size=13)
    since = _("Cambios desde la %(sesion)s") % {"sesion": session} if session else _("Sin sesiones registradas")
    append_row(sheet, [f"{since} · {_('generado el')} {timezone.localtime():%d/%m/%Y %H:%M}"])
    for cell in append_row(sheet, headers()):
        cell.font = Font(bold=True)
    for entry in rows:
        for index, cell in enumerate(append_row(sheet, values(entry))):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if index == 4 and cell.value is not None:
                cell.number_format = "0.00"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A4"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def board_pdf(session, rows):
    # Imported here: WeasyPrint takes a noticeable moment to load, and only this export needs it.
    from weasyprint import HTML

    html = render_to_string("followup/board_pdf.html", {"session": session, "rows": rows,
                                                        "generated": timezone.localtime()})
    return HTML(string=html).write_pdf()
