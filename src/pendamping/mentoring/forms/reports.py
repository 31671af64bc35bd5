"""Forms of the monthly TKSK report: the list's filter, generating a month's draft, the narrative, submitting and
acknowledging (each carrying the version the user read, for optimistic locking)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel
from pendamping.core.scoping import scope_q
from pendamping.registry.forms import AreaFilterField
from pendamping.registry.selectors import area_filter_choices

from ..vocab import ReportStatus

REPORT = "mentoring.report"


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """A month given as yyyy-mm; cleaned to its first day."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MonthInput(attrs={"placeholder": "2026-06"}))
        super().__init__(*args, max_length=7, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            return datetime.date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(_("Give the month as year and month, e.g. 2026-06.")) from None


class ReportFilterForm(forms.Form):
    kecamatan = AreaFilterField(label=_("Area"))
    month = MonthField(label=_("Month"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ReportStatus.choices])

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        choices = area_filter_choices(actor=actor, capability="mentoring.view")
        self.fields["kecamatan"].widget.choices = [("", _("All my areas")), *choices]


def report_kecamatan_choices(actor, codes) -> list[tuple[str, str]]:
    """The kecamatan the actor reports on (a TKSK: their kecamatan)."""
    areas = Area.objects.filter(scope_q(codes, "code"), level=AreaLevel.KECAMATAN).order_by("code")
    return [(a.code, a.display_name) for a in areas]


class ReportGenerateForm(forms.Form):
    kecamatan = forms.ChoiceField(label=_("Kecamatan"))
    month = MonthField(label=_("Month"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].choices = choices


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened this month, in your words: what went well, what did not, what you need."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the TKSK"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
