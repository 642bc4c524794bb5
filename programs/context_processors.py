from django.contrib import admin

from programs.roles import can_capture, can_review


def roles(request):
    """The navigation shows each person only what their role can do."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_can_review": can_review(user), "user_can_capture": can_capture(user),
            "user_can_administer": admin.site.has_permission(request)}
