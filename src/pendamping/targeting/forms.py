"""Forms of targeting: a rule set's parameters, the screening of a desa, the filters of the results list."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pendamping.areas.vocab import is_valid_code

from .models import PARAMETERS, RuleSet
from .vocab import Decision, FundingSource, Mechanism


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


__all__ = ["FundingSource", "ResultFilterForm", "RuleSetForm", "RuleSetVersionForm", "ScreenDesaForm"]
