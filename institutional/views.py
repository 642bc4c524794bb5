"""Programa Institucional screens (docs/pantallas.md): the list of its indicators by year, the capture
of one year's result and the report (screen, XLSX, PDF). Saving and sending are
`services.save_result` (the avance services and workflow); review is the avances' /revision/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.form_errors import add_service_errors
from common.numbers import plain_number
from institutional.exports import report_pdf, report_xlsx
from institutional.forms import AnnualWindowForm, ResultForm
from institutional.report import build_report, result_overview
from institutional.scope import get_pi_indicator_for_user, get_pi_matrix_for_user, pi_indicators_for, pi_matrices_for
from institutional.services import ANNUAL_MONTH, NotSent, programme_years, result_years, save_result
from programs.roles import can_capture, can_review
from reporting.models import AnnualWindow, Progress
from reporting.readings import explain
from reporting.services import describe, set_annual_window
from reporting.windows import annual_capture_state
from reporting.workflow import EDITABLE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def institutional_index(request):
    programmes = result_overview(pi_indicators_for(request.user))
    years = sorted({y for entry in programmes for y in entry["years"]})
    windows = [(w, annual_capture_state(w.fiscal_year)[1]) for w in AnnualWindow.objects.filter(fiscal_year__in=years)]
    return render(request, "institutional/index.html", {
        "programmes": programmes, "windows": windows,
        "window_form": AnnualWindowForm(years=years, prefix="anual") if can_review(request.user) and years else None,
    })


@login_required
@require_POST
def annual_window_save(request):
    """The coordinación opens or moves the window of a year's results (`set_annual_window`)."""
    if not can_review(request.user):
        raise PermissionDenied(_("Solo la coordinación administra las ventanas de captura."))
    years = sorted({y for matrix in pi_matrices_for(request.user) for y in programme_years(matrix)})
    form = AnnualWindowForm(request.POST, years=years, prefix="anual")
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("simir:institutional_index")
    data = form.cleaned_data
    try:
        window = set_annual_window(request.user, data["fiscal_year"], data["opens_at"], data["closes_at"],
                                   data["note"])
    except ValidationError as exc:
        messages.error(request, describe(exc, AnnualWindow))
    else:
        messages.success(request, _("Ventana anual %(anio)s guardada: %(estado)s") % {
            "anio": window.fiscal_year, "estado": annual_capture_state(window.fiscal_year)[1]})
    return redirect("simir:institutional_index")


@login_required
def result_capture(request, pk, fiscal_year):
    indicator = get_pi_indicator_for_user(request.user, pk)
    if fiscal_year not in result_years(indicator):
        raise Http404
    progress = Progress.objects.filter(indicator=indicator, fiscal_year=fiscal_year, month=ANNUAL_MONTH,
                                       state__isnull=True).first()
    variables = list(indicator.variables.all())
    editable = can_capture(request.user) and (progress is None or progress.status in EDITABLE)
    form = ResultForm(request.POST or None, variables=variables, initial=_initial(progress))
    if request.method == "POST" and editable and form.is_valid():
        data = form.cleaned_data
        send = request.POST.get("action") == "enviar"
        try:
            saved = save_result(
                request.user, indicator, fiscal_year, send=send, value=data["value"], numerator=data["numerator"],
                denominator=data["denominator"], cause=data["cause"], effect=data["effect"],
                other_reasons=data["other_reasons"], expected_version=data["version"],
            )
        except NotSent as exc:
            # The draft is stored with a new version: reload it, and say why it was not sent.
            messages.error(request, _("Se guardó como borrador, pero no se pudo enviar: %(motivo)s")
                           % {"motivo": describe(exc)})
            return redirect("simir:institutional_capture", indicator.pk, fiscal_year)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Resultado %(anio)s enviado a revisión.") % {"anio": fiscal_year} if send
                             else _("Resultado %(anio)s guardado como borrador.") % {"anio": fiscal_year})
            return redirect("simir:institutional_capture", saved.indicator_id, fiscal_year)
    meta = next((t for t in indicator.targets.prefetch_related("adjustments")
                 if t.fiscal_year == fiscal_year and t.month == ANNUAL_MONTH), None)
    why = None
    if progress is not None:
        why = explain(indicator, fiscal_year, ANNUAL_MONTH, progress.value, progress.numerator, progress.denominator)
    return render(request, "institutional/capture.html", {
        "indicator": indicator, "fiscal_year": fiscal_year, "progress": progress, "form": form,
        "editable": editable, "meta": meta.current_value if meta else None, "why": why, "variables": variables,
        "window": annual_capture_state(fiscal_year)[1], "can_review": can_review(request.user),
    })


def _initial(progress):
    if progress is None:
        return {"version": 0}
    # As typed, without the stored trailing zeros (80, not 80.000000).
    return {"value": plain_number(progress.value) if progress.numerator is None else None,
            "numerator": plain_number(progress.numerator), "denominator": plain_number(progress.denominator),
            "cause": progress.cause, "effect": progress.effect, "other_reasons": progress.other_reasons,
            "version": progress.version}


@login_required
def institutional_report(request, pk):
    matrix = get_pi_matrix_for_user(request.user, pk)
    report = build_report(matrix, pi_indicators_for(request.user))
    return render(request, "institutional/report.html", {"report": report})


@login_required
def institutional_report_xlsx(request, pk):
    matrix = get_pi_matrix_for_user(request.user, pk)
    response = HttpResponse(report_xlsx(build_report(matrix, pi_indicators_for(request.user))), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="programa_institucional_{matrix.pk}.xlsx"'
    return response


@login_required
def institutional_report_pdf(request, pk):
    matrix = get_pi_matrix_for_user(request.user, pk)
    response = HttpResponse(report_pdf(build_report(matrix, pi_indicators_for(request.user))),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="programa_institucional_{matrix.pk}.pdf"'
    return response
