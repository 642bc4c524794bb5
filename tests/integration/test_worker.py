"""The compliance tasks on a real worker, Redis broker and PostgreSQL."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from compliance.engine import compute_year
from compliance.models import QuarterAggregate, QuarterResult
from compliance.tasks import recompute_year
from devtools.synthetic import build_synthetic_year
from indicators.scope import indicators_for
from interchange.upload_template import build_template
from jobs.models import Job
from jobs.services import start_export
from jobs.uploads import confirm_upload, start_upload
from reporting.models import Progress
from reporting.services import save_progress
from reporting.workflow import Action, transition
from tests.factories import IndicatorFactory, TargetFactory
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration]


def test_saving_an_avance_updates_result_and_aggregate_through_the_worker(celery_worker_process, admin_user):
    celery_worker_process()
    indicator = IndicatorFactory()
    TargetFactory(indicator=indicator, month=3, value=D(80))
    progress = save_progress(admin_user, indicator, 2024, 3, value=D(72))  # commits; the task goes to Redis
    transition(admin_user, progress, Action.ENVIAR)
    # Saving and sending each queue a recompute; the first may run before the avance is sent.
    wait_until(lambda: QuarterResult.objects.filter(indicator=indicator, quarter=1, avance__isnull=False).exists(), 60,
               "el worker no guardó el resultado del avance enviado")
    result = QuarterResult.objects.get(indicator=indicator, quarter=1)
    assert (result.avance, result.compliance, result.semaforo) == (D(72), D("90.00"), "verde")
    total = QuarterAggregate.objects.get(fiscal_year=2024, quarter=1, scope="total")
    assert (total.reported, total.verde, total.mean_compliance) == (1, 1, D("90.00"))


def snapshot(fiscal_year):
    return sorted(
        QuarterResult.objects.filter(fiscal_year=fiscal_year).values_list(
            "indicator_id", "quarter", "month", "meta", "avance", "compliance", "semaforo", "status"
        )
    )


def test_a_worker_killed_mid_run_ends_with_correct_results(celery_worker_process):
    build_synthetic_year(2031, 4000)
    first = celery_worker_process()
    recompute_year.delay(2031)
    first.wait_for("Task compliance.tasks.recompute_year[", timeout=60)  # received: it is running now
    first.kill()
    assert not QuarterResult.objects.filter(fiscal_year=2031, quarter=4).exists()  # nothing half written
    second = celery_worker_process()
    second.wait_for("succeeded", timeout=120)  # redelivered after the visibility timeout, then done
    by_worker = snapshot(2031)
    assert len(by_worker) > 4000
    compute_year(2031)  # the same computation in this process gives the same rows: idempotent
    assert snapshot(2031) == by_worker


def test_export_job_runs_on_the_worker_and_leaves_its_file(celery_worker_process, django_user_model):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    celery_worker_process()
    user = django_user_model.objects.get(username="coordinador")
    job = start_export(user, 2024, "xlsx", 1)
    wait_until(lambda: Job.objects.get(pk=job.pk).status in ("terminado", "error"), 120, "la exportación no terminó")
    job.refresh_from_db()
    assert (job.status, job.progress) == ("terminado", 100), job.message
    with job.file.open("rb") as handle:
        assert handle.read(2) == b"PK"  # an XLSX (zip) file, complete


def test_upload_job_runs_on_the_worker_and_reads_the_kept_file(celery_worker_process, django_user_model):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    celery_worker_process()
    user = django_user_model.objects.get(username="capturista_zzz")
    template = build_template(indicators_for(user), 2024, 1, "csv")
    head, *rows = list(csv.reader(io.StringIO(template.data.decode("utf-8-sig"))))
    row = next(r for r in rows if r[head.index("ID_INDICADOR")] == "990007")
    row[head.index("AVANCE_MES3_NUM")], row[head.index("AVANCE_MES3_DEN")] = "98", "115"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([head, row])
    job = start_upload(user, SimpleUploadedFile("t1.csv", buffer.getvalue().encode()), 2024, 1)  # queued at once
    wait_until(lambda: Job.objects.get(pk=job.pk).status in ("por confirmar", "error"), 120, "no se simuló")
    job.refresh_from_db()
    assert (job.status, job.params["simulacion"]["creados"]) == ("por confirmar", 1), job.message
    assert not Progress.objects.filter(indicator__external_id="990007", fiscal_year=2024, month=3, state=None,
                                       numerator=98).exists()
    confirm_upload(user, job)
    wait_until(lambda: Job.objects.get(pk=job.pk).status in ("terminado", "error"), 120, "la carga no terminó")
    job.refresh_from_db()
    assert (job.status, job.progress) == ("terminado", 100), job.message
    saved = Progress.objects.get(indicator__external_id="990007", fiscal_year=2024, month=3, state=None)
    assert (saved.value, saved.status, saved.created_by) == (D("85.217391"), "borrador", user)
