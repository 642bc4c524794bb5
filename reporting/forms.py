"""Forms of the adjustment and window screens. Numbers go through `capture.parse_number`, the one
parser of typed numbers, so a meta is read exactly like an avance."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.ids import parse_id
from common.numbers import number
from indicators import rules
from indicators.choices import AdjustmentType
from reporting.capture import parse_number

# The official type is only written by imports of published metas, never requested by hand.
REQUESTABLE_TYPES = [(value, label) for value, label in AdjustmentType.choices if value != AdjustmentType.OFICIAL]
QUARTER_CHOICES = [(q, f"T{q}") for q in rules.QUARTERS]


class NumberField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        try:
            return parse_number(value or "", self.label)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class AdjustmentRequestForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Periodo (mes de cierre)"), coerce=int)
    adjustment_type = forms.ChoiceField(label=_("Tipo de ajuste"), choices=REQUESTABLE_TYPES)
    value = NumberField(label=_("Meta ajustada"))
    numerator = NumberField(label=_("Numerador"))
    denominator = NumberField(label=_("Denominador"))
    justification = forms.CharField(label=_("Justificación"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, indicator, metas=None, **kwargs):
        """`metas`: {month: meta vigente}, shown next to each period so nobody has to look it up."""
        super().__init__(*args, **kwargs)
        metas = metas or {}
        self.fields["month"].choices = [
            (m, f"{indicator.fiscal_year}-{m:02d}" + (
                " · " + _("meta vigente %(meta)s") % {"meta": number(metas[m])} if metas.get(m) is not None else ""))
            for m in rules.period_months(indicator.frequency)
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("aprobar", _("Aprobar")), ("rechazar", _("Rechazar"))])
    note = forms.CharField(label=_("Observación"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class WindowForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Abre"), widget=DateTimeInput(), input_formats=LOCAL_FORMATS)
    closes_at = forms.DateTimeField(label=_("Cierra (primer instante ya cerrado)"), widget=DateTimeInput(),
                                    input_formats=LOCAL_FORMATS)
    note = forms.CharField(label=_("Nota"), required=False, max_length=255)


class ExtensionForm(forms.Form):
    """The UR or programa arrive as raw ids: the view resolves them within the user's scope, so one
    outside it is a 404 like every other object, not a form error that confirms it exists."""

    quarter = forms.TypedChoiceField(label=_("Trimestre"), choices=QUARTER_CHOICES, coerce=int)
    target = forms.CharField(label=_("Para"), widget=forms.Select)
    until = forms.DateTimeField(label=_("Hasta (primer instante ya cerrado)"), widget=DateTimeInput(),
                                input_formats=LOCAL_FORMATS)
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, programs, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")]
        choices += [(f"ur-{u.pk}", _("UR %(clave)s · %(nombre)s") % {"clave": u.clave, "nombre": u.name}) for u in units]
        choices += [(f"programa-{p.pk}", _("Programa %(clave)s · %(nombre)s") % {"clave": p.clave, "nombre": p.name})
                    for p in programs]
        self.fields["target"].widget.choices = choices

    def clean_target(self):
        # Any well-formed id is accepted here; scope is decided by the view (404 outside it).
        raw = self.data.get(self.add_prefix("target"), "")
        kind, _sep, pk = raw.partition("-")
        pk = parse_id(pk)
        if kind not in ("ur", "programa") or pk is None:
            raise forms.ValidationError(_("Elija una UR o un programa."))
        return kind, pk
