"""Forms of progress reports, partnerships and the e-Warung. They only shape input: the services check it."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.registry.forms import AreaFilterField
from pendamping.registry.selectors import area_filter_choices

from ..vocab import INDICATORS, BusinessStatus, PartnerKind, PartnershipKind, PartnershipStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONEY = {"inputmode": "numeric"}


class MonthField(forms.DateField):
    """A month typed as yyyy-mm (the browser's month input), kept as its first day."""

    widget = MONTH
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if isinstance(value, datetime.date) else value


def _rupiah(label, **kwargs):
    return forms.IntegerField(label=label, widget=forms.NumberInput(attrs=MONEY), **kwargs)


class ProgressReportForm(forms.Form):
    month = MonthField(label=_("Month"))
    omzet = _rupiah(_("Turnover (omzet, Rp)"), min_value=0)
    profit = _rupiah(_("Profit (Rp; a loss as a negative number)"))
    capital = _rupiah(_("Capital (Rp)"), min_value=0)
    iks_collected = _rupiah(_("IKS collected (Rp)"), min_value=0)
    iks_used = _rupiah(_("IKS used (Rp)"), min_value=0)
    active_members = forms.IntegerField(label=_("Active members"), min_value=0)
    business_status = forms.ChoiceField(label=_("Business status"), choices=BusinessStatus.choices)
    assessed = forms.MultipleChoiceField(
        label=_("Indicators the pendamping sees met"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(i.code, f"{i.label}") for i in INDICATORS if not i.computed],
    )
    evidence = forms.CharField(
        label=_("Notes and evidence"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["month"].disabled = True

    def values(self) -> dict:
        return dict(self.cleaned_data)


class PartnershipForm(forms.Form):
    partner_name = forms.CharField(label=_("Partner"), max_length=150)
    partner_kind = forms.ChoiceField(label=_("Partner kind"), choices=PartnerKind.choices)
    kind = forms.ChoiceField(label=_("Partnership kind"), choices=PartnershipKind.choices)
    agreement_date = forms.DateField(label=_("Agreement date"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=PartnershipStatus.choices)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(
        label=_("Agreement document (PDF or photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )
    reason = forms.CharField(label=_("Reason or note"), max_length=500, required=False)
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EWarungOpenForm(forms.Form):
    name = forms.CharField(label=_("Outlet name"), max_length=150)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    bank_agent = forms.CharField(label=_("Bank agent (bank and agent name)"), max_length=150)
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE)


class EWarungMonthForm(forms.Form):
    month = MonthField(label=_("Month"))
    kpm_served = forms.IntegerField(label=_("KPM served"), min_value=0)
    transactions = forms.IntegerField(label=_("Transactions"), min_value=0)
    transaction_total = _rupiah(_("Transaction total (Rp)"), min_value=0)


class StockoutForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=100)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    started_on = forms.DateField(label=_("Out of stock from"), widget=DATE)


class StockoutEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Restocked on"), widget=DATE)


class FlaggedFilterForm(forms.Form):
    area = AreaFilterField(label=_("Area"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        choices = area_filter_choices(actor=actor, capability="kube.view")
        self.fields["area"].widget.choices = [("", _("All my areas")), *choices]
