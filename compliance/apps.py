"""The set-based compliance engine, its stored results and aggregates, and the screens that read them."""

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Cumplimiento"

    def ready(self):
        from compliance import receivers
        from indicators.signals import results_outdated, year_results_outdated
        from reporting.signals import deadline_changed

        results_outdated.connect(receivers.recompute_indicator, dispatch_uid="simir_recompute_indicator")
        year_results_outdated.connect(receivers.recompute_whole_year, dispatch_uid="simir_recompute_year")
        deadline_changed.connect(receivers.recompute_quarter_now_and_at_deadline, dispatch_uid="simir_recompute_deadline")
