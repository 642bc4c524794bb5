"""A 20,000-row Hacienda-shaped file (Latin-1, Hacienda's column order, dirty spellings, NBSP and line
breaks, blank baselines, an undocumented column) imported with `import_sed` on PostgreSQL, then
imported again, which must change nothing."""

import io

import pytest
from django.core.management import call_command

from devtools.hacienda_synthetic import PER_PROGRAM, write_hacienda_file
from indicators.models import Indicator, Target
from programs.models import Objective, Program
from reporting.models import Progress

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROWS = 20_000


def import_sed(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_sed", *map(str, args), stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


def history_rows():
    return sum(model.history.count() for model in (Program, Indicator, Target, Progress))


def test_twenty_thousand_rows_import_and_a_second_import_changes_nothing(tmp_path):
    path = write_hacienda_file(tmp_path / "hacienda.csv", ROWS)
    out, err = import_sed(path)
    assert "Codificación: Windows-1252; filas de datos: 20000." in out  # Latin-1 bytes decode alike
    assert f"indicadores: {ROWS} creados, 0 actualizados, 0 sin cambios" in out
    assert f"programas: {ROWS // PER_PROGRAM + 1} creados, 0 actualizados, 0 sin cambios" in out
    # The dirty spellings are read and said, the undocumented column kept.
    assert any(line.startswith("normalizado: TIPO_INDICADOR «Estratgico» → «Estratégico»") for line in out)
    assert any(line.startswith("normalizado: DIMENSION «Eificacia» → «Eficacia»") for line in out)
    assert "nota: columna desconocida FECHA_CORTE: se conserva por indicador y se vuelve a exportar." in out
    assert any(line.startswith("normalizado: DESC_OBJETIVO: espacios no separables → espacios") for line in out)
    assert err[-1].startswith(f"filas escritas: {ROWS:,} / {ROWS:,} (100 %)")
    assert Indicator.objects.count() == ROWS
    assert not Objective.objects.exclude(pending_parent_clave="").exists()  # every parent found
    objective = Objective.objects.filter(clave="A1").first()
    assert "\n" in objective.summary and "\u00a0" not in objective.summary
    stored = (Indicator.objects.count(), Target.objects.count(), Progress.objects.count(), history_rows())

    out, _ = import_sed(path)
    assert f"indicadores: 0 creados, 0 actualizados, {ROWS} sin cambios" in out
    assert not [line for line in out if ": " in line and " creados, " in line and not line.split(": ")[1].startswith(
        "0 creados, 0 actualizados")]
    assert (Indicator.objects.count(), Target.objects.count(), Progress.objects.count(), history_rows()) == stored


def test_a_selection_imports_only_its_rows_of_the_national_file(tmp_path):
    path = write_hacienda_file(tmp_path / "hacienda.csv", ROWS)
    out, _ = import_sed(path, "--ur", "S00")
    kept = Indicator.objects.count()
    assert kept and set(Indicator.objects.values_list("responsible_unit__clave", flat=True)) == {"S00"}
    assert f"Filas omitidas por la selección (--ur S00): {ROWS - kept}." in out
