import json

from django.core.management.base import BaseCommand, CommandError

from compliance.engine import compute_year, results_payload
from compliance.models import ResultFailure
from indicators import rules


class Command(BaseCommand):
    help = (
        "Calcula y guarda los resultados trimestrales (cumplimiento y semáforo) de un ejercicio y los "
        "imprime. Es el mismo código que ejecuta la tarea de Celery."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ejercicio", type=int, required=True, help="Ejercicio fiscal, p. ej. 2024.")
        parser.add_argument("--trimestre", type=int, help="1 a 4; sin él se calculan los cuatro.")
        parser.add_argument("--format", choices=["text", "json"], default="text", dest="output_format")

    def handle(self, *args, ejercicio, trimestre, output_format, **options):
        if trimestre is not None and trimestre not in rules.QUARTERS:
            raise CommandError(f"--trimestre debe ser 1, 2, 3 o 4 (se recibió {trimestre}).")
        if not 1900 <= ejercicio <= 2100:
            raise CommandError(f"--ejercicio debe ser un año de cuatro cifras (se recibió {ejercicio}).")
        quarters = [trimestre] if trimestre else list(rules.QUARTERS)
        compute_year(ejercicio, quarters)
        # On stderr, so the JSON on stdout stays the stable interface of docs/flujo.md.
        for failure in ResultFailure.objects.filter(fiscal_year=ejercicio, quarter__in=quarters).select_related(
                "indicator").order_by("quarter", "indicator__external_id"):
            self.stderr.write(f"T{failure.quarter} {failure.indicator.external_id}: no se calculó — {failure.reason}")
        payload = results_payload(ejercicio, quarters)
        if output_format == "json":
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        for row in payload["results"]:
            self.stdout.write(
                f"T{row['trimestre']} mes {row['mes']:>2} {row['id_indicador']:<14} meta {row['meta'] or '—':>14} "
                f"avance {row['avance'] or '—':>14} cumplimiento {row['cumplimiento'] or 'N/A':>8} "
                f"{row['semaforo'] or '':<8} {row['estado']}"
            )
        for row in payload["summary"]:
            self.stdout.write(
                f"T{row['trimestre']} {row['programa'] or 'TOTAL':<6} indicadores {row['indicadores']} con meta "
                f"{row['con_meta']} reportados {row['reportados']} verde {row['verde']} amarillo {row['amarillo']} "
                f"rojo {row['rojo']} gris {row['gris']} promedio {row['cumplimiento_promedio'] or '—'} "
                f"completitud {row['completitud'] or '—'} oportunidad {row['oportunidad'] or '—'}"
            )
        if not payload["results"]:
            self.stdout.write(f"Sin indicadores con periodo en el ejercicio {ejercicio}.")
