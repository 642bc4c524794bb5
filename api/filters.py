"""Filters of the list endpoints: ciclo, ramo, ur, programa, nivel, trimestre (and estado for
avances). A bad value is a 400 naming the parameter and what it takes; an id outside the scope
just matches nothing, as the rows were scoped before filtering."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from common.ids import MAX_ID, MAX_YEAR, parse_int
from indicators import rules
from programs.models import Level
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
            raise forms.ValidationError(
                _("«%(param)s» debe ser un número entero de %(min)s a %(max)s; se recibió «%(valor)s».")
                % {"param": self.label, "min": self.minimum, "max": self.maximum, "valor": value})
        return number


class ChoiceField(forms.ChoiceField):
    def validate(self, value):
        if value and not self.valid_value(value):
            allowed = ", ".join(str(key) for key, _label in self.choices)
            raise forms.ValidationError(_("«%(param)s» no admite «%(valor)s»; los valores válidos son: %(validos)s.")
                                        % {"param": self.label, "valor": value, "validos": allowed})
        super().validate(value)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.Filter):
    field_class = BoundedIntegerField


class TextChoiceFilter(django_filters.ChoiceFilter):
    field_class = ChoiceField


def integer(name, field_name, **bounds):
    return IntegerFilter(field_name=field_name, label=name, **bounds)


def choice(name, field_name, choices, **extra):
    return TextChoiceFilter(field_name=field_name, label=name, choices=choices, **extra)


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
    trimestre = IntegerFilter(label="trimestre", method="filter_quarter", **QUARTER_BOUNDS)
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
