"""Forms of targeting: a rule set's parameters, the screening of a desa, the filters of the results list."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pendamping.areas.vocab import is_valid_code

from .models import PARAMETERS, RuleSet
from .vocab import Decision, FundingSource, Mechanism, SpecialCaseKind, SpecialCaseStatus


class RuleSetForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    class Meta:
        model = RuleSet
        fields = ["name", "budget_year", "funding_source", *PARAMETERS]


class RuleSetVersionForm(forms.ModelForm):
    """The parameters of a new version (year and funding source stay those of the rule set)."""

    reason = forms.CharField(label=_("Reason for the change"), max_length=500, required=True)

    class Meta:
        model = RuleSet
        fields = ["name", *PARAMETERS]


class ScreenDesaForm(forms.Form):
    desa = forms.CharField(label=_("Desa/kelurahan"), max_length=13)
    rule_set = forms.ModelChoiceField(label=_("Rule set"), queryset=RuleSet.objects.none())

    def __init__(self, *args, rule_sets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rule_sets is not None:
            self.fields["rule_set"].queryset = rule_sets

    def clean_desa(self):
        code = self.cleaned_data["desa"].strip()
        if not is_valid_code(code) or code.count(".") != 3:
            raise ValidationError(_("Choose a desa/kelurahan."))
        return code


class ResultFilterForm(forms.Form):
    desa = forms.CharField(required=False, max_length=13, widget=forms.HiddenInput)
    rule_set = forms.IntegerField(required=False, widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", _("All"))] + Decision.choices, required=False)
    mechanism = forms.ChoiceField(label=_("Mechanism"), choices=[("", _("All"))] + Mechanism.choices, required=False)

    def clean_desa(self):
        code = self.cleaned_data["desa"].strip()
        if code and not is_valid_code(code):
            raise ValidationError(_("%(code)s is not an area code.") % {"code": code})
        return code


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (a list of uploads); the service checks each one's size and content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _area_code(value: str, levels: tuple[int, ...]) -> str:
    code = (value or "").strip()
    if not is_valid_code(code) or code.count(".") not in levels:
        raise ValidationError(_("Choose a kecamatan or a desa/kelurahan."))
    return code


class SpecialCaseForm(forms.Form):
    area_code = forms.CharField(label=_("Desa/kelurahan or kecamatan"), max_length=13)
    kind = forms.ChoiceField(label=_("Kind"), choices=SpecialCaseKind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, when, and why these families need KUBE."),
    )
    niks = forms.CharField(
        label=_("NIK of the people proposed"),
        widget=forms.Textarea(attrs={"rows": 4, "inputmode": "numeric"}),
        help_text=_("One NIK per line (or separated by commas)."),
    )
    documents = MultipleFileField(
        label=_("Supporting documents"),
        required=False,
        help_text=_("PDF or photos (PNG, JPEG); at most %(mb)s MB each."),
    )

    def __init__(self, *args, max_mb: int = 5, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].help_text = self.fields["documents"].help_text % {"mb": max_mb}

    def clean_area_code(self):
        return _area_code(self.cleaned_data["area_code"], (2, 3))

    def clean_niks(self):
        niks = []
        for part in self.cleaned_data["niks"].replace(",", "\n").split():
            nik = part.strip()
            if not (len(nik) == 16 and nik.isdigit()):
                raise ValidationError(_("%(nik)s is not a NIK (16 digits).") % {"nik": nik})
            if nik not in niks:
                niks.append(nik)
        if not niks:
            raise ValidationError(_("Name at least one person."))
        return niks


class SpecialCaseDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting."),
    )


class SpecialCaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + SpecialCaseStatus.choices, required=False)


class CandidateFilterForm(forms.Form):
    area = forms.CharField(label=_("Kecamatan or desa/kelurahan"), max_length=13, required=False)
    rule_set = forms.IntegerField(required=False, widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", _("All"))] + Decision.choices, required=False)
    mechanism = forms.ChoiceField(label=_("Mechanism"), choices=[("", _("All"))] + Mechanism.choices, required=False)
    desa = forms.ChoiceField(label=_("Desa/kelurahan"), choices=[("", _("All"))], required=False)

    def __init__(self, *args, desa_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].choices = [("", _("All")), *desa_choices]

    def clean_area(self):
        code = self.cleaned_data["area"].strip()
        return _area_code(code, (2, 3)) if code else ""


__all__ = [
    "CandidateFilterForm",
    "FundingSource",
    "ResultFilterForm",
    "RuleSetForm",
    "RuleSetVersionForm",
    "ScreenDesaForm",
    "SoftCriteriaForm",
    "SpecialCaseDecisionForm",
    "SpecialCaseFilterForm",
    "SpecialCaseForm",
]


YES_NO_UNKNOWN = [("", _("Not assessed")), ("1", _("Yes")), ("0", _("No"))]


def _yes_no(label):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        required=False,
        coerce=lambda value: value == "1",
        empty_value=None,
        widget=forms.RadioSelect,
    )


class SoftCriteriaForm(forms.Form):
    jiwa_wirausaha = _yes_no(_("Entrepreneurial spirit"))
    embrio_usaha = _yes_no(_("Embryo of a productive or small business"))
    bersedia_berkelompok = _yes_no(_("States willingness to work in a group"))
    recorded_on = forms.DateField(label=_("Assessed on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("How it was assessed"), max_length=300, required=False)
