"""Catalog values of the ficha técnica, with the canonical Spanish spelling of DESIGN.md §6."""

from django.db import models


class Frequency(models.TextChoices):
    MENSUAL = "Mensual", "Mensual"
    BIMESTRAL = "Bimestral", "Bimestral"
    TRIMESTRAL = "Trimestral", "Trimestral"
    CUATRIMESTRAL = "Cuatrimestral", "Cuatrimestral"
    SEMESTRAL = "Semestral", "Semestral"
    ANUAL = "Anual", "Anual"
    BIENAL = "Bienal", "Bienal"
    TRIENAL = "Trienal", "Trienal"
    QUINQUENAL = "Quinquenal", "Quinquenal"
    SEXENAL = "Sexenal", "Sexenal"


class Direction(models.TextChoices):
    """Sentido del indicador."""

    ASCENDENTE = "Ascendente", "Ascendente"
    DESCENDENTE = "Descendente", "Descendente"
    REGULAR = "Regular", "Regular"


class Accumulation(models.TextChoices):
    ACUMULADO = "Acumulado", "Acumulado"
    PERIODICO = "Periódico", "Periódico"


class IndicatorType(models.TextChoices):
    ESTRATEGICO = "Estratégico", "Estratégico"
    GESTION = "Gestión", "Gestión"


class ValueType(models.TextChoices):
    """TIPO_RELATIVO; other values are kept as written (factor 1)."""

    ABSOLUTO = "Absoluto", "Absoluto"
    PORCENTAJE = "Porcentaje", "Porcentaje"
    TASA = "Tasa", "Tasa"
    RAZON = "Razón", "Razón"
    PROMEDIO = "Promedio", "Promedio"
    INDICE = "Índice", "Índice"


class Dimension(models.TextChoices):
    EFICACIA = "Eficacia", "Eficacia"
    EFICIENCIA = "Eficiencia", "Eficiencia"
    CALIDAD = "Calidad", "Calidad"
    ECONOMIA = "Economía", "Economía"


class ProgressStatus(models.TextChoices):
    BORRADOR = "borrador", "Borrador"
    ENVIADO = "enviado", "Enviado"
    DEVUELTO = "devuelto", "Devuelto"
    APROBADO = "aprobado", "Aprobado"


class AdjustmentStatus(models.TextChoices):
    SOLICITADO = "solicitado", "Solicitado"
    APROBADO = "aprobado", "Aprobado"
    RECHAZADO = "rechazado", "Rechazado"


class AdjustmentType(models.TextChoices):
    META = "meta", "Ajuste de meta"
    CALENDARIO = "calendario", "Ajuste de calendario"
    METODO = "metodo", "Cambio de método de cálculo"
    OFICIAL = "oficial", "Meta modificada publicada (importada)"
