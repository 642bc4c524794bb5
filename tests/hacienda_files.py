"""Files shaped like Hacienda's open-data «avance de los indicadores» (issue 16's facts): Latin-1, its
column order, no UMBRAL_*/ACUMULADO/FACTOR, unconfirmed name columns, undocumented columns, and the
dirty values seen in the real file. Every row is one indicator; `row()` gives a clean Actividad row
and the tests override cells."""

import csv

from devtools.hacienda_synthetic import HACIENDA_HEADER

UNDOCUMENTED = ["FECHA_CORTE", "OBSERVACIONES_SHCP"]
HEADER = [*HACIENDA_HEADER, *UNDOCUMENTED]


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
