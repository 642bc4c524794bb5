"""The SHCP interchange layout of docs/intercambio.md: column names and their order."""

from typing import NamedTuple

MONTHS = range(1, 13)

FICHA_COLUMNS = [
    "CICLO", "ID_RAMO", "DESC_RAMO", "ID_UR", "DESC_UR", "ID_MODALIDAD", "DESC_MODALIDAD", "ID_PP",
    "DESC_PP", "ID_MATRIZ", "DESC_MATRIZ", "ID_NIVEL", "DESC_NIVEL", "ID_OBJETIVO", "ID_OBJETIVO_PADRE",
    "DESC_OBJETIVO", "ID_INDICADOR", "NOMBRE_INDICADOR", "DEFINICION_INDICADOR", "METODO_CALCULO",
    "TIPO_RELATIVO", "FRECUENCIA", "TIPO_INDICADOR", "DIMENSION", "UNIDAD_MEDIDA", "SENTIDO", "ACUMULADO",
    "LINEA_BASE", "CICLO_LINEA_BASE", "UMBRAL_VERDE_AMARILLO", "UMBRAL_AMARILLO_ROJO", "FACTOR",
]


def meta(n):
    return f"META_MES{n}"


def adjusted(n):
    return f"META_AJUSTADA_MES{n}"


def adjustment_justification(n):
    return f"JUSTIFICACION_AJUSTE_MES{n}"


def avance(n):
    return f"AVANCE_MES{n}"


def cause(n):
    return f"AVANCE_CAUSA_MES{n}"


def effect(n):
    return f"AVANCE_EFECTO_MES{n}"


def other_reasons(n):
    return f"AVANCE_OTROS_MOTIVOS_MES{n}"


def month_columns(n):
    return [
        meta(n), f"{meta(n)}_NUM", f"{meta(n)}_DEN",
        adjusted(n), f"{adjusted(n)}_NUM", f"{adjusted(n)}_DEN", adjustment_justification(n),
        avance(n), f"{avance(n)}_NUM", f"{avance(n)}_DEN",
        cause(n), effect(n), other_reasons(n),
    ]


class MonthColumns(NamedTuple):
    """The columns of one month, in `month_columns` order, by role."""

    meta: str
    meta_num: str
    meta_den: str
    adjusted: str
    adjusted_num: str
    adjusted_den: str
    adjustment_justification: str
    avance: str
    avance_num: str
    avance_den: str
    cause: str
    effect: str
    other_reasons: str


# Read for every row of a file: built once.
MONTH_COLUMNS = {n: MonthColumns(*month_columns(n)) for n in MONTHS}
COLUMN_MONTH = {column: n for n, columns in MONTH_COLUMNS.items() for column in columns}

STATE_COLUMN = "ID_ENTIDAD_FEDERATIVA"  # read on import; a row with it is that entidad's figure

CP_COLUMNS = ["META_AJUSTADA_CP", "AVANCE_CP", "AVANCE_CAUSA_CP", "AVANCE_EFECTO_CP", "AVANCE_OTROS_MOTIVOS_CP"]

# Columns of Hacienda's open-data file that SIMIR stores as published and exports (docs/intercambio.md,
# «Columnas de Hacienda que se guardan»): column → field. Those of the programme go on the Program;
# the functional classification (the programmatic key of the row's UR), the link to the previous
# ejercicio and the January-May justifications go on the Indicator.
PROGRAM_HACIENDA_COLUMNS = {
    "MODALIDAD_PP": "modalidad_pp",
    "ID_PND": "pnd_id", "DESC_PND": "pnd_name", "OBJETIVO_PND": "pnd_objective",
    "PROGRAMA_PND": "pnd_program", "DESC_PROGRAMA_PND": "pnd_program_name",
    "OBJETIVO_PROGRAMA_PND": "pnd_program_objective", "DESC_OBJETIVO_PROGRAMA_PND": "pnd_program_objective_name",
    "OBJETIVO_ESTRATEGICO": "strategic_objective",
}
INDICATOR_HACIENDA_COLUMNS = {
    "GPO_FUNCIONAL": "functional_group", "DESC_GPO_FUNCIONAL": "functional_group_name",
    "ID_FUNCION": "function", "DESC_FUNCION": "function_name",
    "ID_SUBFUNCION": "subfunction", "DESC_SUBFUNCION": "subfunction_name",
    "ID_AI": "institutional_activity", "DESC_AI": "institutional_activity_name",
    "JUSTIFICACION_AJUSTE_ENERO_MAY": "jan_may_adjustment_justification",
    "AVANCE_ENERO_MAYO_CAUSA": "jan_may_cause", "AVANCE_ENERO_MAYO_EFECTO": "jan_may_effect",
    "AVANCE_ENERO_MAYO_OTROS_MOTIVOS": "jan_may_other_reasons",
}
PREVIOUS_INDICATOR = "ID_INDICADOR_CICLO_ANTERIOR"
# In the order of Hacienda's file.
HACIENDA_KEPT_COLUMNS = [
    "GPO_FUNCIONAL", "DESC_GPO_FUNCIONAL", "ID_FUNCION", "DESC_FUNCION", "ID_SUBFUNCION", "DESC_SUBFUNCION",
    "ID_AI", "DESC_AI", *PROGRAM_HACIENDA_COLUMNS, PREVIOUS_INDICATOR,
    "JUSTIFICACION_AJUSTE_ENERO_MAY", "AVANCE_ENERO_MAYO_CAUSA", "AVANCE_ENERO_MAYO_EFECTO",
    "AVANCE_ENERO_MAYO_OTROS_MOTIVOS",
]

COLUMNS = FICHA_COLUMNS + [c for n in MONTHS for c in month_columns(n)] + CP_COLUMNS + HACIENDA_KEPT_COLUMNS

# Appended by our export, ignored on import.
RESULT_COLUMNS = [c for n in MONTHS for c in (f"CUMPLIMIENTO_MES{n}", f"SEMAFORO_MES{n}")]

REQUIRED_COLUMNS = ["CICLO", "ID_RAMO", "ID_UR", "ID_PP", "ID_INDICADOR", "NOMBRE_INDICADOR", "FRECUENCIA", "SENTIDO"]

# Other spellings of our columns, one data table: header as written → our name. An alias is used only
# when the file lacks our name (a file with both reads ours and ignores the alias). The name columns of
# Hacienda's open-data file are not confirmed; these are the candidates (docs/intercambio.md).
COLUMN_ALIASES = {
    "DESC_INDICADOR": "NOMBRE_INDICADOR",
    "NOMBRE_DEL_INDICADOR": "NOMBRE_INDICADOR",
    "DEFINICION_DEL_INDICADOR": "DEFINICION_INDICADOR",
    "METODO_DE_CALCULO": "METODO_CALCULO",
    "METODO_CALCULO_INDICADOR": "METODO_CALCULO",
    "AVANCE_ENERO_MAYO_OTROS_MOTIVO": "AVANCE_ENERO_MAYO_OTROS_MOTIVOS",
}

# Columns of Hacienda's open-data file that SIMIR reads past without storing (no error, one note): the
# entidad's name (its clave, ID_ENTIDAD_FEDERATIVA, is read) and the municipio.
HACIENDA_COLUMNS = ["ENTIDAD_FEDERATIVA", "ID_MUNICIPIO", "MUNICIPIO"]

_READ = frozenset(COLUMNS) | frozenset(RESULT_COLUMNS) | frozenset(HACIENDA_COLUMNS) | {STATE_COLUMN}


def extra_columns(header):
    """The columns of a header that SIMIR does not model: kept per indicator as written and exported back."""
    return tuple(name for name in header if name and name not in _READ)


def canonical_header(names):
    """The header with aliases read as our names; returns (names, {our name: as written})."""
    present = set(names)
    renamed = {}
    result = []
    for name in names:
        target = COLUMN_ALIASES.get(name)
        if target and target not in present and target not in renamed:
            renamed[target] = name
            name = target
        result.append(name)
    return result, renamed
