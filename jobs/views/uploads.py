"""The upload screens: template download, upload with its dry run, confirmation and the kept file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.ids import MAX_YEAR, parse_id, parse_int
from indicators import rules
from indicators.scope import indicators_for
from interchange.upload_template import FORMATS, build_template
from jobs.models import Job
from jobs.runner import get_job_for_user
from jobs.uploads import confirm_upload, start_upload
from programs.roles import can_capture
from programs.scope import programs_for


def _choice(request, data):
    """(ejercicio, trimestre, programme or None) as chosen; the programme only from the user's scope."""
    fiscal_year = parse_int(data.get("ejercicio", ""), maximum=MAX_YEAR)
    quarter = parse_int(data.get("trimestre", ""), maximum=4)
    raw_program = data.get("programa", "")
    program = programs_for(request.user).filter(pk=parse_id(raw_program)).first() if raw_program else None
    if raw_program and program is None:
        raise Http404
    return fiscal_year, quarter, program


def _capturer(request):
    if not can_capture(request.user):
        raise Http404


@login_required
def upload_page(request):
    _capturer(request)
    data = request.POST if request.method == "POST" else request.GET
    fiscal_year, quarter, program = _choice(request, data)
    if request.method == "POST":
        try:
            if fiscal_year is None or quarter is None:
                raise ValidationError(_("Elija el ejercicio y un trimestre de 1 a 4."))
            job = start_upload(request.user, request.FILES.get("archivo"), fiscal_year, quarter)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            return redirect("simir:upload_review", pk=job.pk)
    programs = programs_for(request.user).select_related("ramo").order_by("-fiscal_year", "modalidad", "number")
    return render(request, "uploads/page.html", {
        "years": sorted({p.fiscal_year for p in programs}, reverse=True), "quarters": rules.QUARTERS,
        "programs": programs, "formats": FORMATS,
        "chosen": {"year": fiscal_year, "quarter": quarter, "program": program},
        "jobs": Job.objects.filter(kind=Job.Kind.CARGA, created_by=request.user)[:20],
    })


@login_required
def upload_template(request):
    _capturer(request)
    fiscal_year, quarter, program = _choice(request, request.GET)
    output_format = request.GET.get("formato", "xlsx")
    if fiscal_year is None or quarter is None or output_format not in FORMATS:
        messages.error(request, _("Elija el ejercicio, un trimestre de 1 a 4 y el formato CSV o XLSX."))
        return redirect("simir:upload")
    template = build_template(indicators_for(request.user), fiscal_year, quarter, output_format,
                              [program] if program else None)
    response = HttpResponse(template.data, content_type=template.content_type)
    response["Content-Disposition"] = f'attachment; filename="{template.filename}"'
    return response


def _upload_job(request, pk):
    job = get_job_for_user(request.user, pk)
    if job.kind != Job.Kind.CARGA:
        raise Http404
    return job


@login_required
def upload_review(request, pk):
    job = _upload_job(request, pk)
    simulation = job.params.get("simulacion")
    return render(request, "uploads/review.html", {
        "job": job, "simulation": simulation,
        "unchanged": simulation["sin cambios"] if simulation else 0,
        "error_count": len(simulation["errores"]) + simulation["errores_no_listados"] if simulation else 0,
        "can_confirm": job.status == Job.Status.POR_CONFIRMAR and job.created_by_id == request.user.pk
        and bool(simulation and (simulation["creados"] or simulation["actualizados"])),
    })


@login_required
@require_POST
def upload_confirm(request, pk):
    job = _upload_job(request, pk)
    try:
        confirm_upload(request.user, job)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("simir:upload_review", pk=job.pk)
    return redirect("simir:job", pk=job.pk)


@login_required
def upload_file(request, pk):
    job = _upload_job(request, pk)
    if not job.upload:
        raise Http404
    return FileResponse(job.upload.open("rb"), as_attachment=True, filename=job.params.get("nombre") or "carga")
