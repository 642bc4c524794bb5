from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.ids import MAX_YEAR, parse_id, parse_int
from indicators import rules
from indicators.scope import indicators_for
from interchange.exporter import export_indicators
from interchange.reports import informe_context
from jobs.models import Job
from jobs.runner import get_job_for_user
from jobs.services import start_export
from programs.scope import programs_for

FORMAT_LABELS = [("csv", gettext_lazy("CSV · formato de intercambio SHCP")),
                 ("xlsx", gettext_lazy("XLSX · reporte por programa")), ("pdf", gettext_lazy("PDF · informe del SED"))]


@login_required
def exports_page(request):
    programs = programs_for(request.user).select_related("ramo").order_by("-fiscal_year", "modalidad", "number")
    if request.method == "POST":
        chosen = {parse_id(raw) for raw in request.POST.getlist("programa") if raw}
        selected = list(programs.filter(pk__in=chosen - {None}))
        if len(selected) != len(chosen):
            raise Http404  # a programme outside the scope (or no programme id at all)
        fiscal_year = parse_int(request.POST.get("ejercicio", ""), maximum=MAX_YEAR)
        raw_quarter = request.POST.get("trimestre", "")
        quarter = parse_int(raw_quarter, maximum=4) if raw_quarter else None
        try:
            if fiscal_year is None or (raw_quarter and quarter is None):
                raise ValueError
            job = start_export(request.user, fiscal_year, request.POST.get("formato", ""),
                               quarter, selected, bool(request.POST.get("solo_aprobados")),
                               bool(request.POST.get("con_fuentes")))
        except ValueError:
            messages.error(request, _("Indique el ejercicio y, si quiere, un trimestre de 1 a 4."))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            return redirect("simir:job", pk=job.pk)
    jobs = Job.objects.filter(kind=Job.Kind.EXPORTACION, created_by=request.user)[:20]
    years = sorted({p.fiscal_year for p in programs}, reverse=True)
    return render(request, "exports/page.html", {
        "programs": programs, "years": years, "quarters": rules.QUARTERS, "formats": FORMAT_LABELS, "jobs": jobs,
    })


@login_required
def export_download(request, pk):
    job = get_job_for_user(request.user, pk)
    if job.kind != Job.Kind.EXPORTACION or not job.file:
        raise Http404(_("El archivo no existe o ya venció."))
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


@login_required
def informe_html(request, fiscal_year, quarter):
    """The PDF informe as a web page (same template), limited to the user's scope; `?con_fuentes=1`
    adds the annex of source notes, as `--con-fuentes` does to the PDF."""
    if quarter not in rules.QUARTERS:
        raise Http404
    selected = export_indicators(fiscal_year, indicators=indicators_for(request.user))
    return render(request, "reports/informe.html", informe_context(
        fiscal_year, quarter, selected, with_sources=request.GET.get("con_fuentes") == "1"))
