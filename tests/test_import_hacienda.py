"""Hacienda's open-data file as downloaded (issue 16): streamed, tolerant, selectable."""

import csv
import tempfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from compliance.engine import compute_quarter
from compliance.models import QuarterResult
from indicators.models import FiscalYearPolicy, Indicator
from interchange.importer import ImportErrors, NothingToImport, UnreadableFile, import_file
from interchange.reader import read_table
from interchange.validation import spill_to, spilled_rows, validate
from programs.models import Objective, Program
from tests import hacienda_files as hacienda
from tests.sed_files import base_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def command(*args):
    """Run import_sed; returns (stdout, stderr) lines, without the progress lines (test_import_batches)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_sed", *map(str, args), stdout=out, stderr=err)
    return out.getvalue().splitlines(), [line for line in err.getvalue().splitlines()
                                         if not line.startswith(("filas escritas: ", "filas leídas: "))]


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


def test_rows_left_out_wait_in_the_spill_as_they_were_validated(tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(META_MES3="50", AVANCE_MES3="45"),
                                          base_row(ID_INDICADOR="2", SENTIDO="Lateral")])
    with read_table(path) as sheet, tempfile.TemporaryFile() as spill:
        validation = validate(sheet, skip_bad_rows=True, on_row=spill_to(spill))
        path.write_text("")  # whatever happens to the file now, the spill holds what was validated
        (row,) = spilled_rows(spill, validation)
    assert (row.number, row.months[3].meta.value, row.months[3].avance.value) == (2, Decimal(50), Decimal(45))
    assert list(validation.rejected) == [3]


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


# Item 3: tolerance, per column


def hacienda_import(tmp_path, rows, **options):
    path = hacienda.write(tmp_path / "hacienda.csv", rows)
    return import_file(path, recompute=False, **options)


def test_hacienda_header_reads_aliases_and_keeps_the_columns_simir_does_not_model(tmp_path):
    report = hacienda_import(tmp_path, [hacienda.row()])
    assert Indicator.objects.get().name == "Porcentaje de consultas otorgadas"
    assert list(report.lines())[:7] == [
        "Codificación: Windows-1252; filas de datos: 1.",
        "nota: la columna AVANCE_ENERO_MAYO_OTROS_MOTIVO se lee como AVANCE_ENERO_MAYO_OTROS_MOTIVOS.",
        "nota: la columna NOMBRE_DEL_INDICADOR se lee como NOMBRE_INDICADOR.",
        "nota: columna desconocida FECHA_CORTE: se conserva por indicador y se vuelve a exportar.",
        "nota: columna desconocida INDICADOR_PND: se conserva por indicador y se vuelve a exportar.",
        "nota: columna desconocida OBSERVACIONES_SHCP: se conserva por indicador y se vuelve a exportar.",
        "nota: columnas de Hacienda que SIMIR no guarda, se ignoran: ENTIDAD_FEDERATIVA, ID_MUNICIPIO, MUNICIPIO.",
    ]


@pytest.mark.parametrize("alias", ["DESC_INDICADOR", "NOMBRE_DEL_INDICADOR", "NOMBRE_INDICADOR"])
def test_every_name_column_candidate_fills_the_name(tmp_path, alias):
    header = [alias if name == "NOMBRE_DEL_INDICADOR" else name for name in hacienda.HEADER]
    hacienda.write(tmp_path / "f.csv", [hacienda.row(**{alias: "Tasa de consultas"})], header=header)
    import_file(tmp_path / "f.csv", recompute=False)
    assert Indicator.objects.get().name == "Tasa de consultas"


def test_an_alias_beside_our_own_column_is_ignored(tmp_path):
    header = [*hacienda.HEADER, "NOMBRE_INDICADOR"]
    report = hacienda_import_with(tmp_path, header, NOMBRE_INDICADOR="El nuestro")
    assert Indicator.objects.get().name == "El nuestro"
    assert ("nota: columna desconocida NOMBRE_DEL_INDICADOR: se conserva por indicador y se vuelve a exportar."
            in list(report.lines()))


def hacienda_import_with(tmp_path, header, **cells):
    hacienda.write(tmp_path / "f.csv", [hacienda.row(**cells)], header=header)
    return import_file(tmp_path / "f.csv", recompute=False)


@pytest.mark.parametrize(("column", "field", "written", "stored", "note"), [
    ("TIPO_INDICADOR", "indicator_type", "De Gestión", "Gestión",
     "normalizado: TIPO_INDICADOR «De Gestión» → «Gestión» (filas: 1)"),
    ("TIPO_INDICADOR", "indicator_type", "Estratgico", "Estratégico",
     "normalizado: TIPO_INDICADOR «Estratgico» → «Estratégico» (filas: 1)"),
    ("TIPO_INDICADOR", "indicator_type", "GESTION", "Gestión",
     "normalizado: TIPO_INDICADOR «GESTION» → «Gestión» (filas: 1)"),
    ("TIPO_INDICADOR", "indicator_type", "Gestion", "Gestión",
     "normalizado: TIPO_INDICADOR «Gestion» → «Gestión» (filas: 1)"),
    ("DIMENSION", "dimension", "Eificacia", "Eficacia", "normalizado: DIMENSION «Eificacia» → «Eficacia» (filas: 1)"),
    ("DIMENSION", "dimension", "Eficiciencia", "Eficiencia",
     "normalizado: DIMENSION «Eficiciencia» → «Eficiencia» (filas: 1)"),
    ("DIMENSION", "dimension", "Económica", "Economía", "normalizado: DIMENSION «Económica» → «Economía» (filas: 1)"),
    ("DIMENSION", "dimension", "0", "", "normalizado: DIMENSION «0» → vacío (filas: 1)"),
    ("TIPO_INDICADOR", "indicator_type", "Sectorial", "Sectorial",
     "nota: TIPO_INDICADOR «Sectorial» no es un valor del catálogo; se conserva como se escribió; el semáforo "
     "usa los umbrales por omisión de Gestión del ejercicio (filas: 1)"),
    ("TIPO_INDICADOR", "indicator_type", "ECONOMIA", "ECONOMIA",
     "nota: TIPO_INDICADOR «ECONOMIA» no es un valor del catálogo; se conserva como se escribió; el semáforo "
     "usa los umbrales por omisión de Gestión del ejercicio (filas: 1)"),
])
def test_dirty_catalog_values_of_the_real_file(tmp_path, column, field, written, stored, note):
    report = hacienda_import(tmp_path, [hacienda.row(**{column: written})])
    assert getattr(Indicator.objects.get(), field) == stored
    assert note in list(report.lines())


def test_two_rows_of_one_variant_count_two(tmp_path):
    report = hacienda_import(tmp_path, [hacienda.row(DIMENSION="Eificacia"),
                                        hacienda.row(DIMENSION="eificacia", ID_INDICADOR="5002", ID_OBJETIVO="A2")])
    lines = list(report.lines())
    assert "normalizado: DIMENSION «Eificacia» → «Eficacia» (filas: 1)" in lines
    assert "normalizado: DIMENSION «eificacia» → «Eficacia» (filas: 1)" in lines
    assert list(Indicator.objects.values_list("dimension", flat=True)) == ["Eficacia", "Eficacia"]


def test_an_unknown_indicator_type_takes_the_ejercicios_gestion_thresholds(tmp_path):
    FiscalYearPolicy.objects.create(fiscal_year=2024, gestion_green_yellow=Decimal(15), gestion_yellow_red=Decimal(30))
    # 44 of 50 is 88 %, 12 points off: verde under this ejercicio's Gestión 15/30 (amarillo under the
    # built-in 10/20), rojo under Estratégico's 5/10
    hacienda_import(tmp_path, [hacienda.row(TIPO_INDICADOR="Sectorial", META_MES3="50", AVANCE_MES3="44"),
                               hacienda.row(TIPO_INDICADOR="Estratégico", META_MES3="50", AVANCE_MES3="44",
                                            ID_INDICADOR="5002", ID_OBJETIVO="A2")])
    compute_quarter(2024, 1)
    results = dict(QuarterResult.objects.values_list("indicator__external_id", "semaforo"))
    assert results == {"5001": "verde", "5002": "rojo"}


def test_an_unknown_indicator_type_longer_than_its_field_is_an_error(tmp_path):
    with pytest.raises(ImportErrors) as caught:
        hacienda_import(tmp_path, [hacienda.row(TIPO_INDICADOR="Indicador de gestión sectorial")])
    assert caught.value.errors == ["fila 2, columna TIPO_INDICADOR: tiene 30 caracteres; el máximo es 20."]


def test_non_breaking_spaces_become_spaces_and_line_breaks_stay(tmp_path):
    report = hacienda_import(tmp_path, [hacienda.row(
        NOMBRE_DEL_INDICADOR="Porcentaje\u00a0de\u00a0consultas", DESC_OBJETIVO="Consultas\nde primer\r\nnivel",
        DESC_UR="Centro\u00a0Nacional\u00a0",
    )])
    indicator = Indicator.objects.get()
    assert indicator.name == "Porcentaje de consultas"
    assert indicator.objective.summary == "Consultas\nde primer\r\nnivel"
    assert indicator.responsible_unit.name == "Centro Nacional"
    lines = list(report.lines())
    assert "normalizado: NOMBRE_INDICADOR: espacios no separables → espacios (filas: 1)" in lines
    assert "normalizado: DESC_UR: espacios no separables → espacios (filas: 1)" in lines


# Item 4: an unknown parent objective is an aviso


def objectives():
    return sorted(Objective.objects.values_list("matrix__program__modalidad", "clave", "level", "parent__clave",
                                                "pending_parent_clave"))


def test_a_file_of_only_actividades_imports_and_waits_for_their_componente(tmp_path):
    actividades = [hacienda.row(ID_OBJETIVO="A1", ID_OBJETIVO_PADRE="C1"),
                   hacienda.row(ID_OBJETIVO="A2", ID_OBJETIVO_PADRE="C1", ID_INDICADOR="5002")]
    report = hacienda_import(tmp_path, actividades)
    assert [line for line in report.lines() if line.startswith("aviso")] == [
        "aviso: fila 2, columna ID_OBJETIVO_PADRE: el objetivo padre C1 no está en el archivo ni registrado para "
        "S200 2024; el objetivo A1 se guarda sin padre y se enlaza cuando se importe.",
        "aviso: fila 3, columna ID_OBJETIVO_PADRE: el objetivo padre C1 no está en el archivo ni registrado para "
        "S200 2024; el objetivo A2 se guarda sin padre y se enlaza cuando se importe.",
    ]
    assert objectives() == [("S", "A1", "Actividad", None, "C1"), ("S", "A2", "Actividad", None, "C1")]

    componente = hacienda.row(ID_NIVEL="3", DESC_NIVEL="Componente", ID_OBJETIVO="C1", ID_INDICADOR="5100",
                              DESC_OBJETIVO="Consultas de primer nivel")
    path = hacienda.write(tmp_path / "componentes.csv", [componente])
    report = import_file(path, recompute=False)
    assert "objetivos enlazados con su objetivo padre, que llegó en esta importación: 2" in list(report.lines())
    assert objectives() == [("S", "A1", "Actividad", "C1", ""), ("S", "A2", "Actividad", "C1", ""),
                            ("S", "C1", "Componente", None, "")]
    assert "objetivos enlazados" not in "".join(import_file(path, recompute=False).lines())  # once


def test_a_parent_later_in_the_same_file_is_no_aviso(tmp_path):
    report = hacienda_import(tmp_path, [
        hacienda.row(ID_OBJETIVO="A1", ID_OBJETIVO_PADRE="C1"),
        hacienda.row(ID_NIVEL="3", DESC_NIVEL="Componente", ID_OBJETIVO="C1", ID_INDICADOR="5100"),
    ])
    assert not [line for line in report.lines() if line.startswith("aviso")]
    assert objectives() == [("S", "A1", "Actividad", "C1", ""), ("S", "C1", "Componente", None, "")]


def test_the_national_file_with_every_dirty_trait_imports(tmp_path):
    out, _err = command(hacienda.national_file(tmp_path / "nacional.csv"))
    assert [line for line in out if line.startswith("aviso")] == [
        "aviso: fila 3, columna ID_OBJETIVO_PADRE: el objetivo padre P1 no está en el archivo ni registrado para "
        "S200 2024; el objetivo C1 se guarda sin padre y se enlaza cuando se importe.",
        "aviso: fila 6, columna ID_OBJETIVO_PADRE: el objetivo padre C9 no está en el archivo ni registrado para "
        "E010 2024; el objetivo A1 se guarda sin padre y se enlaza cuando se importe.",
    ]
    assert objectives() == [
        ("E", "A1", "Actividad", None, "C9"),
        ("S", "A1", "Actividad", "C1", ""), ("S", "A2", "Actividad", "C1", ""),
        ("S", "C1", "Componente", None, "P1"), ("S", "F1", "Fin", None, ""),
    ]
    assert sorted(Indicator.objects.values_list("external_id", "indicator_type", "dimension", "name")) == [
        ("5000", "Estratégico", "Eficacia", "Tasa de mortalidad"),
        ("5002", "Gestión", "Eficiencia", "Porcentaje de consultas"),
        ("5003", "Sectorial", "Economía", "Porcentaje de consultas otorgadas"),
        ("5004", "Gestión", "", "Porcentaje de consultas otorgadas"),
        ("7001", "Gestión", "Eficacia", "Porcentaje de consultas otorgadas"),
    ]
    assert Objective.objects.get(clave="F1").summary == "Contribuir al bienestar"
    assert Objective.objects.get(clave="C1").summary == "Consultas\nde primer nivel"


# Item 2: --ramo --ur --pp --ciclo


@pytest.mark.parametrize(("options", "imported", "skipped_line"), [
    (["--ramo", "47"], ["7001"], "Filas omitidas por la selección (--ramo 47): 5."),
    (["--ramo", "012"], ["5000", "5002", "5003", "5004"], "Filas omitidas por la selección (--ramo 012): 2."),
    (["--ur", "ayo"], ["7001"], "Filas omitidas por la selección (--ur ayo): 5."),
    (["--pp", "S200"], ["5000", "5002", "5003", "5004"], "Filas omitidas por la selección (--pp S200): 2."),
    (["--pp", "10"], ["7001"], "Filas omitidas por la selección (--pp 10): 5."),
    (["--pp", "E010", "--pp", "s 200"], ["5000", "5002", "5003", "5004", "7001"],
     "Filas omitidas por la selección (--pp E010 --pp s 200): 1."),
    (["--ramo", "47", "--ciclo", "2024", "--ramo", "12", "--ur", "NBV"], ["5000", "5002", "5003", "5004"],
     "Filas omitidas por la selección (--ramo 47 --ramo 12 --ur NBV --ciclo 2024): 2."),
])
def test_the_selection_imports_only_matching_rows_and_counts_the_rest(tmp_path, options, imported, skipped_line):
    path = hacienda.national_file(tmp_path / "nacional.csv")
    with open(path, "a", encoding="latin-1", newline="") as handle:  # a bad row of ramo 6: not selected, not read
        handle.write(",".join(hacienda.row(ID_RAMO="6", ID_PP="99", ID_MODALIDAD="K", ID_INDICADOR="9",
                                           SENTIDO="Lateral").get(c, "")
                              for c in hacienda.HEADER) + "\r\n")
    out, _err = command(path, *options)
    assert sorted(Indicator.objects.values_list("external_id", flat=True)) == imported
    assert out[0] == f"Codificación: Windows-1252; filas de datos: {len(imported)}."
    assert out[1] == skipped_line


def test_without_a_selection_the_bad_row_stops_the_import(tmp_path):
    rows = [hacienda.row(), hacienda.row(ID_RAMO="6", ID_INDICADOR="9", SENTIDO="Lateral")]
    with pytest.raises(ImportErrors):
        hacienda_import(tmp_path, rows)
    assert Indicator.objects.count() == 0


@pytest.mark.parametrize(("options", "message"), [
    (["--pp", "Programa 1"], "--pp «Programa 1» no es una clave de programa: use la clave (E001) o el número (1)."),
    (["--ciclo", "24"], "--ciclo «24» no es un año entre 1900 y 2200."),
])
def test_a_bad_selection_value_is_named(tmp_path, options, message):
    with pytest.raises(CommandError) as caught:
        command(hacienda.national_file(tmp_path / "nacional.csv"), *options)
    assert str(caught.value) == message


# Item 9: nothing to import is not a success


def test_a_file_without_data_rows_says_so_and_exits_non_zero(tmp_path):
    path = hacienda.write(tmp_path / "vacio.csv", [{}, {}])  # a header and two empty rows
    with pytest.raises(CommandError) as caught:
        command(path)
    assert str(caught.value) == "0 filas: nada que importar."
    with pytest.raises(NothingToImport, match="^0 filas: nada que importar.$"):
        import_file(path, recompute=False)


def test_a_selection_that_keeps_no_row_says_how_many_it_left_out(tmp_path):
    with pytest.raises(CommandError) as caught:
        command(hacienda.national_file(tmp_path / "nacional.csv"), "--ramo", "99")
    assert str(caught.value) == "0 filas: nada que importar (la selección --ramo 99 omitió 5)."
    assert Program.objects.count() == 0


# Item 8: the source's own arithmetic is an aviso (an error with --estricto)

DISAGREEING = {"META_MES3": "80.91", "META_MES3_NUM": "1955", "META_MES3_DEN": "2416"}


def test_a_value_that_disagrees_with_its_ratio_is_imported_as_printed_with_an_aviso(tmp_path):
    out, _err = command(hacienda.write(tmp_path / "f.csv", [hacienda.row(**DISAGREEING)]))
    assert [line for line in out if line.startswith("aviso")] == [
        "aviso: fila 2, columna META_MES3: el valor 80.91 no coincide con META_MES3_NUM / META_MES3_DEN × 100 = "
        "80.918874 (1955 / 2416); se importa como se imprimió, 80.91."
    ]
    target = Indicator.objects.get().targets.get()
    assert (target.value, target.numerator, target.denominator) == (Decimal("80.91"), Decimal(1955), Decimal(2416))


def test_a_value_within_rounding_of_its_ratio_is_no_aviso(tmp_path):
    out, _err = command(hacienda.write(tmp_path / "f.csv", [hacienda.row(**{**DISAGREEING, "META_MES3": "80.92"})]))
    assert not [line for line in out if line.startswith("aviso")]
    assert Indicator.objects.get().targets.get().value == Decimal("80.918874")


def test_estricto_makes_the_disagreement_an_error(tmp_path):
    path = hacienda.write(tmp_path / "f.csv", [hacienda.row(**DISAGREEING)])
    with pytest.raises(CommandError, match="El archivo tiene 1 errores; no se importó nada."):
        _out, err = command(path, "--estricto")
    with pytest.raises(ImportErrors) as caught:
        import_file(path, recompute=False, strict=True)
    assert caught.value.errors == [
        "fila 2, columna META_MES3: el valor 80.91 no coincide con META_MES3_NUM / META_MES3_DEN × 100 = 80.918874."]
    assert Indicator.objects.count() == 0


# Item 7: --omitir-filas-con-error


def dirty_rows():
    return [
        hacienda.row(ID_INDICADOR="5001"),                                                       # 2 valid
        hacienda.row(ID_NIVEL="3", DESC_NIVEL="Componente", ID_OBJETIVO="C1", ID_INDICADOR="5002",
                     SENTIDO="Lateral"),                                                         # 3 error
        hacienda.row(ID_OBJETIVO="A3", ID_INDICADOR="", DESC_OBJETIVO="Sin\u00a0clave"),        # 4 error
        hacienda.row(ID_OBJETIVO="A5", ID_INDICADOR="5003"),                                     # 5 its twin fails
        hacienda.row(ID_OBJETIVO="A6", ID_INDICADOR="5003"),                                     # 6 repeated
        hacienda.row(ID_OBJETIVO="A4", ID_OBJETIVO_PADRE="C1", ID_INDICADOR="5004"),             # 7 valid
    ]


def read_rejects(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_skipping_bad_rows_imports_the_valid_indicators_and_writes_the_rejects(tmp_path):
    path = hacienda.write(tmp_path / "nacional.csv", dirty_rows())
    out, err = command(path, "--omitir-filas-con-error")
    rejects = tmp_path / "nacional_rechazos.csv"
    assert out[:2] == ["Codificación: Windows-1252; filas de datos: 2.",
                       f"Filas rechazadas por errores (no se importan): 4; están en {rejects}."]
    assert err == []
    assert sorted(Indicator.objects.values_list("external_id", flat=True)) == ["5001", "5004"]
    # C1's only row was rejected: for the rows imported it is an unknown parent
    assert [line for line in out if line.startswith("aviso")] == [
        "aviso: fila 7, columna ID_OBJETIVO_PADRE: el objetivo padre C1 no está en el archivo ni registrado para "
        "S200 2024; el objetivo A4 se guarda sin padre y se enlaza cuando se importe."]
    assert objectives() == [("S", "A1", "Actividad", None, ""), ("S", "A4", "Actividad", None, "C1")]

    lines = read_rejects(rejects)
    header = lines[0]
    assert header[:3] == ["fila", "columna", "mensaje"]
    assert header[3:8] == ["CICLO", "ID_RAMO", "DESC_RAMO", "ID_UR", "DESC_UR"]
    assert "NOMBRE_INDICADOR" in header and "AVANCE_ENERO_MAYO_OTROS_MOTIVOS" in header
    assert [line[:3] for line in lines[1:]] == [
        ["3", "SENTIDO", "«Lateral» no es un valor válido; se admite: Ascendente, Descendente, Regular."],
        ["4", "ID_INDICADOR", "es obligatoria y está vacía."],
        ["5", "ID_INDICADOR", "se rechaza con su indicador 5003: la fila 6 tiene errores."],
        ["6", "ID_INDICADOR", "el indicador 5003 del ciclo 2024 ya aparece en la fila 5."],
    ]
    cells = [dict(zip(header, line)) for line in lines[1:]]
    assert [(c["ID_INDICADOR"], c["ID_OBJETIVO"], c["SENTIDO"]) for c in cells] == [
        ("5002", "C1", "Lateral"), ("", "A3", "Ascendente"), ("5003", "A5", "Ascendente"), ("5003", "A6", "Ascendente")]
    assert cells[1]["DESC_OBJETIVO"] == "Sin clave"  # as read: its NBSP is a space already


def test_without_the_option_one_bad_row_rejects_the_file(tmp_path):
    path = hacienda.write(tmp_path / "nacional.csv", dirty_rows())
    with pytest.raises(ImportErrors) as caught:
        import_file(path, recompute=False)
    assert caught.value.errors == [
        "fila 3, columna SENTIDO: «Lateral» no es un valor válido; se admite: Ascendente, Descendente, Regular.",
        "fila 4, columna ID_INDICADOR: es obligatoria y está vacía.",
        "fila 6, columna ID_INDICADOR: el indicador 5003 del ciclo 2024 ya aparece en la fila 5.",
    ]
    assert Indicator.objects.count() == 0
    assert not (tmp_path / "nacional_rechazos.csv").exists()


def test_a_row_with_two_errors_has_two_reject_lines_and_the_path_may_be_chosen(tmp_path):
    path = hacienda.write(tmp_path / "f.csv", [hacienda.row(), hacienda.row(ID_INDICADOR="2", SENTIDO="",
                                                                            FRECUENCIA="Quincenal")])
    command(path, "--omitir-filas-con-error", "--rechazos", tmp_path / "malas.csv")
    assert [line[:2] for line in read_rejects(tmp_path / "malas.csv")[1:]] == [
        ["3", "FRECUENCIA"], ["3", "SENTIDO"]]
    assert list(Indicator.objects.values_list("external_id", flat=True)) == ["5001"]


def test_when_every_row_is_rejected_nothing_is_imported_and_the_exit_is_non_zero(tmp_path):
    path = hacienda.write(tmp_path / "f.csv", [hacienda.row(SENTIDO="Lateral")])
    with pytest.raises(CommandError) as caught:
        command(path, "--omitir-filas-con-error")
    rejects = tmp_path / "f_rechazos.csv"
    assert str(caught.value) == f"0 filas: nada que importar (1 filas rechazadas, en {rejects})."
    assert [line[:2] for line in read_rejects(rejects)[1:]] == [["2", "SENTIDO"]]
    assert Program.objects.count() == 0


def test_rechazos_needs_the_option(tmp_path):
    with pytest.raises(CommandError, match="--rechazos solo tiene sentido con --omitir-filas-con-error."):
        command(hacienda.write(tmp_path / "f.csv", [hacienda.row()]), "--rechazos", tmp_path / "x.csv")


def test_reimporting_the_national_file_changes_nothing(tmp_path):
    path = hacienda.national_file(tmp_path / "nacional.csv")
    import_file(path, recompute=False)
    before = (objectives(), list(Indicator.objects.order_by("pk").values()), Indicator.history.count())
    report = import_file(path, recompute=False)
    assert (objectives(), list(Indicator.objects.order_by("pk").values()), Indicator.history.count()) == before
    assert not [kind for (kind, outcome), n in report.counts.items() if outcome != "sin cambios" and n]


def test_an_xlsx_with_hacienda_headers_reads_the_same(tmp_path):
    rows = [hacienda.row(DESC_OBJETIVO="Consultas\u00a0otorgadas", TIPO_INDICADOR="De Gestión")]
    report = import_file(write_xlsx(tmp_path / "f.xlsx", rows, header=hacienda.HEADER), recompute=False)
    indicator = Indicator.objects.get()
    assert (indicator.name, indicator.indicator_type, indicator.objective.summary) == (
        "Porcentaje de consultas otorgadas", "Gestión", "Consultas otorgadas")
    assert "nota: la columna NOMBRE_DEL_INDICADOR se lee como NOMBRE_INDICADOR." in list(report.lines())
