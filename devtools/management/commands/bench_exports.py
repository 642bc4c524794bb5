import json
import os
import threading
import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import RequestFactory
from django_tables2 import RequestConfig

from common.table_export import export_table
from compliance.tables import IndicatorTable
from devtools.synthetic import build_synthetic_year
from indicators.models import Indicator
from interchange.exports import render_export

BENCH_YEARS = (2097, 2098)  # far from real data; everything is rolled back at the end anyway


class _Rollback(Exception):
    pass


class _Sink:
    """A binary file that only counts what it is given: the bench measures the export, not a copy."""

    def __init__(self):
        self.size = 0

    def write(self, data):
        self.size += len(data)


class Command(BaseCommand):
    help = (
        "Mide las exportaciones sobre dos años sintéticos, de N/10 y de N indicadores, en la base configurada "
        "(todo se revierte al final): export_sed en CSV y el XLSX del catálogo. Da el "
        "tiempo y el pico de memoria de Python (tracemalloc) de cada una; «memoria plana» es que el pico de "
        "export_sed con N no pase del doble del pico con N/10 (el XLSX arma el libro en memoria). Con --pdf, "
        "también el informe PDF de cada año (N/150 y N/15 programas): tiempo, pico de memoria del proceso "
        "(RSS, muestreada) y cuánto crece durante el informe, que debe ser plano igual; sin tracemalloc, "
        "que haría a WeasyPrint mucho más lento."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicators", type=int, default=15000)
        parser.add_argument("--json", action="store_true", dest="as_json")
        parser.add_argument("--pdf", action="store_true", help="Mide también el informe PDF (lento: ~1 s por programa).")

    def handle(self, *args, indicators, as_json, pdf, **options):
        self.pdf = pdf
        if indicators < 10:
            raise CommandError("--indicators debe ser al menos 10.")
        try:
            with transaction.atomic():
                figures = {}
                for year, n in zip(BENCH_YEARS, (indicators // 10, indicators)):
                    figures[n] = self._measure(year, n)
                raise _Rollback
        except _Rollback:
            pass
        small, large = figures.values()
        figures["flat"] = {key: large[key] <= 2 * small[key] for key in small
                           if key in ("export_sed_csv_peak_mb", "informe_pdf_rss_growth_mb")}
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        for n, values in figures.items():
            self.stdout.write(f"{n}: {values}")

    def _measure(self, year, n):
        build_synthetic_year(year, n)
        self.stderr.write(f"datos sintéticos: {n} indicadores")
        figures = {**_measured("export_sed_csv", lambda: render_export(year, "csv", _Sink(), quarter=1)),
                   **_measured("catalog_xlsx", lambda: _catalog_xlsx(year))}
        if self.pdf:
            figures.update(_measured_rss("informe_pdf", lambda: render_export(year, "pdf", _Sink(), quarter=1)))
        return figures


def _catalog_xlsx(year):
    table = IndicatorTable(Indicator.objects.filter(fiscal_year=year).select_related(
        "matrix__program", "responsible_unit", "objective"))
    RequestConfig(RequestFactory().get("/"), paginate=False).configure(table)
    export_table(table, "xlsx", "indicadores", "Indicadores")


def _measured(name, work):
    tracemalloc.start()
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {f"{name}_s": round(elapsed, 2), f"{name}_peak_mb": round(peak / 2**20, 1)}


def _measured_rss(name, work):
    """Time and the process's peak resident memory while `work` runs, sampled every 50 ms: a
    number that includes what C libraries (WeasyPrint's) hold, which tracemalloc does not see."""
    start = _rss()
    peak, done = [start], threading.Event()

    def sample():
        while not done.wait(0.05):
            peak[0] = max(peak[0], _rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    top = max(peak[0], _rss())
    # The growth is the export's own: the peak alone also holds what earlier steps left allocated.
    return {f"{name}_s": round(elapsed, 2), f"{name}_peak_rss_mb": round(top / 2**20, 1),
            f"{name}_rss_growth_mb": round((top - start) / 2**20, 1)}


def _rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
