"""Tables of the review screens (django-tables2); the semáforo they show is
`progress_readings.readings_for`'s, as in the queue's filter and the review page."""
from itertools import islice

import django_tables2 as tables
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compliance.progress_readings import Reading, readings_for
from programs.models import MIR_ORDER

NUMBER = {"th": {"class": "num"}, "td": {"class": "num"}}
READING_CHUNK = 500  # avances whose semáforo is read together (ReviewTable.reading)


def semaforo_badge(light):
    """The colour always comes with its word (docs/pantallas.md)."""
    if not light:
        return format_html('<span class="muted">{}</span>', gettext("sin meta"))
    return format_html('<span class="semaforo semaforo-{}">{}</span>', light, light)


def period_label(progress):
    label = f"{progress.fiscal_year}-{progress.month:02d}"
    return f"{label} · {progress.state.abbreviation}" if progress.state_id else label


class ReviewTable(tables.Table):
    """The coordinator's queue. Build it from a queryset with the relations of `QUEUE_RELATIONS`."""

    seleccion = tables.CheckBoxColumn(
        accessor="pk", exclude_from_export=True,
        attrs={"th__input": {"id": "seleccionar-todo", "aria-label": _("Seleccionar todos")},
               "td__input": {"aria-label": _("Seleccionar")}},
    )
    programa = tables.Column(
        _("Programa"), accessor="indicator__matrix__program",
        order_by=("indicator__matrix__program__modalidad", "indicator__matrix__program__number"),
    )
    ur = tables.Column(_("UR"), accessor="indicator__responsible_unit__clave")
    nivel = tables.Column(_("Nivel"), accessor="indicator__objective__level")
    indicador = tables.Column(_("Indicador"), accessor="indicator__external_id")
    periodo = tables.Column(_("Periodo"), accessor="month", order_by=("fiscal_year", "month"))
    valor = tables.Column(_("Valor"), accessor="value", attrs=NUMBER)
    semaforo = tables.Column(_("Semáforo"), accessor="pk", orderable=False)
    estado = tables.Column(_("Estado"), accessor="status")
    enviado_el = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name=_("Enviado el"), accessor="submitted_at",
                                       order_by=("submitted_at", "pk"))
    enviado_por = tables.Column(_("Enviado por"), accessor="submitted_by", order_by=("submitted_by__username",))

    class Meta:
        attrs = {"class": "grid review-queue"}
        # Oldest first: the queue is served in arrival order. Meta.order_by names columns; an
        # accessor here would be dropped silently, leaving the model's ordering across joins.
        order_by = ("enviado_el",)
        per_page = 25
        order_by_field = "orden"
        page_field = "pagina"
        empty_text = _("No hay avances que coincidan con los filtros.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._readings, self._ahead = {}, None

    def reading(self, record):
        # Computed for READING_CHUNK rows at a time, as the rows are shown or exported in order: a
        # constant number of queries per chunk, and the whole queue's metas are never held at once.
        if record.pk not in self._readings:
            if self._ahead is None:
                self._ahead = (row.record for row in self.paginated_rows)
            chunk = [record, *islice(self._ahead, READING_CHUNK)]
            self._readings = readings_for(chunk)
        return self._readings.get(record.pk, Reading())

    def order_nivel(self, queryset, is_descending):
        rank = Case(*[When(indicator__objective__level=level, then=Value(i)) for i, level in enumerate(MIR_ORDER)],
                    default=Value(len(MIR_ORDER)), output_field=IntegerField())
        queryset = queryset.annotate(nivel_rank=rank).order_by(("-" if is_descending else "") + "nivel_rank")
        return queryset, True

    def render_programa(self, value):
        return value.clave

    def value_programa(self, value):
        return value.clave

    def render_indicador(self, record):
        url = reverse("simir:review_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a> {}', url, record.indicator.external_id, record.indicator.name)

    def value_indicador(self, record):
        return f"{record.indicator.external_id} {record.indicator.name}"

    def render_periodo(self, record):
        return period_label(record)

    def value_periodo(self, record):
        return period_label(record)

    def render_valor(self, value):
        return number(value)

    def value_valor(self, value):
        return value  # the writer of each export format decides how to show it

    def render_semaforo(self, record):
        return semaforo_badge(self.reading(record).semaforo)

    def value_semaforo(self, record):
        return self.reading(record).semaforo or gettext("sin meta")

    def render_estado(self, record):
        return record.get_status_display()

    def value_estado(self, record):
        return record.get_status_display()

    def value_enviado_el(self, value):
        # Local wall-clock time without tzinfo: what the screen shows and what XLSX can store.
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    def render_enviado_por(self, value):
        return value.get_full_name() or value.username

    def value_enviado_por(self, value):
        return (value.get_full_name() or value.username) if value else ""


QUEUE_RELATIONS = (
    "indicator__matrix__program", "indicator__responsible_unit", "indicator__objective", "submitted_by", "state",
)
from common.numbers import number


class IndicatorTable(tables.Table):
    """The indicator catalog (`/indicadores/`)."""

    indicador = tables.Column(_("ID"), accessor="external_id", order_by=("external_id", "pk"))
    nombre = tables.Column(_("Nombre"), accessor="name")
    programa = tables.Column(_("Programa"), accessor="matrix__program__modalidad",
                             order_by=("matrix__program__modalidad", "matrix__program__number"))
    ur = tables.Column(_("UR"), accessor="responsible_unit__clave")
    nivel = tables.Column(_("Nivel"), accessor="objective__level")
    frecuencia = tables.Column(_("Frecuencia"), accessor="frequency")
    sentido = tables.Column(_("Sentido"), accessor="direction")
    tipo = tables.Column(_("Tipo de valor"), accessor="value_type", default=_("Absoluto"))
    ejercicio = tables.Column(_("Ejercicio"), accessor="fiscal_year")

    class Meta:
        attrs = {"class": "grid"}
        order_by = ("ejercicio", "indicador")  # column names, not accessors (see ReviewTable)
        per_page = 50
        order_by_field = "orden"
        page_field = "pagina"
        empty_text = _("No hay indicadores que coincidan con los filtros.")

    def render_indicador(self, record, value):
        return format_html('<a href="{}">{}</a>', reverse("simir:indicator_detail", args=[record.pk]), value)

    def render_programa(self, record):
        program = record.matrix.program
        return program.clave if program else record.matrix.name

    def value_programa(self, record):
        return self.render_programa(record)

    def value_indicador(self, value):
        return value


class AggregateTable(tables.Table):
    """A dashboard table (per programa or per UR) as exported: the same columns as on screen."""

    registrados = tables.Column(_("Registrados"), accessor="registered")
    con_periodo = tables.Column(_("Con periodo"), accessor="indicators")
    con_meta = tables.Column(_("Con meta"), accessor="with_meta")
    sin_meta = tables.Column(_("Sin meta"), accessor="sin_meta")
    reportados = tables.Column(_("Reportados"), accessor="reported")
    aprobados = tables.Column(_("Aprobados"), accessor="approved")
    verde = tables.Column(_("Verde"), accessor="verde")
    amarillo = tables.Column(_("Amarillo"), accessor="amarillo")
    rojo = tables.Column(_("Rojo"), accessor="rojo")
    gris = tables.Column(_("Gris"), accessor="gris")
    cumplimiento = tables.Column(_("Cumplimiento promedio (%)"), accessor="mean_compliance")
    completitud = tables.Column(_("Completitud (%)"), accessor="completeness")
    oportunidad = tables.Column(_("Oportunidad (%)"), accessor="timeliness")


class ProgramAggregateTable(AggregateTable):
    programa = tables.Column(_("Programa"), accessor="program__modalidad")
    nombre = tables.Column(_("Nombre"), accessor="program__name")
    ur = tables.Column(_("UR"), accessor="program__responsible_unit__clave")

    class Meta:
        sequence = ("programa", "nombre", "ur", "...")

    def value_programa(self, record):
        return record.program.clave


class UnitAggregateTable(AggregateTable):
    ur = tables.Column(_("UR"), accessor="responsible_unit__clave")
    nombre = tables.Column(_("Nombre"), accessor="responsible_unit__name")

    class Meta:
        sequence = ("ur", "nombre", "...")
