import json
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from compliance.engine import compute_indicator, compute_year
from compliance.models import QuarterResult
from devtools.synthetic import build_synthetic_year
from indicators import rules
from indicators.models import FiscalYearPolicy, Indicator, Target
from reporting.models import Progress

BENCH_YEAR = 2099  # far from real data; everything is rolled back at the end anyway
FLOOR_SQL = """
    SELECT COUNT(*), SUM(t.value), SUM(p.value)
    FROM indicators_indicator i
    JOIN indicators_target t ON t.indicator_id = i.id AND t.fiscal_year = i.fiscal_year
    LEFT JOIN reporting_progress p ON p.indicator_id = i.id AND p.fiscal_year = t.fiscal_year
        AND p.month = t.month AND p.state_id IS NULL
    WHERE i.fiscal_year = %s
"""


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Mide el recálculo de cumplimiento sobre un año sintético de N indicadores en la base configurada "
        "(todo se revierte al final): recálculo completo, un agregado SQL como piso, un ciclo ORM ingenuo "
        "por indicador (muestra escalada a N) y un recálculo incremental de un indicador."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicators", type=int, default=15000)
        parser.add_argument("--programs", type=int, help="Por omisión, N / 15 (1,000 para 15,000).")
        parser.add_argument("--sample", type=int, default=300, help="Indicadores del ciclo ingenuo.")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, indicators, programs, sample, as_json, **options):
        if indicators < 1:
            raise CommandError("--indicators debe ser al menos 1.")
        try:
            with transaction.atomic():
                figures = self._measure(indicators, programs, min(sample, indicators))
                raise _Rollback
        except _Rollback:
            pass
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key:>16}: {value}")

    def _measure(self, n, programs, sample):
        started = time.perf_counter()
        ids = build_synthetic_year(BENCH_YEAR, n, programs)
        self.stderr.write(f"datos sintéticos: {n} indicadores en {time.perf_counter() - started:.1f} s")
        _analyze()
        full = _timed(lambda: compute_year(BENCH_YEAR))
        _analyze()
        floor = _timed(lambda: _floor())
        naive = _timed(lambda: _naive(ids[:sample])) * n / sample
        incremental = _timed(lambda: compute_indicator(ids[len(ids) // 2]))
        return {
            "indicators": n,
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


def _floor():
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [BENCH_YEAR])
        cursor.fetchall()


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
