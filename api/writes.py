"""The API's writes go through the same services as the web (reporting/services.py and
reporting/workflow.py): role, scope, capture window, workflow, audit as the token's user and the
recompute after commit all apply as they do there. This module only reads the request and turns
the services' refusals into HTTP answers."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from common.ids import MAX_ID, MAX_YEAR
from indicators.models.fields import JUSTIFICATION_MAX
from indicators.scope import get_indicator_for_user
from programs.models import State
from reporting.capture import parse_number
from reporting.models import Progress
from reporting.forms import REQUESTABLE_TYPES
from reporting.services import (
    ConcurrentEdit,
    check_capture_window,
    request_adjustment,
    save_progress,
    save_state_progress,
)
from reporting.workflow import Action, transition

# The model's field → the API's name, so a refusal names what the client sent.
API_NAMES = {"value": "valor", "numerator": "numerador", "denominator": "denominador", "cause": "causa",
             "effect": "efecto", "other_reasons": "otros_motivos", "month": "mes", "fiscal_year": "ciclo",
             "note": "nota", "review_note": "nota", "state": "entidad", "indicator": "indicador",
             "justification": "justificacion", "adjustment_type": "tipo"}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT


class Refused(APIException):
    status_code = status.HTTP_400_BAD_REQUEST


@contextmanager
def service_errors():
    """A refusal of a service as the API answers it: 409 for a concurrent edit, 400 naming the
    field otherwise. PermissionDenied (403) and Http404 pass through to DRF as they are."""
    try:
        yield
    except ConcurrentEdit as exc:
        raise Conflict({"detail": " ".join(exc.messages)}) from None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise Refused({("detail" if field == "__all__" else API_NAMES.get(field, field)): messages
                           for field, messages in exc.message_dict.items()}) from None
        raise Refused({"detail": " ".join(exc.messages)}) from None


@extend_schema_field({"type": "string", "nullable": True, "example": "72.5"})
class NumberText(serializers.Field):
    """A number as text (as the API writes them) or as a JSON number, read like the capture reads it."""

    def to_internal_value(self, data):
        if data is None:
            return None
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            raise serializers.ValidationError(_("Debe ser un número escrito como texto, p. ej. \"72.5\"."))
        try:
            return parse_number(str(data), self.field_name)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return value


def text_field():
    return serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=True)


class ProgressWriteSerializer(serializers.Serializer):
    """A draft avance, whole: the values given replace the stored ones (an absent number is empty)."""

    indicador = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    ciclo = serializers.IntegerField(min_value=1, max_value=MAX_YEAR)
    mes = serializers.IntegerField(min_value=1, max_value=12)
    entidad = serializers.PrimaryKeyRelatedField(queryset=State.objects.all(), required=False, allow_null=True,
                                                 default=None)
    valor = NumberText(required=False, default=None)
    numerador = NumberText(required=False, default=None)
    denominador = NumberText(required=False, default=None)
    causa = text_field()
    efecto = text_field()
    otros_motivos = text_field()
    version = serializers.IntegerField(min_value=0, help_text=gettext_lazy(
        "La versión del avance que el cliente leyó (0 si aún no existía). Si otra persona guardó "
        "después, la respuesta es 409 y no se escribe nada."))


def save_draft(user, data):
    """(avance, created?) through save_progress, or save_state_progress for an entidad."""
    indicator = get_indicator_for_user(user, data["indicador"])
    state = data["entidad"]
    if indicator.captured_by_state and state is None:
        raise Refused({"entidad": [_("Este indicador se captura por entidad federativa: indique «entidad».")]})
    if state is not None and not indicator.captured_by_state:
        raise Refused({"entidad": [_("Este indicador no se captura por entidad federativa: omita «entidad».")]})
    values = {"value": data["valor"], "numerator": data["numerador"], "denominator": data["denominador"],
              "cause": data["causa"], "effect": data["efecto"], "other_reasons": data["otros_motivos"],
              "expected_version": data["version"]}
    period = {"indicator": indicator, "fiscal_year": data["ciclo"], "month": data["mes"], "state": state}
    existed = Progress.objects.filter(**period).exists()
    with service_errors():
        if state is None:
            progress = save_progress(user, indicator, data["ciclo"], data["mes"], **values)
        else:
            save_state_progress(user, indicator, data["ciclo"], data["mes"], state, **values)
            progress = Progress.objects.get(**period)
    return progress, not existed


class NoteSerializer(serializers.Serializer):
    nota = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                 help_text=gettext_lazy("Obligatoria para devolver y para reabrir."))


def move(user, progress, action, note):
    """One workflow step. Sending checks the capture window, as the capture screen does."""
    with service_errors(), transaction.atomic():
        if action == Action.ENVIAR:
            check_capture_window(user, progress.indicator, progress.fiscal_year, progress.month)
        return transition(user, progress, action, note=note)



class AdjustmentRequestSerializer(serializers.Serializer):
    """A new meta for a period of the indicator's ejercicio, as the web's request form asks it."""

    mes = serializers.IntegerField(min_value=1, max_value=12)
    tipo = serializers.ChoiceField(choices=REQUESTABLE_TYPES)
    valor = NumberText(required=False, default=None)
    numerador = NumberText(required=False, default=None)
    denominador = NumberText(required=False, default=None)
    justificacion = serializers.CharField(allow_blank=True, max_length=JUSTIFICATION_MAX)


def ask_adjustment(user, indicator, data):
    with service_errors(), transaction.atomic():
        return request_adjustment(user, indicator, indicator.fiscal_year, data["mes"], adjustment_type=data["tipo"],
                                  justification=data["justificacion"], value=data["valor"],
                                  numerator=data["numerador"], denominator=data["denominador"])
