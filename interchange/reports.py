"""What the XLSX report (`report_xlsx.py`) and the informe (PDF and web) print: per programa, a line
per indicator, and the quarter's counts from the one selector (`compliance.counts`), so both files
say what the dashboard says."""

from functools import partial

from django.utils import timezone
from django.utils.translation import gettext_lazy

from compliance.counts import quarter_counts, quarter_results
from indicators import rules
from interchange.exporter import period_values
from programs.models import level_rank
from reporting.choices import ProgressStatus
from reporting.models import Progress

QUARTER_NAMES = {1: gettext_lazy("Primer"), 2: gettext_lazy("Segundo"), 3: gettext_lazy("Tercer"),
                 4: gettext_lazy("Cuarto")}


def latest_quarter_with_avances(fiscal_year):
    months = Progress.objects.filter(fiscal_year=fiscal_year, status__in=(ProgressStatus.ENVIADO, ProgressStatus.APROBADO))
    month = months.order_by("-month").values_list("month", flat=True).first()
    return rules.quarter_of_month(month) if month else 4


def report_programs(fiscal_year, quarter, indicators, only_approved=False):
    """(entries, counts): per programa, in the indicators' order, {"program", "kind", "lines",
    "counts"}, its lines in MIR order; `counts` is the selector's QuarterCounts of these indicators.

    A line's estado, cumplimiento and semáforo are its stored result's (those the counts count); the
    metas, the avance and its justification are read as the CSV export reads them."""
    ids = [i.pk for i in indicators]
    targets, progress = period_values(fiscal_year, indicators, only_approved)
    results = quarter_results(fiscal_year, quarter, ids)
    counts = quarter_counts(fiscal_year, quarter, ids)
    entries = {}
    for indicator in indicators:
        program = indicator.matrix.program
        entry = entries.setdefault(program.pk, {"program": program, "kind": indicator.matrix.kind, "lines": [],
                                                "counts": counts.for_program(program.pk)})
        entry["lines"].append(_line(indicator, quarter, targets[indicator.pk], progress[indicator.pk],
                                    results.get(indicator.pk)))
    for entry in entries.values():
        entry["lines"].sort(key=lambda l: level_rank(l["indicator"].objective.level))
    return list(entries.values()), counts


def _line(indicator, quarter, targets, progress, result):
    month = rules.quarter_period_month(indicator.frequency, quarter)
    periods = [targets.get(m) for m in rules.period_months(indicator.frequency)]
    target = targets.get(month) if month else None
    programmed = [(t.value, t.numerator, t.denominator) if t else None for t in periods]
    current = [_vigente(t) for t in periods]
    annual = partial(rules.annual_meta, indicator.accumulation, indicator.value_type, indicator.factor)
    return {
        "indicator": indicator, "month": month, "result": result,
        "annual": annual(programmed), "annual_modified": annual(current),
        "programmed": target.value if target else None, "meta": target.current_value if target else None,
        "avance": progress.get(month) if month else None,
    }


def _vigente(target):
    """(value, numerador, denominador) of a period's meta vigente (its last approved adjustment's)."""
    if target is None:
        return None
    version = target.current_adjustment() or target
    return version.value, version.numerator, version.denominator


def institutions(programs):
    """Who answers for the programmes, as the informe's cover names them: their ramos and URs."""
    return sorted({f"{p.ramo.clave} {p.ramo.name} · {p.responsible_unit.clave} {p.responsible_unit.name}"
                   for p in programs})


def informe_context(fiscal_year, quarter, indicators, only_approved=False, with_sources=False):
    """The informe as seed 000's SED section presents it: a cover, a summary per programa (the
    selector's counts), each programa's indicators; source notes only in an annex, on request."""
    entries, counts = report_programs(fiscal_year, quarter, indicators, only_approved)
    # The institution is who answers for the programas: their ramos and unidades responsables.
    return {"institutions": institutions([entry["program"] for entry in entries]), "fiscal_year": fiscal_year,
            "quarter": quarter, "quarter_name": QUARTER_NAMES[quarter],
            "programs": entries, "counts": counts, "only_approved": only_approved,
            "with_sources": with_sources, "generated_at": timezone.localtime()}
