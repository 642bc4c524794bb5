"""Column kinds shared by metas and avances: exact decimals, justifications, numerador/denominador."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

JUSTIFICATION_MAX = 2000


def value_field(verbose_name, **kwargs):
    """Decimal column for metas, avances and their numerador/denominador (6 decimals kept)."""
    return models.DecimalField(verbose_name, max_digits=28, decimal_places=6, null=True, blank=True, **kwargs)


def justification_field(verbose_name):
    return models.TextField(
        verbose_name, blank=True, max_length=JUSTIFICATION_MAX, validators=[MaxLengthValidator(JUSTIFICATION_MAX)]
    )


def ratio_constraints(prefix):
    """numerador and denominador come together, and x / 0 only exists for x = 0."""
    return [
        models.CheckConstraint(
            condition=Q(numerator__isnull=True, denominator__isnull=True)
            | Q(numerator__isnull=False, denominator__isnull=False),
            name=f"{prefix}_num_den_together",
            violation_error_message=_("El numerador y el denominador se capturan juntos."),
        ),
        models.CheckConstraint(
            condition=~Q(denominator=0) | Q(numerator=0),
            name=f"{prefix}_no_division_by_zero",
            violation_error_message=_("El denominador es 0 y el numerador no: el cociente no existe."),
        ),
    ]
