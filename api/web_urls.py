"""The tokens page of the web (namespace `simir`, composed in config/urls.py)."""

from django.urls import path

from api import web

urlpatterns = [
    path("cuenta/tokens/", web.token_page, name="api_tokens"),
    path("cuenta/tokens/<id:pk>/revocar/", web.token_revoke, name="api_token_revoke"),
]
