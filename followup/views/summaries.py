"""The follow-up reports: agreements for the Junta's next session (screen, XLSX, PDF), overdue
commitments per UR and ASM per programme, all within the user's scope."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from common.table_export import XLSX
from followup.board import asm_by_program, next_session_rows, overdue_by_unit
from followup.exports import board_pdf, board_xlsx
from followup.scope import commitments_for


@login_required
def board(request):
    session, rows = next_session_rows(commitments_for(request.user))
    return render(request, "followup/board.html", {"session": session, "rows": rows})


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def board_xlsx_download(request):
    session, rows = next_session_rows(commitments_for(request.user))
    return _attachment(board_xlsx(session, rows), XLSX, "acuerdos-junta.xlsx")


@login_required
def board_pdf_download(request):
    session, rows = next_session_rows(commitments_for(request.user))
    return _attachment(board_pdf(session, rows), "application/pdf", "acuerdos-junta.pdf")


@login_required
def overdue(request):
    return render(request, "followup/overdue.html", {"groups": overdue_by_unit(commitments_for(request.user))})


@login_required
def asm(request):
    return render(request, "followup/asm.html", {"groups": asm_by_program(commitments_for(request.user))})
