"""Column kinds shared by metas and avances: exact decimals, justifications, numerador/denominador."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators import rules

JUSTIFICATION_MAX = 2000


def check_value(number):
    """The bound of docs/reglas.md §1 on every value column, so the admin and full_clean() refuse
    what the capture and the import refuse."""
    problem = rules.number_problem(number)
    if problem:
        raise ValidationError(_("El número %(numero)s %(problema)s."), code="out_of_bounds",
                              params={"numero": rules.show(number), "problema": problem})


# The bound needs 21 digits (15 figures, 6 of them decimals). The columns keep 29 so that a value
# stored before the bound (under 10^22) still reads: SQLite returns it as a float rounded to 15
# significant digits, at most 10^22 itself (23 integer digits + 6 decimals), and Django raises when
# what it reads has more digits than the column.
VALUE_MAX_DIGITS = 29


def value_field(verbose_name, **kwargs):
    """Decimal column for metas, avances and their numerador/denominador (6 decimals kept)."""
    return models.DecimalField(verbose_name, max_digits=VALUE_MAX_DIGITS, decimal_places=rules.MAX_DECIMALS,
                               null=True, blank=True, validators=[check_value], **kwargs)


def justification_field(verbose_name):
    return models.TextField(
        verbose_name, blank=True, max_length=JUSTIFICATION_MAX, validators=[MaxLengthValidator(JUSTIFICATION_MAX)]
    )


def hacienda_text_field(verbose_name):
    """A column of Hacienda's open-data file kept as published (docs/intercambio.md); not used by any rule."""
    return models.TextField(verbose_name, blank=True)


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
