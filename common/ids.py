"""Integers typed by people or sent in URLs: ids, ejercicios, versions. Python's own checks are too
lenient here: "²".isdigit() is True (and int() then fails) and int("٣") == 3, while a value past
2**63 - 1 does not fit any database integer. One parser for all of them, and the URL converter."""

import re

MAX_ID = 2**63 - 1  # the largest bigint (PostgreSQL and SQLite)
MAX_YEAR = 32767  # ejercicios are stored as positive small integers
ASCII_DIGITS = re.compile(r"[0-9]{1,19}")  # 19 digits already exceed MAX_ID; int() never sees a long text


def parse_int(raw, minimum=1, maximum=MAX_ID):
    """The integer written with ASCII digits only (no sign, no spaces) within [minimum, maximum];
    None for anything else."""
    if not isinstance(raw, str) or not ASCII_DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def parse_id(raw):
    """A database id: 1 … 2**63 - 1."""
    return parse_int(raw)


class IdConverter:
    """`<id:pk>` in URLs: like `<int:…>` but bounded to a database id, so anything else is a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver then tries the next pattern, and finally 404
        return number

    def to_url(self, value):
        return str(value)
