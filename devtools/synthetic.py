"""A synthetic APF-scale year for the benchmark and the worker integration test.

Rows are written with bulk_create in batches of programmes, so memory stays flat as N grows.
Everything it creates is marked ficticio and lives under its own ramo."""

import random
from decimal import Decimal

from indicators import rules
from indicators.choices import Accumulation, Direction, Frequency, IndicatorType, ValueType
from indicators.models import Indicator, Target
from programs.models import Level, Matrix, Objective, Program, Ramo, ResponsibleUnit
from reporting.choices import ProgressStatus
from reporting.models import Progress

SYNTHETIC_RAMO = "99"
FREQUENCIES = [Frequency.MENSUAL, Frequency.BIMESTRAL, Frequency.TRIMESTRAL, Frequency.TRIMESTRAL,
               Frequency.TRIMESTRAL, Frequency.CUATRIMESTRAL, Frequency.SEMESTRAL, Frequency.ANUAL]
DIRECTIONS = [Direction.ASCENDENTE] * 6 + [Direction.DESCENDENTE] * 3 + [Direction.REGULAR]
VALUE_TYPES = [ValueType.PORCENTAJE] * 6 + [ValueType.ABSOLUTO] * 3 + [ValueType.TASA]
MODALIDADES = "EKSUPGB"
LEVELS = [(Level.FIN, "F"), (Level.PROPOSITO, "P"), (Level.COMPONENTE, "C1"), (Level.ACTIVIDAD, "A1.1")]
PROGRAMS_PER_BATCH = 50


def build_synthetic_year(fiscal_year, indicators, programs=None, seed=2024, first_program=0):
    """Create `indicators` indicators over `programs` programmes (default N / 15) with metas and
    avances for every period. Returns the ids of the indicators. Programmes are numbered from
    `first_program`, so that a second call adds to the same ejercicio."""
    programs = programs or max(1, indicators // 15)
    rng = random.Random(seed)
    ramo, _ = Ramo.objects.get_or_create(clave=SYNTHETIC_RAMO, defaults={"name": "Ramo sintético (ficticio)"})
    units = [
        ResponsibleUnit.objects.get_or_create(
            ramo=ramo, clave=f"S{u:02d}", defaults={"name": f"UR sintética {u} (ficticia)", "is_fictitious": True}
        )[0]
        for u in range(max(1, programs // 10))
    ]
    ids = []
    per_program = [indicators // programs + (1 if p < indicators % programs else 0) for p in range(programs)]
    per_program = dict(zip(range(first_program, first_program + programs), per_program))
    for start in range(first_program, first_program + programs, PROGRAMS_PER_BATCH):
        batch = range(start, min(start + PROGRAMS_PER_BATCH, first_program + programs))
        ids.extend(_build_batch(fiscal_year, ramo, units, batch, per_program, rng))
    return ids


def _build_batch(fiscal_year, ramo, units, batch, per_program, rng):
    new_programs = Program.objects.bulk_create([
        Program(fiscal_year=fiscal_year, ramo=ramo, modalidad=MODALIDADES[p % len(MODALIDADES)], number=p // len(MODALIDADES) + 1,
                name=f"Programa sintético {p + 1} (ficticio)", responsible_unit=units[p % len(units)], is_fictitious=True)
        for p in batch
    ])
    matrices = Matrix.objects.bulk_create([
        Matrix(kind=Matrix.Kind.MIR, program=program, fiscal_year=fiscal_year) for program in new_programs
    ])
    objectives = Objective.objects.bulk_create([
        Objective(matrix=matrix, level=level, clave=clave, summary=f"Objetivo sintético {clave}")
        for matrix in matrices for level, clave in LEVELS
    ])
    by_matrix = {}
    for objective in objectives:
        by_matrix.setdefault(objective.matrix_id, []).append(objective)
    indicator_rows = []
    for p, program, matrix in zip(batch, new_programs, matrices):
        for i in range(per_program[p]):
            value_type = rng.choice(VALUE_TYPES)
            indicator_rows.append(Indicator(
                matrix=matrix, objective=by_matrix[matrix.pk][i % len(LEVELS)], responsible_unit=program.responsible_unit,
                fiscal_year=fiscal_year, external_id=f"SYN{fiscal_year}-{p:04d}-{i:03d}",
                name=f"Indicador sintético {p}-{i} (ficticio)", frequency=rng.choice(FREQUENCIES),
                direction=rng.choice(DIRECTIONS), value_type=value_type,
                factor=Decimal(100000) if value_type == ValueType.TASA else None,
                indicator_type=rng.choice([IndicatorType.GESTION, IndicatorType.GESTION, IndicatorType.ESTRATEGICO]),
                accumulation=rng.choice([Accumulation.ACUMULADO, Accumulation.PERIODICO]),
            ))
    created = Indicator.objects.bulk_create(indicator_rows)
    targets, progress = [], []
    for indicator in created:
        factor = indicator.effective_factor
        for month in rules.period_months(indicator.frequency):
            if indicator.value_type == ValueType.ABSOLUTO:
                meta = Decimal(rng.randint(50, 5000))
                targets.append(Target(indicator=indicator, fiscal_year=fiscal_year, month=month, value=meta))
                if rng.random() < 0.9:
                    achieved = (meta * Decimal(rng.randint(60, 130)) / 100).quantize(Decimal(1))
                    progress.append(Progress(indicator=indicator, fiscal_year=fiscal_year, month=month, value=achieved,
                                             status=ProgressStatus.APROBADO, imported=True))
                continue
            denominator = Decimal(rng.randint(100, 100000))
            numerator = (denominator * Decimal(rng.randint(20, 95)) / 100).quantize(Decimal(1))
            targets.append(Target(indicator=indicator, fiscal_year=fiscal_year, month=month, numerator=numerator,
                                  denominator=denominator, value=rules.ratio_value(numerator, denominator, factor)))
            if rng.random() < 0.9:
                done = (numerator * Decimal(rng.randint(60, 130)) / 100).quantize(Decimal(1))
                progress.append(Progress(indicator=indicator, fiscal_year=fiscal_year, month=month, numerator=done,
                                         denominator=denominator, value=rules.ratio_value(done, denominator, factor),
                                         status=ProgressStatus.APROBADO, imported=True))
    Target.objects.bulk_create(targets, batch_size=5000)
    Progress.objects.bulk_create(progress, batch_size=5000)
    return [indicator.pk for indicator in created]
