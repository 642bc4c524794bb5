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

    transaction.on_commit(lambda: _apply(task, args, options, on_failure))


def _apply(task, args, options, on_failure):
    try:
        task.apply_async(args, **options)
    except Exception as exc:  # the change is committed: no failure to queue may turn it into a 500
        if task.app.conf.task_always_eager:
            raise  # no broker: the task ran here, and the error is the task's own
        logger.warning("No se pudo encolar %s%s: %s", task.name, args, exc)
        if on_failure:
            on_failure()


def send_batch_after_commit(task, item, on_failure=None):
    """Queue `task(items)` once when the transaction commits, with every item sent this way during
    it (in order, without repeats): a request that changes 1,000 avances queues one task, not 2,000.
    `on_failure(items)` as in send_after_commit."""
    connection = transaction.get_connection()
    batches = connection.__dict__.setdefault("_simir_batches", {})
    batch = batches.get(task.name)
    # A batch already sent, or whose callback is no longer waiting (its transaction rolled back), is done.
    if batch is None or batch.sent or not any(entry[1] is batch.callback for entry in connection.run_on_commit):
        batch = batches[task.name] = _Batch(task, on_failure)
        batch.items.append(item)
        transaction.on_commit(batch.callback)  # outside a transaction this sends at once
    elif item not in batch.items:
        batch.items.append(item)


class _Batch:
    def __init__(self, task, on_failure):
        self.task, self.on_failure, self.items = task, on_failure, []
        self.callback = self.send  # one bound method, found again in run_on_commit by identity
        self.sent = False

    def send(self):
        self.sent = True
        items = list(self.items)
        _apply(self.task, (items,), {}, self.on_failure and (lambda: self.on_failure(items)))


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
