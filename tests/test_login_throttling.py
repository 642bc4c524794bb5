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
