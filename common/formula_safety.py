"""Spreadsheet formula injection: a text cell such as `=cmd|' /C calc'!A0` must never reach Excel
or LibreOffice as a formula. Every CSV and XLSX that SIMIR writes goes through this module: CSV
text cells get a leading apostrophe (removed again on import) and XLSX cells are written as plain
strings. Control characters other than tab, LF and CR (which no entry point lets in any more,
docs/decisiones.md) are left out of both: openpyxl refuses them and they mean nothing in a cell."""

import csv
import re

from openpyxl.cell import Cell

from common.text import strip_control_characters

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number, plain («-5», «80.918874») or as the screens show it («-1,955.50»): a spreadsheet reads
# it as a number, never as a formula, so it keeps no apostrophe. ASCII digits only.
NUMBER = re.compile(r"[+-]?(([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]*)?|\.[0-9]+)")


def neutralise(text):
    """For CSV: prefix a text that a spreadsheet would run as a formula (numbers stay as they are)."""
    if text and text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore(text):
    """For import: undo `neutralise`."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START) and not NUMBER.fullmatch(text[1:]):
        return text[1:]
    return text


def _text(value):
    return strip_control_characters(value) if isinstance(value, str) else value


def csv_row(values):
    """Every text cell neutralised; other values (numbers, None) as they are."""
    return [neutralise(_text(value)) if isinstance(value, str) else value for value in values]


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **options):
    """`csv.writer` whose every row is neutralised: the only way SIMIR writes a CSV."""
    return _SafeWriter(csv.writer(stream, **options))


def append_row(sheet, values):
    """For openpyxl, which stores any text starting with «=» as a formula: keep it a string. The
    only way SIMIR writes a row of an XLSX. Returns the row's cells, for the caller to style: finding
    them again through `sheet.max_row` or `sheet[row]` scans every cell of the sheet, which made a
    large export quadratic."""
    cells = [Cell(sheet, value=_text(value)) for value in values]
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"
    sheet.append(cells)
    return cells
