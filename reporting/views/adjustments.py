"""Meta adjustments on the web: a capturista requests one for a period, the coordinación approves or
rejects it. The rules live in `services.request_adjustment` / `decide_adjustment`; these views only
read the form, call them and say what happened."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.form_errors import add_service_errors
from common.ids import MAX_ID, MAX_YEAR, parse_int
from common.numbers import number
from indicators.choices import AdjustmentStatus
from indicators.models import Target, TargetAdjustment
from indicators.scope import adjustments_for, get_adjustment_for_user, get_indicator_for_user
from programs.models import Program, ResponsibleUnit
from programs.roles import can_capture, can_review
from reporting.forms import AdjustmentRequestForm, DecisionForm
from reporting.models import Progress
from reporting.readings import outcome_against
from reporting.services import decide_adjustment, describe, request_adjustment

RELATIONS = ("target__indicator__matrix__program", "target__indicator__responsible_unit", "requested_by",
             "decided_by")


@login_required
def adjustment_request(request, pk):
    indicator = get_indicator_for_user(request.user, pk)
    if not can_capture(request.user):
        raise PermissionDenied(_("Su rol no permite solicitar ajustes de meta."))
    metas = {t.month: t.current_value for t in Target.objects.filter(indicator=indicator,
                                                                     fiscal_year=indicator.fiscal_year)
             .prefetch_related("adjustments")}
    form = AdjustmentRequestForm(request.POST or None, indicator=indicator, metas=metas,
                                 initial={"month": request.GET.get("mes")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            adjustment = request_adjustment(
                request.user, indicator, indicator.fiscal_year, data["month"],
                adjustment_type=data["adjustment_type"], justification=data["justification"],
                value=data["value"], numerator=data["numerator"], denominator=data["denominator"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ajuste solicitado; la coordinación lo revisará."))
            return redirect("simir:adjustment_detail", adjustment.pk)
    pending = adjustments_for(request.user).filter(target__indicator=indicator).select_related(*RELATIONS)
    return render(request, "adjustments/request.html", {
        "indicator": indicator, "form": form, "adjustments": pending.order_by("-requested_at"),
    })


@login_required
def adjustment_list(request):
    """Requests in scope; by default the pending ones, which is what the coordinación acts on."""
    status = request.GET.get("estado", AdjustmentStatus.SOLICITADO)
    queryset = adjustments_for(request.user).select_related(*RELATIONS)
    years = sorted(set(queryset.values_list("target__fiscal_year", flat=True)), reverse=True)
    scoped_programs = Program.objects.filter(pk__in=queryset.values("target__indicator__matrix__program"))
    scoped_units = ResponsibleUnit.objects.filter(pk__in=queryset.values("target__indicator__responsible_unit"))
    filters = {"estado": status, "ejercicio": request.GET.get("ejercicio", ""),
               "programa": request.GET.get("programa", ""), "ur": request.GET.get("ur", "")}
    if status in AdjustmentStatus.values:
        queryset = queryset.filter(status=status)
    for key, lookup, maximum in (("ejercicio", "target__fiscal_year", MAX_YEAR),
                                 ("programa", "target__indicator__matrix__program", MAX_ID),
                                 ("ur", "target__indicator__responsible_unit", MAX_ID)):
        value = parse_int(filters[key], maximum=maximum)
        if value is not None:  # other text is ignored, like an empty filter
            queryset = queryset.filter(**{lookup: value})
    return render(request, "adjustments/list.html", {
        "adjustments": queryset.order_by("-requested_at", "-pk"), "filters": filters,
        "statuses": AdjustmentStatus.choices, "years": years,
        "programs": scoped_programs.order_by("ramo__clave", "modalidad", "number"),
        "units": scoped_units.order_by("clave"), "can_review": can_review(request.user),
    })


@login_required
def adjustment_detail(request, pk):
    adjustment = get_adjustment_for_user(request.user, pk)
    adjustment = TargetAdjustment.objects.select_related(*RELATIONS).get(pk=adjustment.pk)
    target, indicator = adjustment.target, adjustment.target.indicator
    progress = Progress.objects.filter(indicator=indicator, fiscal_year=target.fiscal_year, month=target.month,
                                       state__isnull=True).order_by().first()
    comparison = None
    if progress is not None and progress.value is not None:
        # What the decision changes for the period's avance: its cumplimiento now and with this meta.
        meta_now = Target.objects.prefetch_related("adjustments").get(pk=target.pk).current_value
        comparison = {
            "progress": progress, "meta_now": meta_now,
            "now": outcome_against(indicator, target.fiscal_year, meta_now, progress.value),
            "adjusted": outcome_against(indicator, target.fiscal_year, adjustment.value, progress.value),
        }
    return render(request, "adjustments/detail.html", {
        "adjustment": adjustment, "indicator": indicator, "target": target, "comparison": comparison,
        "form": DecisionForm(), "can_decide": can_review(request.user)
        and adjustment.status == AdjustmentStatus.SOLICITADO,
    })


@login_required
@require_POST
def adjustment_decide(request, pk):
    adjustment = get_adjustment_for_user(request.user, pk)  # 404 outside the scope, before the role
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Elija aprobar o rechazar."))
        return redirect("simir:adjustment_detail", adjustment.pk)
    approve = form.cleaned_data["decision"] == "aprobar"
    try:
        decide_adjustment(request.user, adjustment, approve, form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, describe(exc, TargetAdjustment))
        return redirect("simir:adjustment_detail", adjustment.pk)
    if approve:
        messages.success(request, _("Ajuste aprobado: %(meta)s es la meta vigente de %(periodo)s; el cumplimiento "
                                    "se recalcula.") % {"meta": number(adjustment.value),
                                                         "periodo": _period(adjustment)})
    else:
        messages.success(request, _("Ajuste rechazado con su motivo."))
    return redirect("simir:adjustment_detail", adjustment.pk)


def _period(adjustment):
    return f"{adjustment.target.fiscal_year}-{adjustment.target.month:02d}"
