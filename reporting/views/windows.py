"""Capture windows and prórrogas on the web (docs/flujo.md). The coordinación opens and closes a
quarter's window and grants prórrogas to a UR or programa of its scope; `set_capture_window` and
`grant_extension` hold the rules and record who did it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.ids import MAX_YEAR, parse_int
from indicators import rules
from programs.roles import can_review
from programs.scope import get_program_for_user, get_unit_for_user, programs_for, units_for
from reporting.forms import ExtensionForm, WindowForm
from reporting.models import CaptureWindow, WindowExtension
from reporting.scope import extensions_for
from reporting.services import describe, grant_extension, set_capture_window


def _reviewers_only(user):
    # Reading the calendar is for everyone; changing it is the coordinación's (403 says why).
    if not can_review(user):
        raise PermissionDenied(_("Solo la coordinación administra las ventanas de captura y las prórrogas."))


def _years(user):
    years = set(programs_for(user).values_list("fiscal_year", flat=True))
    years |= set(CaptureWindow.objects.values_list("fiscal_year", flat=True))
    return sorted(years or {timezone.localdate().year}, reverse=True)


def _default_year(user, years):
    now = timezone.now()
    window = CaptureWindow.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("-fiscal_year").first()
    return window.fiscal_year if window and window.fiscal_year in years else years[0]


def _page_url(fiscal_year):
    return f"{reverse('simir:windows')}?ejercicio={fiscal_year}"


@login_required
def windows_page(request, window_form=None, extension_form=None, form_quarter=None, status=200):
    user = request.user
    years = _years(user)
    raw = request.GET.get("ejercicio") or request.POST.get("ejercicio") or ""
    fiscal_year = parse_int(raw, maximum=MAX_YEAR)
    if fiscal_year not in years:
        fiscal_year = _default_year(user, years)
    now = timezone.now()
    windows = {w.quarter: w for w in CaptureWindow.objects.filter(fiscal_year=fiscal_year)}
    quarters = []
    for quarter in rules.QUARTERS:
        window = windows.get(quarter)
        default_close = rules.quarter_close(fiscal_year, quarter)
        is_open = (window.opens_at <= now < window.closes_at) if window else now < default_close
        form = window_form if form_quarter == quarter else WindowForm(initial={
            "opens_at": timezone.localtime(window.opens_at).replace(tzinfo=None) if window else None,
            "closes_at": timezone.localtime(window.closes_at if window else default_close).replace(tzinfo=None),
            "note": window.note if window else "",
        }, prefix=f"t{quarter}")
        quarters.append({"quarter": quarter, "window": window, "default_close": default_close, "is_open": is_open,
                         "form": form})
    units = units_for(user).order_by("clave")
    programs = programs_for(user).filter(fiscal_year=fiscal_year).order_by("ramo__clave", "modalidad", "number")
    extensions = (extensions_for(user).filter(fiscal_year=fiscal_year)
                  .select_related("responsible_unit", "program", "granted_by").order_by("quarter", "-until"))
    return render(request, "windows/page.html", {
        "fiscal_year": fiscal_year, "years": years, "quarters": quarters, "extensions": extensions,
        "can_review": can_review(user),
        "extension_form": extension_form or ExtensionForm(units=units, programs=programs),
    }, status=status)


@login_required
@require_POST
def window_save(request, fiscal_year, quarter):
    if quarter not in rules.QUARTERS:
        raise Http404(_("Trimestre inexistente."))
    _reviewers_only(request.user)
    form = WindowForm(request.POST, prefix=f"t{quarter}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            set_capture_window(request.user, fiscal_year, quarter, data["opens_at"], data["closes_at"], data["note"])
        except ValidationError as exc:
            form.add_error(None, describe(exc, CaptureWindow))
        else:
            messages.success(request, _("Ventana del T%(q)s-%(y)s guardada; el trimestre se recalcula.")
                             % {"q": quarter, "y": fiscal_year})
            return redirect(_page_url(fiscal_year))
    request.GET = request.GET.copy()
    request.GET["ejercicio"] = str(fiscal_year)
    return windows_page(request, window_form=form, form_quarter=quarter, status=400)


@login_required
@require_POST
def extension_grant(request, fiscal_year):
    _reviewers_only(request.user)
    units = units_for(request.user).order_by("clave")
    programs = programs_for(request.user).filter(fiscal_year=fiscal_year)
    form = ExtensionForm(request.POST, units=units, programs=programs)
    if form.is_valid():
        kind, pk = form.cleaned_data["target"]
        # Outside the coordinator's scope the UR or programa does not exist for them: 404.
        target = {"responsible_unit": get_unit_for_user(request.user, pk)} if kind == "ur" else {
            "program": get_program_for_user(request.user, pk)}
        data = form.cleaned_data
        try:
            extension = grant_extension(request.user, fiscal_year, data["quarter"], data["until"], data["reason"],
                                        **target)
        except ValidationError as exc:
            form.add_error(None, describe(exc, WindowExtension))
        else:
            messages.success(request, _("Prórroga otorgada: %(quien)s puede capturar el T%(q)s-%(y)s hasta el %(hasta)s.")
                             % {"quien": extension.responsible_unit or extension.program, "q": extension.quarter,
                                "y": fiscal_year, "hasta": timezone.localtime(extension.until).strftime("%d/%m/%Y %H:%M")})
            return redirect(_page_url(fiscal_year))
    request.GET = request.GET.copy()
    request.GET["ejercicio"] = str(fiscal_year)
    return windows_page(request, extension_form=form, status=400)
