"""The admin (issue «Production truth»): for administrators only; what has a web screen is
read-only there; windows and prórrogas go through their services; every other change is
validated, audited with the administrator and a reason, and recomputes the results it affects."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from compliance.models import QuarterResult
from indicators.models import FiscalYearPolicy, Indicator, Target
from indicators.signals import results_outdated
from programs.models import Program
from programs.roles import ADMINISTRADOR, CAPTURISTA, COORDINADOR
from reporting.choices import ProgressStatus as S
from reporting.models import CaptureWindow, Progress, ProgressTransition, WindowExtension
from reporting.services import grant_extension, save_progress
from reporting.workflow import Action, transition
from tests.admin_forms import change_form_data
from tests.factories import ProgressFactory, make_user

pytestmark = pytest.mark.django_db

OUR_APPS = {"programs", "indicators"}


@pytest.fixture
def admin_client_with_demo(client):
    call_command("load_demo")
    client.login(username="admin", password="simir-demo-2024")
    return client


def admin_url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


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
    indicator = Indicator.objects.get(external_id="990005")  # fictitious, with an adjusted meta
    page = admin_client_with_demo.get(reverse("admin:indicators_indicator_change", args=[indicator.pk]))
    content = page.content.decode().lower()
    assert "factor efectivo" in content and "meta vigente" in content
    assert "65.000000" in content  # the approved adjusted meta of month 9 (programmed 70)


def test_admin_rejects_an_inconsistent_meta_with_a_spanish_message(admin_client_with_demo):
    indicator = Indicator.objects.get(external_id="990005")
    response = admin_client_with_demo.post(reverse("admin:indicators_target_add"), {
        "indicator": indicator.pk, "fiscal_year": 2025, "month": 2, "value": "1",
        "adjustments-TOTAL_FORMS": 0, "adjustments-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    assert "El mes 2 no cierra un periodo de frecuencia Trimestral" in response.content.decode()
    assert not Target.objects.filter(indicator=indicator, fiscal_year=2025).exists()


# --- Who may enter ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [CAPTURISTA, COORDINADOR])
def test_staff_who_are_not_administrators_get_403_everywhere(world, client, role):
    user = make_user(f"staff_{role.lower()}", role, [world.unit_a])
    user.is_staff = True
    user.save()
    client.force_login(user)
    for url in [reverse("admin:index"), reverse("admin:login"), reverse("admin:password_change"),
                reverse("admin:app_list", args=["reporting"]), admin_url(Progress, "changelist"),
                admin_url(Progress, "add"), admin_url(Indicator, "change", world.ind_a.pk), "/admin/no-existe/"]:
        assert client.get(url).status_code == 403, url
    assert 'href="/admin/"' not in client.get(reverse("simir:indicator_list")).content.decode()


def test_the_administrador_group_enters_and_sees_the_link(world, client):
    user = make_user("administradora", ADMINISTRADOR)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(admin_url(Indicator, "change", world.ind_a.pk)).status_code == 200
    assert client.get(admin_url(Program, "add")).status_code == 200
    assert 'href="/admin/"' in client.get(reverse("simir:indicator_list")).content.decode()


# --- What has a web screen is read-only -----------------------------------------------------


def test_an_approved_avance_cannot_be_changed_in_the_admin(world, admin_client):
    progress = ProgressFactory(indicator=world.ind_a, status=S.APROBADO, value=D(80))
    page = admin_client.get(admin_url(Progress, "change", progress.pk))
    assert page.status_code == 200 and 'name="value"' not in page.content.decode()  # shown, not editable
    data = {"indicator": world.ind_b.pk, "fiscal_year": 2024, "month": 3, "value": "95",
            "evidence-TOTAL_FORMS": 0, "evidence-INITIAL_FORMS": 0}
    assert admin_client.post(admin_url(Progress, "change", progress.pk), data).status_code == 403
    assert admin_client.post(admin_url(Progress, "add"), data).status_code == 403
    progress.refresh_from_db()
    assert (progress.indicator, progress.value, progress.status, progress.version) == (world.ind_a, D(80), S.APROBADO, 1)
    assert Progress.objects.count() == 1


@pytest.mark.parametrize("model", [Progress, ProgressTransition, QuarterResult,
                                   "indicators.TargetAdjustment", "compliance.QuarterAggregate"])
def test_rows_with_their_own_screens_cannot_be_added_changed_or_deleted(world, admin_user, rf, model):
    from django.apps import apps

    model = apps.get_model(model) if isinstance(model, str) else model
    model_admin = admin.site._registry[model]
    request = rf.get("/admin/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    for inline in model_admin.get_inline_instances(request):
        assert not (inline.has_add_permission(request, None) or inline.has_change_permission(request)
                    or inline.has_delete_permission(request))


def test_the_inlines_of_avances_and_adjustments_are_read_only(admin_user, rf):
    request = rf.get("/admin/")
    request.user = admin_user
    for parent in (Indicator, Target):
        for inline in admin.site._registry[parent].get_inline_instances(request):
            if inline.model._meta.model_name in ("progress", "targetadjustment"):
                assert not (inline.has_add_permission(request, None) or inline.has_change_permission(request)
                            or inline.has_delete_permission(request)), inline


def test_past_versions_are_read_not_restored(world, admin_client):
    target = Target.objects.get(indicator=world.ind_a, month=3)
    target.value = D(90)
    target.save()
    first = target.history.earliest()
    url = reverse("admin:indicators_target_simple_history", args=[target.pk, first.history_id])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"indicator": world.ind_a.pk, "fiscal_year": 2024, "month": 3, "value": "80",
                                   "adjustments-TOTAL_FORMS": 0, "adjustments-INITIAL_FORMS": 0}).status_code == 403
    target.refresh_from_db()
    assert target.value == D(90)


def test_programmes_and_indicators_are_not_deleted_in_the_admin(world, admin_client):
    for model, obj in ((Program, world.program_a), (Indicator, world.ind_a)):
        assert admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=obj.pk).exists()


# --- Windows and prórrogas through their services ---------------------------------------------


def test_a_window_saved_in_the_admin_goes_through_its_service(world, admin_user, admin_client, django_capture_on_commit_callbacks):
    opens, closes = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=30)
    data = {"fiscal_year": 2024, "quarter": 2, "opens_at_0": opens.strftime("%d/%m/%Y"), "opens_at_1": "00:00:00",
            "closes_at_0": closes.strftime("%d/%m/%Y"), "closes_at_1": "00:00:00", "note": "Segundo trimestre"}
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(admin_url(CaptureWindow, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    window = CaptureWindow.objects.get(fiscal_year=2024, quarter=2)
    version = window.history.latest()
    assert (version.history_user, version.history_change_reason) == (admin_user, "Segundo trimestre")
    assert len(callbacks) == 2  # the quarter recomputed now and again when it closes
    assert admin_client.post(admin_url(CaptureWindow, "delete", window.pk), {"post": "yes"}).status_code == 403


def test_a_prorroga_granted_in_the_admin_names_the_administrator(world, admin_user, admin_client):
    data = {"fiscal_year": 2024, "quarter": 1, "responsible_unit": world.unit_b.pk,
            "until_0": (timezone.now() + timedelta(days=40)).strftime("%d/%m/%Y"), "until_1": "00:00:00",
            "reason": "Falla del sistema estatal", "granted_by": world.coord.pk}
    assert admin_client.post(admin_url(WindowExtension, "add"), data).status_code == 302
    extension = WindowExtension.objects.get()
    assert extension.granted_by == admin_user  # whoever the form named
    assert extension.history.latest().history_change_reason == "Falla del sistema estatal"
    change = {**data, "responsible_unit": world.unit_a.pk, "reason": "Otra"}
    assert admin_client.post(admin_url(WindowExtension, "change", extension.pk), change).status_code == 403
    extension.refresh_from_db()
    assert (extension.responsible_unit, extension.reason) == (world.unit_b, "Falla del sistema estatal")


def test_prorrogas_are_granted_only_within_scope(world):
    until = timezone.now() + timedelta(days=20)
    with pytest.raises(PermissionDenied, match="de su alcance"):
        grant_extension(world.coord_a, 2024, 1, until, "Otra UR", responsible_unit=world.unit_b)
    with pytest.raises(PermissionDenied, match="de su alcance"):
        grant_extension(world.coord_a, 2024, 1, until, "Otro programa", program=world.ind_b.matrix.program)
    assert grant_extension(world.coord_a, 2024, 1, until, "Su UR", responsible_unit=world.unit_a).granted_by == world.coord_a
    assert WindowExtension.objects.count() == 1


# --- Allowed changes: validated, audited, recomputed ------------------------------------------


@pytest.fixture
def reported(world, django_capture_on_commit_callbacks):
    """Indicator A's T1 avance (80 against a meta of 80) sent and its result stored."""
    with django_capture_on_commit_callbacks(execute=True):
        progress = save_progress(world.cap_a, world.ind_a, 2024, 3, value=D(80))
        transition(world.cap_a, progress, Action.ENVIAR)
    result = QuarterResult.objects.get(indicator=world.ind_a, quarter=1)
    assert (result.meta, result.compliance, result.semaforo) == (D(80), D("100.00"), "verde")
    return progress


def post_change(client, model, obj, **changes):
    page = client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    data = {**change_form_data(page), **{name: [str(value)] for name, value in changes.items()}}
    return client.post(admin_url(model, "change", obj.pk), data)


def test_a_meta_changed_in_the_admin_is_audited_and_recomputes(world, admin_user, reported, admin_client,
                                                                django_capture_on_commit_callbacks):
    target = Target.objects.get(indicator=world.ind_a, month=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_change(admin_client, Target, target, value="100").status_code == 302
    version = target.history.latest()
    assert (version.value, version.history_user, version.history_change_reason) == (
        D(100), admin_user, "Administración: cambio de valor")
    result = QuarterResult.objects.get(indicator=world.ind_a, quarter=1)
    assert (result.meta, result.compliance, result.semaforo) == (D(100), D("80.00"), "amarillo")  # |d| = 20: the UAR limit is inclusive


def test_a_ficha_changed_in_the_admin_recomputes(world, admin_user, reported, admin_client, django_capture_on_commit_callbacks):
    Target.objects.filter(indicator=world.ind_a, month=3).update(value=D(90))  # stale result: 88.89, amarillo
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(admin_client, Indicator, world.ind_a, threshold_green_yellow="15",
                               threshold_yellow_red="30")
    assert response.status_code == 302
    result = QuarterResult.objects.get(indicator=world.ind_a, quarter=1)
    assert (result.meta, result.compliance, result.semaforo, result.green_yellow) == (D(90), D("88.89"), "verde", D(15))
    version = world.ind_a.history.latest()
    assert version.history_user == admin_user
    assert version.history_change_reason.startswith("Administración: cambio de ")


def test_a_programme_changed_in_the_admin_announces_its_indicators(world, admin_client):
    heard = []

    def listen(sender, indicator_id, **kwargs):
        heard.append(indicator_id)

    results_outdated.connect(listen)
    try:
        assert post_change(admin_client, Program, world.program_a, name="Programa renombrado").status_code == 302
    finally:
        results_outdated.disconnect(listen)
    assert heard == [world.ind_a.pk]
    assert world.program_a.history.latest().history_change_reason == "Administración: cambio de nombre"


def test_a_policy_changed_in_the_admin_recomputes_its_year(world, reported, admin_client,
                                                             django_capture_on_commit_callbacks):
    Target.objects.filter(indicator=world.ind_a, month=3).update(value=D(70))  # c = 114.29: amarillo by default
    data = {"fiscal_year": 2024, "gestion_green_yellow": "15", "gestion_yellow_red": "30",
            "strategic_green_yellow": "5", "strategic_yellow_red": "10"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(admin_url(FiscalYearPolicy, "add"), data).status_code == 302
    result = QuarterResult.objects.get(indicator=world.ind_a, quarter=1)
    assert (result.compliance, result.semaforo, result.green_yellow) == (D("114.29"), "verde", D(15))
