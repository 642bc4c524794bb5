from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from indicators.choices import Direction, Frequency, ValueType
from indicators.models import Indicator, Target
from programs.models import Level, Matrix, Objective, Program, Ramo, ResponsibleUnit
from reporting.choices import ProgressStatus
from reporting.models import Progress


class RamoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ramo
        django_get_or_create = ["clave"]

    clave = "47"
    name = "Entidades no Sectorizadas"


class ResponsibleUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsibleUnit

    ramo = factory.SubFactory(RamoFactory)
    clave = factory.Sequence(lambda n: f"U{n:02d}")
    name = factory.Sequence(lambda n: f"Unidad {n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    fiscal_year = 2024
    ramo = factory.SubFactory(RamoFactory)
    modalidad = "E"
    number = factory.Sequence(lambda n: n + 100)
    name = factory.Sequence(lambda n: f"Programa {n}")
    responsible_unit = factory.SubFactory(ResponsibleUnitFactory, ramo=factory.SelfAttribute("..ramo"))


class MatrixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matrix

    kind = Matrix.Kind.MIR
    program = factory.SubFactory(ProgramFactory)
    fiscal_year = factory.SelfAttribute("program.fiscal_year")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    matrix = factory.SubFactory(MatrixFactory)
    level = Level.ACTIVIDAD
    clave = factory.Sequence(lambda n: f"A{n}.1")
    summary = "Actividad de prueba"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    objective = factory.SubFactory(ObjectiveFactory)
    matrix = factory.SelfAttribute("objective.matrix")
    responsible_unit = factory.SelfAttribute("matrix.program.responsible_unit")
    fiscal_year = factory.SelfAttribute("matrix.fiscal_year")
    external_id = factory.Sequence(lambda n: str(500000 + n))
    name = factory.Sequence(lambda n: f"Porcentaje de prueba {n}")
    frequency = Frequency.TRIMESTRAL
    direction = Direction.ASCENDENTE
    value_type = ValueType.PORCENTAJE


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2024
    month = 3
    value = Decimal("50")


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Progress

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2024
    month = 3
    value = Decimal("45")
    status = ProgressStatus.BORRADOR


def make_user(username, role, units=(), programs=()):
    """A user of a role (group) with a scope of URs and/or programas."""
    user = get_user_model().objects.create_user(username, email=f"{username}@simir.invalid", password="x")
    user.groups.add(Group.objects.get(name=role))
    user.responsible_units.set(units)
    user.programs.set(programs)
    return user
