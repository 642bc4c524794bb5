"""The audit trail of one indicator as a person reads it: one row per action (a save, a workflow
step, a decision, an upload, a window moved), with the fields it changed listed inside the row;
local time of Mexico City to the second, people's names and the labels of states and catalogs.

It reads django-simple-history (ficha, metas, adjustments, avances, windows and prórrogas), the
workflow steps and the evidence uploads. The XLSX export has the same rows."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from common.formula_safety import append_row
from indicators import rules
from indicators.models import Indicator, Target, TargetAdjustment
from reporting.models import CaptureWindow, Evidence, Progress, ProgressTransition, WindowExtension

ACTIONS = {"+": gettext_lazy("alta"), "~": gettext_lazy("cambio"), "-": gettext_lazy("baja")}
# Bookkeeping, not content: the edit counter and the row's own keys (the subject says whose it is).
HIDDEN = {"id", "version", "indicator", "target", "progress", "fiscal_year", "month", "quarter"}
# A workflow step writes its ProgressTransition right after the avance's history record.
SAME_STEP = timedelta(seconds=30)


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class AuditEntry:
    when: datetime
    who: str
    subject: str
    action: str
    changes: list = field(default_factory=list)
    reason: str = ""

    @property
    def local(self):
        """Mexico City time to the second, as the screen and the XLSX show it."""
        return timezone.localtime(self.when, rules.MEXICO_CITY).replace(microsecond=0, tzinfo=None)

    @property
    def changes_text(self):
        return "\n".join(f"{c.field}: {c.before or '—'} → {c.after or '—'}" for c in self.changes)


def person(user):
    if user is None:
        return _("sistema")
    return user.get_full_name() or user.username


def _local_text(moment):
    return timezone.localtime(moment, rules.MEXICO_CITY).strftime("%d/%m/%Y %H:%M:%S")


class _Formatter:
    """Values as people read them; related objects are looked up once each."""

    def __init__(self):
        self.cache = {}

    def __call__(self, model_field, value):
        if value is None or value == "":
            return ""
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.ForeignKey):
            key = (model_field.related_model, value)
            if key not in self.cache:
                related = model_field.related_model._default_manager.filter(pk=value).first()
                is_user = model_field.related_model is get_user_model()
                self.cache[key] = person(related) if is_user and related else str(related or value)
            return self.cache[key]
        if isinstance(value, bool):
            return _("sí") if value else _("no")
        if isinstance(value, Decimal):
            return format(value.normalize(), ",f")  # exact, without trailing zeros: 1,000.5
        if isinstance(value, datetime):
            return _local_text(value)
        if isinstance(model_field, models.FileField):
            return str(value).rsplit("/", 1)[-1]
        return str(value)


def _history_entries(records, subject_of, fmt):
    """One entry per history record, listing the fields that differ from the previous record of
    the same object (on creation, the fields it was created with)."""
    entries, previous = [], {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        fields = [f for f in record.instance_type._meta.concrete_fields if f.editable and f.name not in HIDDEN]
        before = previous.get(record.id)
        changes = []
        for model_field in fields:
            new = getattr(record, model_field.attname)
            old = getattr(before, model_field.attname) if before is not None else None
            if before is None and (record.history_type != "+" or new in (None, "", False)):
                continue  # a creation lists what it was given; a row seen without its past, nothing
            old_text, new_text = fmt(model_field, old), fmt(model_field, new)
            if before is not None and old_text == new_text:
                continue  # also a moment moved by less than a second: nobody reads that as a change
            changes.append(Change(str(model_field.verbose_name), old_text, new_text))
        entries.append(AuditEntry(
            when=record.history_date, who=person(record.history_user), subject=subject_of(record),
            action=str(ACTIONS.get(record.history_type, record.history_type)), changes=changes,
            reason=record.history_change_reason or "",
        ))
        entries[-1].object_id = record.id
        previous[record.id] = record
    return entries


def _period(fiscal_year, month):
    return f"{fiscal_year}-{month:02d}"


def _progress_subject(fiscal_year, month, state=None):
    label = _("Avance %(periodo)s") % {"periodo": _period(fiscal_year, month)}
    return f"{label} ({state})" if state else label


def _merge_steps(progress_entries, indicator):
    """A workflow step is one action: its transition is folded into the avance's history row
    (action «flujo»); a step without such a row (written by a script) stays a row of its own."""
    steps = list(ProgressTransition.objects.filter(progress__indicator=indicator).select_related("user", "progress"))
    status_label = dict(Progress._meta.get_field("status").flatchoices)
    by_progress = {}
    for entry in progress_entries:
        by_progress.setdefault(entry.object_id, []).append(entry)
    loose = []
    estado = str(Progress._meta.get_field("status").verbose_name)
    for step in steps:
        to_label = str(status_label.get(step.to_status, step.to_status))
        match = next((e for e in by_progress.get(step.progress_id, [])
                      if abs(e.when - step.at) <= SAME_STEP and getattr(e, "step", None) is None
                      and any(c.field == estado and c.after == to_label for c in e.changes)), None)
        if match is not None:
            match.step, match.action = step, _("flujo")
            match.reason = step.note or match.reason
            continue
        p = step.progress
        loose.append(AuditEntry(
            when=step.at, who=person(step.user), subject=_progress_subject(p.fiscal_year, p.month, p.state),
            action=_("flujo"), reason=step.note,
            changes=[Change(estado, str(status_label.get(step.from_status, step.from_status)), to_label)],
        ))
    return loose


def indicator_audit(indicator):
    """All entries, newest first."""
    fmt = _Formatter()
    entries = _history_entries(Indicator.history.filter(id=indicator.pk).select_related("history_user"),
                               lambda r: _("Ficha del indicador"), fmt)
    entries += _history_entries(
        Target.history.filter(indicator_id=indicator.pk).select_related("history_user"),
        lambda r: _("Meta %(periodo)s") % {"periodo": _period(r.fiscal_year, r.month)}, fmt,
    )
    target_periods = {pk: (year, month) for pk, year, month in
                      Target.objects.filter(indicator=indicator).values_list("pk", "fiscal_year", "month")}
    entries += _history_entries(
        TargetAdjustment.history.filter(target_id__in=list(target_periods)).select_related("history_user"),
        lambda r: _("Ajuste de meta %(periodo)s") % {
            "periodo": _period(*target_periods[r.target_id]) if r.target_id in target_periods else "?"}, fmt,
    )
    progress_entries = _history_entries(
        Progress.history.filter(indicator_id=indicator.pk).select_related("history_user", "state"),
        lambda r: _progress_subject(r.fiscal_year, r.month, r.state if r.state_id else None), fmt,
    )
    entries += progress_entries + _merge_steps(progress_entries, indicator)
    archivo = str(Evidence._meta.get_field("file").verbose_name)
    entries += [
        AuditEntry(when=e.uploaded_at, who=person(e.uploaded_by),
                   subject=_progress_subject(e.progress.fiscal_year, e.progress.month, e.progress.state),
                   action=_("evidencia"), changes=[Change(archivo, "", e.file.name.rsplit("/", 1)[-1])],
                   reason=e.description if e.description != e.file.name.rsplit("/", 1)[-1] else "")
        for e in Evidence.objects.filter(progress__indicator=indicator).select_related("uploaded_by", "progress__state")
    ]
    # The windows of its ejercicio and the prórrogas of its UR or programa move its deadline.
    entries += _history_entries(
        CaptureWindow.history.filter(fiscal_year=indicator.fiscal_year).select_related("history_user"),
        lambda r: _("Ventana de captura T%(q)s-%(y)s") % {"q": r.quarter, "y": r.fiscal_year}, fmt,
    )
    entries += _history_entries(
        WindowExtension.history.filter(fiscal_year=indicator.fiscal_year).filter(
            models.Q(responsible_unit_id=indicator.responsible_unit_id)
            | models.Q(program_id=indicator.matrix.program_id)
        ).select_related("history_user"),
        lambda r: _("Prórroga T%(q)s-%(y)s") % {"q": r.quarter, "y": r.fiscal_year}, fmt,
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)


HEADERS = [gettext_lazy("Fecha (Ciudad de México)"), gettext_lazy("Persona"), gettext_lazy("Objeto"),
           gettext_lazy("Acción"), gettext_lazy("Cambios"), gettext_lazy("Motivo")]


def audit_workbook(indicator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Auditoría")
    append_row(sheet, [_("Auditoría del indicador %(indicador)s · %(nombre)s")
                       % {"indicador": indicator.external_id, "nombre": indicator.name}])
    for cell in append_row(sheet, [str(header) for header in HEADERS]):
        cell.font = Font(bold=True)
    for e in indicator_audit(indicator):
        cells = append_row(sheet, [e.local, e.who, e.subject, e.action, e.changes_text, e.reason])
        cells[0].number_format = "dd/mm/yyyy hh:mm:ss"
        cells[4].alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate([20, 22, 28, 12, 60, 40], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A3"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
