"""Golden tests of the number bound (docs/reglas.md §1) and of the one reader of typed numbers
(docs/intercambio.md «Números»): every accepted form with the exact number it gives, every refused
form with its exact reason, and the columns sized for what the rules produce inside the bound."""

from decimal import Decimal as D

import pytest
from django.core.validators import DecimalValidator

from common.numbers import NumberFormatError, parse_decimal
from compliance.models import QuarterAggregate, QuarterResult
from indicators import rules
from indicators.choices import Direction
from indicators.models import Indicator, Target
from indicators.models.fields import check_value
from reporting.models import Progress

TOO_MANY = "se admiten a lo más 15 entre enteras y decimales (el mayor número es 999,999,999,999,999)"

ACCEPTED = [
    ("1234.5", D("1234.5")),
    ("1,234.5", D("1234.5")),
    ("1,234", D("1234")),
    ("1,234,567.25", D("1234567.25")),
    ("999,999,999,999,999", D("999999999999999")),
    ("0", D("0")),
    ("-0", D("0")),
    ("007", D("7")),
    ("0.5", D("0.5")),
    (".5", D("0.5")),
    ("5.", D("5")),
    ("-1,955.5", D("-1955.5")),
    ("+80.918874", D("80.918874")),
    ("\u22125", D("-5")),  # the minus sign word processors paste
    ("  1,234.5  ", D("1234.5")),
    ("\t12\n", D("12")),
    ("\u00a0100\u00a0", D("100")),  # no-break spaces around, as pasted from a web page
    ("80.50", D("80.50")),
]


@pytest.mark.parametrize("text, expected", ACCEPTED)
def test_accepted_forms_give_exactly_the_number_written(text, expected):
    number = parse_decimal(text)
    assert number == expected and str(number) == str(expected)


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_empty_text_is_no_number(text):
    assert parse_decimal(text) is None


REFUSED = [
    ("1,5", "la coma solo separa miles (1,234.5); para decimales use punto: «1.5»"),
    ("12,34", "la coma solo separa miles (1,234.5); para decimales use punto: «12.34»"),
    ("0,500", "la coma solo separa miles (1,234.5); para decimales use punto: «0.500»"),
    ("1234,567", "la coma solo separa miles (1,234.5); para decimales use punto: «1234.567»"),
    ("-1,5", "la coma solo separa miles (1,234.5); para decimales use punto: «-1.5»"),
    (",5", "la coma solo separa miles (1,234.5); para decimales use punto: «.5»"),
    ("1.234,5", "la coma solo separa miles y el punto es el decimal: escriba «1,234.5» o «1234.5»"),
    ("-1.234.567,25", "la coma solo separa miles y el punto es el decimal: escriba «-1,234,567.25» o «-1234567.25»"),
    ("1.5,3", "la coma solo separa miles y el punto es el decimal (1,234.5)"),
    ("1,,,2", "la coma solo separa miles, en grupos de 3 cifras (1,234,567.5)"),
    ("1,23,456", "la coma solo separa miles, en grupos de 3 cifras (1,234,567.5)"),
    ("1,2345.5", "la coma solo separa miles, en grupos de 3 cifras (1,234,567.5)"),
    ("5,", "la coma solo separa miles, en grupos de 3 cifras (1,234,567.5)"),
    ("1.234.567", "tiene más de un punto: el punto es el decimal y la coma separa miles; si son miles, "
                  "escriba «1,234,567»"),
    ("1.2.3", "tiene más de un punto: el punto es el decimal y la coma separa miles (1,234,567.5)"),
    ("1..5", "tiene más de un punto: el punto es el decimal y la coma separa miles (1,234,567.5)"),
    ("1 234", "no puede llevar espacios dentro; para separar miles use coma: 1,234.5"),
    ("- 5", "no puede llevar espacios dentro; para separar miles use coma: 1,234.5"),
    ("1\u202f234", "no puede llevar espacios dentro; para separar miles use coma: 1,234.5"),
    ("80.5%", "va sin el signo %: escriba «80.5»"),
    ("80.5 %", "va sin el signo %: escriba «80.5»"),
    ("80,5%", "va sin el signo %; además, la coma solo separa miles (1,234.5); para decimales use punto: «80.5»"),
    ("%", "va sin el signo %"),
    ("1e5", "va sin notación científica: escriba la cifra completa (1500, no 1.5E3)"),
    ("1.9555E3", "va sin notación científica: escriba la cifra completa (1500, no 1.5E3)"),
    ("-2E-3", "va sin notación científica: escriba la cifra completa (1500, no 1.5E3)"),
    ("３", "use solo las cifras 0 a 9, el punto y la coma (hay cifras o signos de ancho completo o de otro alfabeto)"),
    ("\uff0d5", "use solo las cifras 0 a 9, el punto y la coma (hay cifras o signos de ancho completo o de otro "
                "alfabeto)"),
    ("٣", "use solo las cifras 0 a 9, el punto y la coma (hay cifras o signos de ancho completo o de otro alfabeto)"),
    ("doce", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("NaN", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("Infinity", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("1e999x", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("$1,234", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("(5)", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("--5", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("+-5", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("-", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    (".", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("0x1F", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("1_000", "no es un número (use punto decimal, p. ej. 1,955.5)"),
    ("=1+1", "no es un número (use punto decimal, p. ej. 1,955.5)"),
]


@pytest.mark.parametrize("text, reason", REFUSED)
def test_ambiguous_forms_are_refused_with_what_is_allowed(text, reason):
    with pytest.raises(NumberFormatError) as excinfo:
        parse_decimal(text)
    assert str(excinfo.value) == reason


BOUND = [
    # (number, reason or None)
    ("999999999999999", None),  # the largest: 15 integer digits
    ("-999999999999999", None),
    ("999999999.999999", None),  # 15 figures with 6 decimals
    ("0.000001", None),  # the smallest other than 0
    ("-0.000001", None),
    ("0", None),
    ("1.0000000", None),  # trailing decimal zeros change nothing and are not counted
    ("123456789012.345", None),
    ("1E+14", None),
    ("1000000000000000", f"tiene 16 cifras; {TOO_MANY}"),
    ("27000000000000000", f"tiene 17 cifras; {TOO_MANY}"),
    ("1234567890.123456", f"tiene 16 cifras; {TOO_MANY}"),
    ("9999999999999999999999.999999", f"tiene 28 cifras; {TOO_MANY}"),
    ("1E+15", f"tiene 16 cifras; {TOO_MANY}"),
    ("1000000000.000001", f"tiene 16 cifras; {TOO_MANY}"),  # just above the fast path's magnitude
    ("999999999.9999999", "tiene 7 decimales; se admiten a lo más 6"),  # below it, one decimal too many
    ("12.1234567", "tiene 7 decimales; se admiten a lo más 6"),
    ("0.0000001", "tiene 7 decimales; se admiten a lo más 6"),
    ("NaN", "no es un número finito"),
    ("-Infinity", "no es un número finito"),
]


@pytest.mark.parametrize("number, reason", BOUND)
def test_the_bound_is_15_figures_and_6_decimals(number, reason):
    assert rules.number_problem(D(number)) == reason


def test_bound_constants():
    assert (rules.MAX_DIGITS, rules.MAX_DECIMALS) == (15, 6)
    assert rules.LARGEST == D("999999999999999") and rules.SMALLEST == D("0.000001")


@pytest.mark.parametrize("text, reason", [
    ("1,000,000,000,000,000", f"tiene 16 cifras; {TOO_MANY}"),
    ("1000000000.000001", f"tiene 16 cifras; {TOO_MANY}"),  # just above the fast path's magnitude
    ("999999999.9999999", "tiene 7 decimales; se admiten a lo más 6"),  # below it, one decimal too many
    ("12.1234567", "tiene 7 decimales; se admiten a lo más 6"),
    ("1,5", "la coma solo separa miles (1,234.5); para decimales use punto: «1.5»"),
])
def test_parse_value_applies_the_format_and_the_bound(text, reason):
    with pytest.raises(ValueError) as excinfo:
        rules.parse_value(text)
    assert str(excinfo.value) == reason


def test_parse_value_keeps_what_is_inside():
    assert rules.parse_value("999,999,999,999,999") == rules.LARGEST
    assert rules.parse_value("-999,999,999.999999") == D("-999999999.999999")
    assert rules.parse_value(" ") is None


# --- Values derived from numerador / denominador ----------------------------------------------

def test_derived_values_inside_the_bound_keep_6_decimals():
    assert rules.ratio_value(D(1), D(3), D(100)) == D("33.333333")
    assert rules.ratio_value(D("999999999999999"), D(1000000), D(1)) == D("999999999.999999")
    assert rules.ratio_value(D("999999999999999"), D(1), D(1)) == rules.LARGEST
    assert rules.ratio_value(D(1), D("999999999999999"), D(1)) == D("0.000000")  # 1.000…e-15 half-up


def test_a_derived_value_outside_the_bound_is_refused_naming_the_figure():
    with pytest.raises(rules.DerivedOutOfBounds) as excinfo:
        rules.ratio_value(D(123456789012), D(7), D(100))
    assert str(excinfo.value) == (
        "El valor calculado, 123,456,789,012 / 7 × 100 = 1,763,668,414,457.142857, tiene 19 cifras; " + TOO_MANY + ".")
    assert excinfo.value.derived == D("1763668414457.142857")
    with pytest.raises(rules.DerivedOutOfBounds) as excinfo:
        rules.ratio_value(D("999999999999999"), D("0.000001"), D(100))
    assert excinfo.value.derived == D("99999999999999900000000.000000")
    assert excinfo.value.problem == f"tiene 23 cifras; {TOO_MANY}"
    # Still an InvalidRatio: no caller can mistake it for a value.
    assert issubclass(rules.DerivedOutOfBounds, rules.InvalidRatio)


def test_roll_up_refuses_sums_outside_the_bound():
    big = (None, D("999999999999999"), D(1))
    with pytest.raises(rules.CannotRollUp) as excinfo:
        rules.roll_up([big, big], D(1))
    assert str(excinfo.value) == (
        "La suma de los numeradores de las entidades, 1,999,999,999,999,998, tiene 16 cifras; " + TOO_MANY + ".")
    with pytest.raises(rules.CannotRollUp, match="La suma de los valores de las entidades, 1,999,999,999,999,998"):
        rules.roll_up([(D("999999999999999"), None, None)] * 2, D(1))
    # Denominators of opposite sign cancel: x / 0 has no value.
    with pytest.raises(rules.CannotRollUp, match="Con las entidades sumadas: El denominador es 0 y el numerador no"):
        rules.roll_up([(None, D(1), D(5)), (None, D(1), D(-5))], D(100))


# --- Cumplimiento at the edges of the bound --------------------------------------------------

EXTREMES = [
    # (meta, avance, direction, descending_ratio, c)
    ("90", "27000000", Direction.ASCENDENTE, False, "30000000.00"),
    ("90", "900000000000", Direction.ASCENDENTE, False, "1000000000000.00"),
    ("0.000001", "999999999999999", Direction.ASCENDENTE, False, "99999999999999900000000.00"),
    ("-0.000001", "999999999999999", Direction.ASCENDENTE, False, "99999999999999900000200.00"),
    ("0.000001", "-999999999999999", Direction.DESCENDENTE, False, "99999999999999900000200.00"),
    ("999999999999999", "0.000001", Direction.DESCENDENTE, True, "99999999999999900000000.00"),
    ("0.000001", "999999999999999", Direction.REGULAR, False, "0.00"),
    ("0.000003", "999999999999999", Direction.ASCENDENTE, False, "33333333333333300000000.00"),
    ("3", "999999999999998", Direction.ASCENDENTE, False, "33333333333333266.67"),
]


@pytest.mark.parametrize("meta, avance, direction, ratio, expected", EXTREMES)
def test_compliance_is_exact_at_the_edges_of_the_bound(meta, avance, direction, ratio, expected):
    assert str(rules.compliance(D(meta), D(avance), direction, ratio)) == expected


def fits(field, value):
    DecimalValidator(field.max_digits, field.decimal_places)(value)
    return True


def test_the_columns_hold_what_the_rules_produce_inside_the_bound():
    largest_c = rules.compliance(-rules.SMALLEST, rules.LARGEST, Direction.ASCENDENTE)
    assert largest_c == rules.LARGEST * 10 ** 8 + 200 < D(10) ** rules.COMPLIANCE_INTEGER_DIGITS
    for model, name in [(QuarterResult, "compliance"), (QuarterAggregate, "mean_compliance")]:
        assert fits(model._meta.get_field(name), largest_c)
        assert fits(model._meta.get_field(name), -largest_c)
        # SQLite hands back 15 significant digits, which may round up to the next power of ten.
        assert fits(model._meta.get_field(name), D(10) ** rules.COMPLIANCE_INTEGER_DIGITS)
    hundredths = QuarterAggregate._meta.get_field("compliance_hundredths")
    assert fits(hundredths, largest_c * 100 * (2 ** 31 - 1))  # every result a PositiveIntegerField counts
    for model, name in [(Target, "value"), (Progress, "numerator"), (Progress, "denominator"), (Indicator, "factor"),
                        (QuarterResult, "meta"), (QuarterResult, "avance")]:
        assert fits(model._meta.get_field(name), -rules.LARGEST)
        assert fits(model._meta.get_field(name), D("-999999999.999999"))
        # A value stored before the bound (under 10^22) is read by SQLite as at most 10^22 itself.
        assert fits(model._meta.get_field(name), D(10) ** 22 + D("0.000000"))


def test_mean_of_hundredths_is_exact_at_any_size():
    largest_c = rules.LARGEST * 10 ** 8 + 200
    assert rules.mean_of_hundredths(largest_c * 100 * 3, 3) == largest_c
    assert rules.mean_of_hundredths(68384, 7) == D("97.69")  # docs/reglas.md §12, P999 in T1


def test_the_model_validator_says_why_in_spanish():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        check_value(D("9999999999999999999999.999999"))
    assert excinfo.value.messages == [
        f"El número 9,999,999,999,999,999,999,999.999999 tiene 28 cifras; {TOO_MANY}."]
    check_value(rules.LARGEST)


@pytest.mark.parametrize("value, reason", [
    ("99999.99", None), ("0", None), ("5.1", None),
    ("5.125", "tiene 3 decimales; un umbral admite a lo más 2"),
    ("100000", "es demasiado grande para un umbral (a lo más 99,999.99 puntos)"),
])
def test_thresholds_fit_their_columns_or_are_refused(value, reason):
    assert rules.threshold_problem(D(value)) == reason


def test_zeros_beyond_the_sixth_decimal_are_dropped_exactly():
    assert str(rules.parse_value("1.50000000")) == "1.500000"
    assert str(rules.parse_value("-0.0000000")) == "0.000000"
