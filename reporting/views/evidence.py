from django.contrib.auth.decorators import login_required
from django.http import FileResponse

from reporting.scope import get_evidence_for_user


@login_required
def evidence_download(request, pk):
    """Evidence files are served only through the scope check, never as public media."""
    evidence = get_evidence_for_user(request.user, pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file.name.rsplit("/", 1)[-1])
