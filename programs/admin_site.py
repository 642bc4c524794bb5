"""The admin site, for administrators only: superusers and the Administrador group (with the staff
mark). Everyone else works through the web screens, which apply the workflow, the scope and the
audit; signed in, they get 403 on every admin URL instead of the admin's login page."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from programs.roles import is_administrator

REFUSED = gettext_lazy("La administración es solo para administradores; use las pantallas de SIMIR.")


class SimirAdminSite(admin.AdminSite):
    site_header = "SIMIR · Seguimiento de indicadores MIR"
    site_title = "SIMIR"
    index_title = "Administración"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and is_administrator(user)

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def refuse_non_administrators(request, *args, **kwargs):
            # Django would send a signed-in non-administrator to the admin's login page.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(str(REFUSED))
            return checked(request, *args, **kwargs)

        return refuse_non_administrators

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied(str(REFUSED))
        return super().login(request, extra_context)
