"""The rules of docs/reglas.md that decide numbers. Every other module calls these; none re-implements them."""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from indicators.choices import Direction, Frequency, IndicatorType, ValueType

MEXICO_CITY = ZoneInfo("America/Mexico_City")

VALUE_PLACES = Decimal("0.000001")  # derived values are kept with 6 decimals
MAX_VALUE = Decimal(10) ** 22  # what a stored value (28 digits, 6 decimals) can hold

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


class InvalidRatio(ValueError):
    """Denominator 0 with a numerator other than 0."""


MAX_DECIMALS = 6


def number_problem(number):
    """Why a captured or imported number cannot be stored, or None: at most 22 integer digits
    and 6 decimals (the columns are Decimal(28, 6))."""
    if not number.is_finite():
        return "no es un número finito"
    if -number.as_tuple().exponent > MAX_DECIMALS:
        return f"tiene más de {MAX_DECIMALS} decimales"
    if abs(number) >= MAX_VALUE:
        return "es demasiado grande (a lo más 22 cifras enteras)"
    return None


def period_months(frequency):
    """End months of the periods of an ejercicio for a frecuencia."""
    return PERIOD_END_MONTHS[Frequency(frequency)]


def is_period_month(frequency, month):
    return month in period_months(frequency)


def effective_factor(value_type, factor=None):
    """The ficha's factor, else 100 for Porcentaje and 1 for every other tipo de valor."""
    if factor is not None:
        return factor
    return Decimal(100) if value_type == ValueType.PORCENTAJE else Decimal(1)


def ratio_value(numerator, denominator, factor):
    """numerador / denominador × factor, rounded half-up to 6 decimals; None for 0 / 0."""
    if denominator == 0:
        if numerator == 0:
            return None
        raise InvalidRatio("El denominador es 0 y el numerador no: el cociente no existe.")
    if number_problem(numerator) or number_problem(denominator):
        raise InvalidRatio("El numerador o el denominador no es un número que se pueda guardar.")
    with localcontext() as context:  # room for any ratio; the caller checks it fits the field
        context.prec = 60
        return (numerator / denominator * factor).quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


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
    return Frequency(frequency) not in LESS_THAN_YEARLY or has_meta_in_year


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


@dataclass(frozen=True)
class QuarterOutcome:
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
    return (Decimal(total) / count).quantize(COMPLIANCE_PLACES, rounding=ROUND_HALF_UP)


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


def roll_up(quantities, factor):
    """The national (value, numerador, denominador) of per-entidad avances: numeradores and
    denominadores are summed, never percentages averaged; absolute values are summed."""
    quantities = list(quantities)
    if all(q[1] is not None and q[2] is not None for q in quantities):
        numerator = sum((q[1] for q in quantities), Decimal(0))
        denominator = sum((q[2] for q in quantities), Decimal(0))
        return ratio_value(numerator, denominator, factor), numerator, denominator
    if factor == 1 and all(q[1] is None for q in quantities):
        return sum((q[0] for q in quantities), Decimal(0)), None, None
    raise CannotRollUp(
        "Para sumar las entidades cada avance estatal necesita numerador y denominador "
        "(solo los valores absolutos se suman directamente)."
    )
