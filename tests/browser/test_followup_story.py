"""In the browser: a capturista reports a sub-item of a commitment and sends it; the coordinación
approves it; the commitment's page shows the new % with its item-by-item explanation."""

import pytest

from followup.models import Commitment
from tests.browser.screens import shot

pytestmark = pytest.mark.browser


def test_report_a_sub_item_and_approve_it(page_as, demo_site):
    audit = Commitment.objects.get(clave="FICT-PTCI-01")  # weighted: 50 % × 100 + 30 % × 40 + 20 % × 0
    item = audit.items.get(number=2)
    page = page_as("capturista_zzz")
    page.goto(f"{demo_site}/seguimiento/{audit.pk}/reporte/2024/1/")
    page.fill("#id_text", "Se terminó la redacción (ficticio).")
    page.select_option(f"#id_item-{item.pk}-state", "resuelto")
    page.click("button[name=enviar]")
    page.wait_for_url(lambda url: "trimestre=2024-1" in url)
    assert "= 62 %" in page.locator("section.why").inner_text()  # sent, not yet approved

    page = page_as("coordinador")
    page.goto(f"{demo_site}/seguimiento/{audit.pk}/reporte/2024/1/")
    page.click("form.review-action button:has-text('Aprobar')")
    page.goto(f"{demo_site}/seguimiento/{audit.pk}/?trimestre=2024-1")
    explanation = page.locator("section.why")
    assert "Σ (peso × %) / Σ pesos = 8,000 / 100 = 80 %" in explanation.inner_text()
    assert "reporte T1-2024" in explanation.inner_text()
    shot(page, "seguimiento-compromiso")
    page.goto(f"{demo_site}/seguimiento/junta/")
    assert "JG-3O2024-P7" in page.content()
    shot(page, "seguimiento-junta")
