"""`/salud/`: is the database reachable, and the broker when one is configured (for load balancers)."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from kombu import Connection


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker():
    if not settings.CELERY_BROKER_URL:
        return "eager"  # embedded default: tasks run in-process
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1)
    return "ok"


def health(request):
    status, checks = 200, {}
    for name, check in (("base_de_datos", _database), ("broker", _broker)):
        try:
            checks[name] = check() or "ok"
        except Exception as exc:  # any failure of a dependency makes the instance unhealthy
            checks[name] = f"error: {exc.__class__.__name__}"
            status = 503
    return JsonResponse({"estado": "ok" if status == 200 else "falla", **checks}, status=status)
