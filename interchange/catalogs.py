"""Recognising accent/case variants of catalog values (docs/intercambio.md)."""

import unicodedata
from functools import lru_cache

from indicators.choices import Accumulation, Dimension, Direction, Frequency, IndicatorType, ValueType
from programs.models import LEVEL_BY_ID


def fold(text):
    """Lower case, no accents, single spaces: the key under which variants are the same."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


def _table(values, extra=None):
    table = {fold(str(value)): str(value) for value in values}
    table.update({fold(k): v for k, v in (extra or {}).items()})
    return table


CATALOGS = {
    "DESC_NIVEL": _table(LEVEL_BY_ID.values()),
    "FRECUENCIA": _table(Frequency.values),
    "SENTIDO": _table(Direction.values, {"Constante": Direction.REGULAR}),
    "ACUMULADO": _table(Accumulation.values, {"Periódica": Accumulation.PERIODICO, "Acumulada": Accumulation.ACUMULADO}),
    # Spellings seen in Hacienda's open-data file.
    "TIPO_INDICADOR": _table(IndicatorType.values, {"De Gestión": IndicatorType.GESTION,
                                                    "Estratgico": IndicatorType.ESTRATEGICO}),
    "TIPO_RELATIVO": _table(ValueType.values, {"Porcentual": ValueType.PORCENTAJE}),
    "DIMENSION": _table(Dimension.values, {"Eificacia": Dimension.EFICACIA, "Eficiciencia": Dimension.EFICIENCIA,
                                           "Económica": Dimension.ECONOMIA, "0": ""}),
    "UNIDAD_MEDIDA": _table(
        ValueType.values,
        {"Persona": "Persona", "Pesos": "Pesos", "Unidad": "Unidad", "Proyecto": "Proyecto", "Documento": "Documento"},
    ),
}

# Catalogs whose unrecognised values are errors; the others keep what was written.
CLOSED_CATALOGS = {"DESC_NIVEL", "FRECUENCIA", "SENTIDO", "ACUMULADO"}

# What an open catalog's unrecognised value means, when more than being kept.
KEPT = "se conserva como se escribió"
KEPT_NOTES = {
    # rules.thresholds: any tipo but Estratégico takes Gestión's default thresholds
    "TIPO_INDICADOR": f"{KEPT}; el semáforo usa los umbrales por omisión de Gestión del ejercicio",
}


@lru_cache(maxsize=4096)  # a file repeats a handful of spellings on every row
def canonical(column, raw):
    """The canonical spelling of a catalog value ("" for a value that means empty), or None when it is
    not recognised."""
    return CATALOGS[column].get(fold(raw))


def allowed_values(column):
    return ", ".join(sorted(set(CATALOGS[column].values())))
