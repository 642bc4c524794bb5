"""Filters of the list endpoints: ciclo, ramo, ur, programa, nivel, trimestre (and estado for
avances). A bad value is a 400 naming the parameter and what it takes; an id outside the scope
just matches nothing, as the rows were scoped before filtering."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field

from common.ids import MAX_ID, MAX_YEAR, parse_int
from indicators import rules
from programs.models import Level
from compliance.models import QuarterAggregate
from reporting.choices import ProgressStatus


class BoundedIntegerField(forms.Field):
    """An integer of ASCII digits in [minimum, maximum], with a message naming the parameter."""

    def __init__(self, *, minimum=1, maximum=MAX_ID, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_int(value.strip() if isinstance(value, str) else value, self.minimum, self.maximum)
        if number is None:
            # Params, not %: django-filter formats the message again, and a «%» sent would break it.
            raise forms.ValidationError(
                _("«%(param)s» debe ser un número entero de %(min)s a %(max)s; se recibió «%(valor)s»."),
                params={"param": self.label, "min": self.minimum, "max": self.maximum, "valor": value})
        return number


class ChoiceField(forms.ChoiceField):
    def validate(self, value):
        if value and not self.valid_value(value):
            allowed = ", ".join(str(key) for key, _label in self.choices)
            raise forms.ValidationError(_("«%(param)s» no admite «%(valor)s»; los valores válidos son: %(validos)s."),
                                        params={"param": self.label, "valor": value, "validos": allowed})
        super().validate(value)


class IntegerFilter(django_filters.Filter):
    field_class = BoundedIntegerField


class TextChoiceFilter(django_filters.ChoiceFilter):
    field_class = ChoiceField


HELP = {
    "ciclo": gettext_lazy("Ejercicio fiscal, p. ej. 2024."),
    "ramo": gettext_lazy("Id del ramo (/api/v1/ramos/)."),
    "ur": gettext_lazy("Id de la unidad responsable (/api/v1/urs/)."),
    "programa": gettext_lazy("Id del programa presupuestario (/api/v1/programas/)."),
    "nivel": gettext_lazy("Nivel de la fila de la matriz."),
    "trimestre": gettext_lazy("Trimestre del ejercicio, de 1 a 4."),
    "estado": gettext_lazy("Estado del avance en el flujo de revisión."),
    "matriz": gettext_lazy("Id de la matriz (/api/v1/matrices/)."),
    "agrupacion": gettext_lazy("Agrupación del agregado: total, programa, ur o nivel."),
}


def integer(name, field_name, method=None, minimum=1, maximum=MAX_ID):
    found = IntegerFilter(field_name=field_name, label=name, method=method, minimum=minimum, maximum=maximum)
    # The schema states the bounds the field checks (the model's column would say 0 … 2**63 - 1).
    return extend_schema_field({"type": "integer", "minimum": minimum, "maximum": maximum,
                                "description": HELP[name]})(found)


def choice(name, field_name, choices, **extra):
    return TextChoiceFilter(field_name=field_name, label=name, help_text=HELP[name], choices=choices, **extra)


QUARTER_BOUNDS = {"minimum": 1, "maximum": 4}
YEAR_BOUNDS = {"minimum": 1, "maximum": MAX_YEAR}


class ProgramFilter(django_filters.FilterSet):
    ciclo = integer("ciclo", "fiscal_year", **YEAR_BOUNDS)
    ramo = integer("ramo", "ramo_id")
    ur = integer("ur", "responsible_unit_id")


class IndicatorFilter(django_filters.FilterSet):
    ciclo = integer("ciclo", "fiscal_year", **YEAR_BOUNDS)
    ramo = integer("ramo", "responsible_unit__ramo_id")
    ur = integer("ur", "responsible_unit_id")
    programa = integer("programa", "matrix__program_id")
    nivel = choice("nivel", "objective__level", Level.choices)


class ProgressFilter(django_filters.FilterSet):
    ciclo = integer("ciclo", "fiscal_year", **YEAR_BOUNDS)
    ramo = integer("ramo", "indicator__responsible_unit__ramo_id")
    ur = integer("ur", "indicator__responsible_unit_id")
    programa = integer("programa", "indicator__matrix__program_id")
    nivel = choice("nivel", "indicator__objective__level", Level.choices)
    trimestre = integer("trimestre", None, method="filter_quarter", **QUARTER_BOUNDS)
    estado = choice("estado", "status", ProgressStatus.choices)

    def filter_quarter(self, queryset, name, value):
        return queryset.filter(month__in=rules.quarter_months(value))


class ResultFilter(django_filters.FilterSet):
    ciclo = integer("ciclo", "fiscal_year", **YEAR_BOUNDS)
    ramo = integer("ramo", "responsible_unit__ramo_id")
    ur = integer("ur", "responsible_unit_id")
    programa = integer("programa", "program_id")
    nivel = choice("nivel", "level", Level.choices)
    trimestre = integer("trimestre", "quarter", **QUARTER_BOUNDS)


class MatrixFilter(django_filters.FilterSet):
    ciclo = integer("ciclo", "fiscal_year", **YEAR_BOUNDS)
    ramo = integer("ramo", "program__ramo_id")
    ur = integer("ur", "program__responsible_unit_id")
    programa = integer("programa", "program_id")


class ObjectiveFilter(django_filters.FilterSet):
    ciclo = integer("ciclo", "matrix__fiscal_year", **YEAR_BOUNDS)
    programa = integer("programa", "matrix__program_id")
    matriz = integer("matriz", "matrix_id")
    nivel = choice("nivel", "level", Level.choices)


class AggregateFilter(django_filters.FilterSet):
    ciclo = integer("ciclo", "fiscal_year", **YEAR_BOUNDS)
    trimestre = integer("trimestre", "quarter", **QUARTER_BOUNDS)
    agrupacion = choice("agrupacion", "scope", QuarterAggregate.Scope.choices)
    programa = integer("programa", "program_id")
    ur = integer("ur", "responsible_unit_id")
    nivel = choice("nivel", "level", Level.choices)
