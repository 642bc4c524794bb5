"""Any django-tables2 table exported as shown, to CSV or XLSX (tablib, which tables2's
ExportMixin needs, is not a dependency)."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO
from itertools import chain, islice

from django.http import HttpResponse, StreamingHttpResponse
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


class _Line:
    """A «file» whose write returns the text, so that csv.writer hands back each row as a string."""

    def write(self, text):
        return text


def _csv_lines(rows):
    yield "\ufeff"  # BOM: Excel then reads the accents as UTF-8
    writer = csv_writer(_Line())
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row])


def _export_csv(table, filename):
    # Streamed: each row is sent as it is made, so no copy of the whole file is held in memory. The
    # header and first row are made here, in the view, so that the queries run (and fail, if they do)
    # before the response starts, with the usual error pages.
    rows = table.as_values()
    first = list(islice(rows, 2))  # the header and the first row
    response = StreamingHttpResponse(_csv_lines(chain(first, rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
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
