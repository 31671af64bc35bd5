"""Forms of referrals: the list's filter, a new referral, a status recorded by staff, and the office's answer on the
public page. They only shape input; the rules are in services.referrals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.registry.forms import AreaFilterField
from pendamping.registry.selectors import area_filter_choices

from ..selectors.referrals import VIEW, ReferralFilter
from ..vocab import ReferralStatus, Sector

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ANSWER_STATUSES = [(value, label) for value, label in ReferralStatus.choices if value != ReferralStatus.DIKIRIM]


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ReferralStatus.choices])
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All")), *Sector.choices])
    desa = AreaFilterField(label=_("Desa"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].widget.choices = [
            ("", _("All my areas")),
            *area_filter_choices(actor=actor, capability=VIEW),
        ]

    def filters(self) -> ReferralFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return ReferralFilter(
            status=data.get("status", ""),
            sector=data.get("sector", ""),
            desa=data.get("desa", ""),
            overdue=bool(data.get("overdue")),
        )


class ReferralForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    office = forms.CharField(label=_("Office or service referred to"), max_length=200)
    reason = forms.CharField(label=_("What is asked"), widget=forms.Textarea(attrs={"rows": 4}))
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE)


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ANSWER_STATUSES)
    response = forms.CharField(label=_("The office's answer"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    responder_name = forms.CharField(label=_("Answered by"), max_length=150, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(v, label) for v, label in ANSWER_STATUSES if v in allowed]


class ReferralAnswerForm(forms.Form):
    """The office's answer on the public page."""

    status = forms.ChoiceField(label=_("Status of the referral"), choices=ANSWER_STATUSES, widget=forms.RadioSelect)
    response = forms.CharField(
        label=_("Your answer (what was done or decided)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    responder_name = forms.CharField(label=_("Your name"), max_length=100)
    responder_office = forms.CharField(label=_("Your office"), max_length=100)

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(v, label) for v, label in ANSWER_STATUSES if v in allowed]
