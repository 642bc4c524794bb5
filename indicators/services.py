"""Service functions that write avances and metas; they keep the stored results current by
enqueuing the incremental recompute after the transaction commits."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import rules
from .choices import ProgressStatus
from .compliance import avance_semaforo
from .models import Progress
from .tasks import recompute_indicator, recompute_year


def schedule_indicator_recompute(indicator_id):
    transaction.on_commit(lambda: recompute_indicator.delay(indicator_id))


def schedule_year_recompute(fiscal_year):
    transaction.on_commit(lambda: recompute_year.delay(fiscal_year))


@transaction.atomic
def save_progress(indicator, fiscal_year, month, *, user=None, value=None, numerator=None, denominator=None,
                  cause="", effect="", other_reasons="", submit=False, state=None):
    """Create or update the avance of a period (validated by the model) and, with `submit`,
    send it for review."""
    # No ordering: the default one joins the nullable entidad, which FOR UPDATE cannot lock.
    progress = Progress.objects.select_for_update().filter(
        indicator=indicator, fiscal_year=fiscal_year, month=month, state=state
    ).order_by().first() or Progress(indicator=indicator, fiscal_year=fiscal_year, month=month, state=state, created_by=user)
    progress.value, progress.numerator, progress.denominator = value, numerator, denominator
    progress.cause, progress.effect, progress.other_reasons = cause, effect, other_reasons
    if submit:
        _require_justification(progress)
        progress.status = ProgressStatus.ENVIADO
        progress.submitted_by, progress.submitted_at = user, timezone.now()
    progress.full_clean()
    progress.save()
    schedule_indicator_recompute(indicator.pk)
    return progress


def _require_justification(progress):
    progress.full_clean()  # the value must be settled (num/den applied) before judging it
    light = avance_semaforo(progress.indicator, progress.fiscal_year, progress.month, progress.value)
    if rules.justification_required(light):
        missing = {
            field: f"Es obligatoria para enviar un avance con semáforo {light}."
            for field in ("cause", "effect") if not getattr(progress, field).strip()
        }
        if missing:
            raise ValidationError(missing)
