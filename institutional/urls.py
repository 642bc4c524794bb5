"""Programa Institucional screens (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from institutional import views

urlpatterns = [
    path("programa-institucional/", views.institutional_index, name="institutional_index"),
    path("programa-institucional/ventana-anual/", views.annual_window_save, name="institutional_window_save"),
    path("programa-institucional/indicadores/<id:pk>/<id:fiscal_year>/", views.result_capture,
         name="institutional_capture"),
    path("programa-institucional/<id:pk>/reporte/", views.institutional_report, name="institutional_report"),
    path("programa-institucional/<id:pk>/reporte.xlsx", views.institutional_report_xlsx,
         name="institutional_report_xlsx"),
    path("programa-institucional/<id:pk>/reporte.pdf", views.institutional_report_pdf,
         name="institutional_report_pdf"),
]
