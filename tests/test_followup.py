"""Follow-up of commitments: the demo's seed-004 agreements as printed, the quarterly report through
the avances' workflow (capture → send → approve, window, separation of duties), the % and its
explanation at any quarter, and the Junta's list in XLSX and PDF."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from followup.choices import Kind, Rule, Standing
from followup.models import Commitment, Report, ReportTransition
from followup.readings import explain
from followup.services import save_report
from followup.workflow import transition
from reporting.flow import Action

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

PRINTED = {"JG-3O2024-P1": "37.5", "JG-3O2024-P2": "95", "JG-3O2024-P3": "97", "JG-3O2024-P4": "98",
           "JG-3O2024-P5": "90.55", "JG-3O2024-P6": "34", "JG-3O2024-P7": "70", "12ª.E.3.3/0724.S": "100",
           "2ª.O.7.RC04/0724.S": "100", "2ª.O.7/0724.S": "100", "2ª.O.10/0724.S": "100"}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


def user(django_user_model, username):
    return django_user_model.objects.get(username=username)


def test_demo_loads_the_eleven_agreements_as_printed_and_again_without_changes(demo):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())  # idempotent
    agreements = Commitment.objects.filter(kind=Kind.ACUERDO)
    assert {c.clave: str(c.baseline_percent.normalize()) for c in agreements} == {
        k: str(D(v).normalize()) for k, v in PRINTED.items()}
    assert {c.clave: c.due_date.isoformat() for c in agreements if c.due_date} == {
        "JG-3O2024-P3": "2024-12-31", "JG-3O2024-P6": "2024-10-31", "JG-3O2024-P7": "2024-09-30"}
    for commitment in agreements:
        assert commitment.rule == Rule.REPORTED and not commitment.items.exists()  # no invented breakdown
        assert "seed 004" in commitment.baseline_source and commitment.responsible_unit.clave == "AYO"
        assert explain(commitment, 2024, 3).percent == commitment.baseline_percent
        assert explain(commitment, 2024, 2).percent is None  # before the session that printed it
    p7 = agreements.get(clave="JG-3O2024-P7")
    assert "2 cumplidos al 100 %" in p7.baseline_source and p7.due_date_text.startswith("programada")
    assert sum(1 for c in agreements if explain(c, 2024, 3).percent == 100) == 4
    assert Commitment.objects.filter(fictitious=True, responsible_unit__clave="ZZZ").count() == 3


def test_fictitious_audit_observation_explains_two_of_nine_at_each_quarter(demo, client, django_user_model):
    audit = Commitment.objects.get(clave="FICT-AUD-01")
    assert explain(audit, 2023, 4).percent == D("0.00")  # the approved T1-2024 report does not reach back
    assert explain(audit, 2024, 1).summary == "2 de 9 sub-elementos resueltos = 22.22 %"
    client.force_login(user(django_user_model, "consulta"))
    page = client.get(reverse("simir:followup_detail", args=[audit.pk]), {"trimestre": "2024-1"}).content.decode()
    assert "2 de 9 sub-elementos resueltos = 22.22 %" in page and "reporte T1-2024" in page
    ptci = Commitment.objects.get(clave="FICT-PTCI-01")
    assert explain(ptci, 2024, 4).percent == D("62.00")


def test_capturista_reports_a_sub_item_and_coordinador_approves_it(demo, client, django_user_model):
    asm = Commitment.objects.get(clave="FICT-ASM-01")
    item = asm.items.get(number=2)
    assert explain(asm, 2024, 1).percent == D("50.00")
    client.force_login(user(django_user_model, "capturista_zzz"))
    url = reverse("simir:followup_report", args=[asm.pk, 2024, 1])
    response = client.post(url, {"text": "Se actualizó la MIR (ficticio).", f"item-{item.pk}-state": "resuelto",
                                 f"item-{item.pk}-note": "Oficio ficticio", "enviar": "1"})
    assert response.status_code == 302, response.content.decode()
    report = Report.objects.get(commitment=asm, fiscal_year=2024, quarter=1)
    assert report.status == "enviado"
    assert explain(asm, 2024, 1).percent == D("50.00")  # sent is not approved
    assert client.post(reverse("simir:followup_report_step", args=[report.pk]),
                       {"accion": "aprobar"}).status_code == 403  # a capturista does not review
    client.force_login(user(django_user_model, "coordinador"))
    client.post(reverse("simir:followup_report_step", args=[report.pk]), {"accion": "aprobar"})
    report.refresh_from_db()
    assert report.status == "aprobado" and report.reviewed_by.username == "coordinador"
    assert list(ReportTransition.objects.filter(report=report).values_list("to_status", flat=True)) == [
        "enviado", "aprobado"]
    page = client.get(reverse("simir:followup_detail", args=[asm.pk]), {"trimestre": "2024-1"}).content.decode()
    assert "2 de 2 sub-elementos resueltos = 100 %" in page and "Concluido" in page
    assert report.history.first().history_change_reason == "Aprobar"


def test_a_returned_report_needs_the_observation_and_is_corrected(demo, django_user_model):
    asm = Commitment.objects.get(clave="FICT-ASM-01")
    capturista, coordinador = user(django_user_model, "capturista_zzz"), user(django_user_model, "coordinador")
    item = asm.items.get(number=2)
    report = save_report(capturista, asm, 2024, 1, text="Avance", items={item.pk: ("en_proceso", None, "")})
    transition(capturista, report, Action.ENVIAR)
    with pytest.raises(Exception, match="observación"):
        transition(coordinador, report, Action.DEVOLVER, "")
    transition(coordinador, report, Action.DEVOLVER, "Falta el oficio")
    report = save_report(capturista, asm, 2024, 1, text="Avance con oficio", items={item.pk: ("resuelto", None, "")})
    assert transition(capturista, report, Action.ENVIAR).status == "enviado"


def test_nobody_approves_a_report_they_captured(demo, django_user_model):
    asm = Commitment.objects.get(clave="FICT-ASM-01")
    coordinador = user(django_user_model, "coordinador")
    report = save_report(coordinador, asm, 2024, 1, text="x", items={asm.items.get(number=2).pk: ("resuelto", None, "")})
    transition(coordinador, report, Action.ENVIAR)
    with pytest.raises(Exception, match="separación de funciones"):
        transition(coordinador, report, Action.APROBAR)
    assert transition(user(django_user_model, "coordinador2"), report, Action.APROBAR).status == "aprobado"


def test_outside_the_window_a_capturista_cannot_save(demo, django_user_model):
    asm = Commitment.objects.get(clave="FICT-ASM-01")
    with pytest.raises(Exception, match="cerró"):
        save_report(user(django_user_model, "capturista_zzz"), asm, 2024, 4, text="x")
    assert not Report.objects.filter(commitment=asm, quarter=4).exists()


def test_a_reported_percent_needs_evidence_and_updates_the_board(demo, client, django_user_model):
    p7 = Commitment.objects.get(clave="JG-3O2024-P7")
    coordinador = user(django_user_model, "coordinador")
    report = save_report(coordinador, p7, 2024, 4, text="Se atendieron 5 hallazgos más.", reported_percent=D("80"))
    with pytest.raises(Exception, match="evidencia"):
        transition(coordinador, report, Action.ENVIAR)
    save_report(coordinador, p7, 2024, 4, text=report.text, reported_percent=D("80"),
                evidence=SimpleUploadedFile("oficio.pdf", b"%PDF-1.4 prueba"))
    transition(coordinador, report, Action.ENVIAR)
    transition(user(django_user_model, "coordinador2"), report, Action.APROBAR)
    assert explain(p7, 2024, 3).percent == D("70")  # the session's figure stays for its quarter
    now = explain(p7, 2024, 4)
    assert now.percent == D("80") and "oficio.pdf" in now.source
    client.force_login(coordinador)
    page = client.get(reverse("simir:followup_board")).content.decode()
    assert "70 % en la Tercera Sesión Ordinaria 2024 → 80 %" in page


def test_junta_report_as_xlsx_and_pdf_within_scope(demo, client, django_user_model):
    client.force_login(user(django_user_model, "capturista_ayo"))
    response = client.get(reverse("simir:followup_board_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert {r[0] for r in rows} == set(PRINTED)
    p7 = next(r for r in rows if r[0] == "JG-3O2024-P7")
    assert p7[4] == 70 and p7[5] == "Reportado directamente, con evidencia" and "Reportado: 70 %" in p7[6]
    assert p7[3].startswith("30/09/2024") and p7[7] in ("Vencido", "En proceso")
    assert "Sin cambio desde la Tercera Sesión Ordinaria 2024 (70 %)" in p7[8]
    pdf = client.get(reverse("simir:followup_board_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(user(django_user_model, "capturista_zzz"))
    sheet = load_workbook(io.BytesIO(client.get(reverse("simir:followup_board_xlsx")).content)).active
    assert sheet.max_row == 3  # ZZZ has no agreements of the Junta


def test_overdue_per_unit_and_asm_per_programme(demo, client, django_user_model):
    client.force_login(user(django_user_model, "coordinador"))
    overdue = client.get(reverse("simir:followup_overdue")).content.decode()
    assert "JG-3O2024-P7" in overdue and "FICT-ASM-01" in overdue and "12ª.E.3.3/0724.S" not in overdue
    asm = client.get(reverse("simir:followup_asm")).content.decode()
    assert "P999" in asm and "FICT-ASM-01" in asm and "JG-3O2024-P1" not in asm
    listing = client.get(reverse("simir:followup_list"), {"estado": Standing.CONCLUIDO}).content.decode()
    assert "2ª.O.10/0724.S" in listing and "JG-3O2024-P1" not in listing


def test_a_report_for_an_impossible_quarter_is_not_found_or_refused(demo, client, django_user_model):
    asm = Commitment.objects.get(clave="FICT-ASM-01")
    client.force_login(user(django_user_model, "coordinador"))
    for year, quarter in ((99999, 1), (1999, 1), (2024, 5)):
        assert client.get(reverse("simir:followup_report", args=[asm.pk, year, quarter])).status_code == 404
    with pytest.raises(Exception, match="ejercicio debe estar entre 2000 y 2100"):
        save_report(user(django_user_model, "coordinador"), asm, 9999, 4, text="x")


def test_the_coordinacion_finds_sent_reports_and_the_page_keeps_every_edit(demo, client, django_user_model):
    asm = Commitment.objects.get(clave="FICT-ASM-01")
    capturista = user(django_user_model, "capturista_zzz")
    item = asm.items.get(number=2)
    save_report(capturista, asm, 2024, 1, text="Primera versión", items={item.pk: ("en_proceso", None, "")})
    report = save_report(capturista, asm, 2024, 1, text="Segunda versión", items={item.pk: ("resuelto", None, "")})
    transition(capturista, report, Action.ENVIAR)
    client.force_login(user(django_user_model, "coordinador"))
    listing = client.get(reverse("simir:followup_list")).content.decode()
    assert "Reportes enviados por revisar" in listing and "FICT-ASM-01 · T1-2024" in listing
    page = client.get(reverse("simir:followup_detail", args=[asm.pk])).content.decode()
    assert "Primera versión" in page and "Segunda versión" in page and "Enviar" in page
    client.force_login(capturista)
    assert "Reportes enviados por revisar" not in client.get(reverse("simir:followup_list")).content.decode()


def test_the_capturista_is_told_when_a_report_is_returned_and_approved(demo, django_user_model, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    asm = Commitment.objects.get(clave="FICT-ASM-01")
    capturista, coordinador = user(django_user_model, "capturista_zzz"), user(django_user_model, "coordinador")
    report = save_report(capturista, asm, 2024, 1, text="x", items={asm.items.get(number=2).pk: ("resuelto", None, "")})
    with django_capture_on_commit_callbacks(execute=True):
        transition(capturista, report, Action.ENVIAR)
        transition(coordinador, report, Action.DEVOLVER, "Falta el oficio")
        transition(capturista, report, Action.ENVIAR)
        transition(coordinador, report, Action.APROBAR)
    assert [m.subject for m in mailoutbox] == [
        "SIMIR: reporte de seguimiento devuelto — FICT-ASM-01 (T1-2024)",
        "SIMIR: reporte de seguimiento aprobado — FICT-ASM-01 (T1-2024)"]
    assert mailoutbox[0].to == ["capturista_zzz@simir.invalid"] and "Falta el oficio" in mailoutbox[0].body
