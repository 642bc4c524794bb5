"""Control characters in text: which ones a request may not carry, what an import strips, and what an
identifier or an e-mail subject may not hold. One definition for every entry point."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 control characters except tab, LF and CR. Nobody types them; PostgreSQL refuses NUL in text
# (a 500) and SQLite cuts the text at it, so they never reach the database.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What breaks a single line (an identifier, a mail header): every C0 character, DEL and the
# Unicode line and paragraph separators.
LINE_BREAK = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def has_control_characters(text):
    return bool(CONTROL.search(text))


def strip_control_characters(text):
    return CONTROL.sub("", text)


def single_line(text):
    """One line: whitespace runs (line breaks included) become one space, other controls go."""
    return " ".join(LINE_BREAK.sub(" ", text).split())


def shown(text):
    """Text for a message, with each control character written as \\xNN so it can be seen."""
    return LINE_BREAK.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def validate_single_line(value):
    """For identifiers (ID_INDICADOR): they go into mail subjects and file names."""
    if LINE_BREAK.search(value):
        raise ValidationError(
            _("No puede contener saltos de línea, tabuladores ni otros caracteres de control."), code="single_line"
        )
