"""The OpenAPI schema is committed (docs/api/openapi.yaml): regenerating it must give the same
file, so that a change to the API is always deliberate. The docs page runs under the CSP."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db
COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"


def test_the_committed_schema_is_the_generated_one(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == COMMITTED.read_text(), (
        "El esquema cambió: revise el cambio y regenérelo con "
        "`python manage.py spectacular --file docs/api/openapi.yaml --settings=config.settings.test`.")


def test_the_schema_is_served_to_a_signed_in_user_only(world, client):
    assert client.get("/api/v1/schema/").status_code == 401
    client.force_login(world.consulta)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/v1/resultados/{id}/explicacion/:" in body and "tokenPersonal" in body


def test_the_docs_page_uses_only_vendored_files_and_no_inline_code(world, client):
    assert client.get("/api/v1/docs/").url == "/cuenta/entrar/?next=/api/v1/docs/"
    client.force_login(world.consulta)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/") for src in sources), sources  # nothing from a CDN
    for src in sources:
        served = client.get(src.replace("&amp;", "&"))
        assert served.status_code == 200, src
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript") and "/api/v1/schema/" in script.content.decode()
