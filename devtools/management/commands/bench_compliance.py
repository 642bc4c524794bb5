import json
import resource
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from compliance.engine import compute_indicator, compute_year
from compliance.models import QuarterAggregate, QuarterResult
from devtools.compliance_floor import checksums, write_floor
from devtools.scratch import scratch_database
from devtools.synthetic import build_synthetic_year
from indicators import rules
from indicators.models import FiscalYearPolicy, Indicator, Target
from reporting.models import Progress

BENCH_YEAR = 2099  # far from real data (the bench's database is dropped at the end anyway)


class Command(BaseCommand):
    help = (
        "Mide el recálculo de cumplimiento sobre un año sintético de N indicadores, en una base PostgreSQL "
        "que crea junto a la configurada y borra al final (cada corrida hace commit): recálculo completo; como piso, los mismos resultados y agregados "
        "escritos por dos sentencias SQL (se comprueba que sus filas son idénticas); un ciclo ORM ingenuo "
        "por indicador (muestra escalada a N) y un recálculo incremental de un indicador."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicators", type=int, default=15000)
        parser.add_argument("--programs", type=int, help="Por omisión, N / 15 (1,000 para 15,000).")
        parser.add_argument("--sample", type=int, default=300, help="Indicadores del ciclo ingenuo.")
        parser.add_argument("--repeat", type=int, default=3, help="Mediana de cuántas corridas (completo y piso).")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, indicators, programs, sample, repeat, as_json, **options):
        if indicators < 1:
            raise CommandError("--indicators debe ser al menos 1.")
        with scratch_database():
            figures = self._measure(indicators, programs, min(sample, indicators), max(1, repeat))
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key:>16}: {value}")

    def _measure(self, n, programs, sample, repeat):
        started = time.perf_counter()
        ids = build_synthetic_year(BENCH_YEAR, n, programs)
        self.stderr.write(f"datos sintéticos: {n} indicadores en {time.perf_counter() - started:.1f} s")
        _analyze()
        full = _median(repeat, lambda: compute_year(BENCH_YEAR))
        project = checksums(BENCH_YEAR)
        floor = _median(repeat, lambda: write_floor(BENCH_YEAR, timezone.now()))
        if checksums(BENCH_YEAR) != project:
            raise CommandError(f"El piso no produce las mismas filas que el proyecto: {checksums(BENCH_YEAR)} ≠ {project}")
        compute_year(BENCH_YEAR)  # the incremental run starts from the project's own rows
        _analyze()
        naive = _timed(lambda: _naive(ids[:sample])) * n / sample
        _analyze()
        incremental = _timed(lambda: compute_indicator(ids[len(ids) // 2]))
        return {
            "indicators": n,
            "results": project[0][1],
            "aggregates": project[1][1],
            "checksum": project[0][0],
            "full_s": round(full, 3),
            "floor_s": round(floor, 3),
            "naive_s": round(naive, 3),
            "incremental_ms": round(incremental * 1000, 1),
            "full_over_floor": round(full / floor, 2),
            "naive_over_full": round(naive / full, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }


def _analyze():
    """Fresh rows: give the planner the statistics autovacuum would have gathered by now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _timed(work):
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _median(repeat, work):
    """Median time of `repeat` runs, each writing into an ejercicio emptied first (not timed), so that
    the project and the floor both insert rather than one of them updating."""
    times = []
    for _ in range(repeat):
        QuarterResult.objects.filter(fiscal_year=BENCH_YEAR).delete()
        QuarterAggregate.objects.filter(fiscal_year=BENCH_YEAR).delete()
        _analyze()
        times.append(_timed(work))
    return statistics.median(times)


def _naive(ids):
    """What a per-indicator loop costs: the same rules, one query (or more) per indicator and quarter."""
    policy = FiscalYearPolicy.for_year(BENCH_YEAR)
    for indicator in Indicator.objects.filter(pk__in=ids):
        for quarter in rules.QUARTERS:
            month = rules.quarter_period_month(indicator.frequency, quarter)
            if month is None:
                continue
            target = Target.objects.filter(indicator=indicator, fiscal_year=BENCH_YEAR, month=month).first()
            meta = target.current_value if target else None
            progress = Progress.objects.filter(
                indicator=indicator, fiscal_year=BENCH_YEAR, month=month, state=None, status__in=["enviado", "aprobado"]
            ).first()
            limits = rules.thresholds(indicator.indicator_type, indicator.threshold_green_yellow,
                                      indicator.threshold_yellow_red, policy.default_thresholds)
            outcome = rules.quarter_outcome(meta, meta is not None, progress is not None,
                                            progress.value if progress else None, indicator.direction, limits, False)
            QuarterResult.objects.update_or_create(
                indicator=indicator, fiscal_year=BENCH_YEAR, quarter=quarter,
                defaults={"month": month, "meta": meta, "avance": progress.value if progress else None,
                          "compliance": outcome.cumplimiento, "semaforo": outcome.semaforo or "",
                          "status": outcome.estado, "green_yellow": limits[0], "yellow_red": limits[1],
                          "computed_at": timezone.now()},
            )
