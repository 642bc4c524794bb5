"""The whole quarterly story in a browser: capturista → coordinador → returned → fixed → approved.

With SIMIR_SCREENSHOTS=<folder> it also saves the screenshots of the main pages (README)."""


import pytest

from compliance.models import QuarterResult
from indicators.models import Indicator
from programs.models import Program
from reporting.models import Progress
from tests.browser.screens import shot

pytestmark = pytest.mark.browser


def capture_row(page, indicator):
    return page.locator(f"#ind-{indicator.pk}-m3")


@pytest.mark.embedded
def test_capture_return_fix_resend_approve(page_as, demo_site):
    program = Program.objects.get(is_fictitious=True)
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990007")

    capturista = page_as("capturista_zzz")
    shot(capturista, "inicio-capturista")
    capturista.goto(f"{demo_site}/captura/2024/1/{program.pk}/")
    row = capture_row(capturista, indicator)
    row.locator("input[name$=-numerator]").fill("70")
    row.locator("input[name$=-denominator]").fill("115")
    row.locator(".live-semaforo .semaforo-rojo").wait_for()
    row.locator("textarea[name$=-cause]").fill("Se reprogramaron dos cursos por las lluvias.")
    row.locator("textarea[name$=-effect]").fill("Menos promotores evaluados en el trimestre.")
    shot(capturista, "captura")
    row.locator("button[value^=enviar]").click()
    capturista.locator(".messages").wait_for()

    coordinador = page_as("coordinador")
    shot(coordinador, "inicio-coordinador")
    coordinador.goto(f"{demo_site}/revision/")
    shot(coordinador, "revision-cola")
    coordinador.click(f"text={indicator.external_id}")
    shot(coordinador, "revision-detalle")
    coordinador.click("details.why summary")
    assert "|c − 100| 28.39" in " ".join(coordinador.locator(".why-panel").inner_text().split())
    coordinador.click("details.why summary")
    coordinador.fill("#note-devolver", "Anexe la lista de asistencia de los cursos.")
    coordinador.click("text=Devolver al capturista")
    coordinador.locator(".messages").wait_for()
    progress = Progress.objects.get(indicator=indicator, fiscal_year=2024, month=3)
    assert progress.status == "devuelto"

    capturista.goto(f"{demo_site}/captura/2024/1/{program.pk}/")
    notice = capturista.locator(".notice.returned")
    assert "Anexe la lista de asistencia de los cursos." in notice.inner_text()
    row = capture_row(capturista, indicator)
    row.locator("input[name$=-numerator]").fill("98")
    row.locator(".live-semaforo .semaforo-verde").wait_for()
    row.locator("button[value^=enviar]").click()
    capturista.locator(".messages").wait_for()

    coordinador.goto(f"{demo_site}/revision/{progress.pk}/")
    coordinador.click("button:has-text('Aprobar')")
    coordinador.locator(".messages").wait_for()
    progress.refresh_from_db()
    assert progress.status == "aprobado"
    result = QuarterResult.objects.get(indicator=indicator, quarter=1)
    assert (result.semaforo, str(result.compliance)) == ("verde", "100.26")

    coordinador.goto(f"{demo_site}/indicadores/{indicator.pk}/")
    coordinador.wait_for_timeout(300)  # let the chart draw for the screenshot
    why = coordinador.locator("details.why").first
    why.locator("summary").click()
    panel = why.locator(".why-panel")
    assert panel.is_visible()
    assert "c = 100 + (85.217391 − 85) / |85| × 100 = 100.26" in " ".join(panel.inner_text().split())
    shot(coordinador, "indicador")
    coordinador.goto(f"{demo_site}/tablero/2024/1/")
    coordinador.wait_for_timeout(300)
    assert "P999" in coordinador.locator("main").inner_text()
    shot(coordinador, "tablero")

    # The quarter goes out as Hacienda's layout: a background job, its progress, the file.
    coordinador.goto(f"{demo_site}/exportaciones/")
    coordinador.select_option("select[name=trimestre]", "1")
    coordinador.select_option("select[name=formato]", "csv")
    coordinador.click("text=Generar")
    coordinador.locator("#job-file:not([hidden])").wait_for()
    assert "terminado" in coordinador.locator("#job-status").inner_text().lower()
    shot(coordinador, "exportacion")
    with coordinador.expect_download() as download:
        coordinador.click("#job-file")
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert "990007" in content and "85.217391" in content and ",verde," in content
