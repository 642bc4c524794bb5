"""The one selector for a quarter's counts (docs/reglas.md, «Los conteos del trimestre»).

The dashboard, the home, the XLSX report, the PDF and web informe and the export's pre-flight all
call `quarter_counts`, so a number is the same on every screen and in every file. It counts the
stored results (`QuarterResult`, one per indicator with a period in the quarter), with the same
rule as the stored aggregates (`aggregates.COUNTS`), plus the indicators registered in the
ejercicio (with or without a period in the quarter) and, on request, the capture state of each
period's national avance. A handful of grouped queries, whatever the number of indicators."""

from collections import defaultdict
from decimal import localcontext

from django.db.models import Count, OuterRef, Q, Subquery

from compliance.aggregates import COUNTERS, COUNTS, derived
from compliance.engine import sed_indicators
from compliance.models import QuarterResult
from indicators import rules
from programs.models import Program, ResponsibleUnit, level_rank
from reporting.choices import ProgressStatus
from reporting.models import Progress

SIN_CAPTURAR = "sin_capturar"
# The capture state of a period's national avance, in the order the work goes.
WORKFLOW = [SIN_CAPTURAR, ProgressStatus.BORRADOR, ProgressStatus.DEVUELTO, ProgressStatus.ENVIADO,
            ProgressStatus.APROBADO]
STATES = {"con_resultado": rules.Estado.CON_RESULTADO, "sin_meta": rules.Estado.SIN_META,
          "pendiente": rules.Estado.PENDIENTE, "sin_reporte": rules.Estado.SIN_REPORTE}
NAMES = ["registered", *COUNTERS, *STATES, *WORKFLOW]
GROUP_FIELDS = ("program_id", "responsible_unit_id", "level")


class Counts:
    """The counts of one group (a programa, a UR, a nivel or the total). Attributes: `registered`
    (SED indicators of the ejercicio), `indicators` (with a period in the quarter), the aggregate
    counters (`with_meta`, `reported`, `approved`, `verde` … `gris`, …), the estados (`sin_meta`,
    `pendiente`, `sin_reporte`, `con_resultado`), the capture states (WORKFLOW, with
    `workflow=True`), and `mean_compliance`, `completeness`, `timeliness`."""

    def __init__(self, program=None, responsible_unit=None, level=""):
        self.program, self.responsible_unit, self.level = program, responsible_unit, level
        self.program_id = program.pk if program else None
        for name in NAMES:
            setattr(self, name, 0)

    def add(self, values):
        for name, value in values.items():
            setattr(self, name, getattr(self, name) + (value or 0))

    def __getitem__(self, name):  # as the stored aggregates' dicts are read
        return getattr(self, name)

    def values(self):
        return {name: getattr(self, name) for name in NAMES}

    def __eq__(self, other):
        return isinstance(other, Counts) and self.values() == other.values()

    @property
    def semaforos(self):
        return self.verde + self.amarillo + self.rojo + self.gris

    def finish(self):
        for name, value in derived(self.values()).items():
            setattr(self, name, value)
        return self


class QuarterCounts:
    """`programs`, `units` and `levels` (lists of Counts in the reports' order) and `total`."""

    def __init__(self, fiscal_year, quarter, programs, units, levels, total):
        self.fiscal_year, self.quarter = fiscal_year, quarter
        self.programs, self.units, self.levels, self.total = programs, units, levels, total
        self._by_program = {row.program_id: row for row in programs}

    def for_program(self, program_id):
        """The counts of one programa (all zero when it has no indicator in the selection)."""
        return self._by_program.get(program_id) or Counts().finish()


def quarter_counts(fiscal_year, quarter, indicators=None, workflow=False):
    """The counts of the quarter for `indicators` (a queryset or ids of indicators, e.g. a user's
    scope or an export's selection; all SED indicators of the ejercicio when None)."""
    registered = sed_indicators(fiscal_year)
    results = QuarterResult.objects.filter(fiscal_year=fiscal_year, quarter=quarter)
    if indicators is not None:
        registered = registered.filter(pk__in=indicators)
        results = results.filter(indicator_id__in=indicators)
    cells = defaultdict(dict)  # (program, UR, nivel) → counts
    keyed = registered.order_by().values("matrix__program_id", "responsible_unit_id", "objective__level")
    for row in keyed.annotate(n=Count("pk")):
        key = (row["matrix__program_id"], row["responsible_unit_id"], row["objective__level"])
        cells[key]["registered"] = row["n"]
    state_counts = {name: Count("pk", filter=Q(status=status)) for name, status in STATES.items()}
    for row in results.order_by().values(*GROUP_FIELDS).annotate(**COUNTS, **state_counts):
        cells[tuple(row[f] for f in GROUP_FIELDS)].update(
            {name: row[f"n_{name}"] for name in COUNTERS} | {name: row[name] for name in STATES})
    if workflow:
        for row in _workflow(results):
            cells[tuple(row[f] for f in GROUP_FIELDS)].update({name: row[name] for name in WORKFLOW})
    return _grouped(fiscal_year, quarter, cells)


def _workflow(results):
    """Per group, the periods by the state of their national avance (none: sin capturar)."""
    status = Progress.objects.filter(
        indicator_id=OuterRef("indicator_id"), fiscal_year=OuterRef("fiscal_year"), month=OuterRef("month"),
        state__isnull=True,
    ).values("status")[:1]
    counts = {name: Count("pk", filter=Q(workflow=name)) for name in WORKFLOW[1:]}
    counts[SIN_CAPTURAR] = Count("pk", filter=Q(workflow__isnull=True))
    return results.order_by().annotate(workflow=Subquery(status)).values(*GROUP_FIELDS).annotate(**counts)


def _grouped(fiscal_year, quarter, cells):
    program_ids = {program for program, _unit, _level in cells}
    unit_ids = {unit for _program, unit, _level in cells}
    programs = Program.objects.select_related("responsible_unit", "ramo").in_bulk(program_ids)
    units = ResponsibleUnit.objects.select_related("ramo").in_bulk(unit_ids)
    by_program, by_unit, by_level, total = {}, {}, {}, Counts()
    with localcontext() as context:  # the summed hundredths can have more digits than the default 28
        context.prec = rules.WIDE_PRECISION
        for (program_id, unit_id, level), values in cells.items():
            by_program.setdefault(program_id, Counts(program=programs[program_id])).add(values)
            by_unit.setdefault(unit_id, Counts(responsible_unit=units[unit_id])).add(values)
            by_level.setdefault(level, Counts(level=level)).add(values)
            total.add(values)
    program_rows = sorted(by_program.values(), key=lambda r: (r.program.ramo.clave, r.program.modalidad,
                                                              r.program.number))
    unit_rows = sorted(by_unit.values(), key=lambda r: (r.responsible_unit.ramo.clave, r.responsible_unit.clave))
    level_rows = sorted(by_level.values(), key=lambda r: level_rank(r.level))
    return QuarterCounts(fiscal_year, quarter, [r.finish() for r in program_rows], [r.finish() for r in unit_rows],
                         [r.finish() for r in level_rows], total.finish())


def quarter_results(fiscal_year, quarter, indicator_ids):
    """{indicator id: its stored result of the quarter}: the estado, cumplimiento and semáforo the
    reports print next to these counts."""
    return {result.indicator_id: result for result in QuarterResult.objects.filter(
        fiscal_year=fiscal_year, quarter=quarter, indicator_id__in=indicator_ids).order_by()}
