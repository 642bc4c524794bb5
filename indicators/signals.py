"""What changes the inputs of results, announced to the apps above. Compliance recomputes on it (its
receivers are connected in compliance/apps.py), so no lower app imports the engine
(docs/arquitectura.md)."""

from django.dispatch import Signal

# A meta vigente, a ficha or an avance of the indicator changed; sent inside the transaction.
results_outdated = Signal()  # indicator_id

# A rule of a whole ejercicio changed (its FiscalYearPolicy): every result of the year is outdated.
# One announcement instead of one per indicator, which would queue thousands of recomputes.
year_results_outdated = Signal()  # fiscal_year
