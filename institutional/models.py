"""What a Programa Institucional ficha printed instead of a number: ND (no disponible) or NA (no
aplica). The report says so in words; a blank cell or a 0 would say something the source did not."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator


class Figure(models.TextChoices):
    RESULTADO = "resultado", _("resultado")
    META = "meta", _("meta")
    LINEA_BASE = "linea_base", _("línea base")


class Mark(models.TextChoices):
    NO_DISPONIBLE = "ND", _("no disponible")
    NO_APLICA = "NA", _("no aplica")


class PublishedMark(models.Model):
    """One ND / NA cell of a ficha's series (a year's resultado or meta) or of its línea base."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="published_marks",
                                  verbose_name=_("indicador"))
    figure = models.CharField(_("dato"), max_length=20, choices=Figure.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("año"), null=True, blank=True,
                                                   help_text=_("Vacío para la línea base."))
    mark = models.CharField(_("marca"), max_length=2, choices=Mark.choices)
    printed = models.CharField(_("como se imprimió"), max_length=20)

    class Meta:
        verbose_name = _("dato no publicado")
        verbose_name_plural = _("datos no publicados")
        ordering = ["indicator", "figure", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "figure", "fiscal_year"], name="unique_published_mark"),
        ]

    def __str__(self):
        return f"{self.indicator.external_id} {self.figure} {self.fiscal_year or ''}: {self.printed}"


def mark_of(printed):
    """ND / NA in any spelling of the fichas (ND, N.D., NA, N.A., N/A), else None."""
    if not isinstance(printed, str):
        return None
    letters = "".join(ch for ch in printed.upper() if ch.isalpha())
    return {"ND": Mark.NO_DISPONIBLE, "NA": Mark.NO_APLICA}.get(letters)
