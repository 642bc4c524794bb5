"""Whole observations, reasons and paths in the audit trail on PostgreSQL (issue «Production truth»).

The change reason of every version keeps the full text the reviewer wrote or the path of the
imported file; PostgreSQL enforces a column's length, SQLite does not, so these run there."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.utils import timezone

from indicators.choices import AdjustmentType
from indicators.models import Target
from reporting.choices import ProgressStatus as S
from reporting.models import Progress, WindowExtension
from reporting.services import decide_adjustment, grant_extension, request_adjustment, save_progress
from reporting.workflow import Action, transition
from tests.factories import ProgressFactory, TargetFactory
from tests.sed_files import base_row, write_csv

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
LONGEST = 2000  # the review form's maxlength and the justification fields' limit


def long_text(prefix, length=LONGEST):
    text = (prefix + " " + "texto largo de la coordinación " * 100)[:length - 1] + "."
    assert len(text) == length
    return text


def test_returning_with_the_longest_observation_keeps_it_whole(world):
    progress = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80))
    transition(world.cap_a, progress, Action.ENVIAR)
    note = long_text("Devuelto:")
    returned = transition(world.coord, progress, Action.DEVOLVER, note=note)
    assert (returned.status, returned.review_note) == (S.DEVUELTO, note)
    assert returned.history.latest().history_change_reason == f"Devolver: {note}"


def test_reopening_with_a_long_reason_keeps_it_whole(world):
    progress = ProgressFactory(indicator=world.ind_a, status=S.APROBADO, value=D(80))
    reason = long_text("Reabierto:")
    reopened = transition(world.coord, progress, Action.REABRIR, note=reason)
    assert reopened.status == S.DEVUELTO
    assert reopened.history.latest().history_change_reason == f"Reabrir: {reason}"


def test_rejecting_an_adjustment_with_a_long_note_keeps_it_whole(world):
    TargetFactory(indicator=world.ind_a, month=6, value=D(100))
    adjustment = request_adjustment(world.cap_a, world.ind_a, 2024, 6, adjustment_type=AdjustmentType.META,
                                    justification=long_text("Solicitud:"), value=D(90))
    note = long_text("Rechazo:")
    rejected = decide_adjustment(world.coord, adjustment, approve=False, note=note)
    assert rejected.decision_note == note
    assert rejected.history.latest().history_change_reason == f"Rechazado: {note}"


def test_a_prorroga_with_a_long_reason_keeps_it_whole(world):
    reason = long_text("Prórroga:")
    extension = grant_extension(world.coord, 2024, 1, timezone.now() + timedelta(days=20), reason,
                                responsible_unit=world.unit_a)
    assert WindowExtension.objects.get(pk=extension.pk).reason == reason
    assert extension.history.latest().history_change_reason == reason


def test_import_from_a_300_character_path_records_it(tmp_path):
    folder = tmp_path
    while len(str(folder)) < 300:
        folder = folder / ("carpeta-de-la-unidad-responsable-" + str(len(str(folder))))
    folder.mkdir(parents=True)
    path = write_csv(folder / "avances.csv", [base_row(META_MES3="50", AVANCE_MES3="45")])
    assert len(str(path)) > 300
    call_command("import_sed", str(path), stdout=open("/dev/null", "w"))
    for model in (Target, Progress):
        assert model.objects.get().history.latest().history_change_reason == f"Importación de {path}"
