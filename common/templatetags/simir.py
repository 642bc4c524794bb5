"""Display helpers: numbers in es-MX format and the semáforo as word + colour."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html

from common.numbers import plain_number

register = template.Library()


@register.filter
def mx(value, places=2):
    """1234567.891 → 1,234,567.89 (es-MX: comma groups thousands, point for decimals)."""
    if value is None or value == "":
        return "—"
    number = Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    text = f"{number:,.{int(places)}f}"
    return text


@register.filter
def semaforo(light):
    if not light:
        return "—"
    return format_html('<span class="semaforo semaforo-{}">{}</span>', light, light)


@register.filter
def attr(row, name):
    """A capture row's form value (posted, else stored)."""
    return row.value_of(name)


@register.filter
def person(user):
    """A person by name (full name, else username); «—» when nobody is recorded."""
    if user is None or user == "":
        return "—"
    return user.get_full_name() or user.username


@register.filter
def exact(value):
    """Every stored decimal, thousands grouped (1955.5 → 1,955.5): for explanations that must show
    the very numbers the rules used."""
    if value is None or value == "":
        return "—"
    text = plain_number(Decimal(value))
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    return f"{sign}{int(whole):,}" + (f".{fraction}" if fraction else "")
