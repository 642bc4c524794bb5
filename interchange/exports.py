"""Producing an export (CSV layout, XLSX report, PDF informe) — the one code path the command,
the web and the background job share."""

from collections import deque
from dataclasses import dataclass, field

from interchange.exporter import build_rows, export_indicator_ids, load_indicators, write_csv
from interchange.informe_pdf import write_informe_pdf
from interchange.reports import informe_context, latest_quarter_with_avances, report_workbook

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf"}
ENCODINGS = {"utf-8": "utf-8-sig", "latin-1": "latin-1"}


@dataclass
class Export:
    filename: str
    rows: int
    warnings: list = field(default_factory=list)


def render_export(fiscal_year, output_format, output, quarter=None, programs=None, only_approved=False,
                  encoding="utf-8", indicators=None, by_state=False, on_progress=None):
    """Write the export into the binary file `output`. `indicators` restricts to a user's scope (a
    queryset); `programs` to some programmes. The CSV goes into `output` row by row; the PDF is laid
    out a programme at a time, calling `on_progress(done, total)` after each."""
    ids = export_indicator_ids(fiscal_year, programs, indicators)
    # The pre-flight avisos come with every format; the rows are the CSV's.
    header, rows, warnings = build_rows(fiscal_year, ids, quarter, only_approved, by_state)
    if output_format == "csv":
        warnings += write_csv(header, rows, output, ENCODINGS[encoding])
    else:
        deque(rows, maxlen=0)  # the other formats read the rows only for their avisos
        shown = quarter or latest_quarter_with_avances(fiscal_year)
        selected = load_indicators(ids)
        if output_format == "xlsx":
            output.write(report_workbook(fiscal_year, shown, selected, only_approved))
        else:
            write_informe_pdf(informe_context(fiscal_year, shown, selected, only_approved), output, on_progress)
    suffix = f"_T{quarter}" if quarter else ""
    return Export(f"sed_{fiscal_year}{suffix}.{output_format}", len(ids), warnings)
