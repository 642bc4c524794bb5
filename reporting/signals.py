"""What reporting announces to the apps above it (besides indicators/signals.py). Compliance
recomputes on it (its receivers are connected in compliance/apps.py)."""

from django.dispatch import Signal

# A quarter's capture deadline was set or extended: results change when it passes.
deadline_changed = Signal()  # fiscal_year, quarter, closes_at
