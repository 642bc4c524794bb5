"""Run one import (or one read) in a fresh process and print what it did and its peak memory.

python -m tests.memory_probe FILE import|read — run from the repository root. The memory tests
(tests/test_import_limits.py) start it under an address-space limit, so that a regression fails the
test instead of exhausting the machine. It never has a database to write to: `db` says whether it
even opened a connection."""

import json
import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = "sqlite:///:memory:"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from interchange.importer import import_file  # noqa: E402
from interchange.reader import read_table  # noqa: E402


def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM"))


def main(path, mode):
    outcome = {}
    try:
        if mode == "read":  # the reader alone, without limits: what the streaming import will use
            with read_table(path, max_bytes=None, max_rows=None) as sheet:
                outcome["rows"] = sum(1 for _ in sheet.rows)
        else:
            outcome["rows"] = import_file(path, recompute=False).rows
    except MemoryError:
        outcome["error"] = "MemoryError"
    except Exception as exc:  # reported, not raised: the test compares the message
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    outcome["db"] = connection.connection is not None
    outcome["peak_mb"] = peak_mb()
    print(json.dumps(outcome))


if __name__ == "__main__":
    main(*sys.argv[1:3])
