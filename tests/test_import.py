import csv
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators import rules
from indicators.choices import AdjustmentStatus
from indicators.models import Indicator, Target, TargetAdjustment
from interchange.importer import ImportErrors, import_file
from interchange.layout import COLUMNS
from programs.models import Level, Matrix, Objective, Program
from reporting.choices import ProgressStatus
from reporting.models import Progress
from tests.sed_files import base_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

FICTITIOUS = "demo/sed_2024_ficticio.csv"


def database_state():
    """Everything the import writes, as comparable values (history included)."""
    return {
        "programs": list(Program.objects.values_list("modalidad", "number", "name")),
        "objectives": list(Objective.objects.values_list("clave", "level", "parent__clave", "summary")),
        "indicators": list(Indicator.objects.order_by("pk").values()),
        "targets": list(Target.objects.values_list("indicator__external_id", "month", "value", "numerator", "denominator")),
        "adjustments": list(TargetAdjustment.objects.values_list("target_id", "value", "justification")),
        "progress": list(Progress.objects.values_list("indicator__external_id", "month", "value", "numerator",
                                                      "denominator", "cause", "effect", "other_reasons", "status")),
        "history": (Target.history.count(), Progress.history.count(), Indicator.history.count()),
    }


def file_cells(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.embedded
def test_every_cell_of_the_file_is_stored():
    import_file(FICTITIOUS)
    rows = file_cells(FICTITIOUS)
    assert Indicator.objects.count() == len(rows) == 12
    for row in rows:
        indicator = Indicator.objects.get(fiscal_year=2024, external_id=row["ID_INDICADOR"])
        assert indicator.name == row["NOMBRE_INDICADOR"]
        assert indicator.objective.clave == row["ID_OBJETIVO"]
        assert (indicator.objective.parent.clave if indicator.objective.parent else "") == row["ID_OBJETIVO_PADRE"]
        assert indicator.frequency == row["FRECUENCIA"]
        assert indicator.direction == row["SENTIDO"]
        assert str(indicator.factor or "") == (str(Decimal(row["FACTOR"]).quantize(Decimal("0.000001"))) if row["FACTOR"] else "")
        for month in range(1, 13):
            target = Target.objects.filter(indicator=indicator, month=month).first()
            if row[f"META_MES{month}"] or row[f"META_MES{month}_NUM"]:
                if row[f"META_MES{month}"]:
                    given = Decimal(row[f"META_MES{month}"])
                    assert rules.agrees_with(given, target.value) if target.numerator is not None else target.value == given
                if row[f"META_MES{month}_NUM"]:
                    assert target.numerator == Decimal(row[f"META_MES{month}_NUM"])
                    assert target.denominator == Decimal(row[f"META_MES{month}_DEN"])
            progress = Progress.objects.filter(indicator=indicator, month=month).first()
            if row[f"AVANCE_MES{month}"] or row[f"AVANCE_MES{month}_NUM"]:
                assert progress.status == ProgressStatus.APROBADO and progress.imported
                assert progress.cause == row[f"AVANCE_CAUSA_MES{month}"]
                assert progress.effect == row[f"AVANCE_EFECTO_MES{month}"]
                if row[f"AVANCE_MES{month}_NUM"]:
                    assert progress.numerator == Decimal(row[f"AVANCE_MES{month}_NUM"])
            else:
                assert progress is None


@pytest.mark.embedded
def test_numerator_and_denominator_decide_the_stored_value(tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(AVANCE_MES3="80.92", AVANCE_MES3_NUM="1955", AVANCE_MES3_DEN="2416")])
    import_file(path)
    progress = Progress.objects.get()
    assert (progress.value, progress.numerator, progress.denominator) == (
        Decimal("80.918874"), Decimal(1955), Decimal(2416)
    )


def test_zero_over_zero_meta_and_avance(tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(META_MES3_NUM="0", META_MES3_DEN="0",
                                                   AVANCE_MES3_NUM="0", AVANCE_MES3_DEN="0")])
    import_file(path)
    assert Target.objects.get().value is None
    assert Progress.objects.get().value is None


@pytest.mark.embedded
def test_importing_twice_changes_nothing():
    import_file(FICTITIOUS)
    before = database_state()
    report = import_file(FICTITIOUS)
    assert database_state() == before
    assert not any(outcome in ("creados", "actualizados") and n for (kind, outcome), n in report.counts.items())


def test_dry_run_validates_and_writes_nothing(capsys):
    call_command("import_sed", FICTITIOUS, "--dry-run")
    assert "Simulación (--dry-run): no se escribió nada." in capsys.readouterr().out
    assert Indicator.objects.count() == 0 and Program.objects.count() == 0


@pytest.mark.embedded
def test_xlsx_with_numeric_cells_imports_like_the_csv(tmp_path):
    rows = [base_row(META_MES3="75.5", AVANCE_MES3="80.92", AVANCE_MES3_NUM="1955", AVANCE_MES3_DEN="2416",
                     ID_PP="200", CICLO="2024")]
    path = write_xlsx(tmp_path / "f.xlsx", rows, numeric={"META_MES3", "AVANCE_MES3", "AVANCE_MES3_NUM",
                                                          "AVANCE_MES3_DEN", "CICLO", "ID_PP", "ID_NIVEL"})
    report = import_file(path)
    assert report.encoding == "XLSX"
    assert Target.objects.get().value == Decimal("75.5")
    assert Progress.objects.get().value == Decimal("80.918874")
    assert Program.objects.get().clave == "S200"


@pytest.mark.embedded
def test_windows_1252_file_is_read_and_reported(tmp_path, capsys):
    path = write_csv(tmp_path / "f.csv", [base_row(DESC_OBJETIVO="Atención médica a población sin seguridad")],
                     encoding="cp1252")
    call_command("import_sed", str(path))
    assert "Codificación: Windows-1252" in capsys.readouterr().out
    assert Objective.objects.get().summary == "Atención médica a población sin seguridad"


def test_variants_are_normalised_and_reported(tmp_path, capsys):
    rows = [base_row(SENTIDO="ascendente", TIPO_INDICADOR="GESTION", DESC_NIVEL="actividad", FRECUENCIA="trimestral"),
            base_row(ID_INDICADOR="1002", SENTIDO="Constante", ACUMULADO="Periódica", DIMENSION="eficacia")]
    call_command("import_sed", str(write_csv(tmp_path / "f.csv", rows)))
    out = capsys.readouterr().out
    assert "normalizado: SENTIDO «ascendente» → «Ascendente» (filas: 1)" in out
    assert "normalizado: SENTIDO «Constante» → «Regular» (filas: 1)" in out
    assert "normalizado: ACUMULADO «Periódica» → «Periódico» (filas: 1)" in out
    assert "normalizado: TIPO_INDICADOR «GESTION» → «Gestión» (filas: 1)" in out
    first, second = Indicator.objects.order_by("external_id")
    assert (first.direction, first.indicator_type, first.frequency) == ("Ascendente", "Gestión", "Trimestral")
    assert (second.direction, second.accumulation, second.dimension) == ("Regular", "Periódico", "Eficacia")


def test_open_data_file_without_our_columns_imports(tmp_path, capsys):
    """Column order is free, unknown columns are noted, missing ones count as empty."""
    header = ["ID_INDICADOR", "CICLO", "ID_RAMO", "ID_UR", "ID_PP", "ID_MODALIDAD", "DESC_NIVEL", "ID_OBJETIVO",
              "NOMBRE_INDICADOR", "FRECUENCIA", "SENTIDO", "AVANCE_MES6", "COLUMNA_RARA", "CUMPLIMIENTO_MES6"]
    row = base_row(AVANCE_MES6="12.5", COLUMNA_RARA="x", CUMPLIMIENTO_MES6="99", ID_PP="E001", ID_MODALIDAD="")
    call_command("import_sed", str(write_csv(tmp_path / "f.csv", [row], header=header)))
    out = capsys.readouterr().out
    assert "nota: columna desconocida COLUMNA_RARA: se conserva por indicador y se vuelve a exportar." in out
    assert "CUMPLIMIENTO_MES6" not in out
    assert Program.objects.get().clave == "E001"
    assert Progress.objects.get().value == Decimal("12.5")


def test_fid_rows_need_no_objective(tmp_path):
    path = write_csv(tmp_path / "f.csv", [base_row(ID_NIVEL="5", DESC_NIVEL="FID", ID_OBJETIVO="", ID_PP="1",
                                                   ID_MODALIDAD="M")])
    import_file(path)
    indicator = Indicator.objects.get()
    assert indicator.matrix.kind == Matrix.Kind.FID
    assert (indicator.objective.level, indicator.objective.clave) == (Level.FID, "")


def test_parents_may_come_later_in_the_file(tmp_path):
    rows = [base_row(ID_INDICADOR="2", ID_OBJETIVO="A1.1", ID_OBJETIVO_PADRE="C1"),
            base_row(ID_INDICADOR="1", ID_OBJETIVO="C1", ID_NIVEL="3", DESC_NIVEL="Componente",
                     DESC_OBJETIVO="Servicios otorgados")]
    import_file(write_csv(tmp_path / "f.csv", rows))
    child = Objective.objects.get(clave="A1.1")
    assert (child.parent.clave, child.parent.level, child.parent.summary) == ("C1", Level.COMPONENTE, "Servicios otorgados")


TEN_MISTAKES = [
    # (cells changed on a valid row, the error it must produce)
    ({"CICLO": "dos mil"}, "fila 2, columna CICLO: «dos mil» no es un año entre 1900 y 2200."),
    ({"FRECUENCIA": "Quincenal"}, "fila 3, columna FRECUENCIA: «Quincenal» no es un valor válido; se admite: "
                                  "Anual, Bienal, Bimestral, Cuatrimestral, Mensual, Quinquenal, Semestral, Sexenal, "
                                  "Trienal, Trimestral."),
    ({"SENTIDO": ""}, "fila 4, columna SENTIDO: es obligatoria y está vacía."),
    ({"AVANCE_MES2": "10"}, "fila 5, columna AVANCE_MES2: el mes 2 no cierra un periodo de frecuencia Trimestral; "
                            "los meses válidos son 3, 6, 9, 12."),
    ({"META_MES3_NUM": "10"}, "fila 6, columna META_MES3_DEN: META_MES3_NUM y META_MES3_DEN van juntos; falta este."),
    ({"AVANCE_MES3": "1,95"}, "fila 7, columna AVANCE_MES3: «1,95» la coma solo separa miles (1,234.5); para "
                              "decimales use punto: «1.95»."),
    ({"AVANCE_MES6": "80.91", "AVANCE_MES6_NUM": "1955", "AVANCE_MES6_DEN": "2416"},
     "fila 8, columna AVANCE_MES6: el valor 80.91 no coincide con AVANCE_MES6_NUM / AVANCE_MES6_DEN × 100 = 80.918874."),
    ({"AVANCE_CAUSA_MES9": "Sin avance"}, "fila 9, columna AVANCE_CAUSA_MES9: hay justificación pero no hay avance en el mes 9."),
    ({"UMBRAL_VERDE_AMARILLO": "20", "UMBRAL_AMARILLO_ROJO": "10"},
     "fila 10, columna UMBRAL_AMARILLO_ROJO: debe ser mayor o igual que UMBRAL_VERDE_AMARILLO (20)."),
    ({"META_MES12_NUM": "4", "META_MES12_DEN": "0"},
     "fila 11, columna META_MES12_DEN: el denominador es 0 y el numerador (4) no; no hay cociente."),
]


@pytest.mark.parametrize("cells, message", [
    ({"CICLO": "9223372036854775808"}, "columna CICLO: «9223372036854775808» no es un año entre 1900 y 2200."),
    ({"CICLO": "²⁰²⁴"}, "columna CICLO: «²⁰²⁴» no es un año entre 1900 y 2200."),
    ({"CICLO_LINEA_BASE": "99999"}, "columna CICLO_LINEA_BASE: «99999» no es un año entre 1900 y 2200."),
    ({"ID_NIVEL": "³"}, "columna ID_NIVEL: «³» no es válido"),
])
def test_years_and_levels_are_ascii_digits_within_range(tmp_path, cells, message):
    path = write_csv(tmp_path / "f.csv", [base_row(**cells)])
    with pytest.raises(ImportErrors) as caught:
        import_file(path)
    assert any(message in error for error in caught.value.errors)
    assert not Indicator.objects.exists()


@pytest.mark.embedded
def test_a_file_with_ten_mistakes_lists_all_ten_and_writes_nothing(tmp_path, capsys):
    import_file(FICTITIOUS)
    before = database_state()
    rows = [base_row(ID_INDICADOR=str(3000 + i), **cells) for i, (cells, _) in enumerate(TEN_MISTAKES)]
    rows.append(base_row(ID_INDICADOR="990001", ID_PP="999", ID_MODALIDAD="P", META_MES12="1"))  # valid row
    path = write_csv(tmp_path / "errores.csv", rows)
    with pytest.raises(CommandError, match="El archivo tiene 10 errores; no se importó nada."):
        call_command("import_sed", str(path), "--estricto")  # without it, AVANCE_MES6's disagreement is an aviso
    err = capsys.readouterr().err.splitlines()
    assert err == [message for _, message in TEN_MISTAKES]
    assert database_state() == before


def test_cross_row_mistakes_are_reported(tmp_path):
    rows = [base_row(), base_row(NOMBRE_INDICADOR="Repetido"), base_row(ID_INDICADOR="7", ID_OBJETIVO="A9",
                                                                         ID_OBJETIVO_PADRE="C9")]
    with pytest.raises(ImportErrors) as excinfo:
        import_file(write_csv(tmp_path / "f.csv", rows))
    assert excinfo.value.errors == [  # the unknown parent C9 is an aviso (tests/test_import_hacienda.py)
        "fila 3, columna ID_INDICADOR: el indicador 1001 del ciclo 2024 ya aparece en la fila 2.",
    ]


def test_missing_required_columns_are_named_once(tmp_path):
    header = [c for c in COLUMNS if c not in ("SENTIDO", "ID_NIVEL", "DESC_NIVEL")]
    with pytest.raises(ImportErrors) as excinfo:
        import_file(write_csv(tmp_path / "f.csv", [base_row()], header=header))
    assert excinfo.value.errors == [
        "fila 1, columna SENTIDO: falta esta columna obligatoria.",
        "fila 1, columna DESC_NIVEL: falta; se necesita ID_NIVEL o DESC_NIVEL.",
    ]


def test_unreadable_files_give_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="No existe el archivo"):
        call_command("import_sed", str(tmp_path / "no.csv"))
    (tmp_path / "f.ods").write_text("x")
    with pytest.raises(CommandError, match="Formato no admitido «.ods»: use un archivo .csv o .xlsx."):
        call_command("import_sed", str(tmp_path / "f.ods"))


@pytest.mark.embedded
def test_reimport_updates_with_history_and_empty_cells_keep_values(tmp_path):
    import_file(write_csv(tmp_path / "a.csv", [base_row(META_MES3="50", AVANCE_MES3="45", AVANCE_CAUSA_MES3="Causa",
                                                        DEFINICION_INDICADOR="Definición")]))
    import_file(write_csv(tmp_path / "b.csv", [base_row(META_MES3="55", AVANCE_MES3="45")]))
    target, progress = Target.objects.get(), Progress.objects.get()
    assert target.value == Decimal(55)
    assert [h.value for h in target.history.order_by("history_date")] == [Decimal(50), Decimal(55)]
    assert target.history.latest().history_change_reason.startswith("Importación de ")
    assert progress.cause == "Causa"  # empty cell: not given, kept
    assert Indicator.objects.get().definition == "Definición"


def test_adjusted_metas_become_approved_adjustments_once(tmp_path):
    row = base_row(META_MES6="50", META_AJUSTADA_MES6="40", JUSTIFICACION_AJUSTE_MES6="Recorte presupuestal")
    import_file(write_csv(tmp_path / "a.csv", [row]))
    import_file(write_csv(tmp_path / "a.csv", [row]))
    adjustment = TargetAdjustment.objects.get()
    assert (adjustment.value, adjustment.status, adjustment.justification) == (
        Decimal(40), AdjustmentStatus.APROBADO, "Recorte presupuestal"
    )
    assert adjustment.target.current_value == Decimal(40)
    import_file(write_csv(tmp_path / "b.csv", [base_row(META_AJUSTADA_MES6="42")]))
    assert TargetAdjustment.objects.count() == 2
    assert Target.objects.get().current_value == Decimal(42)
    assert Target.objects.get().value == Decimal(50)


def test_bare_programme_number_needs_modalidad(tmp_path):
    with pytest.raises(ImportErrors) as excinfo:
        import_file(write_csv(tmp_path / "f.csv", [base_row(ID_PP="1", ID_MODALIDAD="")]))
    assert excinfo.value.errors == ["fila 2, columna ID_MODALIDAD: es obligatoria cuando ID_PP es solo un número («1»)."]


def test_an_unknown_open_catalog_value_is_kept_only_within_its_column(tmp_path):
    """TIPO_RELATIVO, DIMENSION and UNIDAD_MEDIDA keep unknown values as written; a longer one than the
    column holds was a database error on PostgreSQL."""
    path = write_csv(tmp_path / "f.csv", [base_row(TIPO_RELATIVO="x" * 61)])
    with pytest.raises(ImportErrors) as caught:
        import_file(path)
    assert "fila 2, columna TIPO_RELATIVO: tiene 61 caracteres; el máximo es 60." in caught.value.errors
