import pytest
from axes.utils import reset
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_from_that_address(client, django_user_model):
    reset()
    django_user_model.objects.create_user("ana", password="correcta-123")
    url = reverse("login")
    for _ in range(2):
        assert "Usuario o contraseña incorrectos." in client.post(url, {"username": "ana", "password": "x"}).content.decode()
    locked = client.post(url, {"username": "ana", "password": "x"})
    assert locked.status_code == 429 and "Acceso bloqueado temporalmente" in locked.content.decode()
    still = client.post(url, {"username": "ana", "password": "correcta-123"})
    assert still.status_code == 429  # even the right password waits for the cool-off
    reset(username="ana")
    assert client.post(url, {"username": "ana", "password": "correcta-123"}).status_code == 302


# --- Behind the TLS proxy: the client address comes from X-Forwarded-For -------------------------

PROXY = "10.0.0.2"  # every request reaches Django from the proxy's address
behind_one_proxy = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, SIMIR_TRUSTED_PROXY_COUNT=1)


def through_proxy(client, forwarded_for, password="x"):
    """A login attempt as the proxy passes it on: it appends the address it saw to X-Forwarded-For."""
    return client.post(reverse("login"), {"username": "ana", "password": password},
                       REMOTE_ADDR=PROXY, headers={"x-forwarded-for": forwarded_for})


@behind_one_proxy
def test_two_clients_behind_the_proxy_are_throttled_separately(client, django_user_model):
    reset()
    django_user_model.objects.create_user("ana", password="correcta-123")
    for _ in range(3):
        through_proxy(client, "203.0.113.5")
    assert through_proxy(client, "203.0.113.5", "correcta-123").status_code == 429
    # Ana herself, from her own address, is not locked out by someone else's failures.
    assert through_proxy(client, "198.51.100.20", "correcta-123").status_code == 302


@behind_one_proxy
def test_a_spoofed_left_most_forwarded_address_does_not_escape_the_lock(client, django_user_model):
    from axes.models import AccessAttempt

    reset()
    django_user_model.objects.create_user("ana", password="correcta-123")
    for n in range(3):
        through_proxy(client, f"192.0.2.{n}, 203.0.113.5")  # the attacker's own X-Forwarded-For, then the proxy's
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert through_proxy(client, "198.51.100.20, 203.0.113.5", "correcta-123").status_code == 429


@pytest.mark.parametrize(("count", "forwarded_for", "expected"), [
    (0, "203.0.113.5", "10.0.0.2"),  # no proxy trusted (local): the header is anyone's to write
    (1, "203.0.113.5", "203.0.113.5"),
    (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
    (2, "192.0.2.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),  # a CDN, then the TLS proxy
    (2, "203.0.113.5", "10.0.0.2"),  # fewer entries than proxies: it did not come through them
    (1, "", "10.0.0.2"),
    (1, "192.0.2.1, not-an-address", "10.0.0.2"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_client_address_is_the_entry_the_first_trusted_proxy_wrote(rf, settings, count, forwarded_for, expected):
    from config.proxy import client_ip

    settings.SIMIR_TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, headers={"x-forwarded-for": forwarded_for} if forwarded_for else {})
    assert client_ip(request) == expected


def test_production_trusts_one_proxy_and_local_none(production_settings):
    assert production_settings().SIMIR_TRUSTED_PROXY_COUNT == 1
    assert production_settings(SIMIR_TRUSTED_PROXY_COUNT="2").SIMIR_TRUSTED_PROXY_COUNT == 2
    from config.settings import local

    assert local.SIMIR_TRUSTED_PROXY_COUNT == 0
    assert local.AXES_CLIENT_IP_CALLABLE == production_settings().AXES_CLIENT_IP_CALLABLE == "config.proxy.client_ip"
