from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from indicators.choices import ProgressStatus as S
from indicators.models import Evidence, Indicator, Progress
from programs.models import Program

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    return Program.objects.get(is_fictitious=True), Indicator.objects.get(fiscal_year=2024, external_id="990007")


def capture_url(program):
    return reverse("indicators:capture", args=[2024, 1, program.pk])


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def test_capture_page_lists_the_quarter_grouped_by_nivel(demo, client):
    program, indicator = demo
    page = login(client, "capturista_zzz").get(capture_url(program))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("<h2>Propósito</h2>") < html.index("<h2>Componente</h2>") < html.index("<h2>Actividad</h2>")
    assert f'id="ind-{indicator.pk}"' in html
    assert "Guardar borrador" in html


def test_other_ur_and_consulta_get_404(demo, client):
    program, _ = demo
    assert login(client, "capturista_ayo").get(capture_url(program)).status_code == 404
    client.logout()
    assert login(client, "consulta").get(capture_url(program)).status_code == 404


@pytest.mark.embedded
def test_save_then_send_with_justification(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    url = capture_url(program)
    post = {"indicator": indicator.pk, "version": "", "numerator": "70", "denominator": "115", "cause": "",
            "effect": "", "other_reasons": "", "action": "guardar"}
    assert client.post(url, post).status_code == 302
    progress = Progress.objects.get(indicator=indicator, fiscal_year=2024, month=3)
    assert (progress.value, progress.status) == (D("60.869565"), S.BORRADOR)
    response = client.post(url, {**post, "version": progress.version, "action": "enviar"})
    assert response.status_code == 200  # stays on the page with the errors next to the row
    assert "Es obligatoria para enviar un avance con semáforo rojo." in response.content.decode()
    progress.refresh_from_db()
    assert progress.status == S.BORRADOR
    response = client.post(url, {**post, "version": progress.version, "action": "enviar",
                                 "cause": "Se reprogramaron cursos.", "effect": "Menos promotores evaluados."})
    assert response.status_code == 302
    progress.refresh_from_db()
    assert progress.status == S.ENVIADO and progress.cause == "Se reprogramaron cursos."


@pytest.mark.embedded
def test_numbers_as_typed_in_mexico_and_bad_numbers(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    base = {"indicator": indicator.pk, "version": "", "cause": "", "effect": "", "other_reasons": "", "action": "guardar"}
    response = client.post(capture_url(program), {**base, "numerator": "1,955", "denominator": "2,416"})
    assert response.status_code == 302
    assert Progress.objects.get(indicator=indicator, month=3).value == D("80.918874")
    response = client.post(capture_url(program), {**base, "numerator": "doce", "denominator": "2,416",
                                                  "version": Progress.objects.get(indicator=indicator, month=3).version})
    assert "Numerador: «doce» no es un número (use punto decimal, p. ej. 1,955.5)." in response.content.decode()


@pytest.mark.embedded
def test_stale_version_is_refused_with_a_message(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    base = {"indicator": indicator.pk, "cause": "", "effect": "", "other_reasons": "", "action": "guardar",
            "numerator": "90", "denominator": "115"}
    client.post(capture_url(program), {**base, "version": ""})
    client.post(capture_url(program), {**base, "version": "1", "numerator": "95"})
    response = client.post(capture_url(program), {**base, "version": "1", "numerator": "99"})
    assert "guardó este avance mientras usted lo editaba" in response.content.decode()
    assert Progress.objects.get(indicator=indicator, month=3).numerator == D(95)


@pytest.mark.embedded
def test_a_form_loaded_before_the_first_capture_cannot_replace_it(demo, client):
    """Two people open the page while the period has no avance; the second save is refused."""
    program, indicator = demo
    login(client, "capturista_zzz")
    base = {"indicator": indicator.pk, "cause": "", "effect": "", "other_reasons": "", "action": "guardar",
            "denominator": "115", "version": ""}
    assert client.post(capture_url(program), {**base, "numerator": "90"}).status_code == 302
    response = client.post(capture_url(program), {**base, "numerator": "99"})
    assert response.status_code == 200
    assert "capturó este avance mientras usted lo editaba" in response.content.decode()
    progress = Progress.objects.get(indicator=indicator, month=3)
    assert (progress.numerator, progress.version) == (D(90), 1)


def test_send_all_ready_avances(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    client.post(capture_url(program), {"indicator": indicator.pk, "version": "", "numerator": "98",
                                       "denominator": "115", "cause": "", "effect": "", "other_reasons": "",
                                       "action": "guardar"})
    response = client.post(capture_url(program), {"action": "enviar_todo"}, follow=True)
    assert "1 avance enviado." in response.content.decode()
    assert Progress.objects.get(indicator=indicator, month=3).status == S.ENVIADO


def test_live_preview_uses_the_rules(demo, client):
    _, indicator = demo
    login(client, "capturista_zzz")
    url = reverse("indicators:capture_preview", args=[indicator.pk])
    data = client.get(url, {"ejercicio": 2024, "mes": 3, "numerator": "70", "denominator": "115"}).json()
    assert data == {"valor": "60.869565", "meta": "85", "cumplimiento": "71.61", "semaforo": "rojo",
                    "requiere_justificacion": True}
    data = client.get(url, {"ejercicio": 2024, "mes": 3, "numerator": "98", "denominator": "115"}).json()
    assert (data["cumplimiento"], data["semaforo"], data["requiere_justificacion"]) == ("100.26", "verde", False)
    assert client.get(url, {"ejercicio": 2024, "mes": 3, "numerator": "5", "denominator": "0"}).status_code == 400
    client.logout()
    login(client, "capturista_ayo")
    assert client.get(url, {"ejercicio": 2024, "mes": 3, "value": "1"}).status_code == 404


def test_desk_shows_the_open_quarter_and_programmes(demo, client):
    program, _ = demo
    page = login(client, "capturista_zzz").get("/")
    html = page.content.decode()
    assert "Trimestre 1 de 2024" in html and program.clave in html
    assert "IB24" not in html and "S200" not in html
    client.logout()
    page = login(client, "coordinador").get("/")
    assert "Avances enviados esperando revisión" in page.content.decode()


def test_capture_page_queries_do_not_grow_with_rows(demo, client, django_assert_max_num_queries):
    program, _ = demo
    login(client, "capturista_zzz")
    with django_assert_max_num_queries(25):
        client.get(capture_url(program))


@pytest.mark.embedded
def test_evidence_is_checked_attached_and_served_only_in_scope(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    post = {"indicator": indicator.pk, "version": "", "numerator": "98", "denominator": "115", "cause": "",
            "effect": "", "other_reasons": "", "action": "guardar"}
    bad = client.post(capture_url(program), {**post, "evidence": SimpleUploadedFile("virus.exe", b"MZ")})
    assert "Tipo de archivo no admitido («.exe»)" in bad.content.decode()
    assert not Progress.objects.filter(indicator=indicator, month=3).exists()  # nothing half written
    good = client.post(capture_url(program), {**post, "evidence": SimpleUploadedFile("lista.pdf", b"%PDF-1.4")})
    assert good.status_code == 302
    evidence = Evidence.objects.get(progress__indicator=indicator)
    download = client.get(reverse("indicators:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    client.logout()
    login(client, "capturista_ayo")
    assert client.get(reverse("indicators:evidence", args=[evidence.pk])).status_code == 404


def test_consulta_lands_on_the_dashboard(demo, client):
    response = login(client, "consulta").get("/")
    assert response.status_code == 302 and response.url == reverse("indicators:dashboard_latest")


def test_evidence_content_must_match_its_extension(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    post = {"indicator": indicator.pk, "version": "", "numerator": "98", "denominator": "115", "cause": "",
            "effect": "", "other_reasons": "", "action": "guardar"}
    fake = client.post(capture_url(program), {**post, "evidence": SimpleUploadedFile("lista.pdf", b"MZ\x90\x00")})
    assert "El contenido del archivo no corresponde a un .pdf." in fake.content.decode()
    assert not Evidence.objects.exists()
    sheet = client.post(capture_url(program), {**post, "evidence": SimpleUploadedFile("a.xlsx", b"PK\x03\x04rest")})
    assert sheet.status_code == 302 and Evidence.objects.count() == 1
