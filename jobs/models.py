"""Background jobs (recompute, export, upload) with their progress and resulting file."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def upload_path(instance, filename):
    """Stored under a name of our own: the uploader's file name is kept in the job's parameters."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"cargas/{timezone.now():%Y/%m}/carga.{suffix}"


class Job(models.Model):
    """A long task (recompute, export) run by Celery, with progress the page polls."""

    class Kind(models.TextChoices):
        RECALCULO = "recalculo", _("Recálculo de cumplimiento")
        EXPORTACION = "exportacion", _("Exportación")
        CARGA = "carga", _("Carga de avances")

    class Status(models.TextChoices):
        # An upload waits here, with its dry run, until its author confirms it.
        POR_CONFIRMAR = "por confirmar", _("Por confirmar")
        PENDIENTE = "pendiente", _("Pendiente")
        EN_CURSO = "en curso", _("En curso")
        TERMINADO = "terminado", _("Terminado")
        ERROR = "error", _("Error")

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("parámetros"), default=dict)
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.PENDIENTE)
    progress = models.PositiveSmallIntegerField(_("avance %"), default=0)
    message = models.TextField(_("mensaje"), blank=True)
    file = models.FileField(_("archivo"), upload_to="exportaciones/%Y/%m/", blank=True)
    # Kept for audit with the upload job; only who can see the job can download it.
    upload = models.FileField(_("archivo cargado"), upload_to=upload_path, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("solicitado por"))
    created_at = models.DateTimeField(_("solicitado el"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("trabajo")
        verbose_name_plural = _("trabajos")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"
