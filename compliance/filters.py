"""Filters of the review queue (django-filter). Choices only offer what the scoped queryset holds."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.search import fold, folded
from compliance.progress_readings import READ_FIELDS, kept_reading, own_result, readings_for
from indicators import rules
from indicators.choices import Direction, Frequency
from programs.models import Level, Program, ResponsibleUnit
from reporting.choices import ProgressStatus

NO_META = "sin-meta"
QUARTER_CHOICES = [(q, f"T{q}") for q in rules.QUARTERS]
SEMAFORO_CHOICES = [*rules.Semaforo.CHOICES, (NO_META, _("Sin meta"))]


class ReviewFilter(django_filters.FilterSet):
    ejercicio = django_filters.ChoiceFilter(field_name="fiscal_year", label=_("Ejercicio"), empty_label=_("Todos"))
    trimestre = django_filters.ChoiceFilter(
        label=_("Trimestre"), choices=QUARTER_CHOICES, method="filter_quarter", empty_label=_("Todos")
    )
    programa = django_filters.ModelChoiceFilter(
        field_name="indicator__matrix__program", label=_("Programa"), queryset=Program.objects.none(),
        empty_label=_("Todos"),
    )
    ur = django_filters.ModelChoiceFilter(
        field_name="indicator__responsible_unit", label=_("UR"), queryset=ResponsibleUnit.objects.none(),
        empty_label=_("Todas"),
    )
    nivel = django_filters.ChoiceFilter(
        field_name="indicator__objective__level", label=_("Nivel"), choices=Level.choices, empty_label=_("Todos")
    )
    estado = django_filters.ChoiceFilter(
        field_name="status", label=_("Estado"), choices=ProgressStatus.choices, empty_label=_("Todos")
    )
    # Declared last on purpose: filters run in this order, and the avances without a stored result
    # or reading are read in Python, so it should only see what the other filters left.
    semaforo = django_filters.ChoiceFilter(
        label=_("Semáforo"), choices=SEMAFORO_CHOICES, method="filter_semaforo", empty_label=_("Todos")
    )

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        """`queryset` must already be the user's scope (`scope.progress_for`): every choice is taken
        from it, so nothing outside the scope is offered or accepted."""
        super().__init__(data, queryset, request=request, **kwargs)
        scoped = self.queryset.order_by()
        years = scoped.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
        self.filters["ejercicio"].extra["choices"] = lambda: [(year, str(year)) for year in years]
        self.filters["programa"].queryset = Program.objects.filter(pk__in=scoped.values("indicator__matrix__program"))
        self.filters["ur"].queryset = ResponsibleUnit.objects.filter(
            pk__in=scoped.values("indicator__responsible_unit")
        ).order_by("clave")

    def filter_quarter(self, queryset, name, value):
        return queryset.filter(month__in=rules.quarter_months(int(value)))

    def filter_semaforo(self, queryset, name, value):
        """The same reading as `readings_for`, in SQL: on the avance's stored reading (every avance
        waiting for review has one after its recompute), else on its own quarterly result. Only
        the rest — saved since their last recompute, or not a period's figure — are read one by one."""
        wanted = None if value == NO_META else value
        light = wanted or ""
        kept = kept_reading()
        rest = list(queryset.filter(~kept, ~own_result()).order_by().select_related(None).select_related("indicator")
                    .only(*READ_FIELDS))
        computed = [pk for pk, reading in readings_for(rest).items() if reading.semaforo == wanted]
        return queryset.filter(kept_reading(light) | (~kept & own_result(light)) | Q(pk__in=computed))


class IndicatorFilter(django_filters.FilterSet):
    """Filters of the indicator catalog; choices come from the scoped queryset only."""

    q = django_filters.CharFilter(label=_("Buscar"), method="search")
    ejercicio = django_filters.ChoiceFilter(field_name="fiscal_year", label=_("Ejercicio"), empty_label=_("Todos"))
    programa = django_filters.ModelChoiceFilter(
        field_name="matrix__program", label=_("Programa"), queryset=Program.objects.none(), empty_label=_("Todos")
    )
    ur = django_filters.ModelChoiceFilter(
        field_name="responsible_unit", label=_("UR"), queryset=ResponsibleUnit.objects.none(), empty_label=_("Todas")
    )
    nivel = django_filters.ChoiceFilter(field_name="objective__level", label=_("Nivel"), choices=Level.choices,
                                        empty_label=_("Todos"))
    frecuencia = django_filters.ChoiceFilter(field_name="frequency", label=_("Frecuencia"), choices=Frequency.choices,
                                             empty_label=_("Todas"))
    sentido = django_filters.ChoiceFilter(field_name="direction", label=_("Sentido"), choices=Direction.choices,
                                          empty_label=_("Todos"))

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        scoped = self.queryset.order_by()
        years = scoped.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
        self.filters["ejercicio"].extra["choices"] = lambda: [(year, str(year)) for year in years]
        self.filters["programa"].queryset = Program.objects.filter(pk__in=scoped.values("matrix__program"))
        self.filters["ur"].queryset = ResponsibleUnit.objects.filter(pk__in=scoped.values("responsible_unit"))

    def search(self, queryset, name, value):
        # Accents and case do not matter («vacunacion» finds «Vacunación»), on both databases.
        return queryset.alias(_folded_name=folded("name")).filter(
            Q(_folded_name__contains=fold(value)) | Q(external_id__icontains=value)
        )
