from django.contrib.admin.apps import AdminConfig


class SimirAdminConfig(AdminConfig):
    """django.contrib.admin with SIMIR's site (programs/admin_site.py), loaded once models are ready."""

    default_site = "programs.admin_site.SimirAdminSite"
