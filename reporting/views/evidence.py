from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from reporting.scope import get_evidence_for_user


@login_required
def evidence_download(request, pk):
    """Evidence files are served only through the scope check, never as public media."""
    evidence = get_evidence_for_user(request.user, pk)
    try:
        if not evidence.file:
            raise FileNotFoundError(pk)
        stream = evidence.file.open("rb")
    except FileNotFoundError:  # the row outlived its file (removed from the disk or a restored backup)
        return render(request, "errors/message.html", {
            "title": _("Archivo no disponible"),
            "message": _("El archivo de la evidencia «%(evidencia)s» ya no está disponible en el servidor. "
                         "Pida a quien la subió que la vuelva a anexar.") % {"evidencia": evidence},
        }, status=404)
    return FileResponse(stream, as_attachment=True, filename=evidence.file.name.rsplit("/", 1)[-1])
