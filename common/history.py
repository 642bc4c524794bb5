"""The change reason django-simple-history stores is a 100-character column; a reason carries the
user's note («Devolver: …», up to 2,000 characters) or a file path. Longer reasons are cut to fit
(the full note stays in the workflow step and the avance); PostgreSQL would refuse the row."""

from simple_history.signals import pre_create_historical_record


def fit_change_reason(sender, history_instance, **kwargs):
    reason = history_instance.history_change_reason
    limit = type(history_instance)._meta.get_field("history_change_reason").max_length
    if reason and limit and len(reason) > limit:
        history_instance.history_change_reason = reason[: limit - 1] + "…"


def connect():
    pre_create_historical_record.connect(fit_change_reason, dispatch_uid="simir_fit_change_reason")
