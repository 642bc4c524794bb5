import re
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


@pytest.mark.embedded
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


@pytest.mark.embedded
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


@pytest.mark.embedded
def test_stale_version_is_refused_with_a_message(demo, client):
    program, indicator = demo
    login(client, "capturista_zzz")
    client.post(capture_url(program), row_post(indicator, numerator="90", denominator="115"))
    client.post(capture_url(program), row_post(indicator, version="1", numerator="95", denominator="115"))
    response = client.post(capture_url(program), row_post(indicator, version="1", numerator="99", denominator="115"))
    assert "guardó este avance mientras usted lo editaba" in response.content.decode()
    assert Progress.objects.get(indicator=indicator, month=3).numerator == D(95)


@pytest.mark.embedded
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


@pytest.mark.embedded
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


# --- The grid: rows per period, save-all, per-row versions, entidades, explanation -----------------


def _indicator(world, **kwargs):
    from tests.factories import IndicatorFactory

    return IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a, **kwargs)


def _target(indicator, month, value):
    from tests.factories import TargetFactory

    return TargetFactory(indicator=indicator, month=month, value=D(value))


def grid_url(world):
    return reverse("simir:capture", args=[2024, 1, world.program_a.pk])


def test_rows_per_period_of_the_quarter(world, client):
    from indicators.choices import Frequency

    monthly = _indicator(world, frequency=Frequency.MENSUAL)
    bimonthly = _indicator(world, frequency=Frequency.BIMESTRAL)
    for month in (1, 2, 3):
        _target(monthly, month, 10 * month)
    _target(bimonthly, 2, 50)
    client.force_login(world.cap_a)
    html = client.get(grid_url(world)).content.decode()
    assert all(f'id="ind-{monthly.pk}-m{m}"' in html for m in (1, 2, 3))
    assert f'id="ind-{bimonthly.pk}-m2"' in html and f'id="ind-{bimonthly.pk}-m1"' not in html
    assert f'id="ind-{bimonthly.pk}-m3"' not in html
    assert f'id="ind-{world.ind_a.pk}-m3"' in html and f'id="ind-{world.ind_a.pk}-m1"' not in html  # quarterly
    assert "Enero" in html and "Febrero" in html and f"ind-{world.ind_b.pk}-" not in html
    client.force_login(world.cap_b)
    assert client.get(grid_url(world)).status_code == 404


def test_january_and_february_of_a_monthly_indicator_are_captured(world, client):
    from indicators.choices import Frequency

    monthly = _indicator(world, frequency=Frequency.MENSUAL, value_type="Absoluto")
    for month in (1, 2, 3):
        _target(monthly, month, 100)
    client.force_login(world.cap_a)
    response = client.post(grid_url(world), {**row_post(monthly, 1, value="1,050"), **row_post(monthly, 2, value="98"),
                                             **row_post(monthly, 3), "action": "guardar"})
    assert response.status_code == 302
    stored = {p.month: p.value for p in Progress.objects.filter(indicator=monthly)}
    assert stored == {1: D(1050), 2: D(98)}  # the untouched March row is not created


def test_save_all_keeps_an_invalid_row_with_its_text_and_saves_the_others(world, client):
    other = _indicator(world)
    _target(other, 3, 90)
    client.force_login(world.cap_a)
    response = client.post(grid_url(world), {
        **row_post(world.ind_a, numerator="doce", denominator="100", cause="Texto que no se pierde"),
        **row_post(other, numerator="45", denominator="50"), "action": "guardar"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Numerador: «doce» no es un número" in html
    assert 'value="doce"' in html and "Texto que no se pierde" in html
    assert Progress.objects.get(indicator=other, month=3).value == D(90)
    assert not Progress.objects.filter(indicator=world.ind_a).exists()
    # The saved row now shows its new version, so saving the page again does not conflict.
    assert f'name="{name(other, 3, "version")}" value="1"' in html
    assert f'name="{name(world.ind_a, 3, "version")}" value="0"' in html


def test_version_conflict_stays_on_its_row(world, client):
    from tests.factories import ProgressFactory

    other = _indicator(world)
    _target(other, 3, 90)
    ProgressFactory(indicator=world.ind_a, numerator=D(70), denominator=D(100), value=D(70), version=3)
    client.force_login(world.cap_a)
    response = client.post(grid_url(world), {
        **row_post(world.ind_a, version="2", numerator="75", denominator="100"),
        **row_post(other, numerator="80", denominator="100"), "action": "guardar"})
    html = response.content.decode()
    assert "guardó este avance mientras usted lo editaba (versión 3, usted cargó la 2)" in html
    assert Progress.objects.get(indicator=world.ind_a).numerator == D(70)
    assert Progress.objects.get(indicator=other).numerator == D(80)


def test_send_one_row_and_nothing_changed_saves_nothing(world, client):
    from tests.factories import ProgressFactory

    progress = ProgressFactory(indicator=world.ind_a, numerator=D(80), denominator=D(100), value=D(80))
    client.force_login(world.cap_a)
    post = row_post(world.ind_a, version=progress.version, numerator="80", denominator="100")
    assert client.post(grid_url(world), {**post, "action": "guardar"}).status_code == 302
    progress.refresh_from_db()
    assert progress.version == 1  # an untouched row is not written
    response = client.post(grid_url(world), {**post, "action": f"enviar:{world.ind_a.pk}-3"}, follow=True)
    assert "enviado a revisión" in response.content.decode()
    progress.refresh_from_db()
    assert progress.status == S.ENVIADO


def test_entidad_capture_rolls_up_the_national_value(world, client):
    from programs.models import State

    indicator = _indicator(world, captured_by_state=True)
    _target(indicator, 3, 80)
    ags, bc = State.objects.get(clave="01"), State.objects.get(clave="02")
    client.force_login(world.cap_a)
    html = client.get(grid_url(world)).content.decode()
    assert len(re.findall(rf'name="r{indicator.pk}-3-e\d+-', html)) == 3 * 32  # version, numerador, denominador
    prefix = f"r{indicator.pk}-3"
    response = client.post(grid_url(world), {
        **row_post(indicator, cause="Nacional"), "action": "guardar",
        f"{prefix}-e{ags.pk}-version": "0", f"{prefix}-e{ags.pk}-numerator": "30", f"{prefix}-e{ags.pk}-denominator": "40",
        f"{prefix}-e{bc.pk}-version": "0", f"{prefix}-e{bc.pk}-numerator": "45", f"{prefix}-e{bc.pk}-denominator": "60",
    })
    assert response.status_code == 302
    national = Progress.objects.get(indicator=indicator, month=3, state__isnull=True)
    assert (national.numerator, national.denominator, national.value, national.cause) == (D(75), D(100), D(75), "Nacional")
    assert Progress.objects.filter(indicator=indicator, month=3, state__isnull=False).count() == 2
    # A bad entidad keeps the whole period unsaved, its message beside that entidad.
    response = client.post(grid_url(world), {
        **row_post(indicator, version=national.version, cause="Nacional"), "action": "guardar",
        f"{prefix}-e{ags.pk}-version": "1", f"{prefix}-e{ags.pk}-numerator": "5", f"{prefix}-e{ags.pk}-denominator": "0",
    })
    assert response.status_code == 200
    assert "Aguascalientes" in response.content.decode() and "denominador" in response.content.decode().lower()
    assert Progress.objects.get(indicator=indicator, month=3, state=ags).numerator == D(30)


def test_rollup_preview(world, client):
    indicator = _indicator(world, captured_by_state=True)
    _target(indicator, 3, 80)
    client.force_login(world.cap_a)
    url = reverse("simir:capture_rollup_preview", args=[indicator.pk])
    data = client.get(url, {"ejercicio": 2024, "mes": 3, "numerator": ["30", "45", ""],
                            "denominator": ["40", "60", ""]}).json()
    assert (data["numerador"], data["denominador"], data["valor"], data["cumplimiento"], data["semaforo"]) == (
        "75", "100", "75", "93.75", "verde")
    client.force_login(world.cap_b)
    assert client.get(url, {"ejercicio": 2024, "mes": 3}).status_code == 404


def test_explanation_has_the_rows_own_numbers(world, client):
    from datetime import timedelta

    from django.utils import timezone

    from indicators.models import FiscalYearPolicy, TargetAdjustment
    from reporting.readings import explain
    from tests.factories import ProgressFactory

    indicator = world.ind_a  # ascendente, Gestión, meta 80 programmed for March
    ProgressFactory(indicator=indicator, numerator=D(70), denominator=D(100), value=D(70))
    why = explain(indicator, 2024, 3, D(70), D(70), D(100))
    assert (why.meta, why.meta_source, why.cumplimiento, why.deviation) == (D(80), "versión 1: meta programada", D("87.50"),
                                                                           D("12.50"))
    assert why.formula == "c = 100 + (A − M) / |M| × 100 (nunca menor que 0)"
    assert why.substituted == "c = 100 + (70 − 80) / |80| × 100"
    assert (why.thresholds, why.semaforo) == ((D(10), D(20)), "amarillo")
    assert why.thresholds_source.startswith("valores por omisión")
    FiscalYearPolicy.objects.create(fiscal_year=2024, gestion_green_yellow=D(15), gestion_yellow_red=D(25))
    target = indicator.targets.get(month=3)
    adjustment = TargetAdjustment.objects.create(target=target, value=D(75), adjustment_type="meta",
                                                 justification="x", status="aprobado", decided_at=timezone.now())
    why = explain(indicator, 2024, 3, D(70), D(70), D(100))
    assert (why.meta, why.cumplimiento, why.thresholds, why.semaforo) == (D(75), D("93.33"), (D(15), D(25)), "verde")
    assert why.meta_source.startswith("versión 2: ajuste aprobado (")
    TargetAdjustment.objects.create(target=target, value=D(70), adjustment_type="meta", justification="y",
                                    status="rechazado", decided_at=timezone.now())
    later = TargetAdjustment.objects.create(target=target, value=D(70), adjustment_type="meta", justification="z",
                                            status="aprobado", decided_at=adjustment.decided_at + timedelta(days=1))
    why = explain(indicator, 2024, 3, D(70), D(70), D(100))
    assert (why.meta, why.cumplimiento, why.meta_source[:28]) == (D(70), D("100.00"), "versión 3: ajuste aprobado (")
    later.delete()
    assert why.thresholds_source.startswith("política del ejercicio 2024")
    indicator.threshold_green_yellow, indicator.threshold_yellow_red = D(1), D(2)
    indicator.save()
    assert explain(indicator, 2024, 3, D(70)).thresholds_source == "ficha del indicador"
    client.force_login(world.cap_a)
    html = client.get(grid_url(world)).content.decode()
    assert "¿Por qué este semáforo?" in html and "c = 100 + (70 − 75) / |75| × 100" in html
    assert "70 / 100 × 100 = 70" in html


def test_send_all_sends_the_national_avance_not_its_entidades(world, client):
    from programs.models import State

    indicator = _indicator(world, captured_by_state=True)
    _target(indicator, 3, 80)
    ags = State.objects.get(clave="01")
    prefix = f"r{indicator.pk}-3"
    client.force_login(world.cap_a)
    client.post(grid_url(world), {**row_post(indicator), "action": "guardar", f"{prefix}-e{ags.pk}-version": "0",
                                  f"{prefix}-e{ags.pk}-numerator": "79", f"{prefix}-e{ags.pk}-denominator": "100"})
    response = client.post(grid_url(world), {"action": "enviar_todo"}, follow=True)
    assert "1 avance enviado." in response.content.decode()
    assert Progress.objects.get(indicator=indicator, state__isnull=True).status == S.ENVIADO
    assert Progress.objects.get(indicator=indicator, state=ags).status == S.BORRADOR
