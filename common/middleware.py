"""Refuse, before any view, a request whose form or query data carries control characters."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from common.text import has_control_characters, shown


def control_character_problem(request):
    """The Spanish message naming the first field (GET, POST or uploaded file name) that holds a C0
    control character other than tab, LF and CR; None when there is none."""
    for data in (request.GET, request.POST):
        for name, values in data.lists():
            if has_control_characters(name) or any(has_control_characters(value) for value in values):
                return _("El campo «%(campo)s» contiene caracteres de control (por ejemplo, el carácter nulo), "
                         "que no se admiten. Quítelos y vuelva a enviar.") % {"campo": shown(name)}
    for name, files in request.FILES.lists():
        if any(has_control_characters(upload.name or "") for upload in files):
            return _("El nombre del archivo del campo «%(campo)s» contiene caracteres de control, que no se "
                     "admiten. Cambie el nombre del archivo y vuelva a enviarlo.") % {"campo": shown(name)}
    return None


class RejectControlCharactersMiddleware:
    """Every form, filter, search box and admin page at once: such a text would be a 500 on
    PostgreSQL (it refuses NUL) and would be cut short on SQLite, so it never reaches a view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = control_character_problem(request)
        if problem is None:
            return self.get_response(request)
        if request.accepts("application/json") and not request.accepts("text/html"):
            return JsonResponse({"error": problem}, status=400)
        return render(request, "errors/message.html", {"title": _("Solicitud no válida"), "message": problem},
                      status=400)
