"""What reporting announces to the apps above it. Compliance recomputes on these (its receivers are
connected in compliance/apps.py), so reporting never imports the engine (docs/arquitectura.md)."""

from django.dispatch import Signal

# An avance or a meta vigente of the indicator changed; sent inside the transaction that changed it.
results_outdated = Signal()  # indicator_id

# A quarter's capture deadline was set or extended: results change when it passes.
deadline_changed = Signal()  # fiscal_year, quarter, closes_at
