"""Stored files that belong to a transaction: a FileField writes its file when the row is saved,
before the transaction commits, and a rollback leaves the file behind with no row to reach it.
`atomic_with_files` is `transaction.atomic` that also removes the files stored inside it if it
rolls back; `remove_on_rollback` puts a stored file under the innermost such block."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)
_blocks = ContextVar("simir_atomic_with_files", default=())


@contextmanager
def atomic_with_files(using=None):
    stored = []
    outer = _blocks.get()
    token = _blocks.set((*outer, stored))
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        # The block's savepoint (or the whole transaction) is rolled back, commit failures included.
        _delete(stored)
        raise
    else:
        if outer:  # committed only when the enclosing block is: it decides
            outer[-1].extend(stored)
    finally:
        _blocks.reset(token)


def remove_on_rollback(field_file):
    """Call right after saving the row whose FileField stored `field_file`, inside `atomic_with_files`."""
    blocks = _blocks.get()
    if not blocks:
        raise RuntimeError("remove_on_rollback() fuera de atomic_with_files()")
    blocks[-1].append((field_file.storage, field_file.name))


def _delete(stored):
    for storage, name in stored:
        try:
            storage.delete(name)
        except Exception:  # never hide the error that caused the rollback
            logger.exception("No se pudo borrar el archivo %s de una transacción revertida", name)
