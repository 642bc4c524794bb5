"""Playwright with Debian's chromium against pytest-django's live server."""

import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still
# plain synchronous calls made between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = "falta chromium para las pruebas de navegador (make test lo instala como root)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server, transactional_db):
    call_command("load_demo", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
    return live_server.url


@pytest.fixture
def page_as(browser, demo_site):
    """A fresh logged-in page for a demo user."""
    contexts = []

    def login(username, viewport=None):
        context = browser.new_context(locale="es-MX", viewport=viewport or {"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{demo_site}/cuenta/entrar/")
        page.fill("#id_username", username)
        page.fill("#id_password", "simir-demo-2024")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/cuenta/entrar/" not in url)
        return page

    yield login
    for context in contexts:
        context.close()
