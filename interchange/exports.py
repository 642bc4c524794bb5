"""Producing an export (CSV layout, XLSX report, PDF informe) — the one code path the command,
the web and the background job share."""

from collections import deque
from dataclasses import dataclass, field

from compliance.counts import quarter_counts
from interchange.exporter import build_rows, export_indicator_ids, load_indicators, write_csv
from interchange.informe_pdf import write_informe_pdf
from interchange.report_xlsx import report_workbook
from interchange.reports import informe_context, latest_quarter_with_avances

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf"}
ENCODINGS = {"utf-8": "utf-8-sig", "latin-1": "latin-1"}


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
        selected = load_indicators(ids)
        if output_format == "xlsx":
            output.write(report_workbook(fiscal_year, shown, selected, only_approved))
        else:
            write_informe_pdf(informe_context(fiscal_year, shown, selected, only_approved, with_sources), output,
                              on_progress)
    suffix = f"_T{quarter}" if quarter else ""
    summary = counts_summary(quarter_counts(fiscal_year, shown, ids))
    return Export(f"sed_{fiscal_year}{suffix}.{output_format}", len(ids), warnings, summary)
