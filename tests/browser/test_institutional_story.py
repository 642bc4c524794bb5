"""The Programa Institucional story in a browser: a capturista captures the 2024 result of a ficha
(ND in seed 001), the coordinación returns it, it is fixed and approved, and the report shows it.

With SIMIR_SCREENSHOTS=<folder> it also saves the capture and report screenshots (README)."""

import io

import pytest
from openpyxl import load_workbook

from indicators.models import Indicator
from reporting.models import Progress
from tests.browser.screens import shot

pytestmark = pytest.mark.browser


def test_capture_return_fix_approve_and_report(page_as, demo_site):
    indicator = Indicator.objects.get(external_id="PI23-2.1")  # meta 2024: 95, resultado 2024: ND

    capturista = page_as("capturista_ayo")
    capturista.goto(f"{demo_site}/programa-institucional/")
    capturista.click(f"a[href='/programa-institucional/indicadores/{indicator.pk}/2024/']")
    capturista.fill("#id_value", "80")
    capturista.click("button[value=enviar]")
    # 80 against 95 is amarillo: the draft is kept, and causa and efecto are asked for.
    assert "no se pudo enviar: causa" in capturista.locator(".messages").inner_text()
    capturista.fill("#id_cause", "La transferencia de unidades en tres entidades se concluyó en diciembre.")
    capturista.fill("#id_effect", "Menos unidades operaron las acciones iniciales del MAS-BIENESTAR en el año.")
    shot(capturista, "pi-captura")
    capturista.click("button[value=enviar]")
    assert "enviado a revisión" in capturista.locator(".messages").inner_text()
    progress = Progress.objects.get(indicator=indicator, fiscal_year=2024, month=12)
    assert (progress.status, str(progress.value)) == ("enviado", "80.000000")

    coordinador = page_as("coordinador")
    coordinador.goto(f"{demo_site}/revision/")
    coordinador.click(f"text={indicator.external_id}")
    coordinador.fill("#note-devolver", "El informe anual reporta 88 %: corrija el resultado.")
    coordinador.click("text=Devolver al capturista")
    coordinador.locator(".messages").wait_for()

    capturista.goto(f"{demo_site}/programa-institucional/indicadores/{indicator.pk}/2024/")
    assert "El informe anual reporta 88 %" in capturista.locator("main").inner_text()
    capturista.fill("#id_value", "88")
    capturista.click("button[value=enviar]")
    assert "enviado a revisión" in capturista.locator(".messages").inner_text()

    coordinador.goto(f"{demo_site}/revision/{progress.pk}/")
    coordinador.click("button:has-text('Aprobar')")
    coordinador.locator(".messages").wait_for()
    progress.refresh_from_db()
    assert progress.status == "aprobado"

    coordinador.goto(f"{demo_site}/programa-institucional/{indicator.matrix_id}/reporte/")
    block = coordinador.locator(".indicator", has_text="PI23-2.1")
    table = " ".join(block.inner_text().split())
    # 2023 as printed in seed 001; 2024 as approved: c = 100 + (88 − 95) / 95 × 100 = 92.63, verde.
    assert "82.40" in table and "88.00" in table and "92.63" in table and "Semáforo 2024: verde" in table
    assert "no disponible" in coordinador.locator(".indicator", has_text="PI23-2.2").inner_text()
    coordinador.locator("h2", has_text="Objetivo 2").evaluate("heading => heading.scrollIntoView()")
    shot(coordinador, "pi-reporte", full_page=False)
    with coordinador.expect_download() as download:
        coordinador.click("text=Descargar XLSX")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert ["PI23-2.1", 2024, 95, 88, "verde"] in [[r[2], r[8], r[10], r[11], r[15]] for r in rows]
