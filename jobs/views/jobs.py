from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.ids import MAX_YEAR, parse_int
from jobs.models import Job
from jobs.runner import get_job_for_user
from jobs.services import start_recompute


@login_required
@require_POST
def recompute(request):
    fiscal_year = parse_int(request.POST.get("ejercicio", ""), maximum=MAX_YEAR)
    if fiscal_year is None:  # a bad request, like a role without it: nothing to show
        raise Http404
    try:
        job = start_recompute(request.user, fiscal_year)
    except PermissionDenied:
        raise Http404 from None
    return redirect("simir:job", pk=job.pk)


@login_required
def job_page(request, pk):
    return render(request, "jobs/job.html", {"job": get_job_for_user(request.user, pk)})


@login_required
def job_status(request, pk):
    job = get_job_for_user(request.user, pk)
    waits = job.status == Job.Status.POR_CONFIRMAR  # an upload's dry run: its page shows it
    return JsonResponse({"estado": job.status, "avance": job.progress, "mensaje": job.message,
                         "terminado": waits or job.status in ("terminado", "error"),
                         "archivo": reverse("simir:export_download", args=[job.pk]) if job.file else None,
                         "siguiente": reverse("simir:upload_review", args=[job.pk]) if waits else None})
