"""Reading an uploaded avances template back (docs/intercambio.md, «Carga por la web») and writing
each row through the capture services as the uploader's drafts, each row on its own.

Unlike the command line import (importer.py), which writes a whole official file or nothing, a web
upload is a capture: only avances of the quarter are read, only indicators in the user's scope are
written, and a row that fails leaves the other rows saved."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from common.ids import parse_int
from indicators import rules
from indicators.models import JUSTIFICATION_MAX
from indicators.scope import indicators_for
from interchange import layout
from interchange.parsing import RowReader
from interchange.reader import UnreadableFile, read_table
from interchange.upload_template import avance_columns, version
from reporting.models import Progress
from reporting.services import ConcurrentEdit, save_progress

OUTCOMES = ("creados", "actualizados", "sin cambios")
TEXTS = {"cause": layout.cause, "effect": layout.effect, "other_reasons": layout.other_reasons}


@dataclass
class UploadReport:
    rows: int = 0
    counts: Counter = field(default_factory=Counter)  # outcome → avances
    errors: list = field(default_factory=list)
    more_errors: int = 0  # errors past SIMIR_IMPORT_MAX_ERRORS, counted but not listed

    def error(self, message):
        if len(self.errors) < settings.SIMIR_IMPORT_MAX_ERRORS:
            self.errors.append(message)
        else:
            self.more_errors += 1

    def as_params(self):
        return {"filas": self.rows, "errores": self.errors, "errores_no_listados": self.more_errors,
                **{outcome: self.counts[outcome] for outcome in OUTCOMES}}


@dataclass
class Change:
    month: int
    quantity: object  # parsing.Quantity
    texts: dict
    version: int


class _DryRun(Exception):
    pass


def apply_upload(path, user, fiscal_year, quarter, dry_run, on_progress=None):
    """Validate every row and save the valid ones (all of a row's months or none of them). With
    `dry_run`, the very same saves run and are rolled back: the report says what a confirm would do."""
    report = UploadReport()
    try:
        with read_table(path, max_bytes=settings.SIMIR_UPLOAD_MAX_BYTES,
                        max_rows=settings.SIMIR_UPLOAD_MAX_ROWS) as sheet:
            problems = header_problems(sheet.header)
            rows = [] if problems else list(sheet.rows)
    except UnreadableFile as exc:
        report.error(str(exc))
        return report
    for problem in problems:
        report.error(problem)
    report.rows = len(rows)
    scope = {i.external_id: i for i in indicators_for(user).filter(fiscal_year=fiscal_year).select_related("matrix")}
    first_rows = {}  # indicator id → the row that names it first

    for done, (number, cells) in enumerate(rows, start=1):
        try:
            # Each row on its own (rows name different indicators), so the caller's progress is seen
            # while the file is read; a dry run rolls each row back.
            with transaction.atomic():
                _row(report, user, scope, first_rows, fiscal_year, quarter, number, cells)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        if on_progress:
            on_progress(done, len(rows))
    return report


def header_problems(header):
    seen = Counter(header)
    problems = [f"fila 1, columna {name}: el encabezado aparece {count} veces."
                for name, count in seen.items() if name and count > 1]
    problems += [f"fila 1, columna {name}: falta esta columna obligatoria; descargue la plantilla de nuevo."
                 for name in ("CICLO", "ID_INDICADOR") if name not in seen]
    return problems


class _RowErrors:
    """The RowReader sink of one row. A capture is strict: a value that disagrees with its own
    numerador / denominador is an error, as on the capture grid, not an aviso."""

    strict = True

    def __init__(self, errors):
        self.errors = errors
        self.notes = Counter()

    def error(self, number, column, message):
        self.errors.append(f"fila {number}, columna {column}: {message}")

    warn = error


def _row(report, user, scope, first_rows, fiscal_year, quarter, number, cells):
    errors = []
    reader = RowReader(number, cells, _RowErrors(errors))
    read = _read_row(reader, scope, first_rows, fiscal_year, quarter)
    if read and read[1] and not errors:
        _save(reader, user, *read, fiscal_year, report)
    for message in errors:
        report.error(message)


def _read_row(reader, scope, first_rows, fiscal_year, quarter):
    """(indicator, [Change]) of the row, or None when it cannot be read; problems go to the reader."""
    year = reader.year("CICLO", required=True)
    if year is not None and year != fiscal_year:
        reader.error("CICLO", f"«{year}» no es el ejercicio elegido para esta carga ({fiscal_year}).")
    external_id = reader.text("ID_INDICADOR", required=True)
    indicator = scope.get(external_id)
    if external_id and indicator is None:
        reader.error("ID_INDICADOR", f"el indicador «{external_id}» no existe en el ejercicio {fiscal_year} "
                                     "o está fuera de su alcance.")
    elif indicator is not None and first_rows.setdefault(indicator.pk, reader.number) != reader.number:
        # A second row would fail its version check against the first one's save, which misleads.
        reader.error("ID_INDICADOR", f"el indicador {external_id} ya aparece en la fila {first_rows[indicator.pk]}.")
    months = rules.quarter_months(quarter)
    for month in (m for m in layout.MONTHS if m not in months):
        for column in (c for c in avance_columns(month) if reader.cells.get(c)):
            reader.error(column, f"el mes {month} no es del trimestre {quarter}; esta carga lee solo los "
                                 f"meses {', '.join(map(str, months))}.")
    if indicator is None or year != fiscal_year:
        return None
    changes = [change for month in months if (change := _read_month(reader, indicator, month))]
    return indicator, changes


def _read_month(reader, indicator, month):
    given = [c for c in avance_columns(month) if reader.cells.get(c)]
    if not given:
        return None
    if not rules.is_period_month(indicator.frequency, month):
        allowed = ", ".join(map(str, rules.period_months(indicator.frequency)))
        for column in given:
            reader.error(column, f"el mes {month} no cierra un periodo de frecuencia {indicator.frequency}; "
                                 f"los meses válidos son {allowed}.")
        return None
    if indicator.captured_by_state:
        reader.error(given[0], "el indicador se captura por entidad federativa: capture sus entidades en la "
                               "pantalla de captura (el avance nacional se suma de ellas).")
        return None
    quantity = reader.quantity(layout.avance(month), indicator.effective_factor)
    texts = {name: reader.text(column(month), max_length=JUSTIFICATION_MAX) for name, column in TEXTS.items()}
    raw_version = reader.cells.get(version(month), "")
    loaded = parse_int(raw_version, minimum=0) if raw_version else 0
    if loaded is None:
        reader.error(version(month), f"«{raw_version}» no es una versión; deje la que trae la plantilla.")
    if quantity is None and not any(reader.cells.get(c) for c in avance_columns(month)[:3]):
        reader.error(given[0], f"hay justificación pero no hay avance en el mes {month}.")
        return None
    return Change(month, quantity, texts, loaded or 0) if quantity is not None else None


def _save(reader, user, indicator, changes, fiscal_year, report):
    """All the row's months or none: a refusal names the month's column and keeps the rest of the file going."""
    outcomes = Counter()
    change = None
    try:
        with transaction.atomic():
            for change in changes:
                outcomes[_save_month(user, indicator, fiscal_year, change)] += 1
    except ConcurrentEdit:
        stored = Progress.objects.filter(indicator=indicator, fiscal_year=fiscal_year, month=change.month,
                                         state__isnull=True).first()
        reader.error(version(change.month),
                     f"el avance cambió desde que se hizo este archivo (versión {stored.version if stored else 0}; "
                     f"el archivo trae la {change.version}). Descargue una plantilla nueva y vuelva a cargarla.")
    except (ValidationError, PermissionDenied) as exc:
        for column, message in _refusals(exc, change.month):
            reader.error(column, message)
    else:
        report.counts.update(outcomes)


def _save_month(user, indicator, fiscal_year, change):
    quantity = change.quantity
    stored = Progress.objects.filter(indicator=indicator, fiscal_year=fiscal_year, month=change.month,
                                     state__isnull=True).first()
    if stored is not None and (stored.value, stored.numerator, stored.denominator) == (
            quantity.value, quantity.numerator, quantity.denominator) and all(
            getattr(stored, name) == text for name, text in change.texts.items()):
        return "sin cambios"  # an approved avance sent back as it is, too
    save_progress(user, indicator, fiscal_year, change.month, value=quantity.value, numerator=quantity.numerator,
                  denominator=quantity.denominator, expected_version=change.version, **change.texts)
    return "actualizados" if stored is not None else "creados"


def _refusals(exc, month):
    """(column, message) of a refusal of the capture services, each in the column it is about."""
    columns = {"value": layout.avance(month), "numerator": f"{layout.avance(month)}_NUM",
               "denominator": f"{layout.avance(month)}_DEN",
               **{name: column(month) for name, column in TEXTS.items()}}
    if isinstance(exc, PermissionDenied):
        return [(layout.avance(month), str(exc))]
    if not hasattr(exc, "error_dict"):
        return [(layout.avance(month), message) for message in exc.messages]
    return [(columns.get(name, layout.avance(month)), message)
            for name, messages in exc.message_dict.items() for message in messages]
