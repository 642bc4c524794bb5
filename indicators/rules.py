"""The rules of docs/reglas.md that decide numbers. Every other module calls these; none re-implements them."""

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from common.numbers import parse_decimal
from indicators.choices import Accumulation, Direction, Frequency, IndicatorType, ValueType

MEXICO_CITY = ZoneInfo("America/Mexico_City")

PERIOD_END_MONTHS = {
    Frequency.MENSUAL: tuple(range(1, 13)),
    Frequency.BIMESTRAL: (2, 4, 6, 8, 10, 12),
    Frequency.TRIMESTRAL: (3, 6, 9, 12),
    Frequency.CUATRIMESTRAL: (4, 8, 12),
    Frequency.SEMESTRAL: (6, 12),
    Frequency.ANUAL: (12,),
    # Measured less often than yearly: month 12 of the years in which it has a meta.
    Frequency.BIENAL: (12,),
    Frequency.TRIENAL: (12,),
    Frequency.QUINQUENAL: (12,),
    Frequency.SEXENAL: (12,),
}


# --- Numbers that can be stored and computed (docs/reglas.md §1) -----------------------------
# One bound for every meta, avance, numerador, denominador, factor and value derived from them: at
# most 15 figures (integer digits and decimals together) and at most 6 decimals. 15 significant
# digits is what SQLite's REAL keeps exactly (PostgreSQL's numeric keeps more); 6 decimals is what
# the columns keep. The sizes of the columns that hold results are derived from it below.
MAX_DIGITS = 15
MAX_DECIMALS = 6
MAX_VALUE = Decimal(10) ** MAX_DIGITS  # exclusive: 999,999,999,999,999 is the largest value
LARGEST = MAX_VALUE - 1
VALUE_PLACES = Decimal(1).scaleb(-MAX_DECIMALS)  # derived values are kept with 6 decimals
SMALLEST = VALUE_PLACES  # the smallest |value| other than 0
SAFE_MAGNITUDE = Decimal(10) ** (MAX_DIGITS - MAX_DECIMALS)  # below it, 6 decimals always fit in 15 figures
# The largest |c| from bounded A and M is A = 999,999,999,999,999 against M = −0.000001:
# 100 + (A − M) / |M| × 100 = LARGEST × 10^8 + 200, under 10^23.
COMPLIANCE_INTEGER_DIGITS = MAX_DIGITS + MAX_DECIMALS + 2
# Columns holding a cumplimiento (2 decimals) get one digit of room: SQLite reads a REAL back
# rounded to 15 significant digits, which can round up to the next power of ten, and Django raises
# on a value read with more digits than its column.
COMPLIANCE_MAX_DIGITS = COMPLIANCE_INTEGER_DIGITS + 1 + 2
# A sum of cumplimientos in hundredths, over as many results as a PositiveIntegerField counts (< 10^10).
COMPLIANCE_SUM_MAX_DIGITS = COMPLIANCE_INTEGER_DIGITS + 1 + 2 + 10
WIDE_PRECISION = 80  # precision of intermediate arithmetic: exact for any bounded input
WIDE = Context(prec=WIDE_PRECISION)


def figures(number):
    """(figures, decimals) of a finite number: digits from its first integer digit to its last
    non-zero decimal (1,234.50 → (5, 1); 0.05 → (2, 2); 1E+3 → (4, 0); 0 → (0, 0))."""
    _, digits, exponent = number.as_tuple()
    text = "".join(map(str, digits)).lstrip("0")
    if exponent < 0:  # trailing zeros of the fraction change nothing
        trimmed = min(len(text) - len(text.rstrip("0")), -exponent)
        text, exponent = text[:len(text) - trimmed], exponent + trimmed
    if not text:
        return 0, 0
    decimals = max(-exponent, 0)
    return max(len(text) + exponent, 0) + decimals, decimals


def number_problem(number):
    """Why a number cannot be stored and computed, or None: at most 15 figures (integer digits and
    decimals together) and at most 6 decimals. Never rounded to fit."""
    if not number.is_finite():
        return "no es un número finito"
    if number.as_tuple().exponent >= -MAX_DECIMALS and abs(number) < SAFE_MAGNITUDE:
        return None  # the common case, without counting figures: at most 9 integer digits and 6 decimals
    count, decimals = figures(number)
    if decimals > MAX_DECIMALS:
        return f"tiene {decimals} decimales; se admiten a lo más {MAX_DECIMALS}"
    if count > MAX_DIGITS:
        return (f"tiene {count} cifras; se admiten a lo más {MAX_DIGITS} entre enteras y decimales "
                f"(el mayor número es {LARGEST:,})")
    return None


# Umbrales del semáforo are percentage points with 2 decimals, under 100,000 (their columns).
THRESHOLD_DECIMALS = 2
THRESHOLD_MAX_DIGITS = 7
THRESHOLD_LARGEST = Decimal(10) ** (THRESHOLD_MAX_DIGITS - THRESHOLD_DECIMALS) - Decimal(1).scaleb(-THRESHOLD_DECIMALS)


def threshold_problem(value):
    """Why an umbral cannot be stored as written, or None (never rounded to fit)."""
    count, decimals = figures(value)
    if decimals > THRESHOLD_DECIMALS:
        return f"tiene {decimals} decimales; un umbral admite a lo más {THRESHOLD_DECIMALS}"
    if count - decimals > THRESHOLD_MAX_DIGITS - THRESHOLD_DECIMALS:
        return f"es demasiado grande para un umbral (a lo más {THRESHOLD_LARGEST:,} puntos)"
    return None


# Digits with at most 9 integer places and 6 decimals: always inside the bound, read as is. Most
# cells of a file are such (an import reads millions of them).
_PLAIN_NUMBER = re.compile(rf"[0-9]{{1,{MAX_DIGITS - MAX_DECIMALS}}}(?:\.[0-9]{{1,{MAX_DECIMALS}}})?")


def parse_value(text):
    """A number typed in the capture or written in a file: read as written in Mexico
    (`common.numbers.parse_decimal`) and inside the bound. None for empty text; a ValueError whose
    text is the reason (written to follow the text quoted in «…») otherwise."""
    if _PLAIN_NUMBER.fullmatch(text):
        return Decimal(text)
    number = parse_decimal(text)
    if number is None:
        return None
    problem = number_problem(number)
    if problem:
        raise ValueError(problem)
    if number.as_tuple().exponent < -MAX_DECIMALS:  # only zeros beyond the 6th decimal: exact
        number = number.quantize(VALUE_PLACES)
    return number


def show(number):
    """A number as messages quote it: es-MX grouping, its decimals without trailing zeros (1,955.5)."""
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def period_months(frequency):
    """End months of the periods of an ejercicio for a frecuencia (a Frequency or its text)."""
    try:
        return PERIOD_END_MONTHS[frequency]  # a member hashes as its text: no Frequency(…) per call
    except KeyError:
        raise ValueError(f"{frequency!r} is not a valid Frequency") from None


def is_period_month(frequency, month):
    return month in period_months(frequency)


def effective_factor(value_type, factor=None):
    """The ficha's factor, else 100 for Porcentaje and 1 for every other tipo de valor."""
    if factor is not None:
        return factor
    return Decimal(100) if value_type == ValueType.PORCENTAJE else Decimal(1)


class InvalidRatio(ValueError):
    """A numerador / denominador that gives no value that can be stored."""


class DerivedOutOfBounds(InvalidRatio):
    """numerador / denominador × factor, rounded to 6 decimals, is outside the bound: refused, never
    rounded to something else. The text names the figure; callers name the field."""

    def __init__(self, numerator, denominator, factor, derived, problem):
        self.numerator, self.denominator, self.factor = numerator, denominator, factor
        self.derived, self.problem = derived, problem
        super().__init__(f"El valor calculado, {show(numerator)} / {show(denominator)} × {show(factor)} = "
                         f"{show(derived)}, {problem}.")


def ratio_value(numerator, denominator, factor):
    """numerador / denominador × factor, rounded half-up to 6 decimals; None for 0 / 0. A result
    outside the bound raises DerivedOutOfBounds: derived values keep their 6 decimals or are refused."""
    if denominator == 0:
        if numerator == 0:
            return None
        raise InvalidRatio("El denominador es 0 y el numerador no: el cociente no existe.")
    if number_problem(numerator) or number_problem(denominator):
        raise InvalidRatio("El numerador o el denominador no es un número que se pueda guardar.")
    # Room for any ratio of bounded numbers (a Context of its own: localcontext costs more than the sum).
    derived = WIDE.multiply(WIDE.divide(numerator, denominator), factor).quantize(
        VALUE_PLACES, rounding=ROUND_HALF_UP, context=WIDE)
    problem = number_problem(derived)
    if problem:
        raise DerivedOutOfBounds(numerator, denominator, factor, derived, problem)
    return derived


def agrees_with(given, derived):
    """A given value agrees with a derived one when the derived value, rounded half-up to the
    given value's decimals, equals it (1,955 / 2,416 → 80.918874… agrees with 80.92)."""
    if derived is None:
        return False
    exponent = min(given.as_tuple().exponent, 0)
    return derived.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) == given


# --- Quarters -------------------------------------------------------------------------------

QUARTERS = (1, 2, 3, 4)
LESS_THAN_YEARLY = {Frequency.BIENAL, Frequency.TRIENAL, Frequency.QUINQUENAL, Frequency.SEXENAL}


def quarter_months(quarter):
    return range(3 * quarter - 2, 3 * quarter + 1)


def quarter_of_month(month):
    return (month - 1) // 3 + 1


def quarter_period_month(frequency, quarter):
    """The end month of the indicator's period that gives the quarterly result: the largest period
    end month inside the quarter, or None ("sin meta en el trimestre")."""
    months = [m for m in period_months(frequency) if m in quarter_months(quarter)]
    return max(months) if months else None


def measured_in_year(frequency, has_meta_in_year):
    """Indicators measured less often than yearly only have periods in the years with a meta."""
    return has_meta_in_year or frequency not in LESS_THAN_YEARLY  # the choices hash as their text


def quarter_close(fiscal_year, quarter):
    """Default close of a quarter's capture: the end of the last day of the month after the
    quarter, in America/Mexico_City. Returned as the first instant after it (exclusive bound)."""
    month_after = 3 * quarter + 1
    year, month = (fiscal_year, month_after) if month_after <= 12 else (fiscal_year + 1, month_after - 12)
    # The first instant of the month after that one.
    next_year, next_month = (year, month + 1) if month < 12 else (year + 1, 1)
    return datetime(next_year, next_month, 1, tzinfo=MEXICO_CITY)


# --- Meta vigente -----------------------------------------------------------------------------


def meta_vigente(programmed, approved_adjustments):
    """The adjusted meta approved last (by approval time, then by id), else the programmed one.

    `approved_adjustments` holds (decided_at, id, value); returns (value, id of the adjustment used
    or None for the programmed meta)."""
    latest = max(approved_adjustments, key=lambda item: (item[0], item[1]), default=None)
    return (latest[2], latest[1]) if latest else (programmed, None)


# --- Cumplimiento ---------------------------------------------------------------------------

COMPLIANCE_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def compliance(meta, avance, direction, descending_ratio=False):
    """Porcentaje de cumplimiento `c`, rounded half-up to 2 decimals, never below 0.
    Returns None when it is undefined (meta 0 with avance ≠ 0). Both values must be given."""
    if meta == 0:
        return HUNDRED.quantize(COMPLIANCE_PLACES) if avance == 0 else None
    with localcontext() as context:  # rounded once, at the end, whatever the size of A / M
        context.prec = WIDE_PRECISION
        if direction == Direction.ASCENDENTE:
            raw = HUNDRED + (avance - meta) / abs(meta) * HUNDRED
        elif direction == Direction.DESCENDENTE:
            if descending_ratio and meta > 0 and avance > 0:
                raw = meta / avance * HUNDRED
            else:
                raw = HUNDRED - (avance - meta) / abs(meta) * HUNDRED
        else:
            raw = HUNDRED - abs(avance - meta) / abs(meta) * HUNDRED
        return max(raw, Decimal(0)).quantize(COMPLIANCE_PLACES, rounding=ROUND_HALF_UP)


# --- Semáforo -------------------------------------------------------------------------------


class Semaforo:
    VERDE = "verde"
    AMARILLO = "amarillo"
    ROJO = "rojo"
    GRIS = "gris"
    CHOICES = [(VERDE, _("Verde")), (AMARILLO, _("Amarillo")), (ROJO, _("Rojo")), (GRIS, _("Gris"))]


DEFAULT_THRESHOLDS = {
    IndicatorType.GESTION: (Decimal(10), Decimal(20)),
    IndicatorType.ESTRATEGICO: (Decimal(5), Decimal(10)),
}


def thresholds(indicator_type, green_yellow=None, yellow_red=None, defaults=None):
    """The ficha's (UVA, UAR), else the ejercicio's default for the tipo (empty tipo = Gestión)."""
    if green_yellow is not None and yellow_red is not None:
        return green_yellow, yellow_red
    table = defaults or DEFAULT_THRESHOLDS
    return table[IndicatorType.ESTRATEGICO if indicator_type == IndicatorType.ESTRATEGICO else IndicatorType.GESTION]


def semaforo(c, green_yellow, yellow_red):
    """Band of a rounded cumplimiento; None (undefined c, meta 0 with avance ≠ 0) is rojo."""
    if c is None:
        return Semaforo.ROJO
    deviation = abs(c - HUNDRED)
    if deviation <= green_yellow:
        return Semaforo.VERDE
    if deviation <= yellow_red:
        return Semaforo.AMARILLO
    return Semaforo.ROJO


def justification_required(light):
    """Causa and efecto are required to submit an avance whose semáforo is not verde."""
    return light is not None and light != Semaforo.VERDE


# --- Quarterly result -----------------------------------------------------------------------


class Estado:
    CON_RESULTADO = "con resultado"
    SIN_META = "sin meta"
    PENDIENTE = "pendiente"
    SIN_REPORTE = "sin reporte"
    CHOICES = [(CON_RESULTADO, _("Con resultado")), (SIN_META, _("Sin meta")), (PENDIENTE, _("Pendiente")),
               (SIN_REPORTE, _("Sin reporte"))]


class QuarterOutcome(NamedTuple):  # a tuple: one is built for every result of a full recompute
    estado: str
    cumplimiento: Decimal | None = None
    semaforo: str | None = None


def quarter_outcome(meta, has_meta, reported, avance, direction, limits, window_open, descending_ratio=False):
    """The result of one indicator in one quarter.

    `has_meta`: a meta exists for the period (a 0 / 0 meta is no meta); `reported`: an avance was
    sent or approved; `avance` is None for a reported 0 / 0 avance; `limits` is (UVA, UAR)."""
    if not has_meta:
        return QuarterOutcome(Estado.SIN_META)
    if not reported:
        return QuarterOutcome(Estado.PENDIENTE) if window_open else QuarterOutcome(Estado.SIN_REPORTE, None, Semaforo.GRIS)
    if avance is None:
        return QuarterOutcome(Estado.CON_RESULTADO, None, Semaforo.GRIS)
    c = compliance(meta, avance, direction, descending_ratio)
    return QuarterOutcome(Estado.CON_RESULTADO, c, semaforo(c, *limits))


# --- Aggregates -----------------------------------------------------------------------------


def percentage(part, whole):
    """part / whole × 100 with 2 decimals half-up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole) * HUNDRED).quantize(COMPLIANCE_PLACES, rounding=ROUND_HALF_UP)


def mean_compliance(total, count):
    """Mean of the rounded `c` values (given as their total and count), rounded half-up to 2
    decimals; None without values."""
    if not count:
        return None
    with localcontext() as context:
        context.prec = WIDE_PRECISION
        return (Decimal(total) / count).quantize(COMPLIANCE_PLACES, rounding=ROUND_HALF_UP)


def mean_of_hundredths(hundredths, count):
    """`mean_compliance` from the sum of the rounded `c` kept in hundredths (exact at any size)."""
    with localcontext() as context:
        context.prec = WIDE_PRECISION
        return mean_compliance(Decimal(hundredths) / 100, count)


# --- Capture windows ------------------------------------------------------------------------


def capture_deadline(window_closes_at, default_close, extension_untils=()):
    """First instant at which a quarter's capture is closed for a UR/programa: the window's close
    (else the default close), pushed later by any prórroga of that UR or programa."""
    return max([window_closes_at or default_close, *extension_untils])


def capture_open(as_of, opens_at, deadline):
    return (opens_at is None or opens_at <= as_of) and as_of < deadline


# --- Explanations (the "¿por qué este semáforo?" of each result) -----------------------------

FORMULAS = {
    Direction.ASCENDENTE: "c = 100 + (A − M) / |M| × 100",
    Direction.DESCENDENTE: "c = 100 − (A − M) / |M| × 100",
    Direction.REGULAR: "c = 100 − |A − M| / |M| × 100",
}
DESCENDING_RATIO_FORMULA = "c = M / A × 100"


def formula(direction, descending_ratio=False, meta=None, avance=None):
    """The formula that produced (or would produce) `c` for these inputs."""
    if meta == 0:
        return "M = 0: c = 100 si A = 0; si A ≠ 0, c no está definido (N/A, rojo)"
    if direction == Direction.DESCENDENTE and descending_ratio and meta and avance and meta > 0 and avance > 0:
        return DESCENDING_RATIO_FORMULA
    return FORMULAS[Direction(direction)] + " (nunca menor que 0)"


# --- Entidades federativas ------------------------------------------------------------------


class CannotRollUp(ValueError):
    pass


def _check_sum(what, total):
    problem = number_problem(total)
    if problem:
        raise CannotRollUp(f"La suma de los {what} de las entidades, {show(total)}, {problem}.")


def roll_up(quantities, factor):
    """The national (value, numerador, denominador) of per-entidad avances: numeradores and
    denominadores are summed, never percentages averaged; absolute values are summed."""
    quantities = list(quantities)
    with localcontext() as context:  # exact sums; the bound is checked on them
        context.prec = WIDE_PRECISION
        if all(q[1] is not None and q[2] is not None for q in quantities):
            numerator = sum((q[1] for q in quantities), Decimal(0))
            denominator = sum((q[2] for q in quantities), Decimal(0))
            _check_sum("numeradores", numerator)
            _check_sum("denominadores", denominator)
            try:
                return ratio_value(numerator, denominator, factor), numerator, denominator
            except InvalidRatio as exc:
                raise CannotRollUp(f"Con las entidades sumadas: {exc}") from exc
        if factor == 1 and all(q[1] is None for q in quantities):
            total = sum((q[0] for q in quantities), Decimal(0))
            _check_sum("valores", total)
            return total, None, None
    raise CannotRollUp(
        "Para sumar las entidades cada avance estatal necesita numerador y denominador "
        "(solo los valores absolutos se suman directamente)."
    )


# --- Annual meta ----------------------------------------------------------------------------


def annual_meta(accumulation, value_type, factor, periods):
    """The year's meta from its periods' metas, by the ficha's accumulation. `periods`: in period
    order, (value, numerador, denominador) or None for a period without meta.

    A periodic indicator's periods add up: an absolute one sums its values; a relative one (a
    percentage, a rate…) is the ratio of the summed numeradores and denominadores, since percentages
    do not add (without them for every period, its last period stands for the year). An accumulated
    indicator's last period already holds the year (so does a ficha that does not say)."""
    given = [period for period in periods if period is not None and period[0] is not None]
    if accumulation == Accumulation.PERIODICO and given:
        if value_type == ValueType.ABSOLUTO:
            return sum((value for value, _n, _d in given), Decimal(0))
        if all(n is not None and d is not None for _v, n, d in given):
            total_n, total_d = sum(n for _v, n, _d in given), sum(d for _v, _n, d in given)
            try:
                return ratio_value(total_n, total_d, effective_factor(value_type, factor))
            except InvalidRatio:
                return None
    last = periods[-1] if periods else None
    return last[0] if last else None
