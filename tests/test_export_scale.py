"""Exports at scale (issue 21): no per-row scan of the sheet. Time is measured by hand, not here
(see docs/decisiones.md)."""

import io
from decimal import Decimal

import django_tables2 as tables
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from common.formula_safety import append_row
from common.table_export import export_table


def test_append_row_returns_the_new_rows_cells_and_keeps_formulas_as_text():
    sheet = Workbook().active
    append_row(sheet, ["título"])
    cells = append_row(sheet, ["=1+1", Decimal("2.5"), None, "a\x01b"])
    assert [(c.coordinate, c.value, c.data_type) for c in cells] == [
        ("A2", "=1+1", "s"), ("B2", Decimal("2.5"), "n"), ("C2", None, "n"), ("D2", "ab", "s")]
    assert sheet["A2"] is cells[0] and sheet["B2"] is cells[1]


class _Rows(tables.Table):
    nombre = tables.Column()
    valor = tables.Column()


@pytest.fixture
def sheet_scans(monkeypatch):
    """How many times the sheet is scanned for its extent: each `max_row` / `max_column` reads every
    cell, so a count that follows the rows makes the export quadratic."""
    calls = []
    for name in ("max_row", "max_column"):
        scan = getattr(Worksheet, name).fget
        monkeypatch.setattr(Worksheet, name, property(lambda sheet, scan=scan: calls.append(1) or scan(sheet)))
    return calls


def test_table_xlsx_export_scans_the_sheet_as_often_for_10_rows_as_for_40(sheet_scans):
    def scans(count):
        sheet_scans.clear()
        rows = [{"nombre": f"=fila {n}", "valor": Decimal(n)} for n in range(count)]
        response = export_table(_Rows(rows), "xlsx", "filas", "Filas")
        return len(sheet_scans), response.content

    (few, _), (many, content) = scans(10), scans(40)
    assert few == many
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == ["Nombre", "Valor"] and sheet["A1"].font.bold
    assert (sheet["A41"].value, sheet["A41"].data_type, sheet["B41"].value, sheet["B41"].number_format) == (
        "=fila 39", "s", 39, "#,##0.00")
