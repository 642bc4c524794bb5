"""Pointing this process's Celery app at another broker in a test."""

from kombu import pools

from config.celery_app import app


def drop_celery_connections():
    """The app keeps its broker connection pool, its producer pool (kombu's global pools) and its
    result backend client once made: drop them so the next publish uses the broker configured now."""
    pools.reset()  # closes every kombu pool and forgets them
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
