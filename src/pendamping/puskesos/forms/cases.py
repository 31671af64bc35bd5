"""Forms of the desk's cases: the NIK search of intake, the request, casework, status moves, review, return, notes,
and the list's filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.registry.forms import AreaFilterField
from pendamping.registry.selectors import area_filter_choices

from ..vocab import CASE_TRANSITIONS, CaseStatus, Channel, ProblemKind, Sector

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class NikSearchForm(forms.Form):
    """Posted, never in the URL: a NIK is personal data (domain.md section 7)."""

    nik = forms.CharField(
        label=_("NIK"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}),
    )


class CaseIntakeForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, widget=forms.RadioSelect)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices])
    problem_kind = forms.ChoiceField(label=_("Problem"), choices=[("", "—"), *ProblemKind.choices])
    description = forms.CharField(label=_("Complaint or need"), widget=TEXT)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=_("Cases of violence, trafficking and children are confidential in any case."),
    )
    proposal_reason = forms.CharField(
        label=_("Why the family should be proposed for DTKS/DTSEN"), required=False, widget=TEXT
    )

    CASE_FIELDS = ["channel", "sector", "problem_kind", "description", "received_on", "proposal_reason"]

    def __init__(self, *args, in_dtks: bool | None = True, **kwargs):
        """in_dtks None: a new resident, whose ID DTKS (if any) is in the household form; the service decides."""
        super().__init__(*args, **kwargs)
        if in_dtks:
            del self.fields["proposal_reason"]
        elif in_dtks is False:
            self.fields["proposal_reason"].required = True

    def case_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.CASE_FIELDS if name in self.cleaned_data}
        # unticked: the default of the problem decides (service); ticked: confidential
        values["confidential"] = True if self.cleaned_data.get("confidential") else None
        return values


class CaseForm(forms.Form):
    """Casework: the request's details, the four components, assessment and plan."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    problem_kind = forms.ChoiceField(label=_("Problem"), choices=ProblemKind.choices)
    description = forms.CharField(label=_("Complaint or need"), widget=TEXT)
    component_person = forms.CharField(label=_("Person"), required=False, widget=TEXT)
    component_problem = forms.CharField(label=_("Problem"), required=False, widget=TEXT)
    component_place = forms.CharField(label=_("Place"), required=False, widget=TEXT)
    component_process = forms.CharField(label=_("Process"), required=False, widget=TEXT)
    assessment = forms.CharField(label=_("Assessment"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    plan = forms.CharField(label=_("Plan"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("reason", "version")}


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"))
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, help_text=_("Required when the case is closed (ditutup).")
    )
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = CASE_TRANSITIONS[CaseStatus(current)]
        self.fields["status"].choices = [(value, label) for value, label in CaseStatus.choices if value in allowed]


class CaseReviewForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CaseReturnForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("Back to"), choices=[(s.value, s.label) for s in (CaseStatus.ASESMEN, CaseStatus.RENCANA)]
    )
    note = forms.CharField(label=_("What must be done again"), widget=TEXT)


class CaseNoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))
    confidential = forms.BooleanField(
        label=_("Confidential (read only by you, the supervising TKSK and the admin)"), required=False
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Case number or name"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *CaseStatus.choices])
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All")), *Sector.choices])
    area = AreaFilterField(label=_("Area"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        choices = area_filter_choices(actor=actor, capability="puskesos.view")
        self.fields["area"].widget.choices = [("", _("All my areas")), *choices]
