"""The API's docs page renders Swagger UI from the vendored files under the CSP, and a token
created on the tokens page reads the API."""

import pytest

pytestmark = pytest.mark.browser


def test_docs_page_renders_under_the_csp_and_a_new_token_reads_the_api(page_as, demo_site):
    page = page_as("capturista_ayo")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{demo_site}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=15000)
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert "/api/v1/resultados/{id}/explicacion/" in [path.replace("\u200b", "") for path in paths]
    page.goto(f"{demo_site}/")
    page.click("header >> text=Tokens de API")
    page.fill("#id_name", "Tablero")
    page.click("#crear-token button[type=submit]")
    key = page.inner_text("#clave")
    response = page.request.get(f"{demo_site}/api/v1/urs/", headers={"Authorization": f"Token {key}"})
    assert response.status == 200
    assert [row["clave"] for row in response.json()["results"]] == ["AYO"]
    assert violations == []
