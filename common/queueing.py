"""Queueing Celery tasks after commit, without losing work when the broker is down."""
import logging

from django.db import transaction

logger = logging.getLogger(__name__)

# Tasks retry with backoff: a recompute or a notice that failed on a passing error runs again.
RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}

def send_after_commit(task, *args, on_failure=None, **options):
    """Queue `task` once the transaction commits. If the broker does not answer, the caller's
    request still succeeds: `on_failure` keeps a trace of the work (for recomputes, a marker the
    sweep picks up) and the failure is logged."""

    def send():
        try:
            task.apply_async(args, **options)
        except Exception as exc:  # the change is committed: no failure to queue may turn it into a 500
            if task.app.conf.task_always_eager:
                raise  # no broker: the task ran here, and the error is the task's own
            logger.warning("No se pudo encolar %s%s: %s", task.name, args, exc)
            if on_failure:
                on_failure()

    transaction.on_commit(send)


def send_notice_after_commit(task, *args):
    """Notices are e-mails, which do not need the broker: when it is down, this process sends them.
    A notice that fails is logged, never raised: the change it announces is already committed, and
    without a broker (eager mode) an error here would turn that saved change into a 500."""

    def send_here():
        try:
            task(*args)
        except Exception:
            logger.exception("No se pudo enviar el aviso %s%s", task.name, args)

    if task.app.conf.task_always_eager:
        transaction.on_commit(send_here)
        return
    send_after_commit(task, *args, on_failure=send_here)
