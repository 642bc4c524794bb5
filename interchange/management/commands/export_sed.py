from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators import rules
from interchange.exports import ENCODINGS, render_export
from programs.models import Program


class Command(BaseCommand):
    help = (
        "Exporta el SED de un ejercicio. csv: el formato de intercambio de la SHCP (docs/intercambio.md) con "
        "CUMPLIMIENTO_MES{n} y SEMAFORO_MES{n}; xlsx: el reporte por programa del trimestre (por omisión, el "
        "último con avances); pdf: el informe del SED del trimestre. Los avances en borrador o devueltos nunca se exportan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ejercicio", type=int, required=True)
        parser.add_argument("--trimestre", type=int, help="Con él, solo los meses 1 a 3×trimestre.")
        parser.add_argument("--programa", action="append", default=[], help="Clave, p. ej. E001; se puede repetir.")
        parser.add_argument("--format", choices=["csv", "xlsx", "pdf"], required=True, dest="output_format")
        parser.add_argument("-o", "--output", required=True, help="Archivo a escribir.")
        parser.add_argument("--solo-aprobados", action="store_true", help="Omite los avances enviados sin aprobar.")
        parser.add_argument("--con-fuentes", action="store_true",
                            help="PDF: agrega el anexo con la fuente y los supuestos de cada indicador.")
        parser.add_argument("--strict", action="store_true", help="Con algún aviso, no escribe nada y termina con error.")
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-8")
        parser.add_argument("--por-entidad", action="store_true",
                            help="csv: tras cada indicador, una fila por entidad federativa con avances.")

    def handle(self, *args, ejercicio, trimestre, programa, output_format, output, solo_aprobados, strict,
               encoding, por_entidad, con_fuentes, **options):
        if trimestre is not None and trimestre not in rules.QUARTERS:
            raise CommandError(f"--trimestre debe ser 1, 2, 3 o 4 (se recibió {trimestre}).")
        programs = self._programs(ejercicio, programa)
        target = Path(output)
        partial = target.with_name(target.name + ".parcial")
        try:
            with partial.open("wb") as stream:
                export = render_export(ejercicio, output_format, stream, trimestre, programs, solo_aprobados,
                                       encoding, by_state=por_entidad, with_sources=con_fuentes)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        warnings = export.warnings
        for warning in warnings:
            self.stderr.write(warning)
        if strict and warnings:
            partial.unlink()
            raise CommandError(f"{len(warnings)} avisos con --strict: no se escribió {output}.")
        partial.replace(target)  # never a half-written file under the final name
        self.stdout.write(f"{output}: {export.rows} indicadores, {len(warnings)} avisos.")
        self.stdout.write(export.summary)

    def _programs(self, fiscal_year, claves):
        programs = []
        for clave in claves:
            clave = clave.strip().upper()
            found = [p for p in Program.objects.filter(fiscal_year=fiscal_year, modalidad=clave[:1]) if p.clave == clave]
            if not found:
                raise CommandError(f"No existe el programa {clave} en el ejercicio {fiscal_year}.")
            programs.extend(found)
        return programs
