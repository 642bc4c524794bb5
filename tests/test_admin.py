import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

OUR_APPS = {"programs", "indicators"}


@pytest.fixture
def admin_client_with_demo(client):
    call_command("load_demo")
    client.login(username="admin", password="simir-demo-2024")
    return client


def test_every_admin_page_of_ours_renders_with_the_demo(admin_client_with_demo):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client_with_demo.get(changelist).status_code == 200, changelist
        obj = model.objects.first()
        if obj is None:  # e.g. no per-ejercicio policy: the defaults apply
            continue
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client_with_demo.get(change).status_code == 200, change


def test_indicator_page_shows_effective_factor_and_meta_vigente(admin_client_with_demo):
    from indicators.models import Indicator

    indicator = Indicator.objects.get(external_id="990005")  # fictitious, with an adjusted meta
    page = admin_client_with_demo.get(reverse("admin:indicators_indicator_change", args=[indicator.pk]))
    content = page.content.decode().lower()
    assert "factor efectivo" in content and "meta vigente" in content
    assert "65.000000" in content  # the approved adjusted meta of month 9 (programmed 70)


def test_admin_rejects_an_inconsistent_avance_with_a_spanish_message(admin_client_with_demo):
    from indicators.models import Indicator

    indicator = Indicator.objects.get(external_id="990005")
    response = admin_client_with_demo.post(reverse("admin:reporting_progress_add"), {
        "indicator": indicator.pk, "fiscal_year": 2025, "month": 2, "value": "1", "status": "borrador",
        "evidence-TOTAL_FORMS": 0, "evidence-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    assert "El mes 2 no cierra un periodo de frecuencia Trimestral" in response.content.decode()
