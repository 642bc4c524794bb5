import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.importer import READING, ImportErrors, UnreadableFile, import_file
from interchange.selection import BadSelection, RowSelection


class Command(BaseCommand):
    help = (
        "Importa programas, MIR/FID, indicadores, metas y avances desde un archivo en el formato de "
        "intercambio de la SHCP (CSV o XLSX). Todo o nada: con cualquier error no se escribe nada."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Archivo .csv o .xlsx con el formato de docs/intercambio.md.")
        parser.add_argument("--dry-run", action="store_true", help="Valida e informa sin escribir nada.")
        for option, what in (("--ramo", "ramo (47)"), ("--ur", "unidad responsable (AYO)"),
                             ("--pp", "programa (E001, o el número)"), ("--ciclo", "ejercicio (2024)")):
            parser.add_argument(option, action="append", default=[], metavar="VALOR",
                                help=f"Importa solo las filas de este {what}; repetible.")
        parser.add_argument("--omitir-filas-con-error", action="store_true", dest="skip_bad_rows",
                            help="Importa las filas válidas y escribe las demás, con sus errores, en un CSV de "
                                 "rechazos (todas las filas de un indicador con errores se rechazan juntas).")
        parser.add_argument("--rechazos", metavar="RUTA", dest="rejects",
                            help="El CSV de rechazos (por omisión, ARCHIVO_rechazos.csv junto al archivo).")
        parser.add_argument("--estricto", action="store_true",
                            help="Un valor que no concuerda con su _NUM/_DEN es un error (sin ella, un aviso).")

    def handle(self, *args, file, dry_run, ramo, ur, pp, ciclo, estricto, skip_bad_rows, rejects, **options):
        try:
            selection = RowSelection.build(ramos=ramo, units=ur, programs=pp, cycles=ciclo)
        except BadSelection as exc:
            raise CommandError(str(exc)) from exc
        if rejects and not skip_bad_rows:
            raise CommandError("--rechazos solo tiene sentido con --omitir-filas-con-error.")
        if skip_bad_rows and not rejects:
            rejects = Path(file).with_name(f"{Path(file).stem}_rechazos.csv")
        try:
            # No size or row cap here: the import streams the file (the settings cap other callers).
            report = import_file(file, dry_run=dry_run, max_bytes=None, max_rows=None, selection=selection,
                                 strict=estricto, rejects_path=rejects if skip_bad_rows else None,
                                 on_progress=_Progress(self.stderr))
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        except ImportErrors as exc:
            for message in exc.errors:
                self.stderr.write(message)
            if exc.truncated:
                raise CommandError(
                    f"El archivo tiene más de {len(exc.errors)} errores (la validación se detuvo ahí); "
                    "no se importó nada."
                ) from exc
            raise CommandError(
                f"El archivo tiene {len(exc.errors)} errores; no se importó nada."
            ) from exc
        for line in report.lines():
            self.stdout.write(line)


class _Progress:
    """On stderr while the import goes, each phase timed from its own start:
    «filas leídas: 5,000 (25 % del archivo) · 2,100 filas/s · faltan 7 s» (each checked and written as
    it is read), then «filas escritas: 20,000 / 20,000 (100 %)» when the last batch is written; with
    --omitir-filas-con-error the rows are written after the reading, with their own progress."""

    def __init__(self, stream):
        self.stream = stream
        self.phase, self.started = None, time.monotonic()

    def __call__(self, phase, done, total):
        if phase != self.phase:
            self.phase, self.started = phase, time.monotonic()
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        if phase == READING:
            share = f" ({total * 100:.0f} % del archivo)" if total else ""
            left = f" · faltan {elapsed * (1 - total) / total:,.0f} s" if total else ""
            self.stream.write(f"filas leídas: {done:,}{share} · {rate:,.0f} filas/s{left}")
            return
        left = (total - done) / rate if rate else 0
        share = done * 100 // total if total else 100
        self.stream.write(f"filas escritas: {done:,} / {total:,} ({share} %) · {rate:,.0f} filas/s · "
                          f"faltan {left:,.0f} s")
