"""Catalogs of the follow-up of commitments (docs/seguimiento.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ACUERDO = "acuerdo", _("Acuerdo de la Junta de Gobierno")
    RECOMENDACION = "recomendacion", _("Recomendación de los Comisarios")
    ASM = "asm", _("Aspecto susceptible de mejora")
    CONTROL = "control", _("Acción de control interno")
    AUDITORIA = "auditoria", _("Observación de auditoría")


class ControlProgramme(models.TextChoices):
    PTCI = "PTCI", _("Programa de Trabajo de Control Interno")
    PTAR = "PTAR", _("Programa de Trabajo de Administración de Riesgos")


class Rule(models.TextChoices):
    """How a commitment's % done is decided (followup/rules.py)."""

    SHARE = "proporcion", _("Proporción de sub-elementos resueltos")
    WEIGHTED = "ponderado", _("Promedio ponderado de los sub-elementos")
    REPORTED = "reportado", _("Reportado directamente, con evidencia")


class ItemState(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    EN_PROCESO = "en_proceso", _("En proceso")
    RESUELTO = "resuelto", _("Resuelto")


class Standing(models.TextChoices):
    """A commitment's situation at a date, derived from its % and its due date."""

    SIN_DATO = "sin_dato", _("Sin dato")
    SIN_AVANCE = "sin_avance", _("Sin avance")
    EN_PROCESO = "en_proceso", _("En proceso")
    VENCIDO = "vencido", _("Vencido")
    CONCLUIDO = "concluido", _("Concluido")
