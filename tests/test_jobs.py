import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Job

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))


def test_coordinator_recompute_runs_as_a_job_with_progress(demo, client, django_capture_on_commit_callbacks):
    assert client.login(username="coordinador", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:recompute"), {"ejercicio": "2024"})
    job = Job.objects.get()
    assert response.url == reverse("indicators:job", args=[job.pk])
    status = client.get(reverse("indicators:job_status", args=[job.pk])).json()
    assert status == {"estado": "terminado", "avance": 100, "terminado": True,
                      "mensaje": "Resultados calculados — T1: 18, T2: 20, T3: 19, T4: 21."}
    assert client.get(reverse("indicators:job", args=[job.pk])).status_code == 200


def test_capturistas_cannot_start_or_see_jobs(demo, client, django_capture_on_commit_callbacks):
    assert client.login(username="coordinador", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indicators:recompute"), {"ejercicio": "2024"})
    job = Job.objects.get()
    client.logout()
    assert client.login(username="capturista_zzz", password=PASSWORD)
    assert client.post(reverse("indicators:recompute"), {"ejercicio": "2024"}).status_code == 404
    assert client.get(reverse("indicators:job_status", args=[job.pk])).status_code == 404
