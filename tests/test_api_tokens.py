"""Personal API tokens: created and revoked from the user's own page, stored hashed, shown once;
a revoked, expired or unknown token is a 401 with a Spanish message; throttling per token."""

import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import create_token, revoke_token
from tests.api_helpers import token_client

pytestmark = pytest.mark.django_db


def test_the_page_creates_a_token_shows_its_key_once_and_stores_only_its_hash(world, client):
    client.force_login(world.cap_a)
    assert client.get(reverse("simir:api_tokens")).status_code == 200
    response = client.post(reverse("simir:api_tokens"), {"name": "Tablero estatal", "expires_on": ""})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.cap_a)
    key = response.context["key"]["key"]
    assert len(key) == 43 and key.encode() in response.content and "no se vuelve a mostrar" in response.content.decode()
    assert (token.name, token.prefix, token.key_hash, token.expires_at, token.revoked_at) == (
        "Tablero estatal", key[:8], hashlib.sha256(key.encode()).hexdigest(), None, None)
    assert key not in str(list(ApiToken.objects.values()))
    again = client.get(reverse("simir:api_tokens")).content.decode()
    assert key not in again and "Tablero estatal" in again and f"{key[:8]}…" in again


def test_a_token_can_be_given_an_expiry_in_the_future_only(world, client):
    client.force_login(world.cap_a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.post(reverse("simir:api_tokens"), {"name": "Temporal", "expires_on": tomorrow.isoformat()})
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).isoformat() == f"{tomorrow.isoformat()}T00:00:00-06:00"
    response = client.post(reverse("simir:api_tokens"), {"name": "Pasado", "expires_on": timezone.localdate()})
    assert response.status_code == 400
    assert response.context["form"].errors == {"expires_on": ["La fecha de vencimiento debe ser posterior a hoy."]}
    response = client.post(reverse("simir:api_tokens"), {"name": "Dos\nlíneas"})
    assert response.status_code == 400 and list(response.context["form"].errors) == ["name"]
    assert ApiToken.objects.count() == 1


def test_only_the_owner_revokes_a_token_and_it_stops_working(world, client):
    api = token_client(world.cap_a)
    assert api.get("/api/v1/urs/").status_code == 200
    client.force_login(world.cap_b)
    url = reverse("simir:api_token_revoke", args=[api.token.pk])
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    client.force_login(world.cap_a)
    assert client.post(url).url == reverse("simir:api_tokens")
    api.token.refresh_from_db()
    assert api.token.revoked_at is not None
    response = api.get("/api/v1/urs/")
    assert response.status_code == 401
    when = timezone.localtime(api.token.revoked_at).strftime("%d/%m/%Y %H:%M")
    assert response.json() == {"detail": f"El token fue revocado el {when}."}
    assert "revocado el" in client.get(reverse("simir:api_tokens")).content.decode()


def test_an_expired_unknown_or_malformed_token_is_a_401_in_spanish(world):
    expired = token_client(world.cap_a, expires_at=timezone.now() - timedelta(seconds=1))
    response = expired.get("/api/v1/urs/")
    when = timezone.localtime(expired.token.expires_at).strftime("%d/%m/%Y %H:%M")
    assert (response.status_code, response.json()) == (401, {"detail": f"El token venció el {when}."})
    assert response["WWW-Authenticate"] == "Token"
    client = APIClient()
    for header, message in [
        ("Token inventado", "El token no existe."),
        ("Token dos partes", "El encabezado Authorization debe ser «Token <clave>», sin espacios en la clave."),
    ]:
        response = client.get("/api/v1/urs/", HTTP_AUTHORIZATION=header)
        assert (response.status_code, response.json()) == (401, {"detail": message}), header
    assert client.get("/api/v1/urs/").status_code == 401
    world.cap_a.is_active = False
    world.cap_a.save()
    response = token_client(world.cap_a).get("/api/v1/urs/")
    assert response.json() == {"detail": "La cuenta del token está desactivada."}


def test_a_valid_token_reads_as_its_user_and_records_its_last_use(world):
    token, key = create_token(world.cap_b, "Lector")
    client = APIClient()
    response = client.get("/api/v1/urs/", HTTP_AUTHORIZATION=f"Token {key}")
    assert [row["clave"] for row in response.json()["results"]] == ["BBB"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    revoke_token(token)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    revoke_token(ApiToken.objects.get(pk=token.pk))
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_the_session_of_the_web_also_reads_the_api(world, client):
    client.force_login(world.cap_a)
    assert [row["clave"] for row in client.get("/api/v1/urs/").json()["results"]] == ["AAA"]


@override_settings(SIMIR_API_RATE="3/minute")
def test_throttling_counts_per_token_and_answers_429(world):
    cache.clear()
    first, second = token_client(world.cap_a), token_client(world.cap_a)
    assert [first.get("/api/v1/ramos/").status_code for _ in range(3)] == [200, 200, 200]
    response = first.get("/api/v1/ramos/")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Solicitud fue regulada (throttled). Se espera que esté disponible en")
    assert second.get("/api/v1/ramos/").status_code == 200  # another token has its own budget
    cache.clear()
