"""Walk every URL of the application as users of two different URs (and a consulta of one): nothing
of the other UR may come back — objects are 404, lists and pages do not mention them."""

import csv
import io
import re
import zipfile

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import URLPattern, get_resolver, reverse
from simple_history.admin import SimpleHistoryAdmin

from compliance.models import QuarterResult
from indicators.models import Indicator, Target
from jobs.models import Job
from programs.models import Matrix, Objective, Program, ResponsibleUnit
from programs.roles import CONSULTA, COORDINADOR
from reporting.models import Evidence, Progress, ProgressTransition
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"
# What identifies each UR's data on a page.
MARKERS = {"AYO": ["IB24-", "S200", "U013", "E001"], "ZZZ": ["99000", "99001", "P999", "ilustrativ"]}
POST_ONLY = {"review_approve_many", "recompute"}


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
    return {
        "pk": {"audit": indicator.pk, "audit_xlsx": indicator.pk, "indicator_detail": indicator.pk,
               "capture_preview": indicator.pk, "review_detail": progress.pk, "evidence": evidence.pk,
               "job": job.pk, "job_status": job.pk, "export_download": job.pk},
        "program_id": Program.objects.get(responsible_unit__clave=unit, fiscal_year=2024,
                                          number=999 if unit == "ZZZ" else 200).pk,
        "fiscal_year": 2024, "quarter": 1,
    }


def url_for(pattern, values):
    kwargs = {}
    for name in pattern.pattern.converters:
        kwargs[name] = values["pk"][pattern.name] if name == "pk" else values[name]
    return reverse(f"simir:{pattern.name}", kwargs=kwargs)


@pytest.fixture
def demo(db, django_user_model):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
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
        return response.content.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist()
                       if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml")


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


@USERS
def test_no_admin_page_leaks_the_other_unit(demo, client, django_user_model, username, own, other):
    """As staff: every admin list (filters included) and the other UR's change and history pages."""
    user = scan_user(django_user_model, username)
    user.is_staff = True
    user.save()
    client.force_login(user)
    checked = listed = 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code in (200, 403), opts.model_name
        listed += changelist.status_code == 200
        leaked = leaked_markers(changelist, other)
        assert not leaked, f"la lista de {opts.verbose_name_plural} muestra {leaked} a {username}"
        if model not in OWNER:
            continue
        foreign = model.objects.filter(**{OWNER[model]: other}).first()
        assert foreign, f"la demostración no tiene {opts.verbose_name} de la UR {other}"
        urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[foreign.pk])
                for page in ("change", "history")]
        if isinstance(model_admin, SimpleHistoryAdmin):  # one past version, as django-simple-history shows it
            version = foreign.history.first()
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                                args=[foreign.pk, version.history_id]))
        for url in urls:
            assert client.get(url).status_code == 404, f"{url} ({opts.verbose_name}) no es 404 para {username}"
            checked += 1
    assert checked >= 2 * len(OWNER) + 4 and listed >= len(OWNER)
