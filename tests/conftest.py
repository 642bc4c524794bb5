import os

import pytest


@pytest.fixture(autouse=True)
def _integration_needs_postgres(request):
    """Integration tests prove behaviour on the real PostgreSQL; on another database they are
    skipped locally and fail under CI (where `make test` must have run them on PostgreSQL)."""
    if request.node.get_closest_marker("integration") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        message = "las pruebas de integración necesitan PostgreSQL (DATABASE_URL); use `make test`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
