import json
import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from devtools.hacienda_synthetic import HEADER, write_hacienda_file
from devtools.scratch import scratch_database
from indicators.models import Indicator, Target, TargetAdjustment
from interchange.importer import import_file
from programs.models import Program
from reporting.models import Progress

BENCH_YEAR = 2099


class Command(BaseCommand):
    help = (
        "Mide la importación de un archivo sintético con la forma del de datos abiertos de Hacienda "
        "(Latin-1, N filas), en una base PostgreSQL que crea y borra: primera importación, reimportación "
        "sin cambios (debe no escribir nada) y, como piso, un COPY del mismo archivo a una tabla de paso "
        "de texto, medido en la misma corrida. Imprime filas/s, la razón contra el piso y la memoria pico."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20000)
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, rows, as_json, **options):
        if rows < 1:
            raise CommandError("--rows debe ser al menos 1.")
        with tempfile.TemporaryDirectory() as folder, scratch_database():
            path = write_hacienda_file(Path(folder) / "hacienda.csv", rows, fiscal_year=BENCH_YEAR)
            figures = self._measure(path, rows)
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key:>22}: {value}")

    def _measure(self, path, rows):
        floor = _timed(lambda: _copy_floor(path))
        first_report, first = _timed_import(path)
        history_before = _history_rows()
        again_report, again = _timed_import(path)
        written = {key: n for key, n in again_report.counts.items() if key[1] != "sin cambios" and n}
        if written or _history_rows() != history_before:
            raise CommandError(f"La reimportación sin cambios escribió: {written or 'historial'}.")
        return {
            "rows": rows,
            "file_mb": round(path.stat().st_size / 2**20, 1),
            "indicators": first_report.counts[("indicadores", "creados")],
            "floor_copy_s": round(floor, 3),
            "first_import_s": round(first, 3),
            "reimport_s": round(again, 3),
            "first_rows_per_s": round(rows / first),
            "reimport_rows_per_s": round(rows / again),
            "first_over_floor": round(first / floor, 1),
            "reimport_over_floor": round(again / floor, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }


def _timed(work):
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _timed_import(path):
    """The import as `import_sed` runs it, without the recompute it queues after commit."""
    started = time.perf_counter()
    report = import_file(path, max_bytes=None, max_rows=None, recompute=False)
    return report, time.perf_counter() - started


def _copy_floor(path):
    """The least any import of the file costs: its bytes decoded and stored as text by the server."""
    columns = ", ".join(f'"{name}" text' for name in HEADER)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_import_staging ({columns})")
        with open(path, "rb") as handle, cursor.copy(
                "COPY bench_import_staging FROM STDIN (FORMAT csv, HEADER true, ENCODING 'LATIN1')") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)


def _history_rows():
    return sum(model.history.count() for model in (Program, Indicator, Target, TargetAdjustment, Progress))
