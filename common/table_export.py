"""Any django-tables2 table exported as shown, to CSV or XLSX (tablib, which tables2's
ExportMixin needs, is not a dependency)."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils.formats import date_format
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from common.formula_safety import append_row, csv_writer
from common.numbers import number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")


def _csv_cell(value):
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, datetime):
        return date_format(value, "d/m/Y H:i")
    return "" if value is None else value


def _export_csv(table, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # BOM: Excel then reads the accents as UTF-8
    writer = csv_writer(response)
    for row in table.as_values():
        writer.writerow([_csv_cell(value) for value in row])
    return response


def _export_xlsx(table, filename, sheet_title):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    rows = table.as_values()
    for cell in append_row(sheet, next(rows)):
        cell.font = Font(bold=True)
    for row in rows:
        for cell in append_row(sheet, row):
            # Numbers stay numbers (full precision) but show as on screen.
            if isinstance(cell.value, (Decimal, int, float)):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    for index, column in enumerate(sheet.columns, start=1):
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_table(table, export_format, filename, sheet_title):
    if export_format == "csv":
        return _export_csv(table, filename)
    return _export_xlsx(table, filename, sheet_title)
