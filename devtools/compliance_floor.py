"""The floor `bench_compliance` measures the recompute against: the same quarterly results and
aggregates, written by two set-based statements on PostgreSQL (INSERT … SELECT … ON CONFLICT and
one GROUPING SETS insert), with the rules of docs/reglas.md written in SQL here only for the
benchmark. It is a floor, not a second engine: the bench checks that its rows are identical to what
`compliance.engine` writes (`checksums`) and refuses to report a ratio otherwise.

Prórrogas, per-indicator failures (values outside the bounds) and the lookup tables it takes from
`rules` (period months, deadlines) are the benchmark's simplifications: the synthetic year has no
prórrogas and only bounded values, and the checksum would show any difference."""

from django.db import connection

from compliance.models import QuarterAggregate, QuarterResult
from indicators import rules
from indicators.choices import AdjustmentStatus, Direction, Frequency, IndicatorType
from indicators.models import FiscalYearPolicy, Indicator, Target, TargetAdjustment
from programs.models import Matrix, Objective
from reporting.choices import ProgressStatus
from reporting.models import Progress, WindowExtension
from reporting.windows import WindowCalendar

RESULTS = f"""
WITH periods (frequency, quarter, month) AS (SELECT * FROM unnest(%(frequencies)s::text[], %(quarters)s::int[],
                                                                     %(months)s::int[])),
     deadlines (quarter, deadline) AS (SELECT * FROM unnest(%(deadline_quarters)s::int[],
                                                            %(deadlines)s::timestamptz[])),
     inputs AS (
       SELECT i.id AS indicator_id, i.fiscal_year, p.quarter, m.program_id, i.responsible_unit_id, o.level, p.month,
              CASE WHEN adj.id IS NOT NULL THEN adj.value ELSE t.value END AS meta, adj.id AS adjustment_id,
              pr.value AS avance, pr.id AS progress_id, pr.status AS progress_status, pr.submitted_at,
              i.direction, i.frequency, d.deadline,
              CASE WHEN i.threshold_green_yellow IS NOT NULL AND i.threshold_yellow_red IS NOT NULL
                   THEN i.threshold_green_yellow
                   WHEN i.indicator_type = %(strategic)s THEN %(strategic_gy)s ELSE %(gestion_gy)s END AS gy,
              CASE WHEN i.threshold_green_yellow IS NOT NULL AND i.threshold_yellow_red IS NOT NULL
                   THEN i.threshold_yellow_red
                   WHEN i.indicator_type = %(strategic)s THEN %(strategic_yr)s ELSE %(gestion_yr)s END AS yr
       FROM {Indicator._meta.db_table} i
       JOIN {Matrix._meta.db_table} m ON m.id = i.matrix_id AND m.kind IN (%(mir)s, %(fid)s)
       JOIN {Objective._meta.db_table} o ON o.id = i.objective_id
       JOIN periods p ON p.frequency = i.frequency
       JOIN deadlines d ON d.quarter = p.quarter
       LEFT JOIN {Target._meta.db_table} t ON t.indicator_id = i.id AND t.fiscal_year = i.fiscal_year
            AND t.month = p.month
       LEFT JOIN (SELECT DISTINCT ON (a.target_id) a.target_id, a.id, a.value
                  FROM {TargetAdjustment._meta.db_table} a
                  JOIN {Target._meta.db_table} at ON at.id = a.target_id AND at.fiscal_year = %(year)s
                  WHERE a.status = %(approved_adjustment)s
                  ORDER BY a.target_id, a.decided_at DESC, a.id DESC) adj ON adj.target_id = t.id
       LEFT JOIN {Progress._meta.db_table} pr ON pr.indicator_id = i.id AND pr.fiscal_year = i.fiscal_year
            AND pr.month = p.month AND pr.state_id IS NULL AND pr.status IN (%(sent)s, %(approved)s)
       WHERE i.fiscal_year = %(year)s
     ),
     measured AS (
       SELECT *, CASE
         WHEN meta IS NULL OR avance IS NULL THEN NULL
         WHEN meta = 0 THEN CASE WHEN avance = 0 THEN 100.00 END
         ELSE round(GREATEST(0, CASE
           WHEN direction = %(ascending)s THEN 100 + (avance - meta) * 100 / abs(meta)
           WHEN direction = %(descending)s AND %(descending_ratio)s AND meta > 0 AND avance > 0
             THEN meta * 100 / avance
           WHEN direction = %(descending)s THEN 100 - (avance - meta) * 100 / abs(meta)
           ELSE 100 - abs(avance - meta) * 100 / abs(meta) END), 2) END AS compliance
       FROM inputs
       WHERE frequency <> ALL(%(less_than_yearly)s::text[]) OR meta IS NOT NULL
     )
INSERT INTO {QuarterResult._meta.db_table} (indicator_id, fiscal_year, quarter, program_id, responsible_unit_id,
    level, month, meta, adjustment_id, avance, progress_id, compliance, semaforo, status, green_yellow, yellow_red,
    reported, approved, on_time, computed_at)
SELECT indicator_id, fiscal_year, quarter, program_id, responsible_unit_id, level, month, meta, adjustment_id, avance,
       progress_id, compliance,
       CASE WHEN meta IS NULL THEN ''
            WHEN progress_id IS NULL THEN CASE WHEN %(as_of)s < deadline THEN '' ELSE %(gris)s END
            WHEN avance IS NULL THEN %(gris)s
            WHEN compliance IS NULL THEN %(rojo)s
            WHEN abs(compliance - 100) <= gy THEN %(verde)s
            WHEN abs(compliance - 100) <= yr THEN %(amarillo)s
            ELSE %(rojo)s END,
       CASE WHEN meta IS NULL THEN %(sin_meta)s
            WHEN progress_id IS NULL THEN CASE WHEN %(as_of)s < deadline THEN %(pendiente)s ELSE %(sin_reporte)s END
            ELSE %(con_resultado)s END,
       gy, yr, progress_id IS NOT NULL, COALESCE(progress_status = %(approved)s, FALSE),
       CASE WHEN submitted_at IS NOT NULL THEN submitted_at < deadline END, %(as_of)s
FROM measured
ON CONFLICT (indicator_id, fiscal_year, quarter) DO UPDATE SET
    program_id = EXCLUDED.program_id, responsible_unit_id = EXCLUDED.responsible_unit_id, level = EXCLUDED.level,
    month = EXCLUDED.month, meta = EXCLUDED.meta, adjustment_id = EXCLUDED.adjustment_id, avance = EXCLUDED.avance,
    progress_id = EXCLUDED.progress_id, compliance = EXCLUDED.compliance, semaforo = EXCLUDED.semaforo,
    status = EXCLUDED.status, green_yellow = EXCLUDED.green_yellow, yellow_red = EXCLUDED.yellow_red,
    reported = EXCLUDED.reported, approved = EXCLUDED.approved, on_time = EXCLUDED.on_time,
    computed_at = EXCLUDED.computed_at
"""

AGGREGATES = f"""
INSERT INTO {QuarterAggregate._meta.db_table} (fiscal_year, quarter, scope, program_id, responsible_unit_id, level,
    indicators, with_meta, reported, approved, verde, amarillo, rojo, gris, with_compliance, compliance_hundredths,
    submitted, on_time, mean_compliance, completeness, timeliness, computed_at)
SELECT fiscal_year, quarter, scope, program_id, responsible_unit_id, COALESCE(level, ''), n, with_meta, reported,
       approved, verde, amarillo, rojo,
       gris, with_compliance, hundredths, submitted, on_time,
       CASE WHEN with_compliance > 0 THEN round(hundredths::numeric(80, 40) / (100 * with_compliance), 2) END,
       CASE WHEN with_meta > 0 THEN round(reported::numeric(80, 40) * 100 / with_meta, 2) END,
       CASE WHEN submitted > 0 THEN round(on_time::numeric(80, 40) * 100 / submitted, 2) END,
       %(as_of)s
FROM (
  SELECT fiscal_year, quarter, program_id, responsible_unit_id, level, count(*) AS n,
         CASE WHEN GROUPING(program_id) = 0 THEN %(programa)s WHEN GROUPING(responsible_unit_id) = 0 THEN %(ur)s
              WHEN GROUPING(level) = 0 THEN %(nivel)s ELSE %(total)s END AS scope,
         count(*) FILTER (WHERE status <> %(sin_meta)s) AS with_meta,
         count(*) FILTER (WHERE status <> %(sin_meta)s AND reported) AS reported,
         count(*) FILTER (WHERE status <> %(sin_meta)s AND approved) AS approved,
         count(*) FILTER (WHERE semaforo = %(verde)s) AS verde,
         count(*) FILTER (WHERE semaforo = %(amarillo)s) AS amarillo,
         count(*) FILTER (WHERE semaforo = %(rojo)s) AS rojo,
         count(*) FILTER (WHERE semaforo = %(gris)s) AS gris,
         count(compliance) AS with_compliance, COALESCE(sum(round(compliance * 100)), 0) AS hundredths,
         count(*) FILTER (WHERE status <> %(sin_meta)s AND reported AND on_time IS NOT NULL) AS submitted,
         count(*) FILTER (WHERE status <> %(sin_meta)s AND reported AND on_time) AS on_time
  FROM {QuarterResult._meta.db_table} WHERE fiscal_year = %(year)s
  GROUP BY fiscal_year, quarter, GROUPING SETS ((program_id), (responsible_unit_id), (level), ())
) grouped
"""


def write_floor(fiscal_year, as_of):
    """Write the ejercicio's results and aggregates (replacing what is stored) the set-based way."""
    if WindowExtension.objects.filter(fiscal_year=fiscal_year).exists():
        raise ValueError("El piso no modela prórrogas; el ejercicio del banco no debe tenerlas.")
    params = _parameters(fiscal_year, as_of)
    with connection.cursor() as cursor:
        cursor.execute(RESULTS, params)
        cursor.execute(f"DELETE FROM {QuarterResult._meta.db_table} WHERE fiscal_year = %(year)s "
                       "AND computed_at <> %(as_of)s", params)
        cursor.execute(f"DELETE FROM {QuarterAggregate._meta.db_table} WHERE fiscal_year = %(year)s", params)
        cursor.execute(AGGREGATES, params)


def _parameters(fiscal_year, as_of):
    policy = FiscalYearPolicy.for_year(fiscal_year)
    defaults = policy.default_thresholds
    periods = [(f.value, q, rules.quarter_period_month(f, q)) for f in Frequency for q in rules.QUARTERS
               if rules.quarter_period_month(f, q) is not None]
    calendar = WindowCalendar(fiscal_year)
    scope, light, estado = QuarterAggregate.Scope, rules.Semaforo, rules.Estado
    return {
        "year": fiscal_year, "as_of": as_of,
        "frequencies": [p[0] for p in periods], "quarters": [p[1] for p in periods], "months": [p[2] for p in periods],
        "deadline_quarters": list(rules.QUARTERS),
        "deadlines": [calendar.deadline(q, None, None) for q in rules.QUARTERS],
        "less_than_yearly": [f.value for f in rules.LESS_THAN_YEARLY],
        "strategic": IndicatorType.ESTRATEGICO.value,
        "strategic_gy": defaults[IndicatorType.ESTRATEGICO][0], "strategic_yr": defaults[IndicatorType.ESTRATEGICO][1],
        "gestion_gy": defaults[IndicatorType.GESTION][0], "gestion_yr": defaults[IndicatorType.GESTION][1],
        "mir": Matrix.Kind.MIR.value, "fid": Matrix.Kind.FID.value,
        "approved_adjustment": AdjustmentStatus.APROBADO.value,
        "sent": ProgressStatus.ENVIADO.value, "approved": ProgressStatus.APROBADO.value,
        "ascending": Direction.ASCENDENTE.value, "descending": Direction.DESCENDENTE.value,
        "descending_ratio": policy.descending_ratio,
        "verde": light.VERDE, "amarillo": light.AMARILLO, "rojo": light.ROJO, "gris": light.GRIS,
        "sin_meta": estado.SIN_META, "pendiente": estado.PENDIENTE, "sin_reporte": estado.SIN_REPORTE,
        "con_resultado": estado.CON_RESULTADO,
        "programa": scope.PROGRAMA.value, "ur": scope.UR.value, "nivel": scope.NIVEL.value, "total": scope.TOTAL.value,
    }


def checksums(fiscal_year):
    """md5 of the ejercicio's results and of its aggregates, every column but id and computed_at."""
    result_columns = [f.column for f in QuarterResult._meta.concrete_fields if f.name not in ("id", "computed_at")]
    aggregate_columns = [f.column for f in QuarterAggregate._meta.concrete_fields
                         if f.name not in ("id", "computed_at")]
    with connection.cursor() as cursor:
        sums = []
        for table, columns, order in (
            (QuarterResult._meta.db_table, result_columns, "indicator_id, quarter"),
            (QuarterAggregate._meta.db_table, aggregate_columns,
             "quarter, scope, program_id, responsible_unit_id, level"),
        ):
            row = ", ".join(f"COALESCE({c}::text, '∅')" for c in columns)
            cursor.execute(f"SELECT md5(string_agg(concat_ws('|', {row}), E'\\n' ORDER BY {order})), count(*) "
                           f"FROM {table} WHERE fiscal_year = %s", [fiscal_year])
            sums.append(cursor.fetchone())
    return sums
