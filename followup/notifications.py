"""E-mail notice to the UR when a follow-up report is returned or approved, as for avances."""

from followup.models import ReportTransition
from programs.roles import CAPTURISTA
from reporting.choices import ProgressStatus
from reporting.notifications import people, send_notice


def report_transition_notice(step_id):
    step = ReportTransition.objects.select_related("report__commitment", "user").get(pk=step_id)
    if step.to_status not in (ProgressStatus.DEVUELTO, ProgressStatus.APROBADO):
        return 0
    report = step.report
    recipients = [u for u in (report.submitted_by, report.created_by) if u]
    if not recipients:
        recipients = people(CAPTURISTA, units=[report.commitment.responsible_unit_id])
    return send_notice("seguimiento_" + step.to_status,
                       {"step": step, "report": report, "commitment": report.commitment}, recipients)
