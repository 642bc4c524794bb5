"""Upload through the web (docs/intercambio.md, «Carga por la web»): the template of a quarter, its
dry run with every row error, the confirmation as a background job writing the uploader's drafts,
and the kept file, each within the user's scope (two URs of the `world` fixture)."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from compliance.engine import compute_year
from indicators import rules
from interchange import layout
from interchange.upload_template import header
from jobs.models import Job
from reporting.choices import ProgressStatus as S
from reporting.models import CaptureWindow, Progress
from tests.factories import IndicatorFactory, ProgressFactory, TargetFactory

pytestmark = pytest.mark.django_db


def template_csv(client, **params):
    response = client.get(reverse("simir:upload_template"), {"ejercicio": 2024, "trimestre": 1, "formato": "csv",
                                                              **params})
    assert response.status_code == 200, response.content[:300]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def as_csv(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def upload(client, content, name="plantilla.csv", **params):
    """Upload a file; its dry run (a job queued on commit, eager here) runs before this returns."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("simir:upload"), {"ejercicio": 2024, "trimestre": 1, **params,
                                                      "archivo": SimpleUploadedFile(name, content)})


def edited(rows, **cells):
    """The template's rows with some cells of its first data row changed."""
    head, first, *rest = rows
    first = list(first)
    for column, value in cells.items():
        first[head.index(column)] = value
    return [head, first, *rest]


def nonempty(head, row):
    return {column: value for column, value in zip(head, row) if value}


def test_template_has_the_quarter_of_the_users_indicators_with_metas_and_avances(world, client):
    ProgressFactory(indicator=world.ind_a, value=D("45.5"), numerator=D("91"), denominator=D("200"),
                    cause="Lluvias", status=S.APROBADO)
    client.force_login(world.cap_a)
    head, *rows = template_csv(client)
    assert head == header(1)
    assert head[-6:] == ["VERSION_AVANCE_MES1", "ESTADO_AVANCE_MES1", "VERSION_AVANCE_MES2", "ESTADO_AVANCE_MES2",
                         "VERSION_AVANCE_MES3", "ESTADO_AVANCE_MES3"]
    assert len(rows) == 1  # UR BBB's indicator is not there
    ind, program = world.ind_a, world.ind_a.matrix.program
    assert nonempty(head, rows[0]) == {
        "CICLO": "2024", "ID_RAMO": "47", "DESC_RAMO": "Entidades no Sectorizadas", "ID_UR": "AAA",
        "DESC_UR": ind.responsible_unit.name, "ID_MODALIDAD": "E", "ID_PP": f"{program.number:03d}",
        "DESC_PP": program.name, "ID_NIVEL": "4", "DESC_NIVEL": "Actividad", "ID_OBJETIVO": ind.objective.clave,
        "DESC_OBJETIVO": "Actividad de prueba", "ID_INDICADOR": ind.external_id, "NOMBRE_INDICADOR": ind.name,
        "TIPO_RELATIVO": "Porcentaje", "FRECUENCIA": "Trimestral", "SENTIDO": "Ascendente",
        "META_MES3": "80", "AVANCE_MES3": "45.5", "AVANCE_MES3_NUM": "91", "AVANCE_MES3_DEN": "200",
        "AVANCE_CAUSA_MES3": "Lluvias", "VERSION_AVANCE_MES3": "1", "ESTADO_AVANCE_MES3": "Aprobado",
    }


def test_template_neutralises_formulas_and_xlsx_validates_numbers_and_catalogs(world, client):
    world.ind_a.name = '=HYPERLINK("http://ataque.invalid","clic")'
    world.ind_a.save()
    client.force_login(world.cap_a)
    head, row = template_csv(client)
    assert row[head.index("NOMBRE_INDICADOR")] == "'" + world.ind_a.name
    response = client.get(reverse("simir:upload_template"), {"ejercicio": 2024, "trimestre": 1, "formato": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["avances"]
    name_column = header(1).index("NOMBRE_INDICADOR") + 1
    assert (sheet.cell(2, name_column).value, sheet.cell(2, name_column).data_type) == (world.ind_a.name, "s")
    meta = sheet.cell(2, header(1).index("META_MES3") + 1)
    assert (meta.value, meta.data_type) == (80, "n")
    validations = {str(v.sqref): (v.type, v.formula1) for v in sheet.data_validations.dataValidation}
    avance = sheet.cell(2, header(1).index("AVANCE_MES3") + 1).column_letter
    frequency = sheet.cell(2, header(1).index("FRECUENCIA") + 1).column_letter
    decimal_ranges = next(r for r, (kind, _) in validations.items() if kind == "decimal")
    assert f"{avance}2" in decimal_ranges.split()  # one data row: one cell per column
    assert validations[f"{frequency}2"][0] == "list"
    catalogs = workbook["catalogos"]
    assert catalogs.sheet_state == "hidden"
    listed = [c.value for c in catalogs[validations[f"{frequency}2"][1].split("!")[1].replace("$", "")]
              for c in c]
    assert listed == ["Anual", "Bienal", "Bimestral", "Cuatrimestral", "Mensual", "Quinquenal", "Semestral",
                      "Sexenal", "Trienal", "Trimestral"]


@pytest.mark.embedded
def test_dry_run_lists_each_row_error_and_what_would_change_then_confirm_writes_drafts(
        world, client, django_capture_on_commit_callbacks):
    second = IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a, external_id="700002")
    third = IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a, external_id="700003")
    TargetFactory(indicator=second, month=3, value=D(50))
    ProgressFactory(indicator=third, value=D("30"), created_by=world.cap_a)
    client.force_login(world.cap_a)
    head, *rows = template_csv(client)
    by_id = {row[head.index("ID_INDICADOR")]: list(row) for row in rows}

    def put(external_id, **cells):
        for column, value in cells.items():
            by_id[external_id][head.index(column)] = value

    put(world.ind_a.external_id, AVANCE_MES3_NUM="60", AVANCE_MES3_DEN="80", AVANCE_CAUSA_MES3="Buen ritmo")
    put("700002", AVANCE_MES3="abc", AVANCE_MES1="5")
    outsider = [*by_id["700003"]]
    outsider[head.index("ID_INDICADOR")] = world.ind_b.external_id
    outsider[head.index("AVANCE_MES3")] = "10"
    content = as_csv([head, *by_id.values(), outsider])
    response = upload(client, content)
    job = Job.objects.get(kind=Job.Kind.CARGA)
    assert response.url == reverse("simir:upload_review", args=[job.pk])
    assert job.status == Job.Status.POR_CONFIRMAR and job.created_by == world.cap_a
    rownum = {external_id: number for number, external_id in enumerate(by_id, start=2)}
    assert job.params["simulacion"] == {
        "filas": 4, "creados": 1, "actualizados": 0, "sin cambios": 1, "errores_no_listados": 0, "errores": [
            f"fila {rownum['700002']}, columna AVANCE_MES1: el mes 1 no cierra un periodo de frecuencia Trimestral; "
            "los meses válidos son 3, 6, 9, 12.",
            f"fila {rownum['700002']}, columna AVANCE_MES3: «abc» no es un número (use punto decimal, p. ej. 1,955.5).",
            f"fila 5, columna ID_INDICADOR: el indicador «{world.ind_b.external_id}» no existe en el ejercicio 2024 "
            "o está fuera de su alcance.",
        ]}
    assert not Progress.objects.filter(indicator=world.ind_a).exists()  # a dry run writes nothing
    page = client.get(response.url).content.decode()
    assert "fila 5, columna ID_INDICADOR" in page and "Confirmar y guardar como borradores" in page
    assert world.ind_b.name not in page

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("simir:upload_confirm", args=[job.pk]))
    assert confirmed.url == reverse("simir:job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.progress) == (Job.Status.TERMINADO, 100)
    assert job.message.splitlines()[0] == "Avances: 1 creados, 0 actualizados, 1 sin cambios; 4 filas leídas."
    saved = Progress.objects.get(indicator=world.ind_a)
    assert (saved.value, saved.numerator, saved.denominator, saved.cause, saved.status, saved.created_by) == (
        D("75"), D("60"), D("80"), "Buen ritmo", S.BORRADOR, world.cap_a)
    assert saved.history.first().history_user == world.cap_a
    again = client.post(reverse("simir:upload_confirm", args=[job.pk]))
    assert again.url == reverse("simir:upload_review", args=[job.pk])  # confirmed once only


def test_approved_or_sent_avance_is_not_overwritten_and_a_stale_version_is_refused(world, client):
    approved = ProgressFactory(indicator=world.ind_a, value=D("45"), status=S.APROBADO)
    other = IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a, external_id="700009")
    draft = ProgressFactory(indicator=other, value=D("10"))
    client.force_login(world.cap_a)
    head, *rows = template_csv(client)
    rows.sort(key=lambda row: row[head.index("ID_INDICADOR")] != world.ind_a.external_id)  # ind_a first
    rows[0][head.index("AVANCE_MES3")] = "50"
    rows[1][head.index("AVANCE_MES3")] = "11"
    rows = [head, *rows]
    Progress.objects.filter(pk=draft.pk).update(version=2)  # someone saved after the template was made
    upload(client, as_csv(rows))
    job = Job.objects.get()
    assert job.params["simulacion"]["errores"] == [
        "fila 2, columna AVANCE_MES3: El avance está aprobado y no se puede modificar: un coordinador puede reabrirlo.",
        "fila 3, columna VERSION_AVANCE_MES3: el avance cambió desde que se hizo este archivo (versión 2; el archivo "
        "trae la 1). Descargue una plantilla nueva y vuelva a cargarla.",
    ]
    assert "La simulación no encontró avances" in client.post(
        reverse("simir:upload_confirm", args=[job.pk]), follow=True).content.decode()
    approved.refresh_from_db()
    assert approved.value == D("45")


def test_uploads_of_another_ur_are_404_and_their_file_is_only_for_who_sees_the_job(world, client):
    client.force_login(world.cap_a)
    upload(client, as_csv(template_csv(client)), name="mi carga.csv")
    job = Job.objects.get()
    download = client.get(reverse("simir:upload_file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="mi carga.csv"'
    assert b"".join(download.streaming_content).decode("utf-8-sig").startswith("CICLO,ID_RAMO,")
    client.force_login(world.cap_b)
    for name in ("upload_review", "upload_file", "job"):
        assert client.get(reverse(f"simir:{name}", args=[job.pk])).status_code == 404, name
    assert client.post(reverse("simir:upload_confirm", args=[job.pk])).status_code == 404
    head, *rows = template_csv(client)
    assert [row[head.index("ID_UR")] for row in rows] == ["BBB"]
    client.force_login(world.consulta)
    assert client.get(reverse("simir:upload")).status_code == 404
    assert client.get(reverse("simir:upload_template"), {"ejercicio": 2024, "trimestre": 1}).status_code == 404


def test_web_caps_on_bytes_and_rows_are_clear(world, client, settings):
    client.force_login(world.cap_a)
    rows = template_csv(client)
    settings.SIMIR_UPLOAD_MAX_BYTES = 1024
    page = upload(client, as_csv(rows), name="grande.csv")
    assert page.status_code == 200
    message = [str(m) for m in page.context["messages"]]
    assert message == [f"El archivo pesa {len(as_csv(rows)) // 1024} KB; por la web se admiten hasta 1 KB. Divida la "
                       "carga por programa (la plantilla se descarga por programa)."]
    assert not Job.objects.exists()
    settings.SIMIR_UPLOAD_MAX_BYTES = 10**6
    settings.SIMIR_UPLOAD_MAX_ROWS = 1
    upload(client, as_csv([*rows, edited(rows)[1]]))
    assert Job.objects.get().params["simulacion"]["errores"] == [
        "El archivo tiene más de 1 filas de datos; el máximo es 1."]


def test_a_quarter_outside_the_file_and_a_wrong_ciclo_are_row_errors(world, client):
    client.force_login(world.cap_a)
    rows = edited(template_csv(client), CICLO="2023")
    rows[0] = rows[0] + [layout.avance(4)]
    rows[1] = rows[1] + ["7"]
    upload(client, as_csv(rows))
    assert Job.objects.get().params["simulacion"]["errores"] == [
        "fila 2, columna CICLO: «2023» no es el ejercicio elegido para esta carga (2024).",
        "fila 2, columna AVANCE_MES4: el mes 4 no es del trimestre 1; esta carga lee solo los meses 1, 2, 3.",
    ]


def test_a_row_is_saved_whole_or_not_at_all(world, client, django_capture_on_commit_callbacks):
    monthly = IndicatorFactory(objective__matrix=world.matrix_a, responsible_unit=world.unit_a, external_id="700020",
                               frequency="Mensual", value_type="Absoluto")
    ProgressFactory(indicator=monthly, month=2, value=D("7"), status=S.ENVIADO)
    client.force_login(world.cap_a)
    head, *rows = template_csv(client)
    row = next(r for r in rows if r[head.index("ID_INDICADOR")] == "700020")
    row[head.index("AVANCE_MES1")] = "5"
    row[head.index("AVANCE_MES2")] = "8"
    row[head.index("AVANCE_MES3")] = "9"
    upload(client, as_csv([head, row]))
    job = Job.objects.get()
    assert job.params["simulacion"] == {
        "filas": 1, "creados": 0, "actualizados": 0, "sin cambios": 0, "errores_no_listados": 0,
        "errores": ["fila 2, columna AVANCE_MES2: El avance está enviado y no se puede modificar."]}
    row[head.index("AVANCE_MES2")] = "7"  # as it is: unchanged, so January and March are written
    upload(client, as_csv([head, row]))
    job = Job.objects.latest("pk")
    assert (job.params["simulacion"]["creados"], job.params["simulacion"]["sin cambios"]) == (2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("simir:upload_confirm", args=[job.pk]))
    assert dict(Progress.objects.filter(indicator=monthly).values_list("month", "value")) == {
        1: D(5), 2: D(7), 3: D(9)}


def test_confirm_checks_the_capture_window_again(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.cap_a)
    rows = edited(template_csv(client), AVANCE_MES3="70")
    upload(client, as_csv(rows))
    job = Job.objects.get()
    assert job.params["simulacion"]["creados"] == 1
    CaptureWindow.objects.filter(fiscal_year=2024, quarter=1).update(
        # closed after the dry run
        opens_at=datetime(2024, 4, 1, tzinfo=UTC), closes_at=datetime(2024, 4, 20, 12, 0, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("simir:upload_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.message.splitlines() == [
        "Avances: 0 creados, 0 actualizados, 0 sin cambios; 1 filas leídas.",
        "1 error (sus filas no se guardaron):",
        "fila 2, columna AVANCE_MES3: La captura del T1-2024 cerró el 20/04/2024 05:59; pida una prórroga a la "
        "coordinación.",
    ]
    assert job.params["resultado"]["errores"] == job.message.splitlines()[2:]
    assert not Progress.objects.filter(indicator=world.ind_a).exists()


def test_xlsx_template_sent_back_unchanged_changes_nothing_even_with_15_digits(world, client):
    numerator, denominator = D("123456789.123456"), D("987654321.654321")  # the most digits a value may have
    value = rules.ratio_value(numerator, denominator, D(100))
    ProgressFactory(indicator=world.ind_a, value=value, numerator=numerator, denominator=denominator)
    client.force_login(world.cap_a)
    response = client.get(reverse("simir:upload_template"), {"ejercicio": 2024, "trimestre": 1, "formato": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content))["avances"]
    cell = sheet.cell(2, header(1).index("AVANCE_MES3_NUM") + 1)
    assert (cell.value, cell.data_type) == (123456789.123456, "n")
    upload(client, response.content, name="plantilla.xlsx")
    assert Job.objects.get().params["simulacion"] == {"filas": 1, "creados": 0, "actualizados": 0, "sin cambios": 1,
                                                      "errores": [], "errores_no_listados": 0}


def test_an_indicator_named_twice_is_an_error_on_its_second_row(world, client):
    client.force_login(world.cap_a)
    head, row = edited(template_csv(client), AVANCE_MES3="70")
    upload(client, as_csv([head, row, row]))
    outcome = Job.objects.get().params["simulacion"]
    assert (outcome["creados"], outcome["errores"]) == (1, [
        f"fila 3, columna ID_INDICADOR: el indicador {world.ind_a.external_id} ya aparece en la fila 2."])


def test_capture_page_and_desk_link_to_the_upload_of_their_quarter(world, client):
    compute_year(2024)  # the home lists the programas with results in the quarter
    client.force_login(world.cap_a)
    program = world.program_a
    link = f"/cargas/?ejercicio=2024&amp;trimestre=1&amp;programa={program.pk}"
    assert link in client.get(reverse("simir:capture", args=[2024, 1, program.pk])).content.decode()
    assert link in client.get(reverse("simir:desk")).content.decode()
    page = client.get(reverse("simir:upload"), {"ejercicio": 2024, "trimestre": 1, "programa": program.pk})
    assert page.context["chosen"] == {"year": 2024, "quarter": 1, "program": program}
    assert client.get(reverse("simir:upload"), {"programa": world.ind_b.matrix.program.pk}).status_code == 404


def test_the_dry_run_is_a_job_whose_page_shows_its_progress_then_its_result(world, client):
    client.force_login(world.cap_a)
    content = as_csv(edited(template_csv(client), AVANCE_MES3="70"))
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.post(reverse("simir:upload"), {"ejercicio": 2024, "trimestre": 1,
                                                          "archivo": SimpleUploadedFile("t.csv", content)})
    job = Job.objects.get()
    assert (job.status, job.params["etapa"], "simulacion" in job.params) == (Job.Status.PENDIENTE, "simulacion", False)
    waiting = client.get(response.url).content.decode()
    assert "Se está revisando el archivo fila por fila" in waiting and 'id="job-progress"' in waiting
    assert "Confirmar y guardar" not in waiting
    early = client.post(reverse("simir:upload_confirm", args=[job.pk]), follow=True)
    assert [str(m) for m in early.context["messages"]] == [
        "La simulación todavía no termina: espere a que la página muestre su resultado."]
    for callback in queued:
        callback()
    status = client.get(reverse("simir:job_status", args=[job.pk])).json()
    assert status == {"estado": "por confirmar", "avance": 100, "terminado": True, "archivo": None,
                      "siguiente": response.url, "mensaje": "Avances: 1 creados, 0 actualizados, 0 sin cambios; "
                                                            "1 filas leídas."}
    assert "Confirmar y guardar como borradores" in client.get(response.url).content.decode()
