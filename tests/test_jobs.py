import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs import runner as jobs
from jobs.models import Job
from jobs.runner import clean_expired_exports
from programs.models import Program

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))


def test_coordinator_recompute_runs_as_a_job_with_progress(demo, client, django_capture_on_commit_callbacks):
    assert client.login(username="coordinador", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("simir:recompute"), {"ejercicio": "2024"})
    job = Job.objects.get()
    assert response.url == reverse("simir:job", args=[job.pk])
    status = client.get(reverse("simir:job_status", args=[job.pk])).json()
    assert status == {"estado": "terminado", "avance": 100, "terminado": True, "archivo": None, "siguiente": None,
                      "mensaje": "Resultados calculados — T1: 18, T2: 20, T3: 19, T4: 21."}
    assert client.get(reverse("simir:job", args=[job.pk])).status_code == 200


def test_capturistas_cannot_start_or_see_jobs(demo, client, django_capture_on_commit_callbacks):
    assert client.login(username="coordinador", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("simir:recompute"), {"ejercicio": "2024"})
    job = Job.objects.get()
    client.logout()
    assert client.login(username="capturista_zzz", password=PASSWORD)
    assert client.post(reverse("simir:recompute"), {"ejercicio": "2024"}).status_code == 404
    assert client.get(reverse("simir:job_status", args=[job.pk])).status_code == 404


@pytest.mark.embedded
def test_web_export_job_produces_the_file_of_the_users_scope(demo, client, django_capture_on_commit_callbacks):
    assert client.login(username="capturista_ayo", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("simir:exports"), {"ejercicio": "2024", "trimestre": "1", "formato": "csv"})
    job = Job.objects.get()
    assert response.url == reverse("simir:job", args=[job.pk])
    assert (job.status, job.progress) == ("terminado", 100)
    assert job.message.startswith("9 indicadores exportados.")  # AYO's real indicators only, no P999
    status = client.get(reverse("simir:job_status", args=[job.pk])).json()
    assert status["archivo"] == reverse("simir:export_download", args=[job.pk])
    download = client.get(status["archivo"])
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert {r["ID_UR"] for r in rows} == {"AYO"} and len(rows) == 9
    foreign = Program.objects.get(is_fictitious=True)
    assert client.post(reverse("simir:exports"), {"ejercicio": "2024", "formato": "csv",
                                                       "programa": [foreign.pk]}).status_code == 404
    client.logout()
    assert client.login(username="capturista_zzz", password=PASSWORD)
    assert client.get(reverse("simir:export_download", args=[job.pk])).status_code == 404


def test_failed_export_shows_its_error_and_no_file(demo, client, django_capture_on_commit_callbacks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disco lleno")

    monkeypatch.setattr(jobs, "render_export", broken)
    assert client.login(username="coordinador", password=PASSWORD)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("simir:exports"), {"ejercicio": "2024", "formato": "xlsx"})
    job = Job.objects.get()
    assert (job.status, job.message, bool(job.file)) == ("error", "Error: disco lleno", False)


def test_expired_export_files_are_cleaned(demo, client, django_capture_on_commit_callbacks, settings):
    assert client.login(username="coordinador", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("simir:exports"), {"ejercicio": "2024", "formato": "pdf", "trimestre": "1"})
    job = Job.objects.get()
    assert job.file and job.file.read(4) == b"%PDF"
    assert clean_expired_exports(now=timezone.now()) == 0
    assert clean_expired_exports(now=timezone.now() + timedelta(days=settings.SIMIR_EXPORT_RETENTION_DAYS + 1)) == 1
    job.refresh_from_db()
    assert not job.file and "Archivo eliminado por antigüedad." in job.message


def test_informe_as_html_in_scope(demo, client):
    assert client.login(username="capturista_ayo", password=PASSWORD)
    html = client.get(reverse("simir:informe_html", args=[2024, 1])).content.decode()
    assert "Programa presupuestario S200 - Fortalecimiento a la atención médica" in html
    assert "P999" not in html
    assert client.get(reverse("simir:informe_html", args=[2024, 5])).status_code == 404


def test_pdf_export_job_reports_progress_per_programme(demo, client, django_capture_on_commit_callbacks,
                                                      monkeypatch):
    monkeypatch.setattr("interchange.informe_pdf.PART_INDICATORS", 1)  # each programme a part of its own
    assert client.login(username="coordinador", password=PASSWORD)
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("simir:exports"), {"ejercicio": "2024", "formato": "pdf", "trimestre": "1"})
    written = [int(n) for q in captured for n in re.findall(r'UPDATE "jobs_job" SET .*"progress" = (\d+)', q["sql"])]
    assert written == [0, 10, 26, 42, 58, 74, 90, 90, 100]  # one step per part (5), saving, done
    job = Job.objects.get()
    assert (job.status, job.file.read(4)) == ("terminado", b"%PDF")


def test_export_job_summarizes_its_avisos_and_logs_them_all(db, django_user_model, django_capture_on_commit_callbacks,
                                                            caplog):
    from devtools.synthetic import build_synthetic_year
    from jobs.services import start_export
    from reporting.choices import ProgressStatus
    from reporting.models import Progress

    ids = build_synthetic_year(2097, 60)
    Progress.objects.filter(indicator_id__in=ids[::2]).update(status=ProgressStatus.ENVIADO)
    admin = django_user_model.objects.create_superuser("avisos", "avisos@simir.invalid", "x")
    with caplog.at_level("INFO", logger="jobs.runner"), django_capture_on_commit_callbacks(execute=True):
        job = start_export(admin, 2097, "csv")
    job.refresh_from_db()
    logged = [line for record in caplog.records for line in record.getMessage().splitlines()[1:]]
    lines = job.message.splitlines()
    assert lines[0] == "60 indicadores exportados." and lines[1].startswith("resumen T")
    assert lines[2] == f"{len(logged)} avisos:"
    counted = {line.split(" × ")[1].split(";")[0]: int(line.split(" × ")[0]) for line in lines if " × " in line}
    assert counted["avance aún no aprobado"] == sum("aún no aprobado" in line for line in logged) > 3
    assert sum(counted.values()) == len(logged)
    examples = [line.strip() for line in lines if line.startswith("  ")]
    assert len(examples) <= 3 * len(counted) < len(logged) and set(examples) <= set(logged)
