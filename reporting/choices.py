"""States of an avance in the workflow (docs/flujo.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressStatus(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    ENVIADO = "enviado", _("Enviado")
    DEVUELTO = "devuelto", _("Devuelto")
    APROBADO = "aprobado", _("Aprobado")
