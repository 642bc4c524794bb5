"""Follow-up of commitments beyond the MIR: board agreements, recommendations, ASM, internal-control
actions and audit observations, with their quarterly reports and their explained % done."""

from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = "Seguimiento de compromisos"
