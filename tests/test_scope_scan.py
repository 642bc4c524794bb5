"""Walk every URL of the application as users of two different URs (and a consulta of one): nothing
of the other UR may come back — objects are 404, lists and pages do not mention them. The admin is
for administrators: every page of it renders for them, and every page and write is 403 to the
other staff."""

import csv
import io
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from api.tokens import create_token
from compliance.models import QuarterResult
from followup.models import Commitment, Report, ReportEvidence
from indicators import rules
from indicators.models import Indicator, Target, TargetAdjustment
from jobs.models import Job
from programs.models import Matrix, Objective, Program, ResponsibleUnit
from programs.roles import ADMINISTRADOR, CONSULTA, COORDINADOR, MODELS
from reporting.models import Evidence, Progress, ProgressTransition, WindowExtension
from tests.admin_forms import change_form_data
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"
# What identifies each UR's data on a page.
MARKERS = {"AYO": ["IB24-", "S200", "U013", "E001", "JG-3O2024", "Ecatepec", "PI23-", "PI25-"],
           "ZZZ": ["99000", "99001", "P999", "ilustrativ", "FICT-"]}
POST_ONLY = {"review_approve_many", "recompute", "adjustment_decide", "window_save", "extension_grant",
             "upload_confirm", "api_token_revoke", "followup_report_step", "institutional_window_save"}


def app_patterns():
    resolver = get_resolver()
    (web,) = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "simir"]
    return [p for p in web.url_patterns if isinstance(p, URLPattern)]


def objects_of(unit, owner):
    """One object of each kind belonging to `unit`, for the URL parameters."""
    indicator = Indicator.objects.filter(responsible_unit__clave=unit, fiscal_year=2024).first()
    progress = Progress.objects.filter(indicator__responsible_unit__clave=unit).first()
    evidence = Evidence.objects.create(progress=progress, file=ContentFile(b"%PDF-1.4", name="e.pdf"))
    job = Job.objects.create(kind=Job.Kind.EXPORTACION, created_by=owner, params={}, file=ContentFile(b"x", name="x.csv"))
    upload = Job.objects.create(kind=Job.Kind.CARGA, created_by=owner, status=Job.Status.POR_CONFIRMAR,
                                params={"ejercicio": 2024, "trimestre": 1, "nombre": "c.csv", "simulacion": {
                                    "filas": 1, "creados": 1, "actualizados": 0, "sin cambios": 0, "errores": [],
                                    "errores_no_listados": 0}},
                                upload=ContentFile(b"CICLO,ID_INDICADOR\r\n", name="c.csv"))
    target = Target.objects.filter(indicator__responsible_unit__clave=unit, fiscal_year=2024).first()
    adjustment = TargetAdjustment.objects.create(target=target, value=1, adjustment_type="meta", justification="x",
                                                 requested_by=owner)
    token, _key = create_token(owner, "Alcance")
    commitment = Commitment.objects.filter(responsible_unit__clave=unit).order_by("clave").first()
    report = Report.objects.create(commitment=commitment, fiscal_year=2023, quarter=4, text="Alcance")
    report_evidence = ReportEvidence.objects.create(report=report, file=ContentFile(b"%PDF-1.4", name="r.pdf"))
    institutional = Indicator.objects.filter(responsible_unit__clave=unit, matrix__kind=Matrix.Kind.PI,
                                             matrix__fiscal_year=2023).first()
    return {
        "pk": {"audit": indicator.pk, "audit_xlsx": indicator.pk, "indicator_detail": indicator.pk,
               "capture_preview": indicator.pk, "capture_rollup_preview": indicator.pk,
               "review_detail": progress.pk, "evidence": evidence.pk,
               "job": job.pk, "job_status": job.pk, "export_download": job.pk,
               "adjustment_request": indicator.pk, "adjustment_detail": adjustment.pk,
               "adjustment_decide": adjustment.pk, "upload_review": upload.pk, "upload_confirm": upload.pk,
               "upload_file": upload.pk, "api_token_revoke": token.pk, "followup_detail": commitment.pk,
               "followup_report": commitment.pk, "followup_report_step": report.pk,
               "followup_evidence": report_evidence.pk,
               "institutional_capture": institutional.pk, "institutional_report": institutional.matrix_id,
               "institutional_report_xlsx": institutional.matrix_id,
               "institutional_report_pdf": institutional.matrix_id},
        "program_id": Program.objects.get(responsible_unit__clave=unit, fiscal_year=2024,
                                          number=999 if unit == "ZZZ" else 200).pk,
        "fiscal_year": 2024, "quarter": 1,
    }


def url_for(pattern, values):
    kwargs = {}
    for name in pattern.pattern.converters:
        kwargs[name] = values["pk"][pattern.name] if name == "pk" else values[name]
    return reverse(f"simir:{pattern.name}", kwargs=kwargs)


def illustrative_institutional_programme():
    """The demo's Programa Institucional is all AYO's: an illustrative one of ZZZ's, to look for from AYO."""
    unit = ResponsibleUnit.objects.get(clave="ZZZ")
    matrix = Matrix.objects.create(kind=Matrix.Kind.PI, fiscal_year=2023, last_year=2024, responsible_unit=unit,
                                   name="Programa Institucional ilustrativo")
    objective = Objective.objects.create(matrix=matrix, level="Objetivo prioritario", clave="1", summary="ilustrativo")
    Indicator.objects.create(matrix=matrix, objective=objective, responsible_unit=unit, fiscal_year=2023,
                             external_id="99001-PI", name="Indicador ilustrativo PI", frequency="Anual",
                             direction="Ascendente")


@pytest.fixture
def demo(db, django_user_model):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    illustrative_institutional_programme()
    admin_user = django_user_model.objects.get(username="admin")
    for unit in MARKERS:  # a workflow step of each UR, so its admin pages can be tried too
        progress = Progress.objects.filter(indicator__responsible_unit__clave=unit).first()
        ProgressTransition.objects.create(progress=progress, from_status="enviado", to_status="aprobado",
                                          user=admin_user)


USERS = pytest.mark.parametrize("username, own, other", [
    ("capturista_ayo", "AYO", "ZZZ"), ("capturista_zzz", "ZZZ", "AYO"), ("consulta_ayo", "AYO", "ZZZ"),
    ("coordinador_zzz", "ZZZ", "AYO"),
])


def scan_user(django_user_model, username):
    if username == "consulta_ayo":
        return make_user(username, CONSULTA, [ResponsibleUnit.objects.get(clave="AYO")])
    if username == "coordinador_zzz":
        return make_user(username, COORDINADOR, [ResponsibleUnit.objects.get(clave="ZZZ")])
    return django_user_model.objects.get(username=username)


def leaked_markers(response, unit):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    return [marker for marker in MARKERS[unit] if marker in text]


@USERS
def test_no_url_leaks_the_other_unit(demo, client, django_user_model, username, own, other):
    user = scan_user(django_user_model, username)
    stranger = django_user_model.objects.get(username="capturista_zzz" if own == "AYO" else "capturista_ayo")
    foreign = objects_of(other, stranger)
    for unit in MARKERS:  # a prórroga of each UR's programme: the windows page lists only the scope's
        WindowExtension.objects.create(fiscal_year=2024, quarter=1, reason="Prueba de alcance", until=timezone.now(),
                                       program=Program.objects.get(responsible_unit__clave=unit, fiscal_year=2024,
                                                                   number=999 if unit == "ZZZ" else 200))
    client.force_login(user)
    checked = 0
    for pattern in app_patterns():
        url = url_for(pattern, foreign)
        response = client.get(url, {"ejercicio": 2024, "mes": 3})
        if pattern.name in POST_ONLY:
            assert response.status_code == 405, url
            continue
        if pattern.pattern.converters.get("pk") or "program_id" in pattern.pattern.converters:
            assert response.status_code == 404, f"{url} devolvió {response.status_code} a {username}"
        else:
            while response.status_code == 302:  # desk → dashboard → its latest quarter
                response = client.get(response.url)
            assert response.status_code in (200, 404), url
            leaked = leaked_markers(response, other)
            assert not leaked, f"{url} muestra {leaked} a {username}"
        checked += 1
    assert checked >= 15


def exported_text(response):
    """The text of a CSV, or the sheets and strings of an XLSX (not its theme, whose colours
    could look like an id)."""
    if response["Content-Type"].startswith("text/csv"):
        return response.getvalue().decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist()
                       if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml")


@USERS
def test_a_shared_institutional_report_shows_only_the_scope(demo, client, django_user_model, username, own, other):
    """A Programa Institucional with indicators of both URs: each sees it, with only its own, on the
    screen, in the XLSX and in the PDF's text."""
    shared = Matrix.objects.get(kind=Matrix.Kind.PI, fiscal_year=2023, responsible_unit__clave="AYO")
    Indicator.objects.filter(external_id="99001-PI").update(matrix=shared, objective=shared.objectives.first())
    client.force_login(scan_user(django_user_model, username))
    page = client.get(reverse("simir:institutional_report", args=[shared.pk]))
    assert page.status_code == 200
    assert not leaked_markers(page, other) and set(leaked_markers(page, own)) & {"PI23-", "ilustrativ"}
    workbook = client.get(reverse("simir:institutional_report_xlsx", args=[shared.pk]))
    assert not [m for m in MARKERS[other] if m in exported_text(workbook)]


TABLE_EXPORTS = [("indicator_list", [], {}), ("review_queue", [], {"estado": ""}), ("dashboard", [2024, 1], {}),
                 ("dashboard", [2024, 1], {"tabla": "ur"})]
FORMULA = '=HYPERLINK("http://ataque.invalid","clic")'


@USERS
def test_no_table_export_leaks_the_other_unit_or_runs_a_formula(demo, client, django_user_model, username, own,
                                                                other):
    """Every table of every list screen, as CSV and as XLSX, with a formula in an indicator name."""
    Indicator.objects.filter(responsible_unit__clave=own).update(name=FORMULA)
    user = scan_user(django_user_model, username)
    client.force_login(user)
    exported = 0
    for name, args, params in TABLE_EXPORTS:
        for export_format in ("csv", "xlsx"):
            response = client.get(reverse(f"simir:{name}", args=args), {**params, "_export": export_format})
            if name == "review_queue" and not user.groups.filter(name=COORDINADOR).exists():
                assert response.status_code == 404  # the queue is the coordinators'
                continue
            assert response.status_code == 200, (name, export_format)
            text = exported_text(response)
            leaked = [marker for marker in MARKERS[other] if marker in text]
            assert not leaked, f"{name}.{export_format} muestra {leaked} a {username}"
            if export_format == "csv":
                rows = list(csv.reader(io.StringIO(text, newline="")))
                assert not [c for row in rows for c in row if c.startswith("=")], (name, username)
                if name == "indicator_list":
                    assert any(c == "'" + FORMULA for row in rows for c in row)
            else:
                assert not re.search(r"<(\w+:)?f[ >]", text), (name, username)
            exported += 1
    assert exported >= 6


@USERS
def test_upload_template_holds_only_the_scope_and_runs_no_formula(demo, client, django_user_model, username, own,
                                                                  other):
    """The avances template, whole ejercicio's quarter, as CSV and XLSX (consulta cannot capture: 404)."""
    Indicator.objects.filter(responsible_unit__clave=own).update(name=FORMULA)
    user = scan_user(django_user_model, username)
    client.force_login(user)
    for template_format in ("csv", "xlsx"):
        response = client.get(reverse("simir:upload_template"),
                              {"ejercicio": 2024, "trimestre": 1, "formato": template_format})
        if username == "consulta_ayo":
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        text = exported_text(response)
        assert not [marker for marker in MARKERS[other] if marker in text], (template_format, username)
        assert [marker for marker in MARKERS[own] if marker in text], (template_format, username)
        if template_format == "csv":
            cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
            assert "'" + FORMULA in cells and not [c for c in cells if c.startswith("=")]
        else:
            assert not re.search(r"<(\w+:)?f[ >]", text)


BAD_IDS = ["٣", "0", str(2**63), "99999999999999999999"]


@USERS
def test_no_url_takes_a_bad_id_or_a_control_character(demo, client, django_user_model, username, own, other):
    """Every screen and admin list: a bad integer in the URL is a 404, a control character in a
    parameter is a 400 naming it; never a 500."""
    user = scan_user(django_user_model, username)
    user.is_staff = True
    user.save()
    client.force_login(user)
    values = objects_of(own, user)
    checked = 0
    for pattern in app_patterns():
        url = url_for(pattern, values)
        response = client.get(url, {"q": "texto\x00nulo"})
        assert response.status_code == 400 and "«q»" in response.content.decode(), url
        for bad_name in pattern.pattern.converters:
            for bad in BAD_IDS:
                route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: bad if m[1] == bad_name else str(
                    values["pk"][pattern.name] if m[1] == "pk" else values[m[1]]), str(pattern.pattern))
                assert client.get("/" + route).status_code == 404, route
        checked += 1
    for model in admin.site._registry:
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"q": "\x1b[31m"})
        assert response.status_code == 400, opts.model_name
        checked += 1
    assert checked >= 15 + len(OWNER)


# How each admin model's objects belong to a UR; the others are shared catalogs.
OWNER = {
    Indicator: "responsible_unit__clave", Target: "indicator__responsible_unit__clave",
    Progress: "indicator__responsible_unit__clave", QuarterResult: "indicator__responsible_unit__clave",
    ProgressTransition: "progress__indicator__responsible_unit__clave", Program: "responsible_unit__clave",
    Matrix: "program__responsible_unit__clave", Objective: "matrix__program__responsible_unit__clave",
}


def objects_to_try(model, units):
    """One object of each UR for the models that belong to one, else the first (if any)."""
    if model in OWNER:
        return [model.objects.filter(**{OWNER[model]: unit}).first() for unit in units]
    return [obj for obj in [model.objects.order_by("pk").first()] if obj is not None]


def admin_pages(model, model_admin, obj):
    opts = model._meta
    pages = {page: reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])
             for page in ("change", "history", "delete")}
    if isinstance(model_admin, SimpleHistoryAdmin) and obj.history.exists():  # one past version
        pages["version"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                                   args=[obj.pk, obj.history.first().history_id])
    return pages


@pytest.mark.parametrize("username", ["admin", "administradora"])
def test_every_admin_page_renders_for_an_administrator(demo, client, rf, django_user_model, username):
    """A superuser and a staff member of the Administrador group: every list, add, change, history,
    past version and delete page answers as the admin's own permissions say (never a 500)."""
    if username == "administradora":
        user = make_user(username, ADMINISTRADOR)
        user.is_staff = True
        user.save()
    user = django_user_model.objects.get(username=username)
    client.force_login(user)
    request = rf.get("/admin/")
    request.user = user
    assert client.get(reverse("admin:index")).status_code == 200
    checked = 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        expected = 200 if model_admin.has_view_or_change_permission(request) else 403
        if opts.app_label in MODELS or opts.app_label == "auth":  # SIMIR's models, users and groups
            assert expected == 200, f"{username} no administra {opts.label}"
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == expected, opts.label
        add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert add.status_code == (200 if model_admin.has_add_permission(request) else 403), opts.label
        checked += 2
        for obj in objects_to_try(model, MARKERS):
            for page, url in admin_pages(model, model_admin, obj).items():
                allowed = (model_admin.has_delete_permission(request, obj) if page == "delete"
                           else model_admin.has_view_or_change_permission(request, obj))
                assert client.get(url).status_code == (200 if allowed else 403), f"{url} ({page}) para {username}"
                checked += 1
    assert checked >= 2 * len(admin.site._registry) + 3 * 2 * len(OWNER)


def database_rows():
    """Every row of every model (history and the admin's log included): nothing may change."""
    skipped = {"sessions.session"}
    return {model._meta.label: list(model.objects.order_by("pk").values())
            for model in apps.get_models() if model._meta.label_lower not in skipped}


def free_period(unit):
    """An indicator of the UR and a period of it without a national avance yet."""
    for indicator in Indicator.objects.filter(responsible_unit__clave=unit, fiscal_year=2024):
        taken = set(indicator.progress.filter(fiscal_year=2024, state=None).values_list("month", flat=True))
        free = [month for month in rules.period_months(indicator.frequency) if month not in taken]
        if free:
            return indicator, free[0]
    raise AssertionError(f"la UR {unit} no tiene periodos sin avance")


def attacks(own, other, stranger):
    """The writes of the issue, as a browser would post them to the admin: (url, data)."""
    foreign, month = free_period(other)
    mine = Progress.objects.filter(indicator__responsible_unit__clave=own, state=None).first()
    approved = Progress.objects.filter(indicator__responsible_unit__clave=own, status="aprobado").first()
    target = Target.objects.filter(indicator__responsible_unit__clave=own).first()
    now = timezone.localtime()
    when = {"_0": now.strftime("%d/%m/%Y"), "_1": now.strftime("%H:%M:%S")}
    no_evidence = {"evidence-TOTAL_FORMS": 0, "evidence-INITIAL_FORMS": 0}

    def progress_data(progress, **changes):
        return {"indicator": progress.indicator_id, "fiscal_year": progress.fiscal_year, "month": progress.month,
                "value": progress.value, "cause": progress.cause, "effect": progress.effect, **no_evidence, **changes}

    return [
        # an avance on the other UR's indicator
        (reverse("admin:reporting_progress_add"), {"indicator": foreign.pk, "fiscal_year": 2024,
                                                   "month": month, "value": "50", **no_evidence}),
        # an avance moved to the other UR's indicator
        (reverse("admin:reporting_progress_change", args=[mine.pk]), progress_data(mine, indicator=foreign.pk)),
        # an approved value changed, still approved
        (reverse("admin:reporting_progress_change", args=[approved.pk]), progress_data(approved, value="1")),
        # an adjustment created already approved, decided by someone else
        (reverse("admin:indicators_targetadjustment_add"), {
            "target": target.pk, "value": "1", "adjustment_type": "meta", "justification": "Ajuste",
            "status": "aprobado", "decided_by": stranger.pk, **{f"decided_at{k}": v for k, v in when.items()}}),
        # a prórroga for the other UR, granted in someone else's name
        (reverse("admin:reporting_windowextension_add"), {
            "fiscal_year": 2024, "quarter": 1, "responsible_unit": ResponsibleUnit.objects.get(clave=other).pk,
            "until_0": "01/01/2031", "until_1": "00:00:00", "reason": "Prórroga", "granted_by": stranger.pk}),
    ]


@USERS
def test_admin_refuses_every_page_and_write_to_staff_who_are_not_administrators(
    demo, client, django_user_model, username, own, other
):
    """As staff of either UR (capturista, consulta, coordinador): every admin page is 403, and so
    is every add, change and delete posted with the data of the real forms; nothing is written."""
    user = scan_user(django_user_model, username)
    user.is_staff = True
    user.save()
    stranger = django_user_model.objects.get(username="capturista_zzz" if own == "AYO" else "capturista_ayo")
    forms = Client()  # an administrator's browser, to read what each form would send
    forms.force_login(django_user_model.objects.get(username="admin"))
    client.force_login(user)
    writes = attacks(own, other, stranger)
    reads = [reverse("admin:index"), reverse("admin:login"), reverse("admin:password_change"), "/admin/no-existe/"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        reads += [reverse(f"admin:app_list", args=[opts.app_label]),
                  reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                  reverse(f"admin:{opts.app_label}_{opts.model_name}_add")]
        for obj in objects_to_try(model, [own, other]):
            pages = admin_pages(model, model_admin, obj)
            reads += pages.values()
            page = forms.get(pages["change"])
            data = change_form_data(page) if page.status_code == 200 else {}
            writes += [(pages["change"], data), (reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), data),
                       (pages["delete"], {"post": "yes"})]
    before = database_rows()
    for url in reads:
        assert client.get(url).status_code == 403, f"{url} no es 403 para {username}"
    for url, data in writes:
        assert client.post(url, data).status_code == 403, f"POST {url} no es 403 para {username}"
    assert database_rows() == before, f"el admin escribió algo para {username}"
    assert len(writes) >= 3 * 2 * len(OWNER) + 5


@USERS
def test_followup_exports_hold_only_the_scope(demo, client, django_user_model, username, own, other):
    """The Junta's list as XLSX and PDF: only the commitments of the user's URs."""
    from pypdf import PdfReader

    client.force_login(scan_user(django_user_model, username))
    xlsx = client.get(reverse("simir:followup_board_xlsx"))
    pdf = client.get(reverse("simir:followup_board_pdf"))
    assert xlsx.status_code == pdf.status_code == 200
    texts = {"xlsx": exported_text(xlsx),
             "pdf": "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)}
    for name, text in texts.items():
        assert not [marker for marker in MARKERS[other] if marker in text], (name, username)
    if own == "AYO":
        assert "JG-3O2024-P7" in texts["xlsx"] and "JG-3O2024-P7" in texts["pdf"]
