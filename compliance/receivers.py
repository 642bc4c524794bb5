"""Recomputes queued when indicators or reporting announce a change (indicators/signals.py, reporting/signals.py)."""

from django.utils import timezone

from compliance.tasks import schedule_indicator_recompute, schedule_quarter_recompute, schedule_year_recompute


def recompute_indicator(sender, indicator_id, **kwargs):
    schedule_indicator_recompute(indicator_id)


def recompute_whole_year(sender, fiscal_year, **kwargs):
    schedule_year_recompute(fiscal_year)


def recompute_quarter_now_and_at_deadline(sender, fiscal_year, quarter, closes_at, **kwargs):
    schedule_quarter_recompute(fiscal_year, quarter)
    if closes_at > timezone.now():
        schedule_quarter_recompute(fiscal_year, quarter, eta=closes_at)
