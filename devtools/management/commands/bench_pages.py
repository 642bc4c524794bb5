import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.engine import compute_year
from devtools.scratch import scratch_database
from devtools.synthetic import build_synthetic_year
from indicators.models import Indicator
from programs.models import Program
from reporting.choices import ProgressStatus
from reporting.models import Progress

BENCH_YEAR = 2099
SMALL = 1500
GRID_INDICATORS = 40
SENT_EVERY = 5  # one avance in five waits in the review queue


class Command(BaseCommand):
    help = (
        "Mide las páginas principales como superusuario sobre un año sintético de 1,500 indicadores y luego "
        "de N, en una base PostgreSQL que crea y borra al final: tiempo (mediana de 3) y número de consultas. Termina con error si "
        "el número de consultas de una página crece con N."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicators", type=int, default=15000)
        parser.add_argument("--limite-ms", type=float, default=300, dest="limit_ms",
                            help="Tiempo por página que se marca como excedido.")

    def handle(self, *args, indicators, limit_ms, **options):
        if indicators <= SMALL:
            raise CommandError(f"--indicators debe ser mayor que {SMALL:,}.")
        with scratch_database():
            small, large = self._measure(indicators)
        self.stdout.write(f"{'página':<28}{SMALL:>8,} ms{'consultas':>11}{indicators:>10,} ms{'consultas':>11}")
        grew, slow = [], []
        for name, (small_ms, small_queries) in small.items():
            large_ms, large_queries = large[name]
            flags = ("  consultas crecen" if large_queries > small_queries else "") + (
                "  lenta" if large_ms > limit_ms else "")
            self.stdout.write(f"{name:<28}{small_ms:>11.0f}{small_queries:>11}{large_ms:>13.0f}{large_queries:>11}"
                              f"{flags}")
            if large_queries > small_queries:
                grew.append(name)
            if large_ms > limit_ms:
                slow.append(name)
        if slow:
            self.stdout.write(f"sobre {limit_ms:.0f} ms a {indicators:,} indicadores: {', '.join(slow)}")
        if grew:
            raise CommandError(f"El número de consultas crece con N en: {', '.join(grew)}")

    def _measure(self, indicators):
        admin = get_user_model().objects.create_superuser("bench_pages", "bench@simir.invalid", "x")
        client = Client(HTTP_HOST=_host())
        client.force_login(admin)
        grid_ids = build_synthetic_year(BENCH_YEAR, GRID_INDICATORS, 1)
        ids = grid_ids + build_synthetic_year(BENCH_YEAR, SMALL - GRID_INDICATORS, first_program=1)
        small = self._pages(client, ids)
        more = build_synthetic_year(BENCH_YEAR, indicators - SMALL, first_program=1 + (SMALL - GRID_INDICATORS) // 15)
        large = self._pages(client, ids + more)
        return small, large

    def _pages(self, client, ids):
        Progress.objects.filter(indicator_id__in=ids[::SENT_EVERY]).update(status=ProgressStatus.ENVIADO, imported=False, submitted_at=timezone.now())
        compute_year(BENCH_YEAR)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        grid_program = Indicator.objects.select_related("matrix").get(pk=ids[0]).matrix.program_id
        program = Program.objects.filter(fiscal_year=BENCH_YEAR).order_by("pk").last()
        pages = {
            "revisión": (reverse("simir:review_queue"), {}),
            "revisión semáforo rojo": (reverse("simir:review_queue"), {"semaforo": "rojo"}),
            "revisión programa y T1": (reverse("simir:review_queue"), {"programa": program.pk, "trimestre": 1}),
            "revisión todos, página 20": (reverse("simir:review_queue"), {"estado": "", "pagina": 20}),
            "catálogo": (reverse("simir:indicator_list"), {}),
            "catálogo página 200": (reverse("simir:indicator_list"), {"pagina": 200}),
            "tablero T1": (reverse("simir:dashboard", args=[BENCH_YEAR, 1]), {}),
            "indicador": (reverse("simir:indicator_detail", args=[ids[GRID_INDICATORS]]), {}),  # the same at both N
            f"captura ({GRID_INDICATORS} indicadores)": (
                reverse("simir:capture", args=[BENCH_YEAR, 1, grid_program]), {}),
        }
        return {name: _timed_get(client, url, params) for name, (url, params) in pages.items()}


def _host():
    hosts = [host for host in settings.ALLOWED_HOSTS if host not in ("*",) and not host.startswith(".")]
    return hosts[0] if hosts else "localhost"


def _timed_get(client, url, params):
    """(median ms of 3 requests, queries of the last one); a page that fails stops the bench."""
    times = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise CommandError(f"{url} {params} respondió {response.status_code}")
    return statistics.median(times), len(queries.captured_queries)
