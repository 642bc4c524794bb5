"""Meta adjustments, capture windows and prórrogas in a real browser, and the main pages at phone
width. With SIMIR_SCREENSHOTS=<folder> it saves the screenshots of the README (1366 and 390 px)."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from compliance.models import QuarterResult
from indicators.models import Indicator, TargetAdjustment
from programs.models import Program
from reporting.models import Progress, WindowExtension
from tests.browser.screens import shot

pytestmark = pytest.mark.browser
WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_adjustment_requested_and_approved_gives_the_new_cumplimiento(page_as, demo_site):
    program = Program.objects.get(is_fictitious=True)
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990007")
    capturista = page_as("capturista_zzz", WIDE)
    capturista.goto(f"{demo_site}/captura/2024/1/{program.pk}/")
    row = capturista.locator(f"#ind-{indicator.pk}-m3")
    row.locator("input[name$=-numerator]").fill("98")
    row.locator("input[name$=-denominator]").fill("115")
    row.locator(".live-semaforo .semaforo-verde").wait_for()
    row.locator(f"button[value='enviar:{indicator.pk}-3']").click()
    capturista.locator(".messages").wait_for()
    assert QuarterResult.objects.get(indicator=indicator, quarter=1).compliance == D("100.26")  # 85.217391 / 85

    capturista.goto(f"{demo_site}/indicadores/{indicator.pk}/")
    capturista.click("text=Solicitar ajuste de meta")
    capturista.select_option("select[name=month]", "3")
    capturista.fill("input[name=value]", "90")
    capturista.fill("textarea[name=justification]", "Se amplió la convocatoria del curso en marzo.")
    shot(capturista, "ajuste-solicitud")
    capturista.click("button:has-text('Solicitar ajuste')")
    capturista.locator(".messages").wait_for()
    assert "la coordinación lo revisará" in capturista.locator(".messages").inner_text()
    adjustment = TargetAdjustment.objects.get(target__indicator=indicator, status="solicitado")

    coordinador = page_as("coordinador", WIDE)
    coordinador.click("text=Ajustes de meta por resolver")
    coordinador.locator("table.grid").get_by_text(indicator.external_id).wait_for()
    shot(coordinador, "ajustes-lista")
    coordinador.click(f"a[href='/ajustes/{adjustment.pk}/']")
    shot(coordinador, "ajuste-detalle")
    coordinador.click("button:has-text('Aprobar: será la meta vigente')")
    coordinador.locator(".messages").wait_for()
    assert "90 es la meta vigente de 2024-03" in coordinador.locator(".messages").inner_text()
    result = QuarterResult.objects.get(indicator=indicator, quarter=1)
    assert (result.meta, result.compliance) == (D(90), D("94.69"))  # 85.217391 / 90
    coordinador.goto(f"{demo_site}/indicadores/{indicator.pk}/")
    assert "94.69" in coordinador.locator("main").inner_text()
    coordinador.goto(f"{demo_site}/indicadores/{indicator.pk}/auditoria/")
    audit = coordinador.locator("main").inner_text()
    assert "Ajuste de meta 2024-03" in audit and "Solicitado → Aprobado" in audit
    shot(coordinador, "auditoria")


def test_a_prorroga_lets_the_capturista_save_after_the_close(page_as, demo_site):
    program = Program.objects.get(is_fictitious=True)
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990010")
    now = timezone.now()
    coordinador = page_as("coordinador", WIDE)
    coordinador.click("nav.main >> text=Ventanas")
    coordinador.fill("input[name=t1-opens_at]", local(now - timedelta(days=30)))
    coordinador.fill("input[name=t1-closes_at]", local(now - timedelta(hours=1)))
    coordinador.fill("input[name=t1-note]", "Cierre del T1")
    coordinador.click("button:has-text('Guardar T1')")
    coordinador.locator(".messages").wait_for()

    capturista = page_as("capturista_zzz", WIDE)
    capture = f"{demo_site}/captura/2024/1/{program.pk}/"
    capturista.goto(capture)
    assert "pida una prórroga" in capturista.locator(f"#ind-{indicator.pk}-m3").inner_text()

    coordinador.select_option("select[name=quarter]", "1")
    coordinador.select_option("select[name=target]", label="UR ZZZ · Unidad Responsable Ilustrativa (ficticia)")
    coordinador.fill("input[name=until]", local(now + timedelta(days=3)))
    coordinador.fill("textarea[name=reason]", "Falla del sistema estatal de información.")
    coordinador.click("button:has-text('Otorgar prórroga')")
    coordinador.locator(".messages").wait_for()
    assert WindowExtension.objects.get().granted_by.username == "coordinador"
    shot(coordinador, "ventanas")

    capturista.goto(capture)
    row = capturista.locator(f"#ind-{indicator.pk}-m3")
    row.locator("input[name$=-numerator]").fill("6480")
    row.locator("input[name$=-denominator]").fill("7050")
    capturista.locator("button[value=guardar]").first.click()
    capturista.locator(".messages").wait_for()
    progress = Progress.objects.get(indicator=indicator, fiscal_year=2024, month=3, state__isnull=True)
    assert (progress.status, progress.value) == ("borrador", D("91.914894"))


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport, suffix", [(WIDE, ""), (PHONE, "-390")])
def test_main_pages_fit_the_width(page_as, demo_site, viewport, suffix):
    """At 390 px nothing sticks out of the page: the navigation wraps, wide tables scroll in their box."""
    progress = Progress.objects.filter(indicator__external_id="990005", month=3).first()
    capturista = page_as("capturista_zzz", viewport)
    pages = [(capturista, "/", "inicio-capturista")]
    coordinador = page_as("coordinador", viewport)
    pages += [(coordinador, "/", "inicio-coordinador"), (coordinador, "/revision/?estado=", "revision-cola"),
              (coordinador, f"/revision/{progress.pk}/", "revision-detalle"), (coordinador, "/tablero/", "tablero"),
              (coordinador, "/ajustes/", "ajustes-lista"), (coordinador, "/ventanas/", "ventanas"),
              (coordinador, f"/indicadores/{progress.indicator_id}/auditoria/", "auditoria")]
    for page, path, name in pages:
        assert page.goto(demo_site + path).status == 200, path
        page.wait_for_timeout(200)
        assert overflow(page) <= 0, f"{path} sobresale {overflow(page)} px a {viewport['width']} px"
        nav = page.locator("nav.main")
        assert nav.evaluate("n => n.scrollWidth <= n.clientWidth + 1"), f"menú cortado en {path}"
        if suffix or name in ("inicio-capturista", "inicio-coordinador"):
            shot(page, name + suffix)
