"""The dashboard, a review and an indicator page print their content only: no navigation, filters
or action buttons, every table column on the page, the semáforo word with its colour."""

import pytest

from indicators.models import Indicator
from reporting.models import Progress
from tests.browser.screens import shot

pytestmark = pytest.mark.browser


def printed(page):
    page.emulate_media(media="print")
    assert page.locator("header.top nav.main").is_hidden() and page.locator("form.logout").is_hidden()
    assert page.locator("main table").first.is_visible()
    return page


def test_dashboard_review_and_indicator_print_their_content(page_as, demo_site, tmp_path):
    page = page_as("coordinador")
    page.goto(f"{demo_site}/tablero/2024/1/")
    printed(page)
    assert page.locator("nav.periods").is_hidden() and page.locator("p.exports").first.is_hidden()
    assert page.locator("main .semaforo-verde").first.is_visible()
    shot(page, "tablero-impreso")
    # Every column fits the printed width: nothing is left to a horizontal scroll.
    width = page.evaluate("document.querySelector('main table').scrollWidth")
    assert width <= page.evaluate("document.querySelector('main').clientWidth")
    pdf = tmp_path / "tablero.pdf"
    page.pdf(path=str(pdf), format="Letter", landscape=True)
    assert pdf.read_bytes().startswith(b"%PDF")

    progress = Progress.objects.filter(indicator__matrix__program__is_fictitious=True).order_by("pk").first()
    page.goto(f"{demo_site}/revision/{progress.pk}/")
    printed(page)
    assert page.locator("form.review-action").count() == 0 or page.locator("form.review-action").is_hidden()

    indicator = Indicator.objects.get(fiscal_year=2024, external_id="990005")
    page.goto(f"{demo_site}/indicadores/{indicator.pk}/")
    printed(page)
    assert page.locator("details.why summary").first.is_hidden()
