"""Building small interchange files for the import tests."""

import csv

import openpyxl

from interchange.layout import COLUMNS


def base_row(**cells):
    row = {
        "CICLO": "2024", "ID_RAMO": "47", "DESC_RAMO": "Entidades no Sectorizadas", "ID_UR": "AYO",
        "DESC_UR": "Servicios de Salud IMSS-BIENESTAR", "ID_MODALIDAD": "S", "DESC_MODALIDAD": "Sujetos a Reglas",
        "ID_PP": "200", "DESC_PP": "Fortalecimiento a la atención médica", "ID_MATRIZ": "77",
        "DESC_MATRIZ": "MIR S200", "ID_NIVEL": "4", "DESC_NIVEL": "Actividad", "ID_OBJETIVO": "A1",
        "DESC_OBJETIVO": "Contratación de personal itinerante", "ID_INDICADOR": "1001",
        "NOMBRE_INDICADOR": "Porcentaje de personal itinerante completo", "TIPO_RELATIVO": "Porcentaje",
        "FRECUENCIA": "Trimestral", "SENTIDO": "Ascendente", "TIPO_INDICADOR": "Gestión",
    }
    row.update(cells)
    return row


def write_csv(path, rows, header=None, encoding="utf-8-sig"):
    header = header or COLUMNS
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column, "") for column in header])
    return path


def write_xlsx(path, rows, header=None, numeric=()):
    """`numeric` columns are written as numbers, as Excel users type them."""
    header = header or COLUMNS
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([
            (float(row[c]) if c in numeric and row.get(c) else row.get(c) or None) for c in header
        ])
    workbook.save(path)
    return path
