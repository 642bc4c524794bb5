"""Walk every URL of the application as users of two different URs (and a consulta of one): nothing
of the other UR may come back — objects are 404, lists and pages do not mention them."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import URLPattern, get_resolver, reverse

from indicators.models import Evidence, Indicator, Job, Progress
from indicators.roles import CONSULTA, COORDINADOR
from programs.models import Program, ResponsibleUnit

from .factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"
# What identifies each UR's data on a page.
MARKERS = {"AYO": ["IB24-", "S200", "U013", "E001"], "ZZZ": ["99000", "99001", "P999", "ilustrativ"]}
POST_ONLY = {"review_approve_many", "recompute"}


def app_patterns():
    resolver = get_resolver()
    (indicators,) = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "indicators"]
    return [p for p in indicators.url_patterns if isinstance(p, URLPattern)]


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
    return reverse(f"indicators:{pattern.name}", kwargs=kwargs)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("username, own, other", [
    ("capturista_ayo", "AYO", "ZZZ"), ("capturista_zzz", "ZZZ", "AYO"), ("consulta_ayo", "AYO", "ZZZ"),
    ("coordinador_zzz", "ZZZ", "AYO"),
])
def test_no_url_leaks_the_other_unit(demo, client, django_user_model, username, own, other):
    if username == "consulta_ayo":
        user = make_user(username, CONSULTA, [ResponsibleUnit.objects.get(clave="AYO")])
    elif username == "coordinador_zzz":
        user = make_user(username, COORDINADOR, [ResponsibleUnit.objects.get(clave="ZZZ")])
    else:
        user = django_user_model.objects.get(username=username)
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
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", errors="replace")
            leaked = [marker for marker in MARKERS[other] if marker in text]
            assert not leaked, f"{url} muestra {leaked} a {username}"
        checked += 1
    assert checked >= 15
