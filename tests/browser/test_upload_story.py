"""Upload through the web in a real browser: the XLSX template of the quarter downloaded from the
capture page, filled as in Excel, uploaded, its dry run read and confirmed. With
SIMIR_SCREENSHOTS=<folder> it saves the dry run (docs/screenshots/carga.png)."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from indicators.models import Indicator
from interchange.upload_template import header
from programs.models import Program
from reporting.models import Progress
from tests.browser.screens import shot

pytestmark = pytest.mark.browser
WIDE = {"width": 1366, "height": 900}


def filled(path, values):
    """The downloaded workbook with {(ID_INDICADOR, column): value} written in, as bytes."""
    with open(path, "rb") as handle:  # the download has no suffix, which openpyxl would go by
        workbook = load_workbook(handle)
    sheet = workbook.worksheets[0]
    columns = header(1)
    for number in range(2, sheet.max_row + 1):
        external_id = sheet.cell(number, columns.index("ID_INDICADOR") + 1).value
        for (wanted, column), value in values.items():
            if wanted == external_id:
                sheet.cell(number, columns.index(column) + 1, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_template_download_upload_dry_run_and_confirm(page_as, demo_site):
    program = Program.objects.get(is_fictitious=True)
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990007")
    page = page_as("capturista_zzz", WIDE)
    page.goto(f"{demo_site}/captura/2024/1/{program.pk}/")
    page.click("#upload-link")
    page.locator("#template-form select[name=formato]").select_option("xlsx")
    with page.expect_download() as download:
        page.click("#template-form button[type=submit]")
    assert download.value.suggested_filename == "plantilla_avances_2024_T1.xlsx"
    content = filled(download.value.path(), {
        ("990007", "AVANCE_MES3_NUM"): 98, ("990007", "AVANCE_MES3_DEN"): 115,
        ("990007", "AVANCE_CAUSA_MES3"): "Se sumaron dos municipios.", ("990010", "AVANCE_MES3"): "mucho",
    })
    page.set_input_files("#upload-form input[name=archivo]", files=[{
        "name": "avances T1.xlsx", "buffer": content,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("#upload-form button[type=submit]")
    page.locator("#upload-summary").wait_for()
    summary = page.locator("#upload-summary tbody td").all_inner_texts()
    assert summary[:2] == ["1", "0"] and summary[4] == "1"  # one created, none updated, one error
    errors = page.locator("#upload-errors li").all_inner_texts()
    assert len(errors) == 1 and errors[0].endswith(
        "columna AVANCE_MES3: «mucho» no es un número (use punto decimal, p. ej. 1,955.5).")
    assert not Progress.objects.filter(indicator=indicator, fiscal_year=2024, month=3, state=None,
                                       cause="Se sumaron dos municipios.").exists()  # a dry run writes nothing
    shot(page, "carga")
    page.click("#upload-confirm")
    page.locator("#job-status", has_text="Terminado").wait_for()
    assert page.locator("#job-message").inner_text().startswith("Avances: 1 creados, 0 actualizados")
    saved = Progress.objects.get(indicator=indicator, fiscal_year=2024, month=3, state=None)
    assert (saved.numerator, saved.denominator, saved.value, saved.status, saved.created_by.username) == (
        D(98), D(115), D("85.217391"), "borrador", "capturista_zzz")
