from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api.web_urls import urlpatterns as api_web_urls
from compliance.urls import urlpatterns as compliance_urls
from config.health import health
from followup.urls import urlpatterns as followup_urls
from institutional.urls import urlpatterns as institutional_urls
from jobs.urls import urlpatterns as jobs_urls
from reporting.urls import urlpatterns as reporting_urls

# The 400, 403 and 404 pages are Django's own views with the templates of templates/.
handler500 = "config.errors.server_error"

urlpatterns = [
    path("salud/", health, name="health"),
    path("cuenta/entrar/", auth_views.LoginView.as_view(), name="login"),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    # One namespace for the web screens, whichever app owns each.
    path("api/v1/", include(("api.urls", "api"))),
    path("", include((reporting_urls + compliance_urls + institutional_urls + jobs_urls + followup_urls + api_web_urls,
                      "simir"))),
    path("admin/", admin.site.urls),
]
