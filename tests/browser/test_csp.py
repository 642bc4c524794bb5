"""The Content Security Policy holds on every main page: no inline script or style is blocked."""

import pytest

from indicators.models import Indicator
from programs.models import Program
from reporting.models import Progress

pytestmark = pytest.mark.browser


def test_main_pages_raise_no_csp_violation(page_as, demo_site):
    program = Program.objects.get(is_fictitious=True)
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990005")
    progress = Progress.objects.filter(indicator=indicator, month=3).first()
    page = page_as("admin")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    for path in ["/", f"/captura/2024/1/{program.pk}/", "/revision/?estado=", f"/revision/{progress.pk}/",
                 "/indicadores/", f"/indicadores/{indicator.pk}/", "/tablero/2024/1/", "/exportaciones/",
                 "/exportaciones/informe/2024/1/", f"/indicadores/{indicator.pk}/auditoria/", f"/indicadores/{indicator.pk}/ajuste/", "/ajustes/",
                 "/ventanas/", "/admin/",
                 f"/admin/indicators/indicator/{indicator.pk}/change/"]:
        response = page.goto(demo_site + path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers, path
        page.wait_for_timeout(150)
    assert violations == []
