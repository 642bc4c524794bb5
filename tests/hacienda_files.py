"""Files shaped like Hacienda's open-data «avance de los indicadores» (issue 16's facts): Latin-1, its
column order, no UMBRAL_*/ACUMULADO/FACTOR, unconfirmed name columns, undocumented columns, and the
dirty values seen in the real file. Every row is one indicator; `row()` gives a clean Actividad row
and the tests override cells."""

import csv

MONTH_COLUMNS = [
    "META_MES{n}", "META_MES{n}_NUM", "META_MES{n}_DEN", "META_AJUSTADA_MES{n}", "JUSTIFICACION_AJUSTE_MES{n}",
    "AVANCE_MES{n}", "AVANCE_CAUSA_MES{n}", "AVANCE_EFECTO_MES{n}", "AVANCE_OTROS_MOTIVOS_MES{n}",
]
UNDOCUMENTED = ["FECHA_CORTE", "OBSERVACIONES_SHCP"]

HEADER = [
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
    *UNDOCUMENTED,
]


def row(**cells):
    """A clean national Actividad row of programme S200 (ID_PP a number, its letter in ID_MODALIDAD)."""
    values = {
        "CICLO": "2024", "ID_RAMO": "12", "DESC_RAMO": "Salud", "ID_UR": "NBV", "DESC_UR": "Centro Nacional",
        "GPO_FUNCIONAL": "2", "DESC_GPO_FUNCIONAL": "Desarrollo Social", "ID_FUNCION": "3", "DESC_FUNCION": "Salud",
        "ID_MODALIDAD": "S", "DESC_MODALIDAD": "Sujetos a Reglas de Operación", "ID_PP": "200",
        "DESC_PP": "Atención médica", "MODALIDAD_PP": "S200", "ID_NIVEL": "4", "DESC_NIVEL": "Actividad",
        "TIPO_RELATIVO": "Porcentaje", "FRECUENCIA": "Trimestral", "TIPO_INDICADOR": "Gestión",
        "DIMENSION": "Eficacia", "UNIDAD_MEDIDA": "Porcentaje", "SENTIDO": "Ascendente", "ID_MATRIZ": "77",
        "DESC_MATRIZ": "MIR S200", "ID_OBJETIVO": "A1", "DESC_OBJETIVO": "Consultas otorgadas",
        "ID_INDICADOR": "5001", "NOMBRE_DEL_INDICADOR": "Porcentaje de consultas otorgadas",
        "META_MES3": "50", "AVANCE_MES3": "45", "FECHA_CORTE": "31/03/2024",
    }
    values.update(cells)
    return values


def write(path, rows, header=HEADER, encoding="latin-1"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for values in rows:
            writer.writerow([values.get(column, "") for column in header])
    return path


def national_file(path):
    """One file with every dirty trait at once: a Fin, a Componente and two Actividad rows of S200
    (no Propósito: the Componente's parent is elsewhere), and an Actividad of E010 whose Componente
    is not in the file."""
    rows = [
        row(ID_NIVEL="1", DESC_NIVEL="Fin", ID_OBJETIVO="F1", DESC_OBJETIVO="Contribuir\u00a0al bienestar",
            ID_INDICADOR="5000", NOMBRE_DEL_INDICADOR="Tasa de mortalidad", TIPO_INDICADOR="Estratgico",
            DIMENSION="Eificacia", FRECUENCIA="Anual", META_MES3="", AVANCE_MES3="", META_MES12="10"),
        row(ID_NIVEL="3", DESC_NIVEL="Componente", ID_OBJETIVO="C1", ID_OBJETIVO_PADRE="P1",
            DESC_OBJETIVO="Consultas\nde primer nivel", ID_INDICADOR="5002", TIPO_INDICADOR="De Gestión",
            DIMENSION="Eficiciencia", NOMBRE_DEL_INDICADOR="Porcentaje\u00a0de\u00a0consultas"),
        row(ID_OBJETIVO="A1", ID_OBJETIVO_PADRE="C1", ID_INDICADOR="5003", TIPO_INDICADOR="Sectorial",
            DIMENSION="Económica", CICLO_LINEA_BASE="", ID_MATRIZ=""),
        row(ID_OBJETIVO="A2", ID_OBJETIVO_PADRE="C1", ID_INDICADOR="5004", TIPO_INDICADOR="GESTION",
            DIMENSION="0", OBSERVACIONES_SHCP="revisado"),
        row(ID_RAMO="47", ID_UR="AYO", ID_MODALIDAD="E", ID_PP="10", DESC_PP="Servicios", MODALIDAD_PP="E010",
            ID_OBJETIVO="A1", ID_OBJETIVO_PADRE="C9", ID_INDICADOR="7001"),
    ]
    return write(path, rows)
