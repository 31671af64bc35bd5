"""Forms of register proposals, PPKS counts and PSKS."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.registry.forms import AreaFilterField
from pendamping.registry.selectors import area_filter_choices
from pendamping.registry.vocab import Ppks

from ..vocab import ProposalState, PsksKind, VerificationResult

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILES = "application/pdf,image/jpeg,image/png,image/webp,.xlsx"


class _AreaForm(forms.Form):
    area = AreaFilterField(label=_("Area"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [
            ("", _("All my areas")),
            *area_filter_choices(actor=actor, capability="puskesos.view"),
        ]


class ProposalFilterForm(_AreaForm):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *ProposalState.choices])


class ProposalCreateForm(forms.Form):
    number = forms.CharField(
        label=_("No. KK of the household"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    reason = forms.CharField(
        label=_("Why the family should be in the register"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MusdesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    musdes_on = forms.DateField(label=_("Musyawarah desa held on"), widget=DATE)
    minutes = forms.FileField(
        label=_("Minutes (berita acara)"), widget=forms.ClearableFileInput(attrs={"accept": FILES})
    )
    bnba = forms.FileField(label=_("By-name-by-address list"), widget=forms.ClearableFileInput(attrs={"accept": FILES}))


class VerifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("Verification result"), choices=VerificationResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (required when not eligible)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdvanceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_state = forms.ChoiceField(label=_("Next state"), choices=ProposalState.choices)
    note = forms.CharField(
        label=_("Note (required when refused)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = [(s, ProposalState(s).label) for s in states]


class PpksCountForm(forms.Form):
    desa_code = forms.CharField(label=_("Desa/kelurahan"), max_length=13)
    category = forms.ChoiceField(label=_("PPKS category"), choices=Ppks.choices)
    count = forms.IntegerField(label=_("Count"), min_value=0)
    counted_on = forms.DateField(label=_("Counted on"), widget=DATE)
    source = forms.CharField(label=_("Source"), max_length=200)

    def __init__(self, *args, desa_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa_code"].widget = forms.Select(choices=[("", "—"), *desa_choices])


class PsksFilterForm(_AreaForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *PsksKind.choices])
    q = forms.CharField(label=_("Name"), required=False, max_length=100)


class PsksForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PsksKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    desa_code = forms.CharField(label=_("Desa/kelurahan"), max_length=13)
    leader = forms.CharField(label=_("Leader or contact person"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    members = forms.IntegerField(label=_("Members"), min_value=0, required=False)
    legal_basis = forms.CharField(label=_("Decree or registration"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, desa_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa_code"].widget = forms.Select(choices=[("", "—"), *desa_choices])

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
