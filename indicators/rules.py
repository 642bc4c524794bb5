"""The rules of DESIGN.md §3 that decide numbers. Every other module calls these; none re-implements them."""

from decimal import ROUND_HALF_UP, Decimal

from .choices import Frequency, ValueType

VALUE_PLACES = Decimal("0.000001")  # derived values are kept with 6 decimals

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
    return (numerator / denominator * factor).quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


def agrees_with(given, derived):
    """A given value agrees with a derived one when the derived value, rounded half-up to the
    given value's decimals, equals it (1,955 / 2,416 → 80.918874… agrees with 80.92)."""
    if derived is None:
        return False
    exponent = min(given.as_tuple().exponent, 0)
    return derived.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) == given
