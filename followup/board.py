"""What the follow-up reports say: each commitment with its % and explanation at a quarter, the
list of agreements for the Junta's next session (with what changed since the last one), overdue
commitments per UR and ASM per programme. The screens, the XLSX, the PDF and the API read these."""

from dataclasses import dataclass
from itertools import groupby

from django.utils import timezone
from django.utils.translation import gettext as _

from common.numbers import number
from followup.choices import ItemState, Kind, Standing
from followup.models import Report, Session, SessionReading
from followup.readings import current_quarter, explain, standing_at
from reporting.choices import ProgressStatus

BOARD_KINDS = (Kind.ACUERDO, Kind.RECOMENDACION)


@dataclass
class Row:
    commitment: object
    explanation: object
    standing: str
    change: str = ""

    @property
    def standing_label(self):
        return Standing(self.standing).label

    @property
    def responsible(self):
        unit = self.commitment.responsible_unit
        area = self.commitment.responsible_area
        return f"{unit.clave} · {area}" if area else f"{unit.clave} · {unit.name}"

    @property
    def due(self):
        c = self.commitment
        if c.due_date and c.due_date_text:
            return f"{c.due_date:%d/%m/%Y} ({c.due_date_text})"
        return f"{c.due_date:%d/%m/%Y}" if c.due_date else _("sin fecha en la fuente")

    @property
    def breakdown(self):
        """The explanation in one cell: the rule's sentence, then each sub-item."""
        parts = [self.explanation.summary]
        for line in self.explanation.lines:
            text = f"{line.number}. {line.text}: {str(ItemState(line.state).label).lower()}"
            if line.contribution is not None:
                text += f" ({number(line.percent)} % × {number(line.weight)})"
            parts.append(text)
        if self.explanation.source:
            parts.append(_("Fuente: %(fuente)s") % {"fuente": self.explanation.source})
        return "\n".join(parts)


def row(commitment, fiscal_year=None, quarter=None):
    if fiscal_year is None:
        fiscal_year, quarter = current_quarter()
    explanation = explain(commitment, fiscal_year, quarter)
    return Row(commitment, explanation, standing_at(commitment, explanation, fiscal_year, quarter))


def _scoped(commitments):
    return commitments.select_related("responsible_unit", "program", "origin_session").prefetch_related("items")


def last_session():
    return Session.objects.order_by("-held_on", "-pk").first()


def change_since(commitment, session, percent):
    """What changed since the session: its % then and now, and the reports approved since."""
    if session is None:
        return ""
    reading = SessionReading.objects.filter(session=session, commitment=commitment).first()
    if reading is None:
        said = _("No se informó en la %(sesion)s.") % {"sesion": session.name}
    elif percent == reading.percent:
        said = _("Sin cambio desde la %(sesion)s (%(pct)s %%).") % {"sesion": session.name,
                                                                    "pct": number(reading.percent)}
    else:
        said = _("%(antes)s %% en la %(sesion)s → %(ahora)s %%.") % {
            "antes": number(reading.percent), "sesion": session.name, "ahora": number(percent)}
    since = Report.objects.filter(commitment=commitment, status=ProgressStatus.APROBADO,
                                  reviewed_at__date__gt=session.held_on).order_by("fiscal_year", "quarter")
    news = [f"T{r.quarter}-{r.fiscal_year}: {r.text}" for r in since]
    return "\n".join([said, *news])


def next_session_rows(commitments):
    """The board's agreements and recommendations, with what changed since the last session."""
    session = last_session()
    rows = []
    for commitment in _scoped(commitments.filter(kind__in=BOARD_KINDS)).order_by("clave"):
        entry = row(commitment)
        entry.change = change_since(commitment, session, entry.explanation.percent)
        rows.append(entry)
    return session, rows


def overdue_by_unit(commitments):
    """[(UR, [rows])] of the commitments past their due date and not at 100 %."""
    today = timezone.localdate()
    candidates = _scoped(commitments.filter(due_date__lt=today)).order_by("responsible_unit__clave", "due_date")
    rows = [r for r in (row(c) for c in candidates) if r.standing == Standing.VENCIDO]
    return [(unit, list(group)) for unit, group in groupby(rows, key=lambda r: r.commitment.responsible_unit)]


def asm_by_program(commitments):
    """[(programa or None, [rows])] of the ASM."""
    asm = _scoped(commitments.filter(kind=Kind.ASM)).order_by("program__fiscal_year", "program__modalidad",
                                                              "program__number", "clave")
    rows = [row(c) for c in asm]
    return [(program, list(group)) for program, group in groupby(rows, key=lambda r: r.commitment.program)]
