"""Capturing a commitment's quarterly report: role, scope (the caller's), capture window, workflow
state and values are checked here, for the web, the API and the demo alike."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from common.files import atomic_with_files, remove_on_rollback
from followup.choices import ItemState
from followup.models import ItemUpdate, Report, ReportEvidence
from programs.roles import can_capture, can_review
from reporting.evidence import DESCRIPTION_MAX, check_upload
from reporting.flow import EDITABLE
from reporting.windows import quarter_state


# The ejercicios a report can be for: the calendar of capture windows needs a real year after it.
YEARS = range(2000, 2101)


def check_window(user, commitment, fiscal_year, quarter):
    """Outside the quarter's window (and the UR's or programa's prórroga) a capturista cannot save;
    coordinators can, as with avances."""
    if fiscal_year not in YEARS or quarter not in (1, 2, 3, 4):
        raise ValidationError(_("El ejercicio debe estar entre %(desde)s y %(hasta)s, y el trimestre entre 1 y 4.")
                              % {"desde": YEARS[0], "hasta": YEARS[-1]})
    if can_review(user):
        return
    is_open, message = quarter_state(fiscal_year, quarter, commitment.responsible_unit_id, commitment.program_id)
    if not is_open:
        raise ValidationError(message)


def save_report(user, commitment, fiscal_year, quarter, *, text="", reported_percent=None, items=None,
                evidence=None, evidence_description="", reason="Captura"):
    """Create or update the quarter's report. `items` maps a sub-item's id to (state, %, note); a
    sub-item left without state keeps what earlier reports said. Returns the report."""
    if not can_capture(user):
        raise PermissionDenied(_("Su rol no permite reportar el seguimiento."))
    check_window(user, commitment, fiscal_year, quarter)
    with atomic_with_files():
        report, created = Report.objects.select_for_update().get_or_create(
            commitment=commitment, fiscal_year=fiscal_year, quarter=quarter, defaults={"created_by": user})
        if report.status not in EDITABLE:
            raise ValidationError(_("Solo se modifica un reporte en borrador o devuelto."))
        report.text, report.reported_percent = text.strip(), reported_percent
        report.full_clean()
        if not created:
            report.version += 1
        report._history_user, report._change_reason = user, reason
        report.save()
        _save_items(user, report, commitment, items or {}, reason)
        if evidence is not None:
            attach(user, report, evidence, evidence_description)
    return report


def _save_items(user, report, commitment, items, reason):
    known = {item.pk: item for item in commitment.items.all()}
    errors = {}
    for item_id, (state, percent, note) in items.items():
        item = known.get(item_id)
        if item is None:
            raise ValidationError(_("El sub-elemento no es de este compromiso."))
        if not state:
            ItemUpdate.objects.filter(report=report, item=item).delete()
            continue
        if state not in ItemState.values:
            errors[f"item-{item_id}"] = _("Estado desconocido.")
            continue
        update = ItemUpdate.objects.filter(report=report, item=item).first() or ItemUpdate(report=report, item=item)
        update.state, update.percent, update.note = state, percent, note.strip()
        try:
            update.full_clean()
        except ValidationError as exc:
            errors[f"item-{item_id}"] = " ".join(exc.messages)
            continue
        update._history_user, update._change_reason = user, reason
        update.save()
    if errors:
        raise ValidationError(errors)


def attach(user, report, upload, description=""):
    check_upload(upload)
    if report.status not in EDITABLE:
        raise ValidationError({"evidence": _("Solo se anexan evidencias a reportes en borrador o devueltos.")})
    with atomic_with_files():
        evidence = ReportEvidence(report=report, description=(description or upload.name)[:DESCRIPTION_MAX],
                                  uploaded_by=user)
        evidence.file.save(upload.name, upload, save=False)
        remove_on_rollback(evidence.file)
        evidence.save()
    return evidence
