"""The import's writing pass goes in batches (interchange/writer.py): its queries do not grow with
the rows of a programme, a batch boundary changes nothing, and what it updates keeps history."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Target
from interchange import importer, writer
from interchange.importer import import_file
from programs.models import Objective
from reporting.models import Progress
from tests import hacienda_files as hacienda

pytestmark = pytest.mark.django_db


def programme_rows(n, **cells):
    """n Actividad indicators of S200 with metas and avances in two quarters, under one Componente."""
    rows = [hacienda.row(ID_NIVEL="3", DESC_NIVEL="Componente", ID_OBJETIVO="C1", ID_INDICADOR="4999", **cells)]
    for i in range(n):
        rows.append(hacienda.row(ID_OBJETIVO=f"A{i % 7}", ID_OBJETIVO_PADRE="C1", ID_INDICADOR=str(6000 + i),
                                 META_MES6="60", AVANCE_MES6=str(30 + i % 40), **cells))
    return rows


def queries_of_import(tmp_path, rows):
    path = hacienda.write(tmp_path / f"n{len(rows)}.csv", rows)
    with CaptureQueriesContext(connection) as captured:
        import_file(path, recompute=False)
    return len(captured.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite splits bulk inserts at its parameter limit")
def test_queries_do_not_grow_with_the_rows_of_a_batch(tmp_path):
    queries_of_import(tmp_path, programme_rows(1, CICLO="2023"))  # the ramo and UR exist for both below
    few = queries_of_import(tmp_path, programme_rows(10))
    many = queries_of_import(tmp_path, programme_rows(200, CICLO="2025"))  # new objects again, another year
    assert many == few
    assert Progress.objects.filter(fiscal_year=2025).count() == 2 * 200 + 1
    assert Target.objects.filter(fiscal_year=2025).count() == 2 * 200 + 1


def test_a_batch_boundary_changes_nothing(tmp_path, monkeypatch):
    def objectives(year):
        return sorted(Objective.objects.filter(matrix__fiscal_year=year).values_list("clave", "parent__clave", "level"))

    one_batch = import_file(hacienda.write(tmp_path / "a.csv", programme_rows(23)), recompute=False)
    monkeypatch.setattr(writer, "BATCH", 4)
    small_batches = import_file(hacienda.write(tmp_path / "b.csv", programme_rows(23, CICLO="2025")),
                                recompute=False)
    catalogs = ("ramos", "unidades responsables")  # stored by the first import
    assert {k: v for k, v in small_batches.counts.items() if k[0] not in catalogs} == {
        k: v for k, v in one_batch.counts.items() if k[0] not in catalogs}
    assert objectives(2025) == objectives(2024) != []
    assert one_batch.counts[("objetivos", "creados")] == 8 and one_batch.counts[("avances", "creados")] == 47


def test_an_error_after_batches_were_written_rolls_all_of_them_back(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "BATCH", 4)  # 23 rows: five batches written before the last row is read
    rows = programme_rows(22) + [hacienda.row(ID_INDICADOR="7777", SENTIDO="Lateral")]
    with pytest.raises(importer.ImportErrors) as caught:
        import_file(hacienda.write(tmp_path / "a.csv", rows), recompute=False)
    assert caught.value.errors == [
        "fila 25, columna SENTIDO: «Lateral» no es un valor válido; se admite: Ascendente, Descendente, Regular."]
    assert not Objective.objects.exists() and not Target.objects.exists() and not Progress.objects.exists()
    assert not Target.history.exists() and not Progress.history.exists()


def test_a_child_before_its_parent_in_another_batch_is_linked_and_not_counted_as_waiting(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "BATCH", 2)
    rows = programme_rows(3)
    report = import_file(hacienda.write(tmp_path / "a.csv", rows[1:] + rows[:1]), recompute=False)  # C1 last
    assert set(Objective.objects.filter(clave__startswith="A").values_list("parent__clave", "pending_parent_clave")) \
        == {("C1", "")}
    assert report.linked == 0 and not [line for line in report.lines() if line.startswith("aviso")]


def test_parents_in_a_circle_are_both_stored_and_linked(tmp_path):
    rows = [hacienda.row(ID_NIVEL="3", DESC_NIVEL="Componente", ID_OBJETIVO="C1", ID_OBJETIVO_PADRE="C2"),
            hacienda.row(ID_NIVEL="3", DESC_NIVEL="Componente", ID_OBJETIVO="C2", ID_OBJETIVO_PADRE="C1",
                         ID_INDICADOR="5002"),
            # C1 again, once C2 is known: both new objectives now name each other.
            hacienda.row(ID_NIVEL="3", DESC_NIVEL="Componente", ID_OBJETIVO="C1", ID_OBJETIVO_PADRE="C2",
                         ID_INDICADOR="5003")]
    import_file(hacienda.write(tmp_path / "a.csv", rows), recompute=False)
    assert sorted(Objective.objects.values_list("clave", "parent__clave")) == [("C1", "C2"), ("C2", "C1")]


def test_a_reimport_that_changes_an_avance_updates_it_with_its_history_and_version(tmp_path):
    rows = programme_rows(3)
    import_file(hacienda.write(tmp_path / "a.csv", rows), recompute=False, reason="Carga 1")
    avance = Progress.objects.get(indicator__external_id="6001", month=6)
    rows[2]["AVANCE_MES6"] = "55"
    report = import_file(hacienda.write(tmp_path / "b.csv", rows), recompute=False, reason="Carga 2")
    assert report.counts[("avances", "actualizados")] == 1 and report.counts[("avances", "sin cambios")] == 6
    avance.refresh_from_db()
    assert (avance.value, avance.version) == (Decimal(55), 2)
    assert [(h.history_type, h.history_change_reason, h.value) for h in avance.history.order_by("history_id")] == [
        ("+", "Carga 1", Decimal(31)), ("~", "Carga 2", Decimal(55))]
    again = import_file(hacienda.write(tmp_path / "c.csv", rows), recompute=False, reason="Carga 3")
    assert again.counts[("avances", "actualizados")] == 0 and avance.history.count() == 2


def test_the_command_shows_the_reading_and_writing_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 2)
    path = hacienda.write(tmp_path / "a.csv", programme_rows(4))  # 5 rows with the Componente
    err = io.StringIO()
    call_command("import_sed", str(path), stdout=io.StringIO(), stderr=err)
    lines = [line.split(" · ")[0] for line in err.getvalue().splitlines()]
    # Each row is checked and written as it is read; the share is of the file's bytes read so far.
    assert [line.split(" (")[0] for line in lines[:2]] == ["filas leídas: 2", "filas leídas: 4"]
    assert all(re.fullmatch(r"filas leídas: \d \(\d+ % del archivo\)", line) for line in lines[:2])
    assert lines[2:] == ["filas escritas: 5 / 5 (100 %)"]
    assert all(" filas/s · faltan " in line for line in err.getvalue().splitlines())


def test_with_rejects_the_rows_are_written_after_the_reading_with_their_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 2)
    path = hacienda.write(tmp_path / "a.csv", programme_rows(4))
    err = io.StringIO()
    call_command("import_sed", str(path), "--omitir-filas-con-error", stdout=io.StringIO(), stderr=err)
    lines = [line.split(" · ")[0] for line in err.getvalue().splitlines()]
    assert [line.split(" (")[0] for line in lines[:2]] == ["filas leídas: 2", "filas leídas: 4"]
    assert lines[2:] == ["filas escritas: 2 / 5 (40 %)", "filas escritas: 4 / 5 (80 %)", "filas escritas: 5 / 5 (100 %)"]
