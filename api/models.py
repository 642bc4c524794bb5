"""Personal API tokens. Only the SHA-256 of a key is stored: a leaked database gives no usable
token, and the key is shown once, when it is created (api/tokens.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("usuario"))
    name = models.CharField(_("nombre"), max_length=100)
    key_hash = models.CharField(_("huella del token"), max_length=64, unique=True)
    prefix = models.CharField(_("inicio del token"), max_length=8,
                              help_text=_("Los primeros caracteres, para reconocerlo sin guardarlo."))
    created_at = models.DateTimeField(_("creado el"), auto_now_add=True)
    expires_at = models.DateTimeField(_("vence el"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocado el"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)

    class Meta:
        verbose_name = _("token de API")
        verbose_name_plural = _("tokens de API")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
