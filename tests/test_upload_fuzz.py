"""Nasty uploads never break the web upload: garbage, a wrong encoding, an empty file, a workbook
declaring every cell, formulas and random cells give a clear Spanish message, never a 500, and a row
is saved whole or not at all."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from common.text import has_control_characters
from interchange.upload_template import avance_columns, header
from jobs.models import Job
from reporting.models import Progress
from tests.test_fuzz import FUZZ, NASTY
from tests.test_import_limits import sheet_xml, write_workbook, xml_row

pytestmark = pytest.mark.django_db


def upload(client, content, name):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the dry run is a job queued on commit
        response = client.post(reverse("simir:upload"), {"ejercicio": 2024, "trimestre": 1,
                                                          "archivo": SimpleUploadedFile(name, content)})
    assert response.status_code in (200, 302)
    return response


def simulation(client, content, name="carga.csv"):
    """The dry run's errors of an upload (each run starts from no job)."""
    Job.objects.all().delete()
    upload(client, content, name)
    return Job.objects.get().params["simulacion"]["errores"]


def template(client):
    response = client.get(reverse("simir:upload_template"), {"ejercicio": 2024, "trimestre": 1, "formato": "csv"})
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def as_csv(rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def test_garbage_empty_and_wrongly_encoded_files_are_clear_messages(world, client):
    client.force_login(world.cap_a)
    assert simulation(client, b"") == ["El archivo está vacío: falta el renglón de encabezados."]
    assert simulation(client, b"\x00\xff\xfe garbage \x81\x8d") == [
        "fila 1, columna CICLO: falta esta columna obligatoria; descargue la plantilla de nuevo.",
        "fila 1, columna ID_INDICADOR: falta esta columna obligatoria; descargue la plantilla de nuevo."]
    errors = simulation(client, b"PK\x03\x04 not really a zip", name="carga.xlsx")
    assert len(errors) == 1 and errors[0].startswith("No se pudo abrir el libro XLSX")
    # UTF-16 is no encoding of the layout: read as Latin-1, its header names no column.
    rows = template(client)
    assert simulation(client, as_csv(rows, "utf-16"))[0] == (
        "fila 1, columna CICLO: falta esta columna obligatoria; descargue la plantilla de nuevo.")
    # Windows-1252 (what Excel writes as «CSV») is read as such.
    rows[1][rows[0].index("AVANCE_MES3")] = "70"
    rows[1][rows[0].index("AVANCE_CAUSA_MES3")] = "Temporada de lluvias en Michoacán"
    rows[1][rows[0].index("NOMBRE_INDICADOR")] = "Porcentaje"
    assert simulation(client, as_csv(rows, "cp1252")) == []
    assert client.get(reverse("simir:upload_review", args=[Job.objects.get().pk])).status_code == 200
    response = upload(client, b"x", name="carga.pdf")
    assert [str(m) for m in response.context["messages"]] == [
        "Formato no admitido «carga.pdf»: use la plantilla en .csv o .xlsx."]


def test_a_workbook_declaring_every_cell_stops_at_the_web_row_cap(world, client, tmp_path):
    head = header(1)
    rows = xml_row(1, head) + xml_row(1_048_576, ["2024"] * len(head))
    path = write_workbook(tmp_path / "dimension.xlsx", sheet_xml(rows, dimension="A1:XFD1048576"))
    client.force_login(world.cap_a)
    assert simulation(client, path.read_bytes(), name="dimension.xlsx") == [
        "El archivo tiene más de 5,000 filas de datos; el máximo es 5,000."]


def test_formulas_are_refused_as_numbers_and_kept_as_text(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.cap_a)
    rows = template(client)
    formula = '=HYPERLINK("http://ataque.invalid","clic")'
    rows[1][rows[0].index("AVANCE_MES3")] = "=1+1"
    assert simulation(client, as_csv(rows)) == [
        "fila 2, columna AVANCE_MES3: «=1+1» no es un número (use punto decimal, p. ej. 1,955.5)."]
    rows[1][rows[0].index("AVANCE_MES3")] = "70"
    rows[1][rows[0].index("AVANCE_CAUSA_MES3")] = "'" + formula  # as the template neutralises it
    assert simulation(client, as_csv(rows)) == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("simir:upload_confirm", args=[Job.objects.get().pk]))
    assert Progress.objects.get(indicator=world.ind_a).cause == formula
    again = template(client)
    assert again[1][again[0].index("AVANCE_CAUSA_MES3")] == "'" + formula


@FUZZ
@given(cells=st.dictionaries(st.sampled_from([*avance_columns(3), "AVANCE_MES2", "VERSION_AVANCE_MES3", "CICLO",
                                              "ID_INDICADOR"]), NASTY, min_size=1, max_size=5))
def test_random_cells_are_row_errors_or_a_whole_row_saved(world, client, cells):
    client.force_login(world.cap_a)
    rows = template(client)
    for column, value in cells.items():
        rows[1][rows[0].index(column)] = value
    Job.objects.all().delete()
    upload(client, as_csv(rows), "carga.csv")
    job = Job.objects.get()
    outcome = job.params["simulacion"]
    assert all(error.startswith("fila ") and ", columna " in error for error in outcome["errores"])
    assert outcome["creados"] + outcome["sin cambios"] + outcome["actualizados"] <= 1
    assert client.get(reverse("simir:upload_review", args=[job.pk])).status_code == 200
    assert not Progress.objects.filter(indicator=world.ind_a).exists()  # a dry run writes nothing


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["ejercicio", "trimestre", "programa", "formato"]),
                              st.one_of(NASTY, st.sampled_from(["2024", "1", "4", "5", "0", "csv", "xlsx"])),
                              max_size=4))
def test_any_template_or_upload_choice_is_a_page_a_redirect_or_a_404(world, client, params):
    client.force_login(world.cap_a)
    params = {name: value for name, value in params.items() if not has_control_characters(value)}  # a 400 (test_fuzz)
    assert client.get(reverse("simir:upload_template"), params).status_code in (200, 302, 404)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("simir:upload"),
                               {**params, "archivo": SimpleUploadedFile("c.csv", b"CICLO\r\n")})
    assert response.status_code in (200, 302, 404)
