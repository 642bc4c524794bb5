"""Home, review, dashboard and indicator screens (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from compliance.views import dashboard, desk, indicator, review

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("indicadores/", indicator.indicator_list, name="indicator_list"),
    path("indicadores/<id:pk>/", indicator.indicator_detail, name="indicator_detail"),
    path("revision/", review.review_queue, name="review_queue"),
    path("revision/aprobar/", review.review_approve_many, name="review_approve_many"),
    path("revision/<id:pk>/", review.review_detail, name="review_detail"),
    path("tablero/", dashboard.dashboard_latest, name="dashboard_latest"),
    path("tablero/<id:fiscal_year>/<id:quarter>/", dashboard.dashboard, name="dashboard"),
]
