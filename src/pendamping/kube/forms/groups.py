"""Forms of groups, members, activities and stages."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pendamping.core.scoping import scope_q
from pendamping.registry.forms import AreaFilterField
from pendamping.registry.selectors import area_filter_choices
from pendamping.targeting.vocab import FundingSource

from ..models import BusinessType
from ..vocab import EVALUATIONS, Activity, ActivityResult, KubeKind, KubeStatus, LeaveReason, MemberRole, Stage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or PDFs at once; the service checks each by its content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class KubeFilterForm(forms.Form):
    q = forms.CharField(label=_("Group name"), required=False, max_length=150)
    area = AreaFilterField(label=_("Area"))
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All")), *Stage.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *KubeStatus.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *KubeKind.choices])

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        choices = area_filter_choices(actor=actor, capability="kube.view")
        self.fields["area"].widget.choices = [("", _("All my areas")), *choices]


def _users_who_may_accompany(actor):
    """Accounts holding a role that records KUBE work, in the actor's areas (the choice of pendamping)."""
    from pendamping.accounts.permissions import roles_for
    from pendamping.core.scoping import scope_codes

    codes = scope_codes(actor, "kube.manage")
    roles = roles_for("kube.record")
    return (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__ended_at__isnull=True, role_assignments__role__in=roles)
        .filter(scope_q(codes, "role_assignments__area__code"))
        .distinct()
        .order_by("full_name")
    )


class KubeForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=150)
    kind = forms.ChoiceField(label=_("KUBE kind"), choices=KubeKind.choices)
    business_type = forms.ModelChoiceField(label=_("Business type"), queryset=BusinessType.objects.none())
    desa_code = forms.CharField(label=_("Desa/kelurahan"), max_length=13)
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    budget_year = forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100)
    formed_on = forms.DateField(label=_("Formed on"), widget=DATE)
    pendamping = forms.ModelChoiceField(label=_("Pendamping"), queryset=get_user_model().objects.none(), required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    bank_account_number = forms.CharField(label=_("Account number"), max_length=30, required=False)
    bank_account_name = forms.CharField(label=_("Account holder (the group)"), max_length=150, required=False)
    sk_number = forms.CharField(label=_("SK penetapan number"), max_length=100, required=False)
    sk_date = forms.DateField(label=_("SK penetapan date"), widget=DATE, required=False)
    reason = forms.CharField(label=_("Reason or note"), max_length=500, required=False)

    def __init__(self, *args, actor, desa_choices, **kwargs):
        super().__init__(*args, **kwargs)
        kabupaten = sorted({code[:5] for _label, options in desa_choices for code, _name in options})
        self.fields["business_type"].queryset = BusinessType.objects.filter(
            active=True, area_code__in=["", *kabupaten]
        ).order_by("name")
        self.fields["desa_code"].widget = forms.Select(choices=[("", "—"), *desa_choices])
        self.fields["pendamping"].queryset = _users_who_may_accompany(actor)
        self.fields["pendamping"].label_from_instance = lambda u: f"{u.full_name} ({u.username})"

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "reason"}


class MemberAddForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK of the person"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.ANGGOTA)
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE)
    eligibility_override = forms.CharField(
        label=_("Admitted despite the screening, because (only if not eligible)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MemberLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DATE)
    leave_reason = forms.ChoiceField(label=_("Reason"), choices=LeaveReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class MemberOverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this member admitted despite the screening?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActivityForm(forms.Form):
    done_on = forms.DateField(label=_("Date"), widget=DATE)
    result = forms.ChoiceField(label=_("Result"), choices=[("", "—"), *ActivityResult.choices], required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Photos or PDF"))
    override_reason = forms.CharField(
        label=_("Reason to pass the gate (only if its conditions do not hold)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, activity: str, **kwargs):
        super().__init__(*args, **kwargs)
        if activity not in EVALUATIONS:
            del self.fields["result"]
        if activity not in (Activity.T1_2, Activity.T1_6):
            del self.fields["override_reason"]


class StageAdvanceForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    override_reason = forms.CharField(
        label=_("Reason to pass the gate (only if its conditions do not hold)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=KubeStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class BusinessTypeForm(forms.Form):
    name = forms.CharField(label=_("Business type"), max_length=100)
    kind = forms.ChoiceField(label=_("KUBE kind"), choices=KubeKind.choices)
