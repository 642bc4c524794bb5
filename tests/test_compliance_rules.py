"""Every line of docs/reglas.md with its exact expected value."""

from datetime import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators import rules
from indicators.choices import Direction, Frequency, IndicatorType
from indicators.rules import Estado, Semaforo

ASC, DESC, REG = Direction.ASCENDENTE, Direction.DESCENDENTE, Direction.REGULAR


@pytest.mark.parametrize(
    "meta, avance, direction, expected",
    [
        ("80", "72", ASC, "90.00"),
        ("80", "88", ASC, "110.00"),
        ("80", "80", ASC, "100.00"),
        ("10", "12", DESC, "80.00"),
        ("10", "8", DESC, "120.00"),
        ("50", "45", REG, "90.00"),
        ("50", "55", REG, "90.00"),
        ("3", "2.786885", DESC, "107.10"),
        ("22", "19", REG, "86.36"),
        # negative metas of variation rates use |M|
        ("-5", "-4", ASC, "120.00"),
        ("-5", "-4", DESC, "80.00"),
        ("-5", "-6", REG, "80.00"),
        # never below 0
        ("10", "-5", ASC, "0.00"),
        ("10", "40", DESC, "0.00"),
        ("10", "35", REG, "0.00"),
        # ROUND_HALF_UP at the second decimal (banker's rounding would give 100.00)
        ("8", "8.0004", ASC, "100.01"),
        ("8", "7.9996", DESC, "100.01"),
    ],
)
def test_compliance_by_sentido(meta, avance, direction, expected):
    assert rules.compliance(D(meta), D(avance), direction) == D(expected)


def test_compliance_with_meta_zero():
    assert rules.compliance(D(0), D(0), ASC) == D("100.00")
    assert rules.compliance(D(0), D(0), DESC) == D("100.00")
    assert rules.compliance(D(0), D("12.724693"), ASC) is None
    assert rules.compliance(D(0), D("-1"), REG) is None


@pytest.mark.parametrize(
    "meta, avance, expected",
    [
        ("10", "8", "125.00"),  # M / A × 100
        ("10", "12", "83.33"),
        ("10", "0", "200.00"),  # A = 0: the linear formula applies
        ("-2", "-1", "50.00"),  # negative meta: linear, 100 − (−1 − (−2)) / 2 × 100
    ],
)
def test_descending_ratio_alternative(meta, avance, expected):
    assert rules.compliance(D(meta), D(avance), DESC, descending_ratio=True) == D(expected)


@pytest.mark.parametrize(
    "c, limits, light",
    [
        ("110.00", (D(10), D(20)), Semaforo.VERDE),
        ("90.00", (D(10), D(20)), Semaforo.VERDE),
        ("110.01", (D(10), D(20)), Semaforo.AMARILLO),
        ("89.99", (D(10), D(20)), Semaforo.AMARILLO),
        ("120.00", (D(10), D(20)), Semaforo.AMARILLO),
        ("80.00", (D(10), D(20)), Semaforo.AMARILLO),
        ("120.01", (D(10), D(20)), Semaforo.ROJO),  # over-achievement beyond the band
        ("79.99", (D(10), D(20)), Semaforo.ROJO),
        ("95.00", (D(5), D(10)), Semaforo.VERDE),
        ("94.99", (D(5), D(10)), Semaforo.AMARILLO),
        ("90.00", (D(5), D(10)), Semaforo.AMARILLO),
        ("89.99", (D(5), D(10)), Semaforo.ROJO),
        ("0.00", (D(5), D(10)), Semaforo.ROJO),
    ],
)
def test_semaforo_bands_at_the_boundaries(c, limits, light):
    assert rules.semaforo(D(c), *limits) == light


def test_undefined_compliance_is_red():
    assert rules.semaforo(None, D(10), D(20)) == Semaforo.ROJO


def test_thresholds_from_the_ficha_else_defaults_by_tipo():
    assert rules.thresholds(IndicatorType.GESTION, D(3), D(7)) == (D(3), D(7))
    assert rules.thresholds(IndicatorType.GESTION) == (D(10), D(20))
    assert rules.thresholds(IndicatorType.ESTRATEGICO) == (D(5), D(10))
    assert rules.thresholds("") == (D(10), D(20))  # empty tipo counts as Gestión
    custom = {IndicatorType.GESTION: (D(15), D(25)), IndicatorType.ESTRATEGICO: (D(2), D(4))}
    assert rules.thresholds(IndicatorType.ESTRATEGICO, defaults=custom) == (D(2), D(4))


@pytest.mark.parametrize(
    "frequency, expected",
    [
        (Frequency.MENSUAL, [3, 6, 9, 12]),
        (Frequency.BIMESTRAL, [2, 6, 8, 12]),
        (Frequency.TRIMESTRAL, [3, 6, 9, 12]),
        (Frequency.CUATRIMESTRAL, [None, 4, 8, 12]),
        (Frequency.SEMESTRAL, [None, 6, None, 12]),
        (Frequency.ANUAL, [None, None, None, 12]),
        (Frequency.BIENAL, [None, None, None, 12]),
    ],
)
def test_quarterly_result_period(frequency, expected):
    assert [rules.quarter_period_month(frequency, q) for q in (1, 2, 3, 4)] == expected


def test_less_than_yearly_indicators_only_in_years_with_meta():
    assert rules.measured_in_year(Frequency.BIENAL, has_meta_in_year=False) is False
    assert rules.measured_in_year(Frequency.BIENAL, has_meta_in_year=True) is True
    assert rules.measured_in_year(Frequency.ANUAL, has_meta_in_year=False) is True


def test_default_close_is_the_end_of_the_last_day_of_the_month_after_the_quarter():
    assert rules.quarter_close(2024, 1) == datetime(2024, 5, 1, tzinfo=rules.MEXICO_CITY)
    assert rules.quarter_close(2024, 3) == datetime(2024, 11, 1, tzinfo=rules.MEXICO_CITY)
    assert rules.quarter_close(2024, 4) == datetime(2025, 2, 1, tzinfo=rules.MEXICO_CITY)
    assert str(rules.quarter_close(2024, 1)) == "2024-05-01 00:00:00-06:00"


def test_meta_vigente_is_the_last_approved_adjustment():
    jan, feb = datetime(2024, 1, 10), datetime(2024, 2, 10)
    assert rules.meta_vigente(D(50), []) == (D(50), None)
    assert rules.meta_vigente(D(50), [(feb, 7, D(40)), (jan, 9, D(45))]) == (D(40), 7)
    assert rules.meta_vigente(D(50), [(feb, 7, D(40)), (feb, 9, D(45))]) == (D(45), 9)
    assert rules.meta_vigente(None, [(jan, 3, D(12))]) == (D(12), 3)


LIMITS = (D(10), D(20))


@pytest.mark.parametrize(
    "args, outcome",
    [
        ((None, False, False, None), rules.QuarterOutcome(Estado.SIN_META)),
        ((None, False, True, D(5)), rules.QuarterOutcome(Estado.SIN_META)),
        ((D(50), True, False, None, True), rules.QuarterOutcome(Estado.PENDIENTE)),
        ((D(50), True, False, None, False), rules.QuarterOutcome(Estado.SIN_REPORTE, None, Semaforo.GRIS)),
        ((D(50), True, True, None), rules.QuarterOutcome(Estado.CON_RESULTADO, None, Semaforo.GRIS)),  # 0 / 0
        ((D(0), True, True, D("12.72")), rules.QuarterOutcome(Estado.CON_RESULTADO, None, Semaforo.ROJO)),
        ((D(0), True, True, D(0)), rules.QuarterOutcome(Estado.CON_RESULTADO, D("100.00"), Semaforo.VERDE)),
        ((D(50), True, True, D(45)), rules.QuarterOutcome(Estado.CON_RESULTADO, D("90.00"), Semaforo.VERDE)),
    ],
)
def test_quarter_outcome(args, outcome):
    meta, has_meta, reported, avance, *rest = args
    window_open = rest[0] if rest else False
    assert rules.quarter_outcome(meta, has_meta, reported, avance, ASC, LIMITS, window_open) == outcome


def test_justification_required_unless_verde():
    assert [rules.justification_required(s) for s in (Semaforo.VERDE, Semaforo.AMARILLO, Semaforo.ROJO,
                                                      Semaforo.GRIS, None)] == [False, True, True, True, False]


def test_aggregate_percentages_and_mean():
    assert rules.percentage(2, 3) == D("66.67")
    assert rules.percentage(1, 8) == D("12.50")
    assert rules.percentage(0, 0) is None
    assert rules.mean_compliance(D("100.01") + D("100.00"), 2) == D("100.01")  # 100.005 half-up
    assert rules.mean_compliance(D(0), 0) is None


decimals = st.decimals(min_value=D("-100000"), max_value=D("100000"), places=4, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D("0.0001"), max_value=D("100000"), places=4, allow_nan=False, allow_infinity=False)


@given(meta=positive, avance=decimals, uva=st.integers(0, 30), extra=st.integers(0, 30))
def test_descending_semaforo_mirrors_ascending(meta, avance, uva, extra):
    """Falling short of a descending meta by x is, for the semáforo, exceeding an ascending one by x."""
    limits = (D(uva), D(uva + extra))
    mirrored = 2 * meta - avance
    descending = rules.semaforo(rules.compliance(meta, avance, DESC), *limits)
    ascending = rules.semaforo(rules.compliance(meta, mirrored, ASC), *limits)
    assert descending == ascending
    assert rules.compliance(meta, avance, DESC) == rules.compliance(meta, mirrored, ASC)


def test_roll_up_sums_numerators_and_denominators_never_averages():
    states = [(D("90"), D(9), D(10)), (D("10"), D(10), D(100))]
    value, numerator, denominator = rules.roll_up(states, D(100))
    assert (numerator, denominator, value) == (D(19), D(110), D("17.272727"))  # the mean of 90 and 10 would be 50
    assert rules.roll_up([(D(5), None, None), (D(7), None, None)], D(1)) == (D(12), None, None)
    with pytest.raises(rules.CannotRollUp):
        rules.roll_up([(D(5), None, None), (D(7), D(7), D(10))], D(100))
