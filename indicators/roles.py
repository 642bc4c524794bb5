"""The four roles of DESIGN.md §1 as Django groups, with their model permissions."""

from django.contrib.auth.models import Group, Permission

ADMINISTRADOR = "Administrador"
COORDINADOR = "Coordinador"
CAPTURISTA = "Capturista"
CONSULTA = "Consulta"
ROLES = [ADMINISTRADOR, COORDINADOR, CAPTURISTA, CONSULTA]

VIEW_ALL = [("programs", m) for m in ("ramo", "responsibleunit", "state", "program", "matrix", "objective")] + [
    ("indicators", m) for m in ("indicator", "variable", "target", "targetadjustment", "progress", "evidence",
                                 "quarterresult", "quarteraggregate", "progresstransition", "capturewindow",
                                 "windowextension")
]
PERMISSIONS = {
    CONSULTA: {f"{app}.view_{model}" for app, model in VIEW_ALL},
    CAPTURISTA: {f"{app}.view_{model}" for app, model in VIEW_ALL} | {
        "indicators.add_progress", "indicators.change_progress", "indicators.add_evidence",
        "indicators.add_targetadjustment",
    },
    COORDINADOR: {f"{app}.view_{model}" for app, model in VIEW_ALL} | {
        "indicators.add_progress", "indicators.change_progress", "indicators.add_evidence",
        "indicators.add_targetadjustment", "indicators.change_targetadjustment",
        "indicators.add_capturewindow", "indicators.change_capturewindow",
        "indicators.add_windowextension", "indicators.change_windowextension",
    },
}


def ensure_role_groups(**kwargs):
    """Create the groups and (re)assign their permissions; safe to run after every migrate."""
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role == ADMINISTRADOR:
            group.permissions.set(Permission.objects.filter(content_type__app_label__in=["programs", "indicators"]))
            continue
        wanted = [codename.split(".") for codename in PERMISSIONS[role]]
        group.permissions.set(
            Permission.objects.filter(content_type__app_label__in=["programs", "indicators"]).filter(
                codename__in=[codename for _, codename in wanted]
            )
        )


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
