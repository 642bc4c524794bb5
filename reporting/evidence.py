"""Attaching evidence to an avance: admitted types, checked by content, and size limit."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.files import atomic_with_files, remove_on_rollback
from reporting.models import Evidence
from reporting.workflow import EDITABLE

# What each admitted extension's content must start with (CSV: plain text, checked apart).
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EVIDENCE_SIGNATURES = {
    ".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".xlsx": (ZIP,), ".docx": (ZIP,), ".zip": (ZIP,), ".xls": (OLE,), ".doc": (OLE,), ".csv": None,
}
EVIDENCE_EXTENSIONS = set(EVIDENCE_SIGNATURES)
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
DESCRIPTION_MAX = Evidence._meta.get_field("description").max_length


def _content_matches(extension, head):
    signatures = EVIDENCE_SIGNATURES[extension]
    if signatures is None:  # a CSV is text: no NUL bytes, decodable
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            head.decode("latin-1")
        return True
    return head.startswith(signatures)


def check_upload(upload):
    """An evidence file's type (by extension and content) and size, for avances and follow-up reports."""
    extension = PurePath(upload.name).suffix.lower()
    if extension not in EVIDENCE_EXTENSIONS:
        raise ValidationError({"evidence": _("Tipo de archivo no admitido («%(extension)s»); se admite: %(admitidos)s.")
                               % {"extension": extension or _("sin extensión"),
                                  "admitidos": ", ".join(sorted(EVIDENCE_EXTENSIONS))}})
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": _("El archivo pasa de 10 MB.")})
    head = upload.read(2048)
    upload.seek(0)
    if not _content_matches(extension, head):
        raise ValidationError({"evidence": _("El contenido del archivo no corresponde a un %(extension)s.")
                               % {"extension": extension}})


def attach_evidence(user, progress, upload, description=""):
    """Attach a file to an avance the user may edit; type and size are checked on the server.
    The stored file goes away again if the row's transaction rolls back: a caller whose other
    writes share that transaction opens it with `common.files.atomic_with_files`."""
    check_upload(upload)
    if progress.status not in EDITABLE:
        raise ValidationError({"evidence": _("Solo se anexan evidencias a avances en borrador o devueltos.")})
    with atomic_with_files():
        # A file name can be longer than the description column (the browser sends it as it is).
        evidence = Evidence(progress=progress, description=(description or upload.name)[:DESCRIPTION_MAX],
                            uploaded_by=user)
        evidence.file.save(upload.name, upload, save=False)  # stored now, so it is known before the INSERT
        remove_on_rollback(evidence.file)
        evidence.save()
    return evidence
