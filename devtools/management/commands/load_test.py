import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools import loadtest

PASSWORD = "carga-simir-2098"  # noqa: S105 - users of a ficticio programme, removed by the next run


class Command(BaseCommand):
    help = (
        "Prueba de carga: N sesiones simultáneas (capturistas y coordinadores) capturan, envían y aprueban "
        "los avances de un trimestre por HTTP contra la base configurada (use PostgreSQL) y se verifica que "
        "ninguna escritura confirmada se perdió. Sin --url levanta gunicorn con la configuración actual. "
        "Crea un programa ficticio (ejercicio 2098) y lo reemplaza en cada corrida."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sesiones", type=int, default=20)
        parser.add_argument("--coordinadores", type=int, default=5)
        parser.add_argument("--indicadores", type=int, default=40)
        parser.add_argument("--rondas", type=int, default=20, help="Guardados que intenta cada capturista.")
        parser.add_argument("--url", help="Servidor ya levantado sobre la misma base, p. ej. http://127.0.0.1:8000")
        parser.add_argument("--gunicorn-workers", type=int, default=4)
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, **options):
        plan = loadtest.LoadPlan(sessions=options["sesiones"], coordinators=options["coordinadores"],
                                 indicators=options["indicadores"], rounds=options["rondas"])
        if not 0 < plan.coordinators < plan.sessions:
            raise CommandError("--coordinadores debe ser al menos 1 y menor que --sesiones.")
        if connection.vendor == "sqlite":
            self.stderr.write("AVISO: SQLite serializa las escrituras; la prueba de carga está pensada para PostgreSQL.")
        program, indicators, users = loadtest.prepare(plan, PASSWORD)
        server = None
        try:
            url = options["url"]
            if not url:
                server, url = _start_gunicorn(options["gunicorn_workers"])
            ledger, seconds = loadtest.run_sessions(url, plan, program, indicators, users, PASSWORD)
        finally:
            if server:
                server.terminate()
                server.wait(timeout=30)
        result = loadtest.report(plan, ledger, seconds, loadtest.lost_updates(ledger))
        if options["as_json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_summary(result))
        if result["errores"] or result["actualizaciones_perdidas"]:
            raise CommandError(f"{result['errores']} errores y {result['actualizaciones_perdidas']} "
                               "actualizaciones perdidas (deben ser 0).")


def _start_gunicorn(workers):
    """gunicorn on a free port, on this process's database and settings (threads as in production)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = connection.settings_dict
    # The session users have .invalid addresses: the notices stay in memory.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE,
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", "4", "--timeout", "60", "--log-level", "warning"],
        cwd=settings.BASE_DIR, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn terminó al arrancar (código {server.returncode}).")
        try:
            with urllib.request.urlopen(f"{url}/cuenta/entrar/", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise CommandError("gunicorn no respondió en 60 s.")


def _summary(result):
    latency = result["latencia_ms"]
    lines = [
        f"Sesiones simultáneas: {result['sesiones']} ({result['capturistas']} capturistas, "
        f"{result['coordinadores']} coordinadores) sobre {result['indicadores']} indicadores",
        f"Solicitudes: {result['solicitudes']} en {result['segundos']} s ({result['solicitudes_por_segundo']}/s); "
        f"latencia p50 {latency['p50']} ms, p95 {latency['p95']} ms, máx. {latency['max']} ms",
        f"Guardados confirmados: {result['guardados_confirmados']} (enviados: {result['envios_confirmados']}); "
        f"aprobaciones: {result['aprobaciones']}; devoluciones: {result['devoluciones']}",
        f"Conflictos detectados (versión o decisión ya tomada): {result['conflictos_detectados']}; "
        f"rechazos por estado (ya enviado o aprobado): {result['rechazos_por_estado']}",
        f"Errores: {result['errores']}",
        f"Actualizaciones perdidas: {result['actualizaciones_perdidas']}",
    ]
    lines += [f"  error: {e}" for e in result["detalle_errores"]]
    lines += [f"  perdida: {e}" for e in result["detalle_perdidas"]]
    return "\n".join(lines)
