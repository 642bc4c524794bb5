"""The quarterly report form: text, a % reported directly, each sub-item's state and evidence.
Numbers go through the one parser of typed numbers (reporting.forms.NumberField)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from followup.choices import ItemState
from indicators.models import JUSTIFICATION_MAX
from reporting.forms import NumberField

STATE_CHOICES = [("", _("— sin cambio —")), *ItemState.choices]


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Qué se hizo en el trimestre"), required=False, max_length=JUSTIFICATION_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}))
    reported_percent = NumberField(label=_("% de avance reportado"))
    evidence = forms.FileField(label=_("Evidencia (archivo)"), required=False)
    evidence_description = forms.CharField(label=_("Descripción de la evidencia"), required=False, max_length=255)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item-{item.pk}-state"] = forms.ChoiceField(label=_("Estado"), choices=STATE_CHOICES,
                                                                     required=False)
            self.fields[f"item-{item.pk}-percent"] = NumberField(label=_("% del sub-elemento"))
            self.fields[f"item-{item.pk}-note"] = forms.CharField(label=_("Nota"), required=False,
                                                                  max_length=JUSTIFICATION_MAX)

    def item_rows(self):
        return [(item, self[f"item-{item.pk}-state"], self[f"item-{item.pk}-percent"], self[f"item-{item.pk}-note"])
                for item in self.items]

    def item_values(self):
        data = self.cleaned_data
        return {item.pk: (data[f"item-{item.pk}-state"], data[f"item-{item.pk}-percent"], data[f"item-{item.pk}-note"])
                for item in self.items}
