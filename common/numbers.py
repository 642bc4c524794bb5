"""Number formats: the exact decimal strings of the stable JSON and CSV, and the es-MX display."""

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
