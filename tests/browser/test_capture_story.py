"""The capturista's side in a real browser: live semáforo, justification, send; permissions."""

from decimal import Decimal as D

import pytest

from indicators.models import Indicator
from programs.models import Program
from reporting.models import Progress

pytestmark = pytest.mark.browser


def test_semaforo_updates_while_typing_and_send_requires_justification(page_as, demo_site):
    program = Program.objects.get(is_fictitious=True)
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990007")
    page = page_as("capturista_zzz")
    page.click("main a:text-is('Capturar')")  # not the «Sin capturar» column of the home
    # A click waits for the navigation to start, not for the grid's script: typing before it runs
    # fires no preview (the CI runs, with two browsers at once, hit that).
    page.wait_for_load_state()
    assert page.url.endswith(f"/captura/2024/1/{program.pk}/")
    row = page.locator(f"#ind-{indicator.pk}-m3")
    row.locator("input[name$=-numerator]").fill("70")
    row.locator("input[name$=-denominator]").fill("115")
    row.locator(".live-semaforo .semaforo-rojo").wait_for()
    assert row.locator(".live-compliance").inner_text() == "71.61 %"
    assert row.locator(".required-mark").first.is_visible()
    row.locator("input[name$=-numerator]").fill("98")
    row.locator(".live-semaforo .semaforo-verde").wait_for()
    assert row.locator(".live-compliance").inner_text() == "100.26 %"
    assert not row.locator(".required-mark").first.is_visible()
    row.locator("button[value^=enviar]").click()
    page.locator(".messages").wait_for()
    assert "enviado a revisión" in page.locator(".messages").inner_text()
    progress = Progress.objects.get(indicator=indicator, fiscal_year=2024, month=3)
    assert (progress.status, progress.value) == ("enviado", D("85.217391"))


def test_a_capturista_cannot_open_another_units_page(page_as, demo_site):
    program = Program.objects.get(is_fictitious=True)
    page = page_as("capturista_ayo")
    response = page.goto(f"{demo_site}/captura/2024/1/{program.pk}/")
    assert response.status == 404
