"""POST /api/v1/avances/lote/: up to SIMIR_API_BATCH_MAX draft avances in one request, each through
the same path as POST /api/v1/avances/ (api/writes.py). The answer gives one result per item:
created, updated or error with its fields. Atomic unless `parcial`: one error and nothing is kept."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import APIException

from api.writes import ProgressWriteSerializer, move, save_draft
from programs.roles import can_capture
from reporting.workflow import Action

CREATED, UPDATED, ERROR, ROLLED_BACK = "creado", "actualizado", "error", "revertido"


class BatchSerializer(serializers.Serializer):
    avances = serializers.ListField(child=serializers.JSONField(), allow_empty=False, help_text=gettext_lazy(
        "Los avances, cada uno como en POST /api/v1/avances/."))
    parcial = serializers.BooleanField(default=False, help_text=gettext_lazy(
        "false (por omisión): un error y no se guarda ninguno. true: se guardan los que están bien."))
    enviar = serializers.BooleanField(default=False, help_text=gettext_lazy(
        "true: cada avance guardado se envía a revisión (dentro de su ventana de captura)."))

    def validate_avances(self, items):
        limit = settings.SIMIR_API_BATCH_MAX
        if len(items) > limit:
            raise serializers.ValidationError(_("Un lote lleva como máximo %(max)s avances; llegaron %(n)s.")
                                              % {"max": f"{limit:,}", "n": f"{len(items):,}"})
        return items


class _RollBack(Exception):
    pass


def _one(user, index, item, send):
    incoming = ProgressWriteSerializer(data=item)
    if not incoming.is_valid():
        return {"indice": index, "resultado": ERROR, "errores": incoming.errors}
    try:
        with transaction.atomic():  # a savepoint: a refused item leaves nothing behind
            progress, created = save_draft(user, incoming.validated_data)
            if send:
                progress = move(user, progress, Action.ENVIAR, "")
    except APIException as exc:
        return {"indice": index, "resultado": ERROR, "errores": exc.detail}
    except Http404:
        return {"indice": index, "resultado": ERROR,
                "errores": {"indicador": [_("No existe o está fuera de su alcance.")]}}
    except PermissionDenied as exc:
        return {"indice": index, "resultado": ERROR, "errores": {"detail": [str(exc)]}}
    return {"indice": index, "resultado": CREATED if created else UPDATED, "id": progress.pk,
            "version": progress.version, "estado": progress.status}


def save_batch(user, items, partial, send):
    """(kept?, results). Atomic: the first error rolls every item back (they still say what they
    would have been, as «revertido»); partial: each item stands alone."""
    if not can_capture(user):
        raise PermissionDenied(_("Su rol no permite capturar avances."))
    results = []
    try:
        with transaction.atomic():
            results = [_one(user, index, item, send) for index, item in enumerate(items)]
            failed = any(result["resultado"] == ERROR for result in results)
            if failed and not partial:
                raise _RollBack
    except _RollBack:
        for result in results:
            if result["resultado"] != ERROR:
                result.update(resultado=ROLLED_BACK, id=None)
        return False, results
    return True, results
