"""Forms of a group's money: tranches, LPJ lines and decisions, cash book entries and their corrections."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..vocab import CashCategory, CashDirection

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


class RupiahField(forms.Field):
    """An amount as people type it: 1250000, 1.250.000 or Rp1.250.000. A fraction (1.250.000,50 or 12.5) is refused
    as not a whole number of Rupiah; the sign is left for the service to judge (it names a negative amount)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "20"})
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if text.lower().startswith("rp"):
            text = text[2:]
        elif text.lower().startswith("-rp"):
            text = "-" + text[3:]
        if THOUSANDS.match(text):
            text = text.replace(".", "")
        if not re.fullmatch(r"-?\d+", text):
            raise ValidationError(_("Give the amount as a whole number of Rupiah, e.g. 1250000."), code="not_whole")
        return int(text)


class TrancheForm(forms.Form):
    amount = RupiahField(label=_("Amount (Rp)"))
    transferred_on = forms.DateField(label=_("Transfer date"), widget=DATE)
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=100)


class LpjLineForm(forms.Form):
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("Spending"), max_length=200)
    amount = RupiahField(label=_("Amount (Rp)"))
    receipt = forms.FileField(
        label=_("Receipt (photo or PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )


class LpjLineRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why is this line removed?"), max_length=300, required=False)


class LpjDecisionForm(forms.Form):
    verified = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Verified")), ("0", _("Returned for correction"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (required when returned)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CashEntryForm(forms.Form):
    entry_date = forms.DateField(label=_("Date"), widget=DATE)
    direction = forms.ChoiceField(label=_("In/out"), choices=CashDirection.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Category"), choices=CashCategory.choices)
    amount = RupiahField(label=_("Amount (Rp)"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class CashReverseForm(forms.Form):
    entry_date = forms.DateField(label=_("Date of the correction"), widget=DATE)
    reason = forms.CharField(label=_("Why is this entry wrong?"), max_length=150)
