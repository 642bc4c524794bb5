"""Celery tasks of the workflow's notices: they take ids and plain values."""

from celery import shared_task

from common.queueing import RETRY
from reporting import notifications


@shared_task(**RETRY, soft_time_limit=60, time_limit=90)
def notify_transition(transition_id):
    return notifications.transition_notice(transition_id)


@shared_task(**RETRY, soft_time_limit=60, time_limit=90)
def notify_quarter_submitted(program_id, fiscal_year, quarter):
    return notifications.quarter_submitted_notice(program_id, fiscal_year, quarter)


@shared_task(soft_time_limit=600, time_limit=660)
def send_window_reminders():
    """Daily: remind URs with pending avances SIMIR_REMINDER_DAYS days before a window closes."""
    return notifications.window_reminders()
