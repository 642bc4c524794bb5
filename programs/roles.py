"""The four roles of docs/dominio.md as Django groups, with their model permissions."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

ADMINISTRADOR = "Administrador"
COORDINADOR = "Coordinador"
CAPTURISTA = "Capturista"
CONSULTA = "Consulta"
ROLES = [ADMINISTRADOR, COORDINADOR, CAPTURISTA, CONSULTA]

# Model permissions of each role. The admin is for administrators only (programs/admin_site.py),
# who hold every permission of SIMIR's models and of users and groups (accounts and scope); the
# other roles work through the web screens, which check roles and scope themselves, and keep only
# the view permissions.
MODELS = {
    "programs": ("ramo", "responsibleunit", "state", "program", "matrix", "objective"),
    "indicators": ("indicator", "variable", "target", "targetadjustment"),
    "reporting": ("progress", "evidence", "progresstransition", "capturewindow", "windowextension", "annualwindow"),
    "compliance": ("quarterresult", "quarteraggregate"),
    "followup": ("session", "commitment", "item", "sessionreading", "report", "itemupdate", "reportevidence",
                 "reporttransition"),
}
ADMINISTERED_APPS = [*MODELS, "auth"]
VIEW_ALL = {f"{app}.view_{model}" for app, models in MODELS.items() for model in models}
PERMISSIONS = {CONSULTA: VIEW_ALL, CAPTURISTA: VIEW_ALL, COORDINADOR: VIEW_ALL}


def ensure_role_groups(**kwargs):
    """Create the groups and (re)assign their permissions; safe to run after every migrate."""
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role == ADMINISTRADOR:
            group.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMINISTERED_APPS))
            continue
        wanted = Q()
        for permission in PERMISSIONS[role]:
            app_label, codename = permission.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


def _role_names(user):
    # Read once per request: navigation, views and scope all ask.
    if not hasattr(user, "_simir_roles"):
        user._simir_roles = set(user.groups.values_list("name", flat=True))
    return user._simir_roles


def has_role(user, *roles):
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(_role_names(user) & set(roles))


def is_administrator(user):
    return user.is_authenticated and (user.is_superuser or ADMINISTRADOR in _role_names(user))


def can_review(user):
    return has_role(user, ADMINISTRADOR, COORDINADOR)


def can_capture(user):
    return has_role(user, ADMINISTRADOR, COORDINADOR, CAPTURISTA)
