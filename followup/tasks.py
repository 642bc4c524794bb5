"""Celery task of the follow-up notices: it takes an id."""

from celery import shared_task

from common.queueing import RETRY
from followup import notifications


@shared_task(**RETRY, soft_time_limit=60, time_limit=90)
def notify_report_transition(transition_id):
    return notifications.report_transition_notice(transition_id)
