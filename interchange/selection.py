"""Choosing the rows of a national file to import: `import_sed --ramo --ur --pp --ciclo`.

A row is compared by its cells as written, before it is validated: the rows left out are not read
further, so their errors do not stop the import (docs/intercambio.md, «Selección de filas»)."""

import re
from dataclasses import dataclass

from common.ids import parse_int
from interchange.parsing import FIRST_YEAR, LAST_YEAR

PROGRAM = re.compile(r"([A-Za-z])?\s*([0-9]{1,3})")


class BadSelection(ValueError):
    pass


def _ramo(text):
    """A ramo is a number written with or without its leading zero (6, 06)."""
    text = text.strip().upper()
    return str(int(text)) if text.isascii() and text.isdigit() else text


def _program(text, letter=""):
    """(letter or None, number) of E001 / E 001 / 1 with its ID_MODALIDAD; None if it is no clave."""
    match = PROGRAM.fullmatch(text.strip())
    if not match:
        return None
    return ((match.group(1) or letter.strip() or "").upper() or None), int(match.group(2))


@dataclass(frozen=True)
class RowSelection:
    ramos: frozenset = frozenset()
    units: frozenset = frozenset()
    programs: frozenset = frozenset()  # (letter or None for any, number)
    cycles: frozenset = frozenset()
    described: str = ""

    @classmethod
    def build(cls, ramos=(), units=(), programs=(), cycles=()):
        """From the command's options (each a list); raises BadSelection naming the bad value."""
        parsed_programs = set()
        for text in programs:
            program = _program(text)
            if program is None:
                raise BadSelection(f"--pp «{text}» no es una clave de programa: use la clave (E001) o el número (1).")
            parsed_programs.add(program)
        parsed_cycles = set()
        for text in cycles:
            year = parse_int(text.strip(), minimum=FIRST_YEAR, maximum=LAST_YEAR)
            if year is None:
                raise BadSelection(f"--ciclo «{text}» no es un año entre {FIRST_YEAR} y {LAST_YEAR}.")
            parsed_cycles.add(year)
        described = " ".join(
            f"{option} {value}" for option, values in (("--ramo", ramos), ("--ur", units), ("--pp", programs),
                                                       ("--ciclo", cycles)) for value in values
        )
        return cls(frozenset(map(_ramo, ramos)), frozenset(u.strip().upper() for u in units),
                   frozenset(parsed_programs), frozenset(parsed_cycles), described)

    def __bool__(self):
        return bool(self.ramos or self.units or self.programs or self.cycles)

    def matches(self, cells):
        """Every option given must match (within one option, any of its values)."""
        if self.ramos and _ramo(cells.get("ID_RAMO", "")) not in self.ramos:
            return False
        if self.units and cells.get("ID_UR", "").upper() not in self.units:
            return False
        if self.cycles and parse_int(cells.get("CICLO", ""), minimum=FIRST_YEAR, maximum=LAST_YEAR) not in self.cycles:
            return False
        if self.programs:
            program = _program(cells.get("ID_PP", ""), cells.get("ID_MODALIDAD", ""))
            if program is None or not ({program, (None, program[1])} & self.programs):
                return False
        return True


EVERY_ROW = RowSelection()
