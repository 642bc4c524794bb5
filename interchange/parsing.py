"""Validating the rows of an interchange file into typed records, collecting every error."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from common.ids import parse_int
from common.text import validate_single_line
from indicators import rules
from indicators.models import JUSTIFICATION_MAX
from interchange import layout
from interchange.catalogs import CLOSED_CATALOGS, KEPT, KEPT_NOTES, allowed_values, canonical
from programs.models import LEVEL_BY_ID, Level

STATES = 32  # entidades federativas, INEGI claves 01 to 32
# Years an ejercicio or a línea base may have; beyond them a cell is a typing error, not a year.
FIRST_YEAR, LAST_YEAR = 1900, 2200


@dataclass(frozen=True)
class Quantity:
    """A value with the numerador/denominador that decide it (value None only for 0 / 0)."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass
class MonthData:
    meta: Quantity | None = None
    adjusted: Quantity | None = None
    adjustment_justification: str = ""
    avance: Quantity | None = None
    cause: str = ""
    effect: str = ""
    other_reasons: str = ""


@dataclass
class IndicatorRow:
    number: int
    fiscal_year: int
    ramo: str
    ramo_name: str
    ur: str
    ur_name: str
    modalidad: str
    modalidad_name: str
    program_number: int
    program_name: str
    matrix_id: str
    matrix_name: str
    level: str
    objective: str
    parent_objective: str
    objective_summary: str
    indicator_id: str
    ficha: dict  # Indicator field name → value, only for cells that were given
    state: str = ""  # the entidad's INEGI clave (01-32) of a state figure; empty for the national one
    months: dict = field(default_factory=dict)  # month → MonthData
    cp: dict = field(default_factory=dict)
    program_hacienda: dict = field(default_factory=dict)  # Program field name → value, only cells given
    extra: dict = field(default_factory=dict)  # header → value of the columns SIMIR does not model

    @property
    def program_key(self):
        return (self.fiscal_year, self.ramo, self.modalidad, self.program_number)

    @property
    def program_clave(self):
        return f"{self.modalidad}{self.program_number:03d}"


class RowReader:
    """Reads the cells of one row, recording an error per bad cell instead of stopping. `sink` takes
    the errors (`error(number, column, message)`) and avisos (`warn`), counts the normalisations
    (`notes`), says whether a source's own arithmetic must agree (`strict`) and, for parse_row, which
    columns of the header SIMIR does not model (`extra_columns`)."""

    def __init__(self, number, cells, sink):
        self.number = number
        self.cells = cells
        self.sink = sink
        self.notes = sink.notes

    def error(self, column, message):
        self.sink.error(self.number, column, message)

    def text(self, column, required=False, max_length=None):
        value = self.cells.get(column, "")
        if required and not value:
            self.error(column, "es obligatoria y está vacía.")
        if max_length and len(value) > max_length:
            self.error(column, f"tiene {len(value)} caracteres; el máximo es {max_length}.")
        return value

    def identifier(self, column, required=False, max_length=None):
        """An ID_* cell: one line (it goes into mail subjects and file names)."""
        value = self.text(column, required=required, max_length=max_length)
        try:
            validate_single_line(value)
        except ValidationError as exc:
            self.error(column, exc.messages[0])
        return value

    def decimal(self, column):
        """A number cell: text as written in Mexico (rules.parse_value, the capture's reader too);
        XLSX numeric cells arrive as their exact plain decimal text (reader._cell_text)."""
        raw = self.cells.get(column)
        if raw is None:  # most cells of a wide file
            return None
        try:
            return rules.parse_value(raw)
        except ValueError as exc:
            self.error(column, f"«{raw}» {exc}.")
            return None

    def year(self, column, required=False):
        """A year (CICLO, CICLO_LINEA_BASE): ASCII digits only (`str.isdigit` also takes «²»)."""
        raw = self.text(column, required=required)
        if not raw:
            return None
        if parse_int(raw, minimum=FIRST_YEAR, maximum=LAST_YEAR) is None:
            self.error(column, f"«{raw}» no es un año entre {FIRST_YEAR} y {LAST_YEAR}.")
            return None
        return int(raw)

    def catalog(self, column, required=False, max_length=None):
        """A catalog value, canonical when recognised; an open catalog keeps an unknown one as written
        (within its column's length)."""
        raw = self.text(column, required=required, max_length=max_length)
        if not raw:
            return ""
        value = canonical(column, raw)
        if value is None:
            if column in CLOSED_CATALOGS:
                self.error(column, f"«{raw}» no es un valor válido; se admite: {allowed_values(column)}.")
                return ""
            self.notes[(KEPT_NOTES.get(column, KEPT), column, raw, raw)] += 1
            return raw
        if value != raw:
            self.notes[("normalizado", column, raw, value)] += 1
        return value

    def quantity(self, column, factor):
        if column not in self.cells and f"{column}_NUM" not in self.cells and f"{column}_DEN" not in self.cells:
            return None
        value = self.decimal(column)
        numerator = self.decimal(f"{column}_NUM")
        denominator = self.decimal(f"{column}_DEN")
        given_num = bool(self.cells.get(f"{column}_NUM"))
        given_den = bool(self.cells.get(f"{column}_DEN"))
        if given_num != given_den:
            missing = f"{column}_DEN" if given_num else f"{column}_NUM"
            self.error(missing, f"{column}_NUM y {column}_DEN van juntos; falta este.")
            return None
        if numerator is None or denominator is None:
            return Quantity(value) if value is not None else None
        try:
            derived = rules.ratio_value(numerator, denominator, factor)
        except rules.DerivedOutOfBounds as exc:
            self.error(column, f"el valor calculado {column}_NUM / {column}_DEN × {rules.show(factor)} = "
                               f"{rules.show(exc.derived)} {exc.problem}; no se redondea.")
            return None
        except rules.InvalidRatio:
            self.error(f"{column}_DEN", f"el denominador es 0 y el numerador ({numerator}) no; no hay cociente.")
            return None
        if value is not None and not rules.agrees_with(value, derived):
            disagreement = f"el valor {value} no coincide con {column}_NUM / {column}_DEN × {factor} = {derived}"
            if self.sink.strict:
                self.error(column, f"{disagreement}.")
                return None
            # The figure Hacienda published is the official one: kept as printed, with its own
            # numerador/denominador, and said (docs/intercambio.md, «Meses, numerador y denominador»).
            self.sink.warn(self.number, column, f"{disagreement} ({numerator} / {denominator}); "
                                                f"se importa como se imprimió, {value}.")
            return Quantity(value, numerator, denominator)
        return Quantity(derived, numerator, denominator)


def parse_level(reader):
    level_id = reader.text("ID_NIVEL")
    by_id = None
    if level_id:
        by_id = LEVEL_BY_ID.get(parse_int(level_id, minimum=0))
        if by_id is None:
            reader.error("ID_NIVEL", f"«{level_id}» no es válido; se admite 1 Fin, 2 Propósito, 3 Componente, 4 Actividad, 5 FID.")
    by_name = reader.catalog("DESC_NIVEL")
    if by_id and by_name and by_id != by_name:
        reader.error("DESC_NIVEL", f"«{by_name}» no corresponde a ID_NIVEL {level_id} ({by_id}).")
    level = by_id or by_name
    if not level and level_id is None and not reader.cells.get("DESC_NIVEL"):
        reader.error("DESC_NIVEL", "es obligatoria si ID_NIVEL está vacía.")
    return level


def parse_program(reader):
    raw = reader.text("ID_PP", required=True)
    letter = reader.text("ID_MODALIDAD").upper()
    match = re.fullmatch(r"([A-Za-z])?\s*([0-9]{1,3})", raw)  # ASCII digits: int("٣") is 3
    if raw and not match:
        reader.error("ID_PP", f"«{raw}» no es una clave de programa: use el número (1, 001) o la clave completa (E001).")
        return letter, None
    if not match:
        return letter, None
    if match.group(1):
        if letter and letter != match.group(1).upper():
            reader.error("ID_MODALIDAD", f"«{letter}» no coincide con la modalidad de ID_PP «{raw}».")
        letter = match.group(1).upper()
    elif not letter:
        reader.error("ID_MODALIDAD", f"es obligatoria cuando ID_PP es solo un número («{raw}»).")
    elif not re.fullmatch(r"[A-Z]", letter):
        reader.error("ID_MODALIDAD", f"«{letter}» no es una letra de modalidad.")
    return letter, int(match.group(2))


def parse_state(reader):
    """ID_ENTIDAD_FEDERATIVA: the INEGI clave of the entidad a row is the figure of (1 or 01 to 32);
    empty for the national figure."""
    raw = reader.text(layout.STATE_COLUMN)
    if not raw:
        return ""
    number = parse_int(raw, minimum=1, maximum=STATES)
    if number is None:
        reader.error(layout.STATE_COLUMN, f"«{raw}» no es una entidad federativa: use su clave INEGI, de 1 (01) "
                                              f"a {STATES}; vacía, la cifra nacional.")
        return raw  # never written (the row has an error), but not taken for the national row either
    return f"{number:02d}"


def parse_row(number, cells, sink):
    reader = RowReader(number, cells, sink)
    fiscal_year = reader.year("CICLO", required=True)
    modalidad, program_number = parse_program(reader)
    level = parse_level(reader)
    objective = reader.identifier("ID_OBJETIVO", max_length=30)
    if level and level != Level.FID and not objective:
        reader.error("ID_OBJETIVO", "es obligatoria salvo en filas FID.")
    frequency = reader.catalog("FRECUENCIA", required=True)
    value_type = reader.catalog("TIPO_RELATIVO", max_length=60)
    factor = reader.decimal("FACTOR")
    if factor is not None and factor == 0:
        reader.error("FACTOR", "no puede ser 0.")
        factor = None
    green_yellow = reader.decimal("UMBRAL_VERDE_AMARILLO")
    yellow_red = reader.decimal("UMBRAL_AMARILLO_ROJO")
    threshold_errors(reader, green_yellow, yellow_red)
    ficha = {
        "name": reader.text("NOMBRE_INDICADOR", required=True, max_length=1000),
        "definition": reader.text("DEFINICION_INDICADOR"),
        "calculation_method": reader.text("METODO_CALCULO"),
        "value_type": value_type,
        "frequency": frequency,
        "indicator_type": reader.catalog("TIPO_INDICADOR", max_length=20),
        "dimension": reader.catalog("DIMENSION", max_length=100),
        "unit_of_measure": reader.catalog("UNIDAD_MEDIDA", max_length=200),
        "direction": reader.catalog("SENTIDO", required=True),
        "accumulation": reader.catalog("ACUMULADO"),
        "baseline_value": reader.decimal("LINEA_BASE"),
        "baseline_year": reader.year("CICLO_LINEA_BASE"),
        "threshold_green_yellow": green_yellow,
        "threshold_yellow_red": yellow_red,
        "factor": factor,
    }
    row = IndicatorRow(
        number=number,
        fiscal_year=fiscal_year,
        ramo=reader.identifier("ID_RAMO", required=True, max_length=10),
        ramo_name=reader.text("DESC_RAMO", max_length=255),
        ur=reader.identifier("ID_UR", required=True, max_length=10),
        ur_name=reader.text("DESC_UR", max_length=255),
        modalidad=modalidad,
        modalidad_name=reader.text("DESC_MODALIDAD", max_length=255),
        program_number=program_number,
        program_name=reader.text("DESC_PP", max_length=500),
        matrix_id=reader.identifier("ID_MATRIZ", max_length=30),
        matrix_name=reader.text("DESC_MATRIZ", max_length=500),
        level=level,
        objective=objective,
        parent_objective=reader.identifier("ID_OBJETIVO_PADRE", max_length=30),
        objective_summary=reader.text("DESC_OBJETIVO"),
        indicator_id=reader.identifier("ID_INDICADOR", required=True, max_length=40),
        ficha={key: value for key, value in ficha.items() if value not in (None, "")},
        state=parse_state(reader),
    )
    effective = rules.effective_factor(value_type, factor)
    for month in sorted({layout.COLUMN_MONTH[c] for c in cells if c in layout.COLUMN_MONTH}):
        data = parse_month(reader, month, frequency, effective)
        if data:
            row.months[month] = data
    row.cp = {
        key: value
        for key, value in {
            "cp_adjusted_target": reader.decimal("META_AJUSTADA_CP"),
            "cp_progress": reader.decimal("AVANCE_CP"),
            "cp_cause": reader.text("AVANCE_CAUSA_CP", max_length=JUSTIFICATION_MAX),
            "cp_effect": reader.text("AVANCE_EFECTO_CP", max_length=JUSTIFICATION_MAX),
            "cp_other_reasons": reader.text("AVANCE_OTROS_MOTIVOS_CP", max_length=JUSTIFICATION_MAX),
        }.items()
        if value not in (None, "")
    }
    row.ficha.update(hacienda_values(reader, layout.INDICATOR_HACIENDA_COLUMNS))
    previous = reader.identifier(layout.PREVIOUS_INDICATOR, max_length=40)
    if previous:
        row.ficha["previous_external_id"] = previous
    row.program_hacienda = hacienda_values(reader, layout.PROGRAM_HACIENDA_COLUMNS)
    row.extra = {column: cells[column] for column in sink.extra_columns if column in cells}
    return row


def hacienda_values(reader, columns):
    """{field: text} of the Hacienda columns SIMIR keeps as published (layout.*_HACIENDA_COLUMNS), only
    those given: an empty cell keeps what is stored."""
    values = {}
    for column, name in columns.items():
        value = reader.text(column, max_length=JUSTIFICATION_MAX)
        if value:
            values[name] = value
    return values


def threshold_errors(reader, green_yellow, yellow_red):
    given_gy = bool(reader.cells.get("UMBRAL_VERDE_AMARILLO"))
    given_yr = bool(reader.cells.get("UMBRAL_AMARILLO_ROJO"))
    if given_gy != given_yr:
        missing = "UMBRAL_AMARILLO_ROJO" if given_gy else "UMBRAL_VERDE_AMARILLO"
        reader.error(missing, "los dos umbrales del semáforo se dan juntos o ninguno; falta este.")
    for column, value in (("UMBRAL_VERDE_AMARILLO", green_yellow), ("UMBRAL_AMARILLO_ROJO", yellow_red)):
        if value is not None and value < 0:
            reader.error(column, "el umbral no puede ser negativo.")
        elif value is not None and rules.threshold_problem(value):
            reader.error(column, f"«{reader.cells[column]}» {rules.threshold_problem(value)}.")
    if green_yellow is not None and yellow_red is not None and green_yellow > yellow_red:
        reader.error("UMBRAL_AMARILLO_ROJO", f"debe ser mayor o igual que UMBRAL_VERDE_AMARILLO ({green_yellow}).")


def parse_month(reader, month, frequency, factor):
    names, cells = layout.MONTH_COLUMNS[month], reader.cells
    given = [column for column in names if column in cells]
    if not given:
        return None
    if frequency and not rules.is_period_month(frequency, month):
        months = ", ".join(str(m) for m in rules.period_months(frequency))
        for column in given:
            reader.error(column, f"el mes {month} no cierra un periodo de frecuencia {frequency}; los meses válidos son {months}.")
        return None
    data = MonthData(
        meta=reader.quantity(names.meta, factor),
        adjusted=reader.quantity(names.adjusted, factor),
        adjustment_justification=reader.text(names.adjustment_justification, max_length=JUSTIFICATION_MAX),
        avance=reader.quantity(names.avance, factor),
        cause=reader.text(names.cause, max_length=JUSTIFICATION_MAX),
        effect=reader.text(names.effect, max_length=JUSTIFICATION_MAX),
        other_reasons=reader.text(names.other_reasons, max_length=JUSTIFICATION_MAX),
    )
    if names.avance not in cells and names.avance_num not in cells:
        for column in (names.cause, names.effect, names.other_reasons):
            if column in cells:
                reader.error(column, f"hay justificación pero no hay avance en el mes {month}.")
    if data.adjustment_justification and names.adjusted not in cells and names.adjusted_num not in cells:
        reader.error(names.adjustment_justification, f"hay justificación de ajuste pero no hay meta ajustada en el mes {month}.")
    return data
