from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from common.ids import MAX_YEAR, parse_int
from common.numbers import plain_number, two_decimals
from indicators import rules
from indicators.scope import get_indicator_for_user
from programs.roles import can_capture
from programs.scope import get_program_for_user
from reporting.capture import NUMBER_LABELS, capture_rows, parse_number, read_changes, save_row, send_row
from reporting.readings import preview
from reporting.services import submit_program_quarter


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
        done = _post_grid(request, rows, program, fiscal_year, quarter)
        if done:
            return redirect(request.path)
    return render(request, "capture/page.html", {
        "program": program, "fiscal_year": fiscal_year, "quarter": quarter, "rows": rows,
        "returned": [r for r in rows if r.progress and r.progress.status == "devuelto"],
        "has_editable": any(r.editable for r in rows),
    })


def _post_grid(request, rows, program, fiscal_year, quarter):
    """Save every changed row (each on its own), then send one or all if asked. True when there is
    nothing left to show beside a row, so the page can be reloaded clean."""
    action = request.POST.get("action", "guardar")
    changed = read_changes(rows, request.POST, request.FILES)
    saved = [r for r in changed if save_row(request.user, r, fiscal_year, request.FILES.get(f"{r.prefix}-evidence"))]
    failed = [r for r in changed if r not in saved]
    if saved:
        messages.success(request, ngettext("%(count)s avance guardado como borrador.",
                                           "%(count)s avances guardados como borrador.", len(saved))
                         % {"count": len(saved)})
    if failed:
        messages.error(request, ngettext("%(count)s fila con error: sus datos siguen en la tabla, sin guardar.",
                                         "%(count)s filas con error: sus datos siguen en la tabla, sin guardar.",
                                         len(failed)) % {"count": len(failed)})
    if saved:
        _refresh(request, rows, program, fiscal_year, quarter)
    if action == "enviar_todo":
        if failed:
            messages.warning(request, _("No se envió nada: corrija primero las filas con error."))
            return False
        _submit_all(request, program, fiscal_year, quarter)
        return True
    if action.startswith("enviar:"):
        row = next((r for r in rows if r.key == action.removeprefix("enviar:")), None)
        if row is None:
            raise Http404
        if row.errors:
            return False
        if not send_row(request.user, row, fiscal_year):
            return False
        messages.success(request, _("Avance de %(indicador)s (%(periodo)s) enviado a revisión.")
                         % {"indicador": row.indicator.external_id, "periodo": f"{fiscal_year}-{row.month:02d}"})
    return not failed


def _refresh(request, rows, program, fiscal_year, quarter):
    """Reload the stored avances (new versions, values and semáforos) while the failed rows keep
    what the user typed and their errors."""
    fresh = {r.key: r for r in capture_rows(request.user, program, fiscal_year, quarter)}
    for i, row in enumerate(rows):
        new = fresh.get(row.key)
        if new is None:
            continue
        if row.errors:
            new.errors, new.posted = row.errors, row.posted
            for cell, old in zip(new.states, row.states, strict=False):
                cell.posted, cell.changed = old.posted, old.changed
        rows[i] = new


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


def _preview_data(indicator, fiscal_year, month, value, numerator, denominator):
    """(JSON data, status) of the live preview; the value comes from the ratio when both are given."""
    if numerator is not None and denominator is not None:
        try:
            value = rules.ratio_value(numerator, denominator, indicator.effective_factor)
        except rules.InvalidRatio as exc:
            return {"error": str(exc)}, 400
        if value is None:  # 0 / 0: reported, with no value
            return {"valor": None, "cumplimiento": None, "semaforo": rules.Semaforo.GRIS,
                    "requiere_justificacion": True}, 200
    if value is None:
        return {"valor": None, "cumplimiento": None, "semaforo": None, "requiere_justificacion": False}, 200
    meta, outcome = preview(indicator, fiscal_year, month, value)
    return {
        "valor": plain_number(value), "meta": plain_number(meta), "cumplimiento": two_decimals(outcome.cumplimiento),
        "semaforo": outcome.semaforo, "requiere_justificacion": rules.justification_required(outcome.semaforo),
    }, 200


def _period_params(request):
    return (parse_int(request.GET.get("ejercicio", ""), maximum=MAX_YEAR),
            parse_int(request.GET.get("mes", ""), maximum=12))


@login_required
@require_GET
def capture_preview(request, pk):
    """Live value, cumplimiento and semáforo while the user types (the same rules as everywhere)."""
    indicator = get_indicator_for_user(request.user, pk)
    fiscal_year, month = _period_params(request)
    if fiscal_year is None or month is None:
        return JsonResponse({"error": _("Indique el ejercicio y el mes (de 1 a 12) con números.")}, status=400)
    try:
        numbers = {name: parse_number(request.GET.get(name, ""), label) for name, label in NUMBER_LABELS.items()}
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    data, status = _preview_data(indicator, fiscal_year, month, numbers["value"], numbers["numerator"],
                                 numbers["denominator"])
    return JsonResponse(data, status=status)


@login_required
@require_GET
def capture_rollup_preview(request, pk):
    """The national value rolled up live from the entidades being typed (rules.roll_up), with its
    cumplimiento and semáforo. Entidades with nothing typed are left out, as when saving."""
    indicator = get_indicator_for_user(request.user, pk)
    fiscal_year, month = _period_params(request)
    if fiscal_year is None or month is None:
        return JsonResponse({"error": _("Indique el ejercicio y el mes (de 1 a 12) con números.")}, status=400)
    try:
        columns = {name: [parse_number(raw, label) for raw in request.GET.getlist(name)]
                   for name, label in NUMBER_LABELS.items()}
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if columns["numerator"] or columns["denominator"]:
        quantities = [(None, n, d) for n, d in zip(columns["numerator"], columns["denominator"], strict=False)
                      if n is not None or d is not None]
    else:
        quantities = [(v, None, None) for v in columns["value"] if v is not None]
    if not quantities:
        data, status = _preview_data(indicator, fiscal_year, month, None, None, None)
        return JsonResponse(data, status=status)
    try:
        value, numerator, denominator = rules.roll_up(quantities, indicator.effective_factor)
    except (rules.CannotRollUp, rules.InvalidRatio) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    data, status = _preview_data(indicator, fiscal_year, month, value if numerator is None else None,
                                 numerator, denominator)
    if status == 200:
        data.update(numerador=plain_number(numerator), denominador=plain_number(denominator))
    return JsonResponse(data, status=status)
