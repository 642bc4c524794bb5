"""A synthetic file shaped like Hacienda's open-data «avance de los indicadores», for `bench_import`
and the 20,000-row integration test: Latin-1, Hacienda's column order, no UMBRAL_*/ACUMULADO/FACTOR,
dirty TIPO_INDICADOR and DIMENSION spellings, non-breaking spaces and line breaks in text, blank
baselines, an undocumented column. Every programme has a Fin, a Propósito, Componentes and
Actividades; every indicator is one national row with its metas (numerator and denominator) and
avances of January to September. Everything is marked ficticio and lives under ramo 98."""

import csv
import random
from decimal import ROUND_HALF_UP, Decimal

SYNTHETIC_RAMO = "98"
MONTH_COLUMNS = [
    "META_MES{n}", "META_MES{n}_NUM", "META_MES{n}_DEN", "META_AJUSTADA_MES{n}", "JUSTIFICACION_AJUSTE_MES{n}",
    "AVANCE_MES{n}", "AVANCE_CAUSA_MES{n}", "AVANCE_EFECTO_MES{n}", "AVANCE_OTROS_MOTIVOS_MES{n}",
]
# Hacienda's documented columns, in its order; the file adds an undocumented one after them.
HACIENDA_HEADER = [
    "CICLO", "ID_RAMO", "DESC_RAMO", "ID_UR", "DESC_UR",
    "ID_ENTIDAD_FEDERATIVA", "ENTIDAD_FEDERATIVA", "ID_MUNICIPIO", "MUNICIPIO",
    "GPO_FUNCIONAL", "DESC_GPO_FUNCIONAL", "ID_FUNCION", "DESC_FUNCION", "ID_SUBFUNCION", "DESC_SUBFUNCION",
    "ID_AI", "DESC_AI",
    "ID_MODALIDAD", "DESC_MODALIDAD", "ID_PP", "DESC_PP", "MODALIDAD_PP",
    "ID_PND", "DESC_PND", "OBJETIVO_PND", "PROGRAMA_PND", "DESC_PROGRAMA_PND", "OBJETIVO_PROGRAMA_PND",
    "DESC_OBJETIVO_PROGRAMA_PND", "OBJETIVO_ESTRATEGICO",
    "ID_NIVEL", "DESC_NIVEL", "INDICADOR_PND",
    "TIPO_RELATIVO", "FRECUENCIA", "TIPO_INDICADOR", "DIMENSION", "UNIDAD_MEDIDA", "SENTIDO",
    "ID_MATRIZ", "DESC_MATRIZ", "ID_OBJETIVO", "ID_OBJETIVO_PADRE", "DESC_OBJETIVO",
    "ID_INDICADOR", "ID_INDICADOR_CICLO_ANTERIOR", "CICLO_LINEA_BASE",
    "NOMBRE_DEL_INDICADOR", "DEFINICION_INDICADOR", "METODO_CALCULO",
    *[c.format(n=n) for n in range(1, 13) for c in MONTH_COLUMNS],
    "META_AJUSTADA_CP", "AVANCE_CP", "AVANCE_CAUSA_CP", "AVANCE_EFECTO_CP", "AVANCE_OTROS_MOTIVOS_CP",
    "JUSTIFICACION_AJUSTE_ENERO_MAY", "AVANCE_ENERO_MAYO_CAUSA", "AVANCE_ENERO_MAYO_EFECTO",
    "AVANCE_ENERO_MAYO_OTROS_MOTIVO",
]
HEADER = [*HACIENDA_HEADER, "FECHA_CORTE"]
# (FRECUENCIA, the months that close its periods)
FREQUENCIES = [("Mensual", range(1, 13)), ("Trimestral", (3, 6, 9, 12)), ("Trimestral", (3, 6, 9, 12)),
               ("Semestral", (6, 12)), ("Anual", (12,)), ("Bimestral", (2, 4, 6, 8, 10, 12))]
TYPES = ["Gestión", "De Gestión", "GESTION", "Gestion", "Estratégico", "Estratgico", "Sectorial"]
DIMENSIONS = ["Eficacia", "Eificacia", "Eficiencia", "Eficiciencia", "Calidad", "Económica", "0"]
LEVELS = [("1", "Fin", "F"), ("2", "Propósito", "P"), ("3", "Componente", "C1"), ("4", "Actividad", "A1"),
          ("3", "Componente", "C2"), ("4", "Actividad", "A2")]
REPORTED_UP_TO = 9  # avances of January to September, as in a file downloaded in October
PER_PROGRAM = 15
# ID_PP is at most 999 within a modalidad: programmes cycle the letters (7 × 999 × 15 rows fit).
MODALIDADES = "EKSUPGB"


def write_hacienda_file(path, rows, fiscal_year=2099, seed=2024):
    """Write `rows` indicator rows to `path`; return the path."""
    rng = random.Random(seed)
    with open(path, "w", encoding="latin-1", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for index in range(rows):
            cells = _row(index, fiscal_year, rng)
            writer.writerow([cells.get(column, "") for column in HEADER])
    return path


def _row(index, fiscal_year, rng):
    program, position = divmod(index, PER_PROGRAM)
    letter, number = MODALIDADES[program % len(MODALIDADES)], program // len(MODALIDADES) + 1
    level_id, level_name, objective = LEVELS[min(position, 3) if position < 4 else 2 + position % 4]
    parent = {"F": "", "P": "F", "C1": "P", "C2": "P", "A1": "C1", "A2": "C2"}[objective]
    frequency, months = FREQUENCIES[index % len(FREQUENCIES)]
    unit = program % 40
    cells = {
        "CICLO": str(fiscal_year), "ID_RAMO": SYNTHETIC_RAMO, "DESC_RAMO": "Ramo sintético (ficticio)",
        "ID_UR": f"S{unit:02d}", "DESC_UR": f"UR sintética {unit} (ficticia)",
        "GPO_FUNCIONAL": "2", "DESC_GPO_FUNCIONAL": "Desarrollo Social", "ID_FUNCION": "3", "DESC_FUNCION": "Salud",
        "ID_MODALIDAD": letter, "DESC_MODALIDAD": f"Modalidad {letter}", "ID_PP": str(number),
        "DESC_PP": f"Programa sintético {letter}{number:03d} (ficticio)", "MODALIDAD_PP": f"{letter}{number:03d}",
        "ID_NIVEL": level_id, "DESC_NIVEL": level_name,
        "TIPO_RELATIVO": "Porcentaje", "FRECUENCIA": frequency, "TIPO_INDICADOR": rng.choice(TYPES),
        "DIMENSION": rng.choice(DIMENSIONS), "UNIDAD_MEDIDA": "Porcentaje",
        "SENTIDO": "Descendente" if index % 7 == 0 else "Ascendente",
        "ID_MATRIZ": str(90000 + program), "DESC_MATRIZ": f"MIR sintética {program + 1}",
        "ID_OBJETIVO": objective, "ID_OBJETIVO_PADRE": parent,
        "DESC_OBJETIVO": f"Objetivo\u00a0sintético {objective}\nde la MIR {program + 1}",
        "ID_INDICADOR": str(9000000 + index), "CICLO_LINEA_BASE": "" if index % 5 == 0 else str(fiscal_year - 1),
        "NOMBRE_DEL_INDICADOR": f"Porcentaje\u00a0sintético {index} (ficticio)",
        "METODO_CALCULO": "(Numerador / Denominador) x 100", "FECHA_CORTE": f"30/09/{fiscal_year}",
    }
    for month in months:
        denominator = rng.randint(100, 5000)
        numerator = rng.randint(denominator // 2, denominator)
        cells[f"META_MES{month}_NUM"], cells[f"META_MES{month}_DEN"] = str(numerator), str(denominator)
        cells[f"META_MES{month}"] = _percent(numerator, denominator)
        if month <= REPORTED_UP_TO:
            achieved = rng.randint(denominator // 3, denominator)
            cells[f"AVANCE_MES{month}"] = _percent(achieved, denominator)
            if achieved < numerator * 9 // 10:
                cells[f"AVANCE_CAUSA_MES{month}"] = "Menor demanda de la prevista\nen el periodo"
                cells[f"AVANCE_EFECTO_MES{month}"] = "Sin efecto en la población atendida"
    return cells


def _percent(numerator, denominator):
    """Printed as Hacienda prints it: two decimals, rounded half-up (the rule the import checks)."""
    return str((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
