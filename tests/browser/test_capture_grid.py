"""The capture grid in a real browser: paste from Excel, keyboard, save-all with a failed row,
the unsaved-changes warning and per-entidad capture rolled up to the national value.

With SIMIR_SCREENSHOTS=<folder> it also saves the grid at 1366 and 390 px (README)."""

from decimal import Decimal as D

import pytest

from indicators.choices import Frequency
from indicators.models import Indicator
from programs.models import Program, State
from reporting.models import Progress
from tests.browser.screens import shot
from tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.browser


def monthly_indicator():
    """A monthly relative indicator of the fictitious programme, under 990010's objective."""
    sibling = Indicator.objects.get(fiscal_year=2024, external_id="990010")
    indicator = IndicatorFactory(objective=sibling.objective, matrix=sibling.matrix,
                                 responsible_unit=sibling.responsible_unit, external_id="990099",
                                 name="Porcentaje mensual de brigadas completas (ilustrativo)",
                                 frequency=Frequency.MENSUAL)
    for month in (1, 2, 3):
        TargetFactory(indicator=indicator, month=month, value=D(80))
    return indicator


def grid(page_as, demo_site, width=1366):
    page = page_as("capturista_zzz")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{demo_site}/captura/2024/1/{Program.objects.get(is_fictitious=True).pk}/")
    return page


def paste(page, selector, text):
    page.locator(selector).focus()
    page.evaluate("""([selector, text]) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        document.querySelector(selector).dispatchEvent(
            new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", [selector, text])


def test_paste_a_block_from_excel_skipping_read_only_rows(page_as, demo_site):
    monthly = monthly_indicator()
    first = Indicator.objects.get(fiscal_year=2024, external_id="990007")
    second = Indicator.objects.get(fiscal_year=2024, external_id="990010")
    page = grid(page_as, demo_site)
    # 3 rows × 4 columns as Excel copies them (CRLF, trailing newline); 990008, approved, sits
    # between 990007 and 990010 and is skipped.
    block = ("98\t115\tCausa uno\tEfecto uno\r\n"
             "1,200\t1,300\tCausa dos\tEfecto dos\r\n"
             "70\t100\tCausa tres\tEfecto tres\r\n")
    paste(page, f"#ind-{first.pk}-m3 input[name$=-numerator]", block)
    targets = [f"#ind-{first.pk}-m3", f"#ind-{second.pk}-m3", f"#ind-{monthly.pk}-m1"]
    for selector, expected in zip(targets, [("98", "115", "Causa uno", "Efecto uno"),
                                            ("1,200", "1,300", "Causa dos", "Efecto dos"),
                                            ("70", "100", "Causa tres", "Efecto tres")], strict=True):
        row = page.locator(selector)
        values = tuple(row.locator(f"[name$=-{name}]").input_value()
                       for name in ("numerator", "denominator", "cause", "effect"))
        assert values == expected
        assert "changed" in row.get_attribute("class")
    approved = Indicator.objects.get(fiscal_year=2024, external_id="990008")
    assert page.locator(f"#ind-{approved.pk}-m3 input[name$=-numerator]").input_value() == "9120000"
    page.locator(f"#ind-{monthly.pk}-m1 .live-semaforo .semaforo-amarillo").wait_for()
    assert page.locator(".dirty-count").inner_text().startswith("3 filas con cambios")
    shot(page, "captura-cuadricula")
    page.locator(".grid-toolbar button[value=guardar]").first.click()
    page.locator(".messages").wait_for()
    assert "3 avances guardados como borrador." in page.locator(".messages").inner_text()
    assert Progress.objects.get(indicator=second, month=3).value == D("92.307692")
    assert Progress.objects.get(indicator=monthly, month=1).cause == "Causa tres"


def test_january_and_february_by_keyboard(page_as, demo_site):
    monthly = monthly_indicator()
    page = grid(page_as, demo_site)
    page.locator(f"#ind-{monthly.pk}-m1 input[name$=-numerator]").click()
    page.keyboard.type("76")
    page.keyboard.press("Tab")  # → denominador
    page.keyboard.type("100")
    page.keyboard.press("Enter")  # ↓ February's denominador
    page.keyboard.type("50")
    page.keyboard.press("Shift+Tab")  # ← February's numerador
    page.keyboard.type("45")
    page.keyboard.press("ArrowDown")  # March's numerador: left empty
    assert page.evaluate("document.activeElement.name") == f"r{monthly.pk}-3-numerator"
    page.locator(f"#ind-{monthly.pk}-m2 .live-semaforo .semaforo-amarillo").wait_for()  # 90 against 80
    page.locator(".grid-toolbar button[value=guardar]").first.click()
    page.locator(".messages").wait_for()
    stored = {p.month: (p.numerator, p.denominator, p.value) for p in Progress.objects.filter(indicator=monthly)}
    assert stored == {1: (D(76), D(100), D(76)), 2: (D(45), D(50), D(90))}


def test_an_invalid_row_keeps_its_error_and_text_while_the_others_save(page_as, demo_site):
    first = Indicator.objects.get(fiscal_year=2024, external_id="990007")
    second = Indicator.objects.get(fiscal_year=2024, external_id="990010")
    page = grid(page_as, demo_site)
    page.fill(f"#ind-{first.pk}-m3 input[name$=-numerator]", "doce")
    page.fill(f"#ind-{first.pk}-m3 input[name$=-denominator]", "115")
    page.fill(f"#ind-{first.pk}-m3 textarea[name$=-cause]", "Lo que escribí")
    page.fill(f"#ind-{second.pk}-m3 input[name$=-numerator]", "90")
    page.fill(f"#ind-{second.pk}-m3 input[name$=-denominator]", "100")
    page.locator(".grid-toolbar button[value=guardar]").first.click()
    page.locator(f"tr.row-errors[data-for='{first.pk}-3']").wait_for()
    assert "«doce» no es un número" in page.locator(f"tr.row-errors[data-for='{first.pk}-3']").inner_text()
    assert page.locator(f"#ind-{first.pk}-m3 input[name$=-numerator]").input_value() == "doce"
    assert page.locator(f"#ind-{first.pk}-m3 textarea[name$=-cause]").input_value() == "Lo que escribí"
    assert Progress.objects.get(indicator=second, month=3).value == D(90)
    assert not Progress.objects.filter(indicator=first, month=3).exists()
    # The failed row still counts as unsaved: leaving would warn.
    assert page.locator(".dirty-count").inner_text().startswith("1 fila con cambios")


def test_leaving_with_unsaved_changes_warns(page_as, demo_site):
    first = Indicator.objects.get(fiscal_year=2024, external_id="990007")
    page = grid(page_as, demo_site)
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator(f"#ind-{first.pk}-m3 input[name$=-numerator]").click()
    page.keyboard.type("70")
    url = page.url
    page.click("nav.main >> text=Inicio")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"] and page.url == url
    page.remove_listener("dialog", stay)


def test_entidad_capture_rolls_up_to_the_national_value(page_as, demo_site):
    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990010")
    indicator.captured_by_state = True
    indicator.save()
    # The live server's database is flushed between tests, migration data included.
    ags = State.objects.get_or_create(clave="01", defaults={"name": "Aguascalientes", "abbreviation": "AGS"})[0]
    bc = State.objects.get_or_create(clave="02", defaults={"name": "Baja California", "abbreviation": "BC"})[0]
    page = grid(page_as, demo_site)
    key = f"{indicator.pk}-3"
    page.locator(f"tr.states-row[data-for='{key}'] summary").click()
    page.fill(f"input[name=r{key}-e{ags.pk}-numerator]", "30")
    page.fill(f"input[name=r{key}-e{ags.pk}-denominator]", "40")
    page.locator(f"input[name=r{key}-e{ags.pk}-denominator]").press("Enter")  # ↓ Baja California
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("45")
    page.keyboard.press("Tab")
    page.keyboard.type("60")
    row = page.locator(f"#ind-{key.replace('-', '-m')}")
    page.wait_for_function(
        "sel => document.querySelector(sel).textContent.trim() === '100.00'",
        arg=f"#ind-{indicator.pk}-m3 [data-rolled=denominator]")
    assert row.locator("[data-rolled=numerator]").inner_text() == "75.00"
    row.locator(".live-semaforo .semaforo-amarillo").wait_for()  # 75 against a meta of 90: |c − 100| = 16.67
    assert row.locator(".live-compliance").inner_text() == "83.33 %"
    row.locator("textarea[name$=-cause]").fill("Dos entidades reportaron")
    shot(page, "captura-entidades")
    page.locator(".grid-toolbar button[value=guardar]").first.click()
    page.locator(".messages").wait_for()
    national = Progress.objects.get(indicator=indicator, month=3, state__isnull=True)
    assert (national.numerator, national.denominator, national.value) == (D(75), D(100), D("75"))
    assert Progress.objects.get(indicator=indicator, month=3, state=bc).numerator == D(45)


def test_the_grid_works_at_390_px(page_as, demo_site):
    first = Indicator.objects.get(fiscal_year=2024, external_id="990007")
    page = grid(page_as, demo_site, width=390)
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('main *'))
        .filter(e => !e.closest('.grid-scroll') && e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className)""")
    assert wide == []  # only the table's box scrolls sideways
    page.locator(f"#ind-{first.pk}-m3 input[name$=-numerator]").fill("98")
    page.locator(f"#ind-{first.pk}-m3 input[name$=-denominator]").fill("115")
    page.locator(f"#ind-{first.pk}-m3 .live-semaforo .semaforo-verde").wait_for()
    shot(page, "captura-390")
    page.locator(".grid-toolbar button[value=guardar]").first.click()
    page.locator(".messages").wait_for()
    assert Progress.objects.get(indicator=first, month=3).value == D("85.217391")
