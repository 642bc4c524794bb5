"""The coordinator's review screens (docs/pantallas.md): the queue at /revision/ and one avance's review
page. Decisions live in `workflow.transition` and `services.approve_many`; these views only call them."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from common.ids import parse_id
from common.paging import configure_table
from common.table_export import EXPORT_FORMATS, export_table
from compliance.filters import ReviewFilter
from compliance.progress_readings import readings_for
from compliance.tables import QUEUE_RELATIONS, ReviewTable, period_label
from indicators import rules
from programs.roles import can_review
from reporting.choices import ProgressStatus
from reporting.models import Progress
from reporting.readings import explain
from reporting.scope import get_progress_for_user, progress_for
from reporting.services import approve_many
from reporting.workflow import Action, allowed_actions, transition

REVIEW_ACTIONS = (Action.APROBAR, Action.DEVOLVER, Action.REABRIR)
DONE = {
    Action.APROBAR: gettext_lazy("Avance %(avance)s aprobado."),
    Action.DEVOLVER: gettext_lazy("Avance %(avance)s devuelto al capturista con su observación."),
    Action.REABRIR: gettext_lazy("Avance %(avance)s reabierto: quedó devuelto al capturista con el motivo."),
}


def _reviewers_only(user):
    # 404 like everything else outside a user's reach: the page's existence is not revealed.
    if not can_review(user):
        raise Http404


@login_required
def review_queue(request):
    queryset = progress_for(request.user).select_related(*QUEUE_RELATIONS)
    _reviewers_only(request.user)
    data = request.GET.copy()
    data.setdefault("estado", ProgressStatus.ENVIADO)  # an explicit empty estado means «todos»
    filterset = ReviewFilter(data, queryset=queryset, request=request)
    table = ReviewTable(filterset.qs)
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        RequestConfig(request, paginate=False).configure(table)
        return export_table(table, export_format, "revision_avances", _("Revisión"))
    configure_table(request, table)
    chosen = filterset.form.cleaned_data if filterset.is_valid() else {"": "invalid"}
    unfiltered = chosen.get("estado") == ProgressStatus.ENVIADO and not any(
        value for name, value in chosen.items() if name != "estado")
    # The default view lists exactly the avances waiting for review: its page count is that number.
    pending = table.paginator.count if unfiltered else queryset.filter(status=ProgressStatus.ENVIADO).count()
    return render(request, "review/queue.html", {"filter": filterset, "table": table, "pending": pending})


@login_required
@require_POST
def review_approve_many(request):
    _reviewers_only(request.user)
    # Whatever is not an id cannot be an avance of the queue: it is left out like an empty box.
    ids = {parse_id(raw) for raw in request.POST.getlist("seleccion")} - {None}
    back = _back_to_queue(request)
    if not ids:
        messages.error(request, _("Seleccione al menos un avance para aprobar."))
        return redirect(back)
    selected = list(progress_for(request.user).filter(pk__in=ids).select_related("indicator"))
    approved, errors = approve_many(request.user, selected)
    level = messages.SUCCESS if not errors and approved else messages.WARNING if approved else messages.ERROR
    messages.add_message(request, level, _approval_summary(approved, errors, missing=len(ids) - len(selected)))
    return redirect(back)


@login_required
def review_detail(request, pk):
    progress = get_progress_for_user(request.user, pk)
    _reviewers_only(request.user)
    errors, note = {}, ""
    if request.method == "POST":
        action, note = request.POST.get("action", ""), request.POST.get("note", "")
        if action not in REVIEW_ACTIONS:
            errors["general"] = [_("Acción no reconocida.")]
        else:
            try:
                transition(request.user, progress, action, note=note)
            except ValidationError as exc:
                errors[action] = exc.messages
            else:
                messages.success(request, DONE[action] % {"avance": _label(progress)})
                return redirect("simir:review_queue")
    return render(request, "review/detail.html", _detail_context(request.user, progress, errors, note))


def _detail_context(user, progress, errors, note):
    progress = (
        Progress.objects.select_related(
            *QUEUE_RELATIONS, "reviewed_by", "created_by", "indicator__matrix",
        ).get(pk=progress.pk)
    )
    indicator = progress.indicator
    prefetch_related_objects([indicator], "targets__adjustments")
    metas = {t.month: t.current_value for t in indicator.targets.all() if t.fiscal_year == progress.fiscal_year}
    earlier = list(
        Progress.objects.filter(indicator=indicator, fiscal_year=progress.fiscal_year, state=progress.state_id,
                                month__lt=progress.month).select_related("indicator")
    )
    readings = readings_for([progress, *earlier])
    by_month = {p.month: p for p in earlier}
    history = [
        {"month": month, "meta": metas.get(month), "progress": by_month.get(month),
         "reading": readings.get(by_month[month].pk) if month in by_month else None}
        for month in rules.period_months(indicator.frequency) if month < progress.month
    ]
    actions = [a for a in allowed_actions(user, progress) if a in REVIEW_ACTIONS]
    return {
        "progress": progress,
        "indicator": indicator,
        "program": indicator.matrix.program,
        "quarter": rules.quarter_of_month(progress.month),
        "period": period_label(progress),
        "meta": metas.get(progress.month),
        "reading": readings[progress.pk],
        "why": explain(indicator, progress.fiscal_year, progress.month, progress.value, progress.numerator,
                       progress.denominator),
        "history": history,
        "transitions": progress.transitions.select_related("user"),
        "evidence": progress.evidence.all(),
        "actions": actions,
        "errors": errors,
        # Errors of an action whose form is not shown any more (the avance changed meanwhile).
        "other_errors": [m for action, found in errors.items() if action not in actions for m in found],
        "note": note,
        "Action": Action,
    }


def _label(progress):
    return f"{progress.indicator.external_id} ({period_label(progress)})"


def _approval_summary(approved, errors, missing=0):
    """«3 avances aprobados; 1 con error: 500001 (2024-03): No se puede …»."""
    count = len(approved)
    parts = [ngettext("%(count)s avance aprobado", "%(count)s avances aprobados", count) % {"count": count}]
    if errors:
        detail = "; ".join(f"{_label(p)}: {message}" for p, message in errors.items())
        parts.append(ngettext("%(count)s con error: %(detail)s", "%(count)s con errores: %(detail)s", len(errors))
                     % {"count": len(errors), "detail": detail})
    if missing:
        parts.append(ngettext("%(count)s no encontrado en su alcance", "%(count)s no encontrados en su alcance",
                              missing) % {"count": missing})
    return "; ".join(parts)


def _back_to_queue(request):
    """Back to the queue with the filters and page the user had (only same-site addresses)."""
    target = request.POST.get("next", "")
    # A path of this site only: redirect() would read a bare word such as "x" as a URL name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("simir:review_queue")
