"""Follow-up of commitments (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from followup.views import commitments, reports, summaries

urlpatterns = [
    path("seguimiento/", commitments.commitment_list, name="followup_list"),
    path("seguimiento/<id:pk>/", commitments.commitment_detail, name="followup_detail"),
    path("seguimiento/<id:pk>/reporte/<id:fiscal_year>/<id:quarter>/", reports.report_edit, name="followup_report"),
    path("seguimiento/reportes/<id:pk>/paso/", reports.report_step, name="followup_report_step"),
    path("seguimiento/evidencias/<id:pk>/", reports.report_evidence, name="followup_evidence"),
    path("seguimiento/junta/", summaries.board, name="followup_board"),
    path("seguimiento/junta.xlsx", summaries.board_xlsx_download, name="followup_board_xlsx"),
    path("seguimiento/junta.pdf", summaries.board_pdf_download, name="followup_board_pdf"),
    path("seguimiento/vencidos/", summaries.overdue, name="followup_overdue"),
    path("seguimiento/asm/", summaries.asm, name="followup_asm"),
]
