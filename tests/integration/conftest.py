"""A real Celery worker process against the machine's Redis and the PostgreSQL test database."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery_app import app

BASE_DIR = Path(settings.BASE_DIR)


class Worker:
    def __init__(self, log_dir):
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
        self.process = None

    def start(self):
        database = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        }
        name = f"simir-test-{uuid.uuid4().hex[:8]}@%h"
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "info", "-n", name,
             "--without-gossip", "--without-mingle"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.wait_for("ready.", timeout=60)
        return self

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text, timeout=60, count=1):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log_text().count(text) >= count:
                return
            if self.process.poll() is not None:
                raise AssertionError(f"el worker terminó: {self.log_text()[-3000:]}")
            time.sleep(0.05)
        raise AssertionError(f"el worker no mostró «{text}» en {timeout} s: {self.log_text()[-3000:]}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        terminate(self.process, timeout=15)
        self.log.close()


def terminate(process, timeout):
    """Ask a child process to stop; kill it if it does not within `timeout` seconds."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def celery_worker_process(tmp_path, transactional_db, settings, monkeypatch):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("las pruebas del worker necesitan CELERY_BROKER_URL (make test lo define)")
    app.control.purge()
    # The worker and this process must see the same files (exports): a shared folder.
    media = tmp_path / "media"
    monkeypatch.setenv("SIMIR_MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = media
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    workers = []

    def start():
        workers.append(Worker(tmp_path).start())
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


def wait_until(condition, timeout=60, message="la condición no se cumplió"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(message)
