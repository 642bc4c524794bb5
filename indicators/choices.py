"""Catalog values of the ficha técnica, with the canonical Spanish spelling of docs/intercambio.md."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MENSUAL = "Mensual", _("Mensual")
    BIMESTRAL = "Bimestral", _("Bimestral")
    TRIMESTRAL = "Trimestral", _("Trimestral")
    CUATRIMESTRAL = "Cuatrimestral", _("Cuatrimestral")
    SEMESTRAL = "Semestral", _("Semestral")
    ANUAL = "Anual", _("Anual")
    BIENAL = "Bienal", _("Bienal")
    TRIENAL = "Trienal", _("Trienal")
    QUINQUENAL = "Quinquenal", _("Quinquenal")
    SEXENAL = "Sexenal", _("Sexenal")


class Direction(models.TextChoices):
    """Sentido del indicador."""

    ASCENDENTE = "Ascendente", _("Ascendente")
    DESCENDENTE = "Descendente", _("Descendente")
    REGULAR = "Regular", _("Regular")


class Accumulation(models.TextChoices):
    ACUMULADO = "Acumulado", _("Acumulado")
    PERIODICO = "Periódico", _("Periódico")


class IndicatorType(models.TextChoices):
    ESTRATEGICO = "Estratégico", _("Estratégico")
    GESTION = "Gestión", _("Gestión")


class ValueType(models.TextChoices):
    """TIPO_RELATIVO; other values are kept as written (factor 1)."""

    ABSOLUTO = "Absoluto", _("Absoluto")
    PORCENTAJE = "Porcentaje", _("Porcentaje")
    TASA = "Tasa", _("Tasa")
    RAZON = "Razón", _("Razón")
    PROMEDIO = "Promedio", _("Promedio")
    INDICE = "Índice", _("Índice")


class Dimension(models.TextChoices):
    EFICACIA = "Eficacia", _("Eficacia")
    EFICIENCIA = "Eficiencia", _("Eficiencia")
    CALIDAD = "Calidad", _("Calidad")
    ECONOMIA = "Economía", _("Economía")


class AdjustmentStatus(models.TextChoices):
    SOLICITADO = "solicitado", _("Solicitado")
    APROBADO = "aprobado", _("Aprobado")
    RECHAZADO = "rechazado", _("Rechazado")


class AdjustmentType(models.TextChoices):
    META = "meta", _("Ajuste de meta")
    CALENDARIO = "calendario", _("Ajuste de calendario")
    METODO = "metodo", _("Cambio de método de cálculo")
    OFICIAL = "oficial", _("Meta modificada publicada (importada)")
