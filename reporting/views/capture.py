from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from common.files import atomic_with_files
from common.ids import MAX_YEAR, parse_int
from common.numbers import plain_number, two_decimals
from indicators import rules
from indicators.scope import get_indicator_for_user
from programs.roles import can_capture
from programs.scope import get_program_for_user
from reporting.capture import capture_rows, parse_number
from reporting.evidence import attach_evidence
from reporting.readings import preview
from reporting.services import ConcurrentEdit, save_progress, submit_program_quarter
from reporting.workflow import Action, transition

NUMBER_FIELDS = {"value": gettext_lazy("Valor"), "numerator": gettext_lazy("Numerador"),
                 "denominator": gettext_lazy("Denominador")}
TEXT_FIELDS = ("cause", "effect", "other_reasons")


def _check_quarter(quarter):
    if quarter not in rules.QUARTERS:
        raise Http404(_("Trimestre inexistente."))


@login_required
def capture_page(request, fiscal_year, quarter, program_id):
    _check_quarter(quarter)
    program = get_program_for_user(request.user, program_id)
    if not can_capture(request.user):
        raise Http404
    rows = capture_rows(request.user, program, fiscal_year, quarter)
    if request.method == "POST":
        if request.POST.get("action") == "enviar_todo":
            return _submit_all(request, program, fiscal_year, quarter)
        row = next((r for r in rows if str(r.indicator.pk) == request.POST.get("indicator")), None)
        if row is None:
            raise Http404
        if _save_row(request, row, fiscal_year):
            return redirect(request.path + f"#ind-{row.indicator.pk}")
    return render(request, "capture/page.html", {
        "program": program, "fiscal_year": fiscal_year, "quarter": quarter, "rows": rows,
        "returned": [r for r in rows if r.progress and r.progress.status == "devuelto"],
    })


def _save_row(request, row, fiscal_year):
    """Save (and, if asked, send) one indicator's avance; errors stay on the row."""
    row.posted = {name: request.POST.get(name, "") for name in [*NUMBER_FIELDS, *TEXT_FIELDS]}
    numbers = {}
    for name, label in NUMBER_FIELDS.items():
        try:
            numbers[name] = parse_number(row.posted[name], label)
        except ValueError as exc:
            row.errors[name] = [str(exc)]
    if row.errors:
        return False
    try:
        # Value, evidence and sending stand or fall together; a rollback also removes the stored file.
        with atomic_with_files():
            progress = save_progress(
                request.user, row.indicator, fiscal_year, row.month, **numbers,
                **{name: row.posted[name].strip() for name in TEXT_FIELDS},
                expected_version=_loaded_version(request),
            )
            if request.FILES.get("evidence"):
                attach_evidence(request.user, progress, request.FILES["evidence"])
            if request.POST.get("action") == "enviar":
                transition(request.user, progress, Action.ENVIAR)
        if request.POST.get("action") == "enviar":
            done = _("Avance de %(indicador)s enviado a revisión.")
        else:
            done = _("Avance de %(indicador)s guardado como borrador.")
        messages.success(request, done % {"indicador": row.indicator.external_id})
        return True
    except ConcurrentEdit as exc:
        row.errors["__all__"] = exc.messages
    except ValidationError as exc:
        row.errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    except PermissionDenied as exc:
        row.errors["__all__"] = [str(exc)]
    return False


def _loaded_version(request):
    """The avance version the form was loaded with; empty (no avance yet) is 0, so a save never
    silently replaces an avance the user did not see."""
    return parse_int(request.POST.get("version", "").strip(), minimum=0) or 0


def _submit_all(request, program, fiscal_year, quarter):
    sent, errors = submit_program_quarter(request.user, program, fiscal_year, quarter)
    count = len(sent)
    if errors:
        details = "; ".join(f"{p.indicator.external_id}: {message}" for p, message in errors.items())
        summary = ngettext("%(count)s avance enviado", "%(count)s avances enviados", count) % {"count": count}
        messages.warning(request, _("%(summary)s; %(errors)s con error — %(details)s")
                         % {"summary": summary, "errors": len(errors), "details": details})
    else:
        messages.success(request, ngettext("%(count)s avance enviado.", "%(count)s avances enviados.", count)
                         % {"count": count})
    return redirect(request.path)


@login_required
@require_GET
def capture_preview(request, pk):
    """Live value, cumplimiento and semáforo while the user types (the same rules as everywhere)."""
    indicator = get_indicator_for_user(request.user, pk)
    fiscal_year = parse_int(request.GET.get("ejercicio", ""), maximum=MAX_YEAR)
    month = parse_int(request.GET.get("mes", ""), maximum=12)
    if fiscal_year is None or month is None:
        return JsonResponse({"error": _("Indique el ejercicio y el mes (de 1 a 12) con números.")}, status=400)
    try:
        numbers = {name: parse_number(request.GET.get(name, ""), label) for name, label in NUMBER_FIELDS.items()}
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    value = numbers["value"]
    if numbers["numerator"] is not None and numbers["denominator"] is not None:
        try:
            value = rules.ratio_value(numbers["numerator"], numbers["denominator"], indicator.effective_factor)
        except rules.InvalidRatio as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        if value is None:  # 0 / 0: reported, with no value
            return JsonResponse({"valor": None, "cumplimiento": None, "semaforo": rules.Semaforo.GRIS,
                                 "requiere_justificacion": True})
    if value is None:
        return JsonResponse({"valor": None, "cumplimiento": None, "semaforo": None, "requiere_justificacion": False})
    meta, outcome = preview(indicator, fiscal_year, month, value)
    return JsonResponse({
        "valor": plain_number(value), "meta": plain_number(meta), "cumplimiento": two_decimals(outcome.cumplimiento),
        "semaforo": outcome.semaforo, "requiere_justificacion": rules.justification_required(outcome.semaforo),
    })
