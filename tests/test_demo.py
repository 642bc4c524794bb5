from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from demo.loader import DEMO_PASSWORD
from indicators.models import Indicator, Target, TargetAdjustment, Variable
from programs.models import Matrix, Program
from reporting.models import Progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys):
    call_command("load_demo")
    return capsys.readouterr()


def real_programs():
    return Program.objects.filter(fiscal_year=2024, is_fictitious=False)


@pytest.mark.embedded
def test_nine_real_programmes_with_83_registered_indicators(demo):
    programs = {p.clave: p for p in real_programs()}
    assert sorted(programs) == ["E001", "E003", "E004", "E006", "K011", "M001", "O001", "S200", "U013"]
    assert {c: p.registered_indicators for c, p in programs.items()} == {
        "E001": 22, "K011": 5, "S200": 11, "U013": 7, "E003": 15, "E004": 10, "E006": 9, "M001": 1, "O001": 3
    }
    assert sum(p.registered_indicators for p in programs.values()) == 83
    kinds = {m.program.clave: m.kind for m in Matrix.objects.filter(program__in=programs.values())}
    assert {c for c, k in kinds.items() if k == Matrix.Kind.FID} == {"M001", "O001"}
    assert programs["S200"].name == "Fortalecimiento a la atención médica"
    assert "líneas 1854-1859" in programs["E003"].source_note


def test_only_the_nine_printed_indicators_are_loaded(demo):
    loaded = Indicator.objects.filter(matrix__program__in=real_programs())
    by_program = {}
    for indicator in loaded:
        by_program[indicator.program.clave] = by_program.get(indicator.program.clave, 0) + 1
    assert by_program == {"E001": 3, "S200": 2, "U013": 2, "K011": 2}
    assert all("Seed 000" in i.source_note and "Supuestos" in i.source_note for i in loaded)


@pytest.mark.parametrize(
    "name, value, numerator, denominator",
    [
        ("Porcentaje de personal de salud itinerante completo de acuerdo a la tipología de las UMM del Programa",
         "80.918874", "1955", "2416"),
        ("Porcentaje del equipo de salud itinerante capacitado de las Unidades Médicas Móviles del programa",
         "11.837748", "286", "2416"),
        ("Transferencias de recursos para la atención de enfermedades consideradas como Gastos Catastróficos",
         "12.724693", "2567395999.45", "20176486283.74"),
        ("Avance financiero de los proyectos de infraestructura física (obra y equipo) en materia de salud",
         "5.307969", "190133299.07", "3582034535.76"),
        ("Porcentaje de equipos de salud capacitados en acción comunitaria", "12.90", None, None),
        ("Porcentaje de ocupación de plazas de personal médico en hospitales transferidos", "91.06", None, None),
        ("Porcentaje de Comités de Salud activos en localidades sede de hospitales", "16.12", None, None),
        ("Porcentaje del avance presupuestario de obras", "57.87", None, None),
        ("Porcentaje de proyectos de inversión con clave en cartera ejecutándose al periodo", "100", None, None),
    ],
)
def test_q1_2024_avances_as_printed(demo, name, value, numerator, denominator):
    progress = Progress.objects.get(indicator__name=name, fiscal_year=2024, month=3)
    assert progress.value == Decimal(value)
    assert progress.numerator == (Decimal(numerator) if numerator else None)
    assert progress.denominator == (Decimal(denominator) if denominator else None)
    assert progress.status == "aprobado" and progress.imported


@pytest.mark.embedded
def test_s200_itinerante_is_80_92_from_1955_of_2416_with_its_justification(demo):
    progress = Progress.objects.get(indicator__name__startswith="Porcentaje de personal de salud itinerante completo")
    assert progress.value.quantize(Decimal("0.01")) == Decimal("80.92")
    assert progress.indicator.objective.level == "Actividad"
    assert "Con un total de 1,955 personas contratadas de una plantilla laboral aprobada" in progress.cause
    assert progress.effect.startswith("Sin plantilla de personal completa se dificulta")
    assert progress.other_reasons.startswith("No se realizaron procesos de contratación de personal operativo")


def test_no_invented_metas_only_u013_zero(demo):
    real_targets = Target.objects.filter(indicator__matrix__program__in=real_programs())
    assert {t.indicator.program.clave for t in real_targets} == {"U013"}
    assert {t.value for t in real_targets} == {Decimal(0)}


def test_seed_arithmetic_inconsistencies_are_warned_not_corrected(demo):
    assert "aviso: K011" in demo.err and "= 82.51 %" in demo.err
    assert "572 / 686 = 83.38 %" in demo.err
    assert "1955 / 2416" not in demo.err  # consistent figures give no warning
    assert Progress.objects.get(indicator__name="Porcentaje del avance presupuestario de obras").value == Decimal("57.87")


def test_institutional_programme_fichas(demo):
    pi = Indicator.objects.filter(matrix__kind=Matrix.Kind.PI)
    assert pi.filter(matrix__fiscal_year=2023).count() == 18
    assert pi.filter(matrix__fiscal_year=2025).count() == 7
    rate = pi.get(external_id="PI23-6.1")
    assert (rate.direction, rate.baseline_value, rate.baseline_year) == ("Descendente", Decimal("9.01"), 2022)
    assert {p.fiscal_year: p.value for p in rate.progress.all()} == {
        2019: Decimal("9.4"), 2020: Decimal("10.3"), 2021: Decimal("9.2"), 2022: Decimal("9.01"), 2023: Decimal("9.0")
    }
    assert rate.targets.get(fiscal_year=2024).value == Decimal("8.8")
    biennial = pi.get(external_id="PI25-4.1")
    assert biennial.frequency == "Bienal"
    assert sorted(t.fiscal_year for t in biennial.targets.all()) == [2026, 2028, 2030]
    regular = pi.get(external_id="PI25-3.2")
    assert regular.direction == "Regular"  # printed "Constante"
    assert Variable.objects.filter(indicator=pi.get(external_id="PI25-4.1"), value=Decimal(6194764)).exists()


def test_fictitious_programme_is_flagged_and_complete(demo):
    program = Program.objects.get(is_fictitious=True)
    assert program.clave == "P999" and "ficticio" in str(program)
    assert program.responsible_unit.is_fictitious
    indicators = Indicator.objects.filter(matrix__program=program)
    assert indicators.count() == 12
    assert {i.objective.level for i in indicators} == {"Fin", "Propósito", "Componente", "Actividad"}
    assert {p.month for p in Progress.objects.filter(indicator__in=indicators)} >= {3, 6, 9, 12}
    assert all(i.is_fictitious and i.source_note.startswith("FICTICIO") for i in indicators)
    assert TargetAdjustment.objects.filter(target__indicator__in=indicators).count() == 2


@pytest.mark.embedded
def test_demo_users_have_documented_password_and_scopes(demo):
    for username in ("admin", "coordinador", "capturista_ayo", "capturista_zzz", "consulta"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    ayo = authenticate(username="capturista_ayo", password=DEMO_PASSWORD)
    zzz = authenticate(username="capturista_zzz", password=DEMO_PASSWORD)
    assert [u.clave for u in ayo.responsible_units.all()] == ["AYO"]
    assert [u.clave for u in zzz.responsible_units.all()] == ["ZZZ"]
    assert authenticate(username="admin", password=DEMO_PASSWORD).is_superuser


@pytest.mark.embedded
def test_loading_twice_changes_nothing(demo):
    def snapshot():
        return (
            Program.objects.count(), Indicator.objects.count(), Target.objects.count(), Progress.objects.count(),
            TargetAdjustment.objects.count(), Progress.history.count(), Target.history.count(),
            Indicator.history.count(), list(Progress.objects.order_by("pk").values_list("value", "cause")),
        )

    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before
