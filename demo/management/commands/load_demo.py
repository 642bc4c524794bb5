from django.core.management.base import BaseCommand, CommandError

from demo.loader import load_demo
from interchange.importer import ImportErrors


class Command(BaseCommand):
    help = (
        "Carga la demostración IMSS-BIENESTAR 2024: programas, indicadores y avances del primer trimestre "
        "tal como los imprime el informe (seed 000), las fichas del Programa Institucional (seeds 001 y 002), "
        "un programa ilustrativo marcado como ficticio y usuarios de demostración. Se puede repetir."
    )

    def handle(self, *args, **options):
        try:
            report = load_demo()
        except ImportErrors as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError("Los archivos de la demostración tienen errores; no se cargó nada.") from exc
        for line in report.lines:
            self.stdout.write(line)
        for warning in report.warnings:
            self.stderr.write(warning)
        self.stdout.write(self.style.SUCCESS("Demostración cargada."))
