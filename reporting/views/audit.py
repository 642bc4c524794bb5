from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from common.text import single_line
from indicators.scope import get_indicator_for_user
from reporting.audit import audit_workbook, indicator_audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def indicator_audit_page(request, pk):
    indicator = get_indicator_for_user(request.user, pk)
    return render(request, "indicators/audit.html", {"indicator": indicator, "entries": indicator_audit(indicator)})


@login_required
def indicator_audit_xlsx(request, pk):
    indicator = get_indicator_for_user(request.user, pk)
    response = HttpResponse(audit_workbook(indicator), content_type=XLSX)
    # One line, quoted as RFC 6266 says: an id with a quote or an old line break stays one header.
    filename = single_line(f"auditoria_{indicator.external_id}.xlsx")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

