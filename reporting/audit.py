"""The audit trail of one indicator: every change to its ficha, metas, adjustments and avances,
with who, when, before/after and reason (from django-simple-history), plus workflow steps."""

from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from common.formula_safety import append_row
from indicators.models import Indicator, Target, TargetAdjustment
from reporting.models import Progress, ProgressTransition

ACTIONS = {"+": gettext_lazy("alta"), "~": gettext_lazy("cambio"), "-": gettext_lazy("baja")}


@dataclass
class AuditEntry:
    when: object
    who: str
    subject: str
    action: str
    field: str = ""
    before: str = ""
    after: str = ""
    reason: str = ""


def _text(value):
    return "" if value is None else str(value)


def _entries_for(records, subject_of):
    """Turn the history records of one model into entries, field by field."""
    entries, previous = [], {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        key = record.id
        who = _text(record.history_user) or _("sistema")
        base = dict(when=record.history_date, who=who, subject=subject_of(record),
                    action=str(ACTIONS.get(record.history_type, record.history_type)),
                    reason=record.history_change_reason or "")
        if key in previous and record.history_type == "~":
            changes = record.diff_against(previous[key]).changes
            entries.extend(AuditEntry(**base, field=record._meta.get_field(c.field).verbose_name,
                                      before=_text(c.old), after=_text(c.new)) for c in changes)
        else:
            entries.append(AuditEntry(**base))
        previous[key] = record
    return entries


def indicator_audit(indicator):
    """All entries, newest first."""
    entries = _entries_for(Indicator.history.filter(id=indicator.pk), lambda r: _("Ficha del indicador"))
    entries += _entries_for(
        Target.history.filter(indicator_id=indicator.pk),
        lambda r: _("Meta %(periodo)s") % {"periodo": f"{r.fiscal_year}-{r.month:02d}"},
    )
    target_periods = dict(Target.objects.filter(indicator=indicator).values_list("pk", "month"))
    entries += _entries_for(
        TargetAdjustment.history.filter(target_id__in=list(target_periods)),
        lambda r: _("Ajuste de meta (mes %(mes)s)") % {"mes": target_periods.get(r.target_id, "?")},
    )
    entries += _entries_for(
        Progress.history.filter(indicator_id=indicator.pk),
        lambda r: _("Avance %(periodo)s") % {"periodo": f"{r.fiscal_year}-{r.month:02d}"}
        + (f" ({r.state})" if r.state_id else ""),
    )
    entries += [
        AuditEntry(when=t.at, who=_text(t.user),
                   subject=_("Avance %(periodo)s") % {"periodo": f"{t.progress.fiscal_year}-{t.progress.month:02d}"},
                   action=_("flujo"), field=_("estado"), before=t.get_from_status_display(),
                   after=t.get_to_status_display(), reason=t.note)
        for t in ProgressTransition.objects.filter(progress__indicator=indicator).select_related("user", "progress")
    ]
    return sorted(entries, key=lambda e: e.when, reverse=True)


HEADERS = [gettext_lazy("Fecha"), gettext_lazy("Usuario"), gettext_lazy("Objeto"), gettext_lazy("Acción"),
           gettext_lazy("Campo"), gettext_lazy("Antes"), gettext_lazy("Después"), gettext_lazy("Motivo")]


def audit_workbook(indicator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Auditoría")
    append_row(sheet, [_("Auditoría del indicador %(indicador)s · %(nombre)s")
                       % {"indicador": indicator.external_id, "nombre": indicator.name}])
    append_row(sheet, [str(header) for header in HEADERS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for e in indicator_audit(indicator):
        append_row(sheet, [timezone.localtime(e.when).replace(tzinfo=None), e.who, e.subject, e.action, str(e.field), e.before, e.after, e.reason])
        sheet.cell(row=sheet.max_row, column=1).number_format = "dd/mm/yyyy hh:mm"
    for column, width in enumerate([18, 18, 28, 10, 24, 30, 30, 40], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A3"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
