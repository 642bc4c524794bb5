"""The yearly result form. Numbers go through the one parser of typed numbers (`NumberField`), so a
result is read exactly like an avance."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.forms import NumberField, WindowForm


class ResultForm(forms.Form):
    value = NumberField(label=_("Resultado"))
    numerator = NumberField(label=_("Numerador"))
    denominator = NumberField(label=_("Denominador"))
    cause = forms.CharField(label=_("Causa"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    effect = forms.CharField(label=_("Efecto"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    other_reasons = forms.CharField(label=_("Otros motivos"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    # The version the user loaded (0: no result yet): a save in between is refused, not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, error_messages={
        key: _("Recargue la página: no se sabe qué versión del resultado cargó.")
        for key in ("required", "invalid", "min_value", "max_value")})

    def __init__(self, *args, variables=(), **kwargs):
        """`variables`: the ficha's variables; with two, numerador and denominador carry their names."""
        super().__init__(*args, **kwargs)
        if len(variables) >= 2:
            self.fields["numerator"].help_text = variables[0].name
            self.fields["denominator"].help_text = variables[1].name


class AnnualWindowForm(WindowForm):
    fiscal_year = forms.TypedChoiceField(label=_("Año del resultado"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(year, year) for year in years]
        self.order_fields(["fiscal_year"])
