"""`/salud/`: is the database reachable, and the broker when one is configured (for load balancers).

The answer is public and unauthenticated, so it says only «ok» or «falla»; which dependency failed,
and why, goes to the log."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from kombu import Connection

logger = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker():
    if not settings.CELERY_BROKER_URL:
        return  # embedded default: tasks run in-process
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1)


def health(request):
    healthy = True
    for name, check in (("database", _database), ("broker", _broker)):
        try:
            check()
        except Exception as exc:  # any failure of a dependency makes the instance unhealthy
            # One line, no traceback: a load balancer asks every few seconds while it lasts.
            logger.warning("Health check failed: %s: %s: %s", name, exc.__class__.__name__, exc)
            healthy = False
    if healthy:
        return JsonResponse({"estado": "ok"})
    return JsonResponse({"estado": "falla"}, status=503)
