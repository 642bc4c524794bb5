"""A commitment's quarterly report: capture (capturista), send, and review (coordinación), through
followup/services.py and followup/workflow.py; these views read the form and say what happened."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.form_errors import add_service_errors
from followup.forms import ReportForm
from followup.models import Report
from followup.scope import get_commitment_for_user, get_report_evidence_for_user, get_report_for_user
from followup.services import YEARS, check_window, save_report
from followup.workflow import transition
from programs.roles import can_capture
from reporting.flow import EDITABLE, Action, allowed_actions


def _detail_url(report_or_commitment, fiscal_year, quarter):
    return f"{reverse('simir:followup_detail', args=[report_or_commitment.pk])}?trimestre={fiscal_year}-{quarter}"


@login_required
def report_edit(request, pk, fiscal_year, quarter):
    commitment = get_commitment_for_user(request.user, pk)
    if fiscal_year not in YEARS or quarter > 4:
        raise Http404
    if not can_capture(request.user):
        raise PermissionDenied(_("Su rol no permite reportar el seguimiento."))
    report = Report.objects.filter(commitment=commitment, fiscal_year=fiscal_year, quarter=quarter).first()
    items = list(commitment.items.all())
    initial = {}
    if report:
        initial = {"text": report.text, "reported_percent": report.reported_percent}
        for update in report.updates.all():
            initial |= {f"item-{update.item_id}-state": update.state, f"item-{update.item_id}-percent": update.percent,
                        f"item-{update.item_id}-note": update.note}
    form = ReportForm(request.POST or None, request.FILES or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = save_report(request.user, commitment, fiscal_year, quarter, text=data["text"],
                                 reported_percent=data["reported_percent"], items=form.item_values(),
                                 evidence=data["evidence"], evidence_description=data["evidence_description"])
            if "enviar" in request.POST:
                transition(request.user, report, Action.ENVIAR)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("Reporte enviado a la coordinación.") if "enviar" in request.POST
                             else _("Reporte guardado en borrador."))
            return redirect(_detail_url(commitment, fiscal_year, quarter))
    window_message = ""
    try:
        check_window(request.user, commitment, fiscal_year, quarter)
    except ValidationError as exc:
        window_message = " ".join(exc.messages)
    return render(request, "followup/report.html", {
        "commitment": commitment, "report": report, "form": form, "fiscal_year": fiscal_year, "quarter": quarter,
        "editable": report is None or report.status in EDITABLE, "window_message": window_message,
        "actions": allowed_actions(request.user, report) if report else [],
    }, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def report_step(request, pk):
    report = get_report_for_user(request.user, pk)
    action = request.POST.get("accion", "")
    if action not in Action.LABELS:
        raise Http404
    try:
        transition(request.user, report, action, request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    else:
        messages.success(request, _("Reporte: «%(accion)s» hecho.") % {"accion": Action.VERBS[action]})
    return redirect(reverse("simir:followup_report", args=[report.commitment_id, report.fiscal_year, report.quarter]))


@login_required
def report_evidence(request, pk):
    """Served only through the scope check, never as public media."""
    evidence = get_report_evidence_for_user(request.user, pk)
    try:
        stream = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(stream, as_attachment=True, filename=evidence.file.name.rsplit("/", 1)[-1])
