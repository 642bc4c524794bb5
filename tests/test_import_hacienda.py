"""Hacienda's open-data file as downloaded (issue 16): streamed, tolerant, selectable."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Indicator
from interchange.importer import ImportErrors, UnreadableFile, import_file
from interchange.reader import read_table
from interchange.validation import FileChanged, rows_to_write
from programs.models import Objective, Program
from tests.sed_files import base_row, write_csv

pytestmark = pytest.mark.django_db


def command(*args):
    """Run import_sed; returns (stdout, stderr) lines."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_sed", *map(str, args), stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


# Item 1: streamed, no cap on the command line, all or nothing


def test_the_command_line_has_no_size_or_row_cap(tmp_path, settings):
    settings.SIMIR_IMPORT_MAX_ROWS = 1
    settings.SIMIR_IMPORT_MAX_BYTES = 10
    path = write_csv(tmp_path / "f.csv", [base_row(ID_INDICADOR="1"), base_row(ID_INDICADOR="2"),
                                          base_row(ID_INDICADOR="3")])
    with pytest.raises(UnreadableFile, match="El archivo pesa 0 MB; el máximo es 0 MB."):
        import_file(path, recompute=False)  # other callers keep the settings' caps
    out, _err = command(path)
    assert out[0] == "Codificación: UTF-8; filas de datos: 3."
    assert sorted(Indicator.objects.values_list("external_id", flat=True)) == ["1", "2", "3"]


def test_a_latin_1_file_reads_its_accents(tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(DESC_OBJETIVO="Atención médica a niñas y niños",
                                                   NOMBRE_INDICADOR="Índice de cobertura")], encoding="latin-1")
    report = import_file(path, recompute=False)
    # Latin-1's letters are the same bytes in Windows-1252, the codec tried first.
    assert report.encoding == "Windows-1252"
    assert Objective.objects.get().summary == "Atención médica a niñas y niños"
    assert Indicator.objects.get().name == "Índice de cobertura"


def test_an_error_in_the_last_row_writes_none_of_the_valid_ones(tmp_path):
    rows = [base_row(ID_INDICADOR=str(n)) for n in range(1, 6)] + [base_row(ID_INDICADOR="6", SENTIDO="Lateral")]
    with pytest.raises(ImportErrors) as caught:
        import_file(write_csv(tmp_path / "f.csv", rows), recompute=False)
    assert caught.value.errors == [
        "fila 7, columna SENTIDO: «Lateral» no es un valor válido; se admite: Ascendente, Descendente, Regular."
    ]
    assert Indicator.objects.count() == 0 and Program.objects.count() == 0


def test_the_writing_pass_refuses_a_row_the_validation_did_not_see(tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(SENTIDO="Lateral")])
    with read_table(path) as sheet, pytest.raises(FileChanged, match="fila 2, columna SENTIDO"):
        list(rows_to_write(sheet))


def test_two_passes_store_what_one_row_says(tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(META_MES3="50", AVANCE_MES3="45")])
    report = import_file(path, recompute=False)
    assert report.rows == 1
    assert Indicator.objects.get().targets.get().value == Decimal(50)
    assert [line for line in report.lines() if line.startswith("indicadores")] == [
        "indicadores: 1 creados, 0 actualizados, 0 sin cambios"]


def test_the_command_reports_errors_and_exits_non_zero(tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(SENTIDO="Lateral")])
    with pytest.raises(CommandError, match="El archivo tiene 1 errores; no se importó nada."):
        command(path)
