"""E-mail notices of the workflow (docs/flujo.md), rendered from Spanish templates. Called by tasks."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from common.text import single_line
from indicators import rules
from indicators.models import Indicator
from programs.models import Program
from programs.roles import CAPTURISTA, COORDINADOR
from reporting.choices import ProgressStatus
from reporting.models import CaptureWindow, ProgressTransition


def render_text(template_name, context):
    """A plain-text template as text: no HTML escaping, so «"» stays «"» and not «&quot;»."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def send_notice(template, context, recipients):
    """Render `emails/<template>.txt` (and its subject) and send it to each recipient with an e-mail."""
    recipients = sorted({user.email for user in recipients if user.email})
    if not recipients:
        return 0
    # A header is one line: a line break from the data (an odd ID_INDICADOR) would be BadHeaderError.
    subject = single_line(render_text(f"emails/{template}_subject.txt", context))
    body = render_text(f"emails/{template}.txt", context)
    return send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients])


def people(role, units=(), programs=()):
    return get_user_model().objects.filter(
        Q(responsible_units__in=units) | Q(programs__in=programs), groups__name=role, is_active=True
    ).distinct()


def transition_notice(step_id):
    """To the capturista when an avance is returned or approved."""
    step = ProgressTransition.objects.select_related("progress__indicator__matrix__program", "user").get(pk=step_id)
    if step.to_status not in (ProgressStatus.DEVUELTO, ProgressStatus.APROBADO):
        return 0
    progress = step.progress
    recipients = [u for u in (progress.submitted_by, progress.created_by) if u]
    if not recipients:
        recipients = people(CAPTURISTA, units=[progress.indicator.responsible_unit_id])
    return send_notice("avance_" + step.to_status, {"step": step, "progress": progress, "indicator": progress.indicator},
                 recipients)


def quarter_submitted_notice(program_id, fiscal_year, quarter):
    """To the coordinadores of a programme once its whole quarter has been sent."""
    program = Program.objects.get(pk=program_id)
    coordinators = people(COORDINADOR, units=[program.responsible_unit_id], programs=[program.pk])
    return send_notice("trimestre_enviado", {"program": program, "fiscal_year": fiscal_year, "quarter": quarter},
                 coordinators)


def window_reminders(as_of=None, days=None):
    """N days before a window closes, remind the URs that still have avances to send."""
    as_of = as_of or timezone.now()
    days = days if days is not None else settings.SIMIR_REMINDER_DAYS
    sent = 0
    start = as_of + timedelta(days=days)
    for window in CaptureWindow.objects.filter(closes_at__gte=start, closes_at__lt=start + timedelta(days=1)):
        pending = _pending_indicators(window.fiscal_year, window.quarter)
        by_unit = {}
        for indicator in pending:
            by_unit.setdefault(indicator.responsible_unit, []).append(indicator)
        for unit, indicators in by_unit.items():
            sent += send_notice("recordatorio", {"window": window, "unit": unit, "indicators": indicators, "days": days},
                          people(CAPTURISTA, units=[unit.pk]))
    return sent


def _pending_indicators(fiscal_year, quarter):
    """Indicators with a meta in the quarter's period and no avance sent or approved yet."""
    pending = []
    indicators = Indicator.objects.filter(fiscal_year=fiscal_year).select_related("responsible_unit")
    for indicator in indicators.prefetch_related("targets", "progress"):
        month = rules.quarter_period_month(indicator.frequency, quarter)
        if month is None:
            continue
        has_meta = any(t.month == month and t.fiscal_year == fiscal_year for t in indicator.targets.all())
        reported = any(
            p.month == month and p.fiscal_year == fiscal_year and p.status in (ProgressStatus.ENVIADO, ProgressStatus.APROBADO)
            for p in indicator.progress.all()
        )
        if has_meta and not reported:
            pending.append(indicator)
    return pending
