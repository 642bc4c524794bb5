"""Writing the interchange layout (docs/intercambio.md): one row per SED indicator, wide by month, with
our CUMPLIMIENTO_MES{n} / SEMAFORO_MES{n} columns. Import → export → import → export is identical."""

import codecs
import re
from collections import defaultdict

from common.formula_safety import csv_writer
from common.numbers import plain_number, two_decimals
from compliance.engine import sed_indicators
from indicators import rules
from indicators.models import FiscalYearPolicy, Indicator, Target
from interchange import layout
from programs.models import ID_BY_LEVEL, level_rank
from reporting.choices import ProgressStatus
from reporting.models import Progress

EXPORTED = (ProgressStatus.ENVIADO, ProgressStatus.APROBADO)


def _natural(text):
    """Numeric ids in numeric order, the rest after them as text."""
    return (0, int(text), "") if re.fullmatch(r"\d+", text or "") else (1, 0, text or "")


SORT_FIELDS = ("matrix__program__ramo__clave", "matrix__program__modalidad", "matrix__program__number",
               "objective__level", "objective__clave", "external_id")


def _sort_key(ramo, modalidad, number, level, objective, external_id):
    return (_natural(ramo), modalidad, number, level_rank(level), _natural(objective), _natural(external_id))


def export_indicator_ids(fiscal_year, programs=None, indicators=None):
    """The ids of the SED indicators of the ejercicio to export (optionally only some programmes / a
    scope), in the file's order. Only the sort keys are read: the indicators themselves are loaded a
    batch at a time (`load_indicators`), so memory does not follow the size of the ejercicio."""
    queryset = sed_indicators(fiscal_year) if indicators is None else indicators.filter(
        pk__in=sed_indicators(fiscal_year).values("pk"))
    if programs:
        queryset = queryset.filter(matrix__program__in=programs)
    keyed = queryset.values_list("pk", *SORT_FIELDS)
    return [row[0] for row in sorted(keyed, key=lambda row: _sort_key(*row[1:]))]


def load_indicators(ids):
    """The indicators of `ids` in that order, with everything a row or a report reads (one query)."""
    found = Indicator.objects.select_related(
        "matrix__program__ramo", "matrix__program__responsible_unit", "objective__parent", "responsible_unit__ramo",
    ).in_bulk(ids)
    return [found[pk] for pk in ids]


def export_indicators(fiscal_year, programs=None, indicators=None):
    """The SED indicators to export, loaded, in the file's order (for the XLSX report and the PDF)."""
    return load_indicators(export_indicator_ids(fiscal_year, programs, indicators))


def period_values(fiscal_year, indicators, only_approved=False):
    """The national metas (with their adjustments) and exportable avances of the indicators, by
    indicator and month: ({id: {month: Target}}, {id: {month: Progress}}). Drafts and returned
    avances are never exported; sent ones only without `only_approved`."""
    ids = [i.pk for i in indicators]
    targets = defaultdict(dict)
    for target in Target.objects.filter(indicator_id__in=ids, fiscal_year=fiscal_year).prefetch_related("adjustments"):
        targets[target.indicator_id][target.month] = target
    statuses = statuses_for(only_approved)
    progress = defaultdict(dict)
    for item in Progress.objects.filter(indicator_id__in=ids, fiscal_year=fiscal_year, state__isnull=True,
                                        status__in=statuses):
        progress[item.indicator_id][item.month] = item
    return targets, progress


STATE_COLUMNS = ["ID_ENTIDAD_FEDERATIVA", "ENTIDAD_FEDERATIVA"]

# Indicators whose metas and avances are read together: memory follows the batch, not the file, and
# the queries are a few per batch whatever the number of indicators.
BATCH = 1000


def build_rows(fiscal_year, ids, quarter=None, only_approved=False, by_state=False):
    """(header, rows, warnings) for the indicators of `ids` (`export_indicator_ids`), months 1..3Q
    with a quarter. `rows` is an iterator
    of lists of text and `warnings` is complete once it has been read. With `by_state`, each national
    row is followed by one row per entidad with avances (their metas and results are national only,
    so those cells stay empty)."""
    months = range(1, 3 * quarter + 1) if quarter else layout.MONTHS
    header = layout.FICHA_COLUMNS + (STATE_COLUMNS if by_state else [])
    header += [c for n in months for c in layout.month_columns(n)] + layout.CP_COLUMNS + layout.HACIENDA_KEPT_COLUMNS
    header += [c for n in months for c in (f"CUMPLIMIENTO_MES{n}", f"SEMAFORO_MES{n}")]
    header += extra_headers(ids, header)
    warnings = []
    rows = _rows(fiscal_year, ids, months, header, only_approved, by_state, warnings)
    return header, rows, warnings


def _rows(fiscal_year, ids, months, header, only_approved, by_state, warnings):
    policy = FiscalYearPolicy.for_year(fiscal_year)
    for start in range(0, len(ids), BATCH):
        batch = load_indicators(ids[start:start + BATCH])
        targets, progress = period_values(fiscal_year, batch, only_approved)
        states = _state_progress(fiscal_year, batch, months, statuses_for(only_approved)) if by_state else {}
        for indicator in batch:
            cells = ficha_cells(indicator)
            results = {}
            for month in months:
                target, item = targets[indicator.pk].get(month), progress[indicator.pk].get(month)
                cells.update(month_cells(month, target, item))
                results[month] = period_outcome(indicator, target, item, policy)
                warnings.extend(_warnings(indicator, fiscal_year, month, target, item, results[month]))
            cells.update(_cp_cells(indicator))
            cells.update(hacienda_cells(indicator))
            for month, outcome in results.items():
                cells[f"CUMPLIMIENTO_MES{month}"] = _compliance_text(outcome)
                cells[f"SEMAFORO_MES{month}"] = outcome.semaforo or "" if outcome else ""
            yield [cells.get(column, "") for column in header]
            if by_state:
                yield from _state_rows(indicator, states.get(indicator.pk, {}), header)


def statuses_for(only_approved):
    return (ProgressStatus.APROBADO,) if only_approved else EXPORTED


def _state_progress(fiscal_year, indicators, months, statuses):
    """{indicator id: {State: {month: Progress}}} of the entidad avances of the indicators."""
    found = defaultdict(lambda: defaultdict(dict))
    for item in Progress.objects.filter(indicator_id__in=[i.pk for i in indicators], fiscal_year=fiscal_year,
                                        month__in=list(months), state__isnull=False,
                                        status__in=statuses).select_related("state"):
        found[item.indicator_id][item.state][item.month] = item
    return found


def _state_rows(indicator, by_state, header):
    rows = []
    for state in sorted(by_state, key=lambda s: s.clave):
        cells = {**ficha_cells(indicator), **hacienda_cells(indicator), "ID_ENTIDAD_FEDERATIVA": state.clave,
                 "ENTIDAD_FEDERATIVA": state.name}
        for month, item in by_state[state].items():
            cells.update(month_cells(month, None, item))
        rows.append([cells.get(column, "") for column in header])
    return rows


def _text(value):
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else plain_number(value)


def ficha_cells(indicator):
    program = indicator.matrix.program
    objective = indicator.objective
    return {
        "CICLO": str(indicator.fiscal_year), "ID_RAMO": program.ramo.clave, "DESC_RAMO": program.ramo.name,
        "ID_UR": indicator.responsible_unit.clave, "DESC_UR": indicator.responsible_unit.name,
        "ID_MODALIDAD": program.modalidad, "DESC_MODALIDAD": program.modalidad_name,
        "ID_PP": f"{program.number:03d}", "DESC_PP": program.name,
        "ID_MATRIZ": indicator.matrix.external_id, "DESC_MATRIZ": indicator.matrix.name,
        "ID_NIVEL": str(ID_BY_LEVEL.get(objective.level, "")), "DESC_NIVEL": objective.level,
        "ID_OBJETIVO": objective.clave, "ID_OBJETIVO_PADRE": objective.parent.clave if objective.parent else "",
        "DESC_OBJETIVO": objective.summary, "ID_INDICADOR": indicator.external_id,
        "NOMBRE_INDICADOR": indicator.name, "DEFINICION_INDICADOR": indicator.definition,
        "METODO_CALCULO": indicator.calculation_method, "TIPO_RELATIVO": indicator.value_type,
        "FRECUENCIA": indicator.frequency, "TIPO_INDICADOR": indicator.indicator_type,
        "DIMENSION": indicator.dimension, "UNIDAD_MEDIDA": indicator.unit_of_measure,
        "SENTIDO": indicator.direction, "ACUMULADO": indicator.accumulation,
        "LINEA_BASE": _text(indicator.baseline_value), "CICLO_LINEA_BASE": _text(indicator.baseline_year),
        "UMBRAL_VERDE_AMARILLO": _text(indicator.threshold_green_yellow),
        "UMBRAL_AMARILLO_ROJO": _text(indicator.threshold_yellow_red), "FACTOR": _text(indicator.factor),
    }


def hacienda_cells(indicator):
    """The Hacienda columns SIMIR keeps (its programme's and its own) and the columns of its imported
    file that SIMIR does not model, as they were read."""
    program = indicator.matrix.program
    cells = {column: getattr(program, name) for column, name in layout.PROGRAM_HACIENDA_COLUMNS.items()}
    cells.update({column: getattr(indicator, name) for column, name in layout.INDICATOR_HACIENDA_COLUMNS.items()})
    cells[layout.PREVIOUS_INDICATOR] = indicator.previous_external_id
    cells.update(indicator.extra_columns)
    return cells


def extra_headers(ids, header):
    """The columns not modelled that the indicators of `ids` brought from their files, in alphabetical
    order (PostgreSQL does not keep a JSON object's key order), without those `header` already has."""
    names = set()
    for start in range(0, len(ids), BATCH):
        for extra in Indicator.objects.filter(pk__in=ids[start:start + BATCH]).exclude(extra_columns={}).values_list(
                "extra_columns", flat=True):
            names.update(extra)
    return sorted(names - set(header))


def _quantity(prefix, holder):
    if holder is None:
        return {}
    return {prefix: _text(holder.value), f"{prefix}_NUM": _text(holder.numerator), f"{prefix}_DEN": _text(holder.denominator)}


def month_cells(month, target, progress):
    cells = {}
    if target is not None and (target.value is not None or target.numerator is not None):
        cells.update(_quantity(layout.meta(month), target))
    adjustment = target.current_adjustment() if target is not None else None
    if adjustment is not None:
        cells.update(_quantity(layout.adjusted(month), adjustment))
        cells[layout.adjustment_justification(month)] = adjustment.justification
    if progress is not None:
        cells.update(_quantity(layout.avance(month), progress))
        cells[layout.cause(month)] = progress.cause
        cells[layout.effect(month)] = progress.effect
        cells[layout.other_reasons(month)] = progress.other_reasons
    return cells


def _cp_cells(indicator):
    return {
        "META_AJUSTADA_CP": _text(indicator.cp_adjusted_target), "AVANCE_CP": _text(indicator.cp_progress),
        "AVANCE_CAUSA_CP": indicator.cp_cause, "AVANCE_EFECTO_CP": indicator.cp_effect,
        "AVANCE_OTROS_MOTIVOS_CP": indicator.cp_other_reasons,
    }


def period_outcome(indicator, target, progress, policy):
    """The result of a period with both meta and avance (the only case with a value to write)."""
    meta = target.current_value if target is not None else None
    if meta is None or progress is None:
        return None
    limits = rules.thresholds(indicator.indicator_type, indicator.threshold_green_yellow,
                              indicator.threshold_yellow_red, policy.default_thresholds)
    return rules.quarter_outcome(meta, True, True, progress.value, indicator.direction, limits, False,
                                 policy.descending_ratio)


def _compliance_text(outcome):
    if outcome is None:
        return ""
    return "N/A" if outcome.cumplimiento is None else two_decimals(outcome.cumplimiento)


class Notice(str):
    """An aviso: its text, and its kind so that thousands of them can be counted by kind."""

    def __new__(cls, kind, text):
        notice = super().__new__(cls, text)
        notice.kind = kind
        return notice


# The kinds of aviso, in the order a summary lists them.
NO_META, NOT_APPROVED, NO_JUSTIFICATION, ENCODING = "sin meta", "no aprobado", "sin justificación", "codificación"


def _warnings(indicator, fiscal_year, month, target, progress, outcome):
    """What would make the file unacceptable to Hacienda, or should be said about it."""
    where = f"{indicator.external_id} {fiscal_year}-{month:02d}"
    found = []
    if rules.is_period_month(indicator.frequency, month) and (target is None or target.current_value is None):
        if rules.measured_in_year(indicator.frequency, False):
            found.append(Notice(NO_META, f"aviso: {where}: sin meta para un periodo que su frecuencia "
                                         f"({indicator.frequency}) exige."))
    if progress is not None:
        if progress.status != ProgressStatus.APROBADO:
            found.append(Notice(NOT_APPROVED, f"aviso: {where}: el avance está "
                                              f"{progress.get_status_display().lower()}, aún no aprobado."))
        if outcome and rules.justification_required(outcome.semaforo) and not (progress.cause and progress.effect):
            found.append(Notice(NO_JUSTIFICATION, f"aviso: {where}: semáforo {outcome.semaforo} sin causa y efecto."))
    return found


def write_csv(header, rows, stream, encoding="utf-8-sig"):
    """Write the CSV into the binary file `stream` and return its warnings: comma separated, CRLF,
    UTF-8 with BOM or the encoding asked for; characters the encoding lacks become «?», and that is
    said. Each row is encoded and written as it is made: no copy of the whole file is held."""
    sink = _EncodedSink(stream, encoding)
    writer = csv_writer(sink, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    if not sink.replaced:
        return []
    return [Notice(ENCODING, f"aviso: hay caracteres sin equivalente en {encoding}; se escribieron como «?».")]


class _EncodedSink:
    """A text file for csv.writer that writes the encoded bytes into a binary file, noting whether any
    character had to be replaced."""

    def __init__(self, stream, encoding):
        self.stream = stream
        self.replaced = False
        self._encoder = codecs.getincrementalencoder(encoding)()  # utf-8-sig writes its BOM once
        self._plain = "utf-8" if encoding == "utf-8-sig" else encoding

    def write(self, text):
        try:
            data = self._encoder.encode(text)
        except UnicodeEncodeError:
            self.replaced = True
            data = self._encoder.encode(text.encode(self._plain, errors="replace").decode(self._plain))
        self.stream.write(data)
