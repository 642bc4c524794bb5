"""Producing an export (CSV layout, XLSX report, PDF informe) — the one code path the command,
the web and the background job share."""

from collections import Counter, deque
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from compliance.counts import quarter_counts
from indicators.models import Indicator
from interchange.exporter import (
    ENCODING, NO_JUSTIFICATION, NO_META, NOT_APPROVED, build_rows, export_indicator_ids, load_indicators, write_csv,
)
from interchange.informe_pdf import write_informe_pdf
from interchange.report_xlsx import report_workbook
from interchange.reports import informe_context, institutions, latest_quarter_with_avances
from programs.models import Program

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf"}
ENCODINGS = {"utf-8": "utf-8-sig", "latin-1": "latin-1"}
EXAMPLES = 3  # avisos of each kind quoted in a summary
KIND_LABELS = {NO_META: gettext_lazy("sin meta para un periodo que su frecuencia exige"),
               NOT_APPROVED: gettext_lazy("avance aún no aprobado"),
               NO_JUSTIFICATION: gettext_lazy("semáforo que exige justificación, sin causa y efecto"),
               ENCODING: gettext_lazy("caracteres sin equivalente en la codificación")}


@dataclass
class Export:
    filename: str
    rows: int
    warnings: list = field(default_factory=list)
    summary: str = ""  # the selector's counts of the quarter, as the dashboard shows them


def counts_summary(counts):
    """One line of a QuarterCounts' total (the pre-flight's resumen)."""
    t = counts.total
    completeness = "—" if t.completeness is None else f"{t.completeness} %"
    return (f"resumen T{counts.quarter}-{counts.fiscal_year}: {t.registered} indicadores registrados, "
            f"{t.indicators} con periodo en el trimestre, {t.with_meta} con meta, {t.sin_meta} sin meta, "
            f"{t.reported} reportados, {t.approved} aprobados, {t.pendiente} pendientes, {t.sin_reporte} sin "
            f"reporte; semáforo verde {t.verde}, amarillo {t.amarillo}, rojo {t.rojo}, gris {t.gris}; "
            f"completitud {completeness}.")


def render_export(fiscal_year, output_format, output, quarter=None, programs=None, only_approved=False,
                  encoding="utf-8", indicators=None, by_state=False, on_progress=None, with_sources=False):
    """Write the export into the binary file `output`. `indicators` restricts to a user's scope (a
    queryset); `programs` to some programmes. The CSV goes into `output` row by row; the PDF is laid
    out a programme at a time, calling `on_progress(done, total)` after each; `with_sources` adds
    its annex of source notes. The summary counts the quarter shown (the last with avances when the
    CSV covers the whole year)."""
    ids = export_indicator_ids(fiscal_year, programs, indicators)
    # The pre-flight avisos come with every format; the rows are the CSV's.
    header, rows, warnings = build_rows(fiscal_year, ids, quarter, only_approved, by_state)
    shown = quarter or latest_quarter_with_avances(fiscal_year)
    if output_format == "csv":
        warnings += write_csv(header, rows, output, ENCODINGS[encoding])
    else:
        deque(rows, maxlen=0)  # the other formats read the rows only for their avisos
        if output_format == "xlsx":
            output.write(report_workbook(fiscal_year, shown, load_indicators(ids), only_approved))
        else:
            _write_informe(fiscal_year, shown, ids, only_approved, with_sources, output, on_progress)
    suffix = f"_T{quarter}" if quarter else ""
    summary = counts_summary(quarter_counts(fiscal_year, shown, ids))
    return Export(f"sed_{fiscal_year}{suffix}.{output_format}", len(ids), warnings, summary)


def _write_informe(fiscal_year, quarter, ids, only_approved, with_sources, output, on_progress):
    """The informe with each programme's indicators, metas and avances read only when it is laid
    out (`informe_context` of that programme): memory follows one programme, not the ejercicio
    (the whole context of 1,000 programmes took 390 MB). The cover needs only the programmes and
    the selector's counts, of the whole informe."""
    program_of = dict(Indicator.objects.filter(pk__in=ids).values_list("pk", "matrix__program"))
    groups = {}
    for pk in ids:  # in the file's order, as informe_context lists the programmes
        groups.setdefault(program_of[pk], []).append(pk)
    programs = Program.objects.select_related("ramo", "responsible_unit").in_bulk(list(groups))
    counts = quarter_counts(fiscal_year, quarter, ids)
    context = informe_context(fiscal_year, quarter, [], only_approved, with_sources)
    context["programs"] = [{"program": programs[pk], "counts": counts.for_program(pk)} for pk in groups]
    context["counts"] = counts
    context["institutions"] = institutions(programs.values())
    if with_sources:  # the annex lists each programme's indicators with their source notes
        annex = {}
        for indicator in Indicator.objects.filter(pk__in=ids).only("external_id", "name", "source_note", "matrix"):
            annex.setdefault(program_of[indicator.pk], {})[indicator.pk] = {"indicator": indicator}
        for entry, pk in zip(context["programs"], groups):
            entry["lines"] = [annex[pk][indicator] for indicator in groups[pk]]
    entries = (informe_context(fiscal_year, quarter, load_indicators(group), only_approved)["programs"][0]
               for group in groups.values())
    write_informe_pdf(context, output, on_progress, entries)


def summarize_warnings(warnings):
    """A few lines for thousands of avisos (45,000 for the APF): how many of each kind, with the
    first few of each. The whole list goes to the command's stderr or the job's log."""
    if not warnings:
        return []
    counts = Counter(warning.kind for warning in warnings)
    examples = {kind: [] for kind in counts}
    for warning in warnings:
        if len(examples[warning.kind]) < EXAMPLES:
            examples[warning.kind].append(warning)
    lines = [ngettext("%(n)d aviso:", "%(n)d avisos:", len(warnings)) % {"n": len(warnings)}]
    for kind in sorted(counts, key=list(KIND_LABELS).index):
        lines.append(f"{counts[kind]} × {KIND_LABELS[kind]}; " + _("por ejemplo:"))
        lines += [f"  {warning}" for warning in examples[kind]]
    return lines
