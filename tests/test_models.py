from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.choices import AdjustmentStatus, AdjustmentType, Frequency
from indicators.models import Target, TargetAdjustment
from programs.models import Level, Matrix, Objective, State
from reporting.choices import ProgressStatus
from reporting.models import Progress
from tests.factories import (
    IndicatorFactory,
    MatrixFactory,
    ObjectiveFactory,
    ProgramFactory,
    ProgressFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


def messages(excinfo):
    return excinfo.value.message_dict


def test_the_32_states_are_loaded_by_migration():
    assert State.objects.count() == 32
    assert State.objects.get(clave="09").name == "Ciudad de México"


def test_program_clave_is_modalidad_plus_three_digits():
    program = ProgramFactory(modalidad="S", number=200)
    assert program.clave == "S200"
    assert str(program).startswith("S200 ")


def test_program_modalidad_must_be_one_capital_letter():
    program = ProgramFactory.build(modalidad="e1")
    with pytest.raises(ValidationError) as excinfo:
        program.full_clean()
    assert "La modalidad es una sola letra mayúscula (A-Z)." in messages(excinfo)["modalidad"]


def test_indicator_id_is_unique_per_fiscal_year():
    first = IndicatorFactory(external_id="123")
    IndicatorFactory(external_id="123", objective__matrix__program__fiscal_year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(external_id="123", objective=first.objective)


def test_thresholds_come_as_an_ordered_pair():
    indicator = IndicatorFactory.build(
        objective=ObjectiveFactory(), threshold_green_yellow=Decimal(20), threshold_yellow_red=Decimal(10)
    )
    indicator.matrix = indicator.objective.matrix
    indicator.responsible_unit = indicator.matrix.program.responsible_unit
    with pytest.raises(ValidationError) as excinfo:
        indicator.full_clean()
    assert messages(excinfo)["threshold_yellow_red"] == [
        "El umbral amarillo-rojo debe ser mayor o igual que el umbral verde-amarillo."
    ]
    indicator.threshold_yellow_red = None
    with pytest.raises(ValidationError) as excinfo:
        indicator.full_clean()
    assert messages(excinfo)["threshold_yellow_red"] == ["Los umbrales del semáforo se dan los dos o ninguno."]


def test_thresholds_pair_is_also_a_database_constraint():
    indicator = IndicatorFactory()
    indicator.threshold_green_yellow = Decimal(5)
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.save()


def test_objective_must_be_in_the_indicator_matrix():
    indicator = IndicatorFactory()
    indicator.objective = ObjectiveFactory()
    with pytest.raises(ValidationError) as excinfo:
        indicator.full_clean()
    assert messages(excinfo)["objective"] == ["El objetivo debe pertenecer a la misma matriz del indicador."]


def test_objective_clave_required_except_on_fid_rows():
    objective = ObjectiveFactory.build(matrix=MatrixFactory(), clave="", level=Level.ACTIVIDAD)
    with pytest.raises(ValidationError) as excinfo:
        objective.full_clean()
    assert "El ID de objetivo es obligatorio salvo en filas FID." in messages(excinfo)["clave"]
    with pytest.raises(IntegrityError), transaction.atomic():
        objective.save()
    fid = Objective(matrix=MatrixFactory(kind=Matrix.Kind.FID), clave="", level=Level.FID)
    fid.full_clean()
    fid.save()


def test_parent_objective_must_be_in_the_same_matrix():
    child = ObjectiveFactory()
    child.parent = ObjectiveFactory(level=Level.COMPONENTE)
    with pytest.raises(ValidationError) as excinfo:
        child.full_clean()
    assert messages(excinfo)["parent"] == ["El objetivo padre debe pertenecer a la misma matriz."]


def test_institutional_programme_matrix_has_no_budget_programme():
    program = ProgramFactory()
    with pytest.raises(ValidationError) as excinfo:
        Matrix(kind=Matrix.Kind.PI, program=program, fiscal_year=2024).full_clean()
    assert messages(excinfo)["program"] == ["Un Programa Institucional no pertenece a un programa presupuestario."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Matrix.objects.create(kind=Matrix.Kind.MIR, program=None, fiscal_year=2024)


def test_a_period_must_end_in_a_month_of_the_frequency():
    target = TargetFactory.build(indicator=IndicatorFactory(frequency=Frequency.TRIMESTRAL), month=2)
    with pytest.raises(ValidationError) as excinfo:
        target.full_clean()
    assert messages(excinfo)["month"] == [
        "El mes 2 no cierra un periodo de frecuencia Trimestral; los meses válidos son 3, 6, 9, 12."
    ]


def test_numerator_and_denominator_go_together_and_decide_the_value():
    indicator = IndicatorFactory()  # Porcentaje: factor 100
    progress = ProgressFactory.build(indicator=indicator, value=None, numerator=Decimal(1955), denominator=None)
    with pytest.raises(ValidationError) as excinfo:
        progress.full_clean()
    assert messages(excinfo)["denominator"] == ["El numerador y el denominador se capturan juntos."]
    progress.denominator = Decimal(2416)
    progress.full_clean()
    assert progress.value == Decimal("80.918874")


def test_a_given_value_must_agree_with_its_ratio():
    progress = ProgressFactory.build(
        indicator=IndicatorFactory(), value=Decimal("80.91"), numerator=Decimal(1955), denominator=Decimal(2416)
    )
    with pytest.raises(ValidationError) as excinfo:
        progress.full_clean()
    assert messages(excinfo)["value"] == ["El valor 80.91 no coincide con numerador/denominador (80.918874)."]


def test_denominator_zero_needs_numerator_zero():
    progress = ProgressFactory.build(indicator=IndicatorFactory(), value=None, numerator=Decimal(3), denominator=Decimal(0))
    with pytest.raises(ValidationError) as excinfo:
        progress.full_clean()
    assert messages(excinfo)["denominator"] == ["El denominador es 0 y el numerador no: el cociente no existe."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Progress.objects.create(
            indicator=progress.indicator, fiscal_year=2024, month=3, value=Decimal(1), numerator=3, denominator=0
        )


def test_zero_over_zero_avance_is_stored_without_value():
    progress = ProgressFactory(value=None, numerator=Decimal(0), denominator=Decimal(0))
    progress.full_clean()
    assert Progress.objects.get(pk=progress.pk).value is None


def test_an_avance_needs_a_value_or_ratio():
    progress = ProgressFactory.build(indicator=IndicatorFactory(), value=None)
    with pytest.raises(ValidationError) as excinfo:
        progress.full_clean()
    assert messages(excinfo)["value"] == ["El avance necesita un valor o numerador y denominador."]
    with pytest.raises(IntegrityError), transaction.atomic():
        progress.save()


def test_one_avance_per_indicator_period_and_entidad():
    progress = ProgressFactory()
    yucatan, zacatecas = State.objects.get(clave="31"), State.objects.get(clave="32")
    ProgressFactory(indicator=progress.indicator, state=yucatan)
    ProgressFactory(indicator=progress.indicator, state=zacatecas)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressFactory(indicator=progress.indicator, state=yucatan)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressFactory(indicator=progress.indicator)  # a second national figure


def test_returning_an_avance_requires_the_reviewer_observation():
    progress = ProgressFactory.build(indicator=IndicatorFactory(), status=ProgressStatus.DEVUELTO, review_note=" ")
    with pytest.raises(ValidationError) as excinfo:
        progress.full_clean()
    assert messages(excinfo)["review_note"] == ["Para devolver un avance hay que escribir la observación."]


def test_justification_fields_are_limited_to_2000_characters():
    progress = ProgressFactory.build(indicator=IndicatorFactory(), cause="x" * 2001)
    with pytest.raises(ValidationError) as excinfo:
        progress.full_clean()
    assert "cause" in messages(excinfo)


def test_meta_vigente_is_the_adjustment_approved_last(django_user_model):
    from django.utils import timezone

    target = TargetFactory(value=Decimal(50))
    assert target.current_value == Decimal(50)
    now = timezone.now()
    TargetAdjustment.objects.create(target=target, value=Decimal(40), adjustment_type=AdjustmentType.META,
                                    status=AdjustmentStatus.APROBADO, decided_at=now)
    TargetAdjustment.objects.create(target=target, value=Decimal(45), adjustment_type=AdjustmentType.META,
                                    status=AdjustmentStatus.APROBADO, decided_at=now - timezone.timedelta(days=1))
    TargetAdjustment.objects.create(target=target, value=Decimal(99), adjustment_type=AdjustmentType.META)
    TargetAdjustment.objects.create(target=target, value=Decimal(98), adjustment_type=AdjustmentType.META,
                                    status=AdjustmentStatus.RECHAZADO, decided_at=now + timezone.timedelta(days=1))
    assert Target.objects.get(pk=target.pk).current_value == Decimal(40)
    assert target.value == Decimal(50)  # the programmed meta stays


def test_history_keeps_every_version_of_an_avance():
    progress = ProgressFactory(value=Decimal(10))
    progress.value = Decimal(12)
    progress._change_reason = "corrección"
    progress.save()
    versions = list(progress.history.order_by("history_date").values_list("value", "history_change_reason"))
    assert versions == [(Decimal(10), None), (Decimal(12), "corrección")]
