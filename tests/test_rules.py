from decimal import Decimal

import pytest

from indicators import rules
from indicators.choices import Frequency, ValueType


@pytest.mark.parametrize(
    "frequency, months",
    [
        (Frequency.MENSUAL, tuple(range(1, 13))),
        (Frequency.BIMESTRAL, (2, 4, 6, 8, 10, 12)),
        (Frequency.TRIMESTRAL, (3, 6, 9, 12)),
        (Frequency.CUATRIMESTRAL, (4, 8, 12)),
        (Frequency.SEMESTRAL, (6, 12)),
        (Frequency.ANUAL, (12,)),
        (Frequency.BIENAL, (12,)),
        (Frequency.SEXENAL, (12,)),
    ],
)
def test_period_end_months_follow_the_frequency(frequency, months):
    assert rules.period_months(frequency) == months
    assert [m for m in range(1, 13) if rules.is_period_month(frequency, m)] == list(months)


@pytest.mark.parametrize(
    "value_type, factor, expected",
    [
        (ValueType.PORCENTAJE, None, Decimal(100)),
        (ValueType.TASA, None, Decimal(1)),
        (ValueType.ABSOLUTO, None, Decimal(1)),
        ("", None, Decimal(1)),
        ("Otro tipo", None, Decimal(1)),
        (ValueType.TASA, Decimal(100000), Decimal(100000)),
        (ValueType.PORCENTAJE, Decimal(1), Decimal(1)),
    ],
)
def test_effective_factor(value_type, factor, expected):
    assert rules.effective_factor(value_type, factor) == expected


def test_ratio_value_is_exact_to_six_decimals():
    assert rules.ratio_value(Decimal(1955), Decimal(2416), Decimal(100)) == Decimal("80.918874")
    assert rules.ratio_value(Decimal(286), Decimal(2416), Decimal(100)) == Decimal("11.837748")
    # 0.6666666… rounds half-up at the 6th decimal.
    assert rules.ratio_value(Decimal(2), Decimal(3), Decimal(1)) == Decimal("0.666667")


def test_zero_over_zero_has_no_value_and_x_over_zero_is_invalid():
    assert rules.ratio_value(Decimal(0), Decimal(0), Decimal(100)) is None
    with pytest.raises(rules.InvalidRatio):
        rules.ratio_value(Decimal(5), Decimal(0), Decimal(100))


@pytest.mark.parametrize(
    "given, derived, agrees",
    [
        ("80.92", "80.918874", True),
        ("80.9", "80.918874", True),
        ("80.91", "80.918874", False),
        ("81", "80.918874", True),
        ("80.918874", "80.918874", True),
        ("12.725", "12.724693", True),
        ("12.724", "12.724693", False),
        ("12.72", "12.724693", True),
    ],
)
def test_a_given_value_agrees_when_the_derived_one_rounds_half_up_to_it(given, derived, agrees):
    assert rules.agrees_with(Decimal(given), Decimal(derived)) is agrees


def test_nothing_agrees_with_a_missing_value():
    assert rules.agrees_with(Decimal("0"), None) is False
