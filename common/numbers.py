"""Number formats: the exact decimal strings of the stable JSON and CSV, the es-MX display, and the
one reader of numbers as people type them (capture and import)."""

import re
from decimal import Decimal

from django.template.defaultfilters import floatformat

# --- The stable JSON interface of `compute_compliance` (docs/flujo.md) -------------------------


def plain_number(value):
    """A stored value without trailing zeros ("80.918874", "100", "0")."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def two_decimals(value):
    return None if value is None else format(value, ".2f")


def number(value):
    """es-MX display: thousands grouped with commas, at most 2 decimals (80.918874 → 80.92)."""
    return "—" if value is None else floatformat(value, "-2g")


# --- Reading a number as written in Mexico (docs/intercambio.md, «Números») ---------------------

MINUS_SIGNS = ("-", "\u2212")  # U+2212 is what word processors paste for a minus
# Plain digits, or commas grouping thousands in threes after a first group of 1-3 digits that is not
# 0 ("0,500" reads as one half elsewhere, so it is not taken for five hundred).
_INTEGER = r"(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)"
_NUMBER = re.compile(rf"([+\-\u2212]?)({_INTEGER}(?:\.[0-9]*)?|\.[0-9]+)")
_SEPARATORS_ONLY = re.compile(r"[0-9.,]*[0-9][0-9.,]*")
_SCIENTIFIC = re.compile(r"[+\-\u2212]?[0-9.,]*[0-9][0-9.,]*[eE][+\-]?[0-9]+")
_DOTTED_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
GENERIC = "no es un número (use punto decimal, p. ej. 1,955.5)"


class NumberFormatError(ValueError):
    """Text that is not a number as written in Mexico. Its text is the reason in Spanish, without a
    final period, written to follow the number quoted in «…»."""


def parse_decimal(text):
    """The number in `text` written the es-MX way, exactly, or None for empty text.

    Accepted: digits with at most one decimal point (1234.5, .5, 5.), commas only as thousands
    groups of three (1,234,567.5), a leading sign (+, - or −) and spaces around. Everything another
    reading could take for a different number is refused with the reason and, where one is clear,
    the way to write it: 1,5 · 1.234,5 · 1,,,2 · 1 234 · 1.2.3 · 1e5 · 80% · ３."""
    stripped = text.strip()
    if not stripped:
        return None
    match = _NUMBER.fullmatch(stripped)
    if match is None:
        raise NumberFormatError(_why_not(stripped))
    sign, body = match.groups()
    number = Decimal(body.replace(",", ""))
    return -number if sign in MINUS_SIGNS and number else number  # "-0" is 0


def _why_not(text):
    """The reason a stripped text is not an es-MX number, with the allowed form where one is clear."""
    if text.endswith("%"):
        inner = text[:-1].rstrip()
        if _NUMBER.fullmatch(inner):
            return f"va sin el signo %: escriba «{inner}»"
        return "va sin el signo %" + (f"; además, {_why_not(inner)}" if inner else "")
    if any(ch.isspace() for ch in text):
        return "no puede llevar espacios dentro; para separar miles use coma: 1,234.5"
    if _SCIENTIFIC.fullmatch(text):
        return "va sin notación científica: escriba la cifra completa (1500, no 1.5E3)"
    if any(not ch.isascii() and (ch.isnumeric() or "\uff01" <= ch <= "\uff5e") for ch in text):
        return "use solo las cifras 0 a 9, el punto y la coma (hay cifras o signos de ancho completo o de otro alfabeto)"
    sign = text[0] if text[0] in "+-\u2212" else ""
    body = text[len(sign):]
    if not _SEPARATORS_ONLY.fullmatch(body):
        return GENERIC
    commas, dots = body.count(","), body.count(".")
    if commas and dots and body.rfind(",") > body.rfind("."):
        swapped = body.translate({ord(","): ".", ord("."): ","})
        if _NUMBER.fullmatch(swapped):
            return (f"la coma solo separa miles y el punto es el decimal: escriba «{sign}{swapped}» "
                    f"o «{sign}{swapped.replace(',', '')}»")
        return "la coma solo separa miles y el punto es el decimal (1,234.5)"
    if dots > 1:
        if not commas and _DOTTED_THOUSANDS.fullmatch(body):
            return (f"tiene más de un punto: el punto es el decimal y la coma separa miles; "
                    f"si son miles, escriba «{sign}{body.replace('.', ',')}»")
        return "tiene más de un punto: el punto es el decimal y la coma separa miles (1,234,567.5)"
    if commas == 1 and not dots and re.fullmatch(r"[0-9]*,[0-9]+", body):
        return f"la coma solo separa miles (1,234.5); para decimales use punto: «{sign}{body.replace(',', '.')}»"
    return "la coma solo separa miles, en grupos de 3 cifras (1,234,567.5)"
