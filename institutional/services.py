"""Capturing a Programa Institucional indicator's yearly result. The result is the avance of month
12 of that year (as the demo loads the printed series), so saving, the annual window, the
optimistic version, the audit and the workflow are those of every avance (`reporting.services`,
`reporting.workflow`); this module only says which years an indicator has."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators import rules
from reporting.services import save_progress
from reporting.workflow import Action, transition

ANNUAL_MONTH = 12  # an annual (or biennial) indicator's only period closes in December


class NotSent(ValidationError):
    """The draft was saved; sending it for review failed for the reasons it carries."""


def programme_years(matrix):
    return range(matrix.fiscal_year, (matrix.last_year or matrix.fiscal_year) + 1)


def result_years(indicator):
    """The programme's years in which the indicator is measured: every year for a yearly one, only
    the years with a meta for one measured less often (docs/reglas.md, «Periodos»)."""
    meta_years = {t.fiscal_year for t in indicator.targets.all() if t.month == ANNUAL_MONTH}
    return [year for year in programme_years(indicator.matrix)
            if rules.measured_in_year(indicator.frequency, year in meta_years)]


def save_result(user, indicator, fiscal_year, *, send=False, **values):
    """Save a year's result as a draft (value or numerador/denominador, causa, efecto, otros motivos,
    expected_version) and, with `send`, send it for review. A draft that saves but cannot be sent
    stays saved: the ValidationError of the send says what is missing."""
    if fiscal_year not in result_years(indicator):
        raise ValidationError(_("El indicador no se mide en %(anio)s dentro de su programa.") % {"anio": fiscal_year})
    progress = save_progress(user, indicator, fiscal_year, ANNUAL_MONTH, **values)
    if send:
        try:
            progress = transition(user, progress, Action.ENVIAR)
        except ValidationError as exc:
            raise NotSent(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
    return progress
