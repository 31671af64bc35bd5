from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pendamping.areas.vocab import is_valid_code


class DciClientForm(forms.Form):
    name = forms.CharField(label=_("Name of the system"), max_length=100)
    area_codes = forms.CharField(
        label=_("Area codes"),
        max_length=500,
        help_text=_("One or more codes, separated by spaces or commas (e.g. 32.02.19 32.02.18)."),
    )

    def clean_area_codes(self):
        codes = [code for code in self.cleaned_data["area_codes"].replace(",", " ").split() if code]
        bad = [code for code in codes if not is_valid_code(code)]
        if bad:
            raise ValidationError(_("%(code)s is not an area code (e.g. 32.02.19).") % {"code": ", ".join(bad)})
        return codes


class DciClientRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
