"""Every URL and export: a user sees only their scope; the rest is 404. The admin is for
administrators only (403 to everyone else)."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator
from reporting.models import Progress
from reporting.services import save_progress

pytestmark = pytest.mark.django_db
PASSWORD = "simir-demo-2024"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def own_and_foreign():
    return Indicator.objects.get(external_id="IB24-S200-01"), Indicator.objects.get(external_id="990007")


@pytest.mark.parametrize("name", ["simir:audit", "simir:audit_xlsx"])
def test_indicator_urls_are_404_outside_scope(demo, client, name):
    ayo, zzz = own_and_foreign()
    login(client, "capturista_ayo")
    assert client.get(reverse(name, args=[ayo.pk])).status_code == 200
    assert client.get(reverse(name, args=[zzz.pk])).status_code == 404
    client.logout()
    login(client, "capturista_zzz")
    assert client.get(reverse(name, args=[ayo.pk])).status_code == 404
    assert client.get(reverse(name, args=[zzz.pk])).status_code == 200
    client.logout()
    assert client.get(reverse(name, args=[ayo.pk])).status_code == 302  # to the login page


def test_admin_is_403_for_staff_who_are_not_administrators(demo, client, django_user_model):
    """The admin is for administrators: a staff capturista is refused its own UR's pages too."""
    user = django_user_model.objects.get(username="capturista_ayo")
    user.is_staff = True
    user.save()
    login(client, "capturista_ayo")
    assert client.get(reverse("admin:reporting_progress_changelist") + "?fiscal_year__exact=2024").status_code == 403
    for external_id in ("990004", "IB24-S200-01"):  # the other UR's and its own
        progress = Progress.objects.filter(indicator__external_id=external_id).first()
        assert client.get(reverse("admin:reporting_progress_change", args=[progress.pk])).status_code == 403


def test_audit_shows_who_changed_what_and_exports_it(demo, client, django_user_model):
    user = django_user_model.objects.get(username="capturista_zzz")
    _, indicator = own_and_foreign()
    save_progress(user, indicator, 2024, 3, value=D(84))
    save_progress(user, indicator, 2024, 3, value=D(86))
    login(client, "capturista_zzz")
    page = client.get(reverse("simir:audit", args=[indicator.pk]))
    entries = page.context["entries"]
    change = next(e for e in entries if e.subject == "Avance 2024-03" and e.action == "cambio")
    name = user.get_full_name() or user.username
    assert (change.who, change.changes_text, change.reason) == (name, "valor: 84 → 86", "Captura")
    workbook = load_workbook(filename=__import__("io").BytesIO(
        client.get(reverse("simir:audit_xlsx", args=[indicator.pk])).content
    ))
    rows = list(workbook.active.iter_rows(min_row=3, values_only=True))
    assert (name, "Avance 2024-03", "cambio", "valor: 84 → 86", "Captura") in [row[1:] for row in rows]


def test_admin_objective_page_lists_its_indicators_of_every_unit_to_an_administrator(demo, client):
    own, foreign = own_and_foreign()
    Indicator.objects.filter(pk=foreign.pk).update(objective=own.objective)  # one objective, two URs
    login(client, "admin")
    page = client.get(reverse("admin:programs_objective_change", args=[own.objective_id]))
    assert page.status_code == 200
    assert own.external_id in page.content.decode() and foreign.external_id in page.content.decode()
