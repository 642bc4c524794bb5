from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import validate_single_line


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nombre"), max_length=100, validators=[validate_single_line],
                           help_text=gettext_lazy("Para reconocerlo, p. ej. «Tablero estatal»."))
    expires_on = forms.DateField(label=gettext_lazy("Vence el (opcional)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                 help_text=gettext_lazy("Deja de servir a las 00:00 de ese día (hora de la Ciudad de México)."))

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day and day <= timezone.localdate():
            raise forms.ValidationError(_("La fecha de vencimiento debe ser posterior a hoy."))
        return day

    def expires_at(self):
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.combine(day, time.min)) if day else None
