from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Indicator
from programs.models import Program
from reporting.choices import ProgressStatus as S
from reporting.models import Evidence, Progress

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    return Program.objects.get(is_fictitious=True), Indicator.objects.get(fiscal_year=2024, external_id="990007")


def capture_url(program):
    return reverse("simir:capture", args=[2024, 1, program.pk])


def name(indicator, month, field):
    """The grid's input name for one indicator × period."""
    return f"r{indicator.pk}-{month}-{field}"


def row_post(indicator, month=3, version="", **values):
    """The fields of one grid row as the browser posts them (texts empty unless given)."""
    data = {name(indicator, month, "version"): version}
    for field in ("cause", "effect", "other_reasons"):
        data[name(indicator, month, field)] = values.pop(field, "")
    data.update({name(indicator, month, field): value for field, value in values.items()})
    return data


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def test_capture_page_lists_the_quarter_grouped_by_nivel(demo, client):
    program, indicator = demo
    page = login(client, "capturista_zzz").get(capture_url(program))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("<h2>Propósito</h2>") < html.index("<h2>Componente</h2>") < html.index("<h2>Actividad</h2>")
    assert f'id="ind-{indicator.pk}-m3"' in html
    assert "Guardar cambios" in html and html.count('<form method="post" enctype') == 1


def test_other_ur_and_consulta_get_404(demo, client):
    program, _ = demo
    assert login(client, "capturista_ayo").get(capture_url(program)).status_code == 404
    client.logout()
    assert login(client, "consulta").get(capture_url(program)).status_code == 404


def test_save_then_send_with_justification(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    url = capture_url(program)
    post = row_post(indicator, numerator="70", denominator="115")
    assert client.post(url, {**post, "action": "guardar"}).status_code == 302
    progress = Progress.objects.get(indicator=indicator, fiscal_year=2024, month=3)
    assert (progress.value, progress.status) == (D("60.869565"), S.BORRADOR)
    send = f"enviar:{indicator.pk}-3"
    response = client.post(url, {**post, name(indicator, 3, "version"): progress.version, "action": send})
    assert response.status_code == 200  # stays on the page with the errors next to the row
    assert "Es obligatoria para enviar un avance con semáforo rojo." in response.content.decode()
    progress.refresh_from_db()
    assert progress.status == S.BORRADOR
    response = client.post(url, {**row_post(indicator, version=progress.version, numerator="70", denominator="115",
                                            cause="Se reprogramaron cursos.", effect="Menos promotores evaluados."),
                                 "action": send})
    assert response.status_code == 302
    progress.refresh_from_db()
    assert progress.status == S.ENVIADO and progress.cause == "Se reprogramaron cursos."


def test_numbers_as_typed_in_mexico_and_bad_numbers(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    response = client.post(capture_url(program), row_post(indicator, numerator="1,955", denominator="2,416"))
    assert response.status_code == 302
    assert Progress.objects.get(indicator=indicator, month=3).value == D("80.918874")
    version = Progress.objects.get(indicator=indicator, month=3).version
    response = client.post(capture_url(program), row_post(indicator, version=version, numerator="doce",
                                                          denominator="2,416"))
    assert "Numerador: «doce» no es un número (use punto decimal, p. ej. 1,955.5)." in response.content.decode()


def test_stale_version_is_refused_with_a_message(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    client.post(capture_url(program), row_post(indicator, numerator="90", denominator="115"))
    client.post(capture_url(program), row_post(indicator, version="1", numerator="95", denominator="115"))
    response = client.post(capture_url(program), row_post(indicator, version="1", numerator="99", denominator="115"))
    assert "guardó este avance mientras usted lo editaba" in response.content.decode()
    assert Progress.objects.get(indicator=indicator, month=3).numerator == D(95)


def test_a_form_loaded_before_the_first_capture_cannot_replace_it(demo, client):
    """Two people open the page while the period has no avance; the second save is refused."""
    program, indicator = demo
    login(client, "capturista_zzz")
    assert client.post(capture_url(program), row_post(indicator, numerator="90", denominator="115")).status_code == 302
    response = client.post(capture_url(program), row_post(indicator, numerator="99", denominator="115"))
    assert response.status_code == 200
    assert "capturó este avance mientras usted lo editaba" in response.content.decode()
    progress = Progress.objects.get(indicator=indicator, month=3)
    assert (progress.numerator, progress.version) == (D(90), 1)


def test_send_all_ready_avances(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    client.post(capture_url(program), row_post(indicator, numerator="98", denominator="115"))
    response = client.post(capture_url(program), {"action": "enviar_todo"}, follow=True)
    assert "1 avance enviado." in response.content.decode()
    assert Progress.objects.get(indicator=indicator, month=3).status == S.ENVIADO


def test_live_preview_uses_the_rules(demo, client):
    _, indicator = demo
    login(client, "capturista_zzz")
    url = reverse("simir:capture_preview", args=[indicator.pk])
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


def test_evidence_is_checked_attached_and_served_only_in_scope(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    post = row_post(indicator, numerator="98", denominator="115")
    evidence = name(indicator, 3, "evidence")
    bad = client.post(capture_url(program), {**post, evidence: SimpleUploadedFile("virus.exe", b"MZ")})
    assert "Tipo de archivo no admitido («.exe»)" in bad.content.decode()
    assert not Progress.objects.filter(indicator=indicator, month=3).exists()  # nothing half written
    good = client.post(capture_url(program), {**post, evidence: SimpleUploadedFile("lista.pdf", b"%PDF-1.4")})
    assert good.status_code == 302
    evidence = Evidence.objects.get(progress__indicator=indicator)
    download = client.get(reverse("simir:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    client.logout()
    login(client, "capturista_ayo")
    assert client.get(reverse("simir:evidence", args=[evidence.pk])).status_code == 404


def test_consulta_lands_on_the_dashboard(demo, client):
    response = login(client, "consulta").get("/")
    assert response.status_code == 302 and response.url == reverse("simir:dashboard_latest")


def test_evidence_content_must_match_its_extension(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    post = row_post(indicator, numerator="98", denominator="115")
    evidence = name(indicator, 3, "evidence")
    fake = client.post(capture_url(program), {**post, evidence: SimpleUploadedFile("lista.pdf", b"MZ\x90\x00")})
    assert "El contenido del archivo no corresponde a un .pdf." in fake.content.decode()
    assert not Evidence.objects.exists()
    sheet = client.post(capture_url(program), {**post, evidence: SimpleUploadedFile("a.xlsx", b"PK\x03\x04rest")})
    assert sheet.status_code == 302 and Evidence.objects.count() == 1
