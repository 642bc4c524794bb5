"""Spreadsheet formula injection: a text cell such as `=cmd|' /C calc'!A0` must never reach Excel
or LibreOffice as a formula. CSV text cells get a leading apostrophe (removed again on import);
XLSX cells are written as plain strings."""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def neutralise(text):
    """For CSV: prefix a text that a spreadsheet would run as a formula (numbers stay as they are)."""
    if text and text.startswith(FORMULA_START) and not NUMBER.match(text):
        return "'" + text
    return text


def restore(text):
    """For import: undo `neutralise`."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START) and not NUMBER.match(text[1:]):
        return text[1:]
    return text


def append_row(sheet, values):
    """For openpyxl, which stores any text starting with «=» as a formula: keep it a string."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
