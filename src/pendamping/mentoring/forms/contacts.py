"""Forms of contacts, attendance and follow-up tasks. The contact form is quick to fill on a phone: large checkboxes
for the roles, the target found by a select (KUBE, desa) or a number (NIK, No. KK), an idempotency key kept across
re-renders so that a double tap or a resend records one contact."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.core.scoping import user_covers
from pendamping.kube.forms.groups import DATE, MultipleFileField
from pendamping.kube.vocab import Activity, ActivityResult
from pendamping.registry.forms import AreaFilterField
from pendamping.registry.models import Household, Person
from pendamping.registry.nik import clean_number
from pendamping.registry.selectors import area_filter_choices

from ..selectors.contacts import RECORD, VIEW, kube_active_members, kubes_for_contacts, workers_in_scope
from ..vocab import InterventionKind, Method, ServiceType, SocialWorkRole, TargetKind, TksRole, WelfareFunction

TASK_ROWS = 2
EMPTY = [("", "—")]


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _user_label(user) -> str:
    return f"{user.full_name or user.username} ({user.username})"


class ContactRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why is it removed?"), max_length=300, help_text=_("E.g. recorded twice."))


class ContactFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE)
    area = AreaFilterField(label=_("Desa"))
    worker = forms.TypedChoiceField(label=_("Worker"), required=False, coerce=int, empty_value=None)
    kube = forms.TypedChoiceField(label=_("KUBE"), required=False, coerce=int, empty_value=None)
    method = forms.ChoiceField(label=_("Method"), required=False, choices=[("", _("All")), *Method.choices])

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [
            ("", _("All my areas")),
            *area_filter_choices(actor=actor, capability=VIEW),
        ]
        self.fields["worker"].choices = [
            ("", _("All")),
            *((u.pk, _user_label(u)) for u in workers_in_scope(actor=actor, capability=VIEW)),
        ]
        self.fields["kube"].choices = [
            ("", _("All")),
            *((k.pk, k.name) for k in kubes_for_contacts(actor=actor, capability=VIEW)),
        ]


def desa_choices(actor, capability: str = RECORD) -> list:
    """The desa the actor may record in, grouped by kecamatan."""
    choices = area_filter_choices(actor=actor, capability=capability)
    return [
        (label, [(code, name) for code, name in options if code.count(".") == 3])
        for label, options in choices
        if any(code.count(".") == 3 for code, _name in options)
    ]


class ContactForm(forms.Form):
    """One contact. `clean` finds the target (a KUBE of the actor's areas, a household or person by NIK or No. KK,
    or a desa) and gives the service its arguments through `values()`."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    contact_date = forms.DateField(label=_("Date of the contact"), widget=DATE)
    target_kind = forms.ChoiceField(label=_("With"), choices=TargetKind.choices, widget=forms.RadioSelect)
    kube = forms.TypedChoiceField(label=_("KUBE"), required=False, coerce=int, empty_value=None)
    number = forms.CharField(
        label=_("NIK or No. KK"),
        required=False,
        max_length=20,
        help_text=_("For a household or a person: the NIK of a member or the No. KK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    desa_code = forms.ChoiceField(label=_("Desa/kelurahan (community)"), required=False)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, widget=forms.RadioSelect)
    roles = forms.MultipleChoiceField(
        label=_("Social-work roles played"),
        choices=SocialWorkRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tks_roles = forms.MultipleChoiceField(
        label=_("TKS roles served"),
        choices=[(code, f"{code}. {label}") for code, label in TksRole.choices],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    welfare_function = forms.ChoiceField(
        label=_("Welfare function"), required=False, choices=[*EMPTY, *WelfareFunction.choices]
    )
    intervention_kind = forms.ChoiceField(
        label=_("Intervention kind"), required=False, choices=[*EMPTY, *InterventionKind.choices]
    )
    service_type = forms.ChoiceField(label=_("Service type"), required=False, choices=[*EMPTY, *ServiceType.choices])
    activity = forms.ChoiceField(
        label=_("KUBE stage activity served"),
        required=False,
        choices=[*EMPTY, *((code, f"{code} {label}") for code, label in Activity.choices)],
        help_text=_("Only for a contact with a KUBE; the activity is recorded on the group."),
    )
    activity_result = forms.ChoiceField(
        label=_("Result of the evaluation"),
        required=False,
        choices=[*EMPTY, *ActivityResult.choices],
        help_text=_("Only for an evaluation activity (T0.7, T1.7, T2.3, T3.6)."),
    )
    attendance = forms.TypedMultipleChoiceField(
        label=_("Who attended"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    attendance_shown = forms.BooleanField(required=False, widget=forms.HiddenInput)
    what_done = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("Problems found"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agreements = forms.CharField(label=_("Agreements"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_visit = forms.DateField(label=_("Next visit"), required=False, widget=DATE)
    latitude = forms.CharField(
        label=_("Latitude"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    longitude = forms.CharField(
        label=_("Longitude"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    photos = MultipleFileField(label=_("Photos"))

    def __init__(self, *args, actor, members_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4().hex
        self.kubes = {k.pk: k for k in kubes_for_contacts(actor=actor)}
        self.fields["kube"].choices = [*EMPTY, *((pk, f"{k.name} · {k.desa.name}") for pk, k in self.kubes.items())]
        if members_url:
            self.fields["kube"].widget.attrs.update(
                {"hx-get": members_url, "hx-trigger": "change", "hx-target": "#attendance", "hx-include": "this"}
            )
        self.fields["desa_code"].choices = [*EMPTY, *desa_choices(actor)]
        workers = list(workers_in_scope(actor=actor))
        self.workers = {u.pk: u for u in workers}
        for row in range(1, TASK_ROWS + 1):
            self.fields[f"task_title_{row}"] = forms.CharField(
                label=_("Follow-up task"), required=False, max_length=200
            )
            self.fields[f"task_assignee_{row}"] = forms.TypedChoiceField(
                label=_("Who does it"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Me")), *((u.pk, _user_label(u)) for u in workers)],
            )
            self.fields[f"task_due_{row}"] = forms.DateField(label=_("Due on"), required=False, widget=DATE)
        self.members = []
        kube = self.kubes.get(_pk(self.data.get("kube") if self.is_bound else self.initial.get("kube")))
        if kube is not None:
            self.members = kube_active_members(kube=kube)
        self.fields["attendance"].choices = [(m.pk, m.person.name) for m in self.members]

    def task_rows(self):
        return [
            (self[f"task_title_{row}"], self[f"task_assignee_{row}"], self[f"task_due_{row}"])
            for row in range(1, TASK_ROWS + 1)
        ]

    def attendance_checked(self) -> set[str]:
        value = self["attendance"].value() or []
        return {str(v) for v in value}

    def clean(self):
        data = super().clean()
        kind = data.get("target_kind")
        data["household"] = data["person"] = None
        if kind == TargetKind.KUBE:
            kube = self.kubes.get(data.get("kube"))
            if kube is None:
                self.add_error("kube", _("Choose the KUBE the contact was with."))
            data["kube_obj"] = kube
        elif kind in (TargetKind.HOUSEHOLD, TargetKind.PERSON):
            self._find_target(kind, data)
        elif kind == TargetKind.COMMUNITY and not data.get("desa_code"):
            self.add_error("desa_code", _("Choose the desa/kelurahan of the community."))
        tasks = []
        for row in range(1, TASK_ROWS + 1):
            title = (data.get(f"task_title_{row}") or "").strip()
            assignee = data.get(f"task_assignee_{row}")
            due_on = data.get(f"task_due_{row}")
            if not title and not due_on and assignee is None:
                continue
            if not title:
                self.add_error(f"task_title_{row}", _("Write what is to be done."))
            if not due_on:
                self.add_error(f"task_due_{row}", _("Give the due date."))
            if title and due_on:
                tasks.append({"title": title, "assignee": self.workers.get(assignee), "due_on": due_on})
        data["tasks"] = tasks
        return data

    def _find_target(self, kind: str, data: dict) -> None:
        number = clean_number(data.get("number"))
        if not number:
            self.add_error("number", _("Give the NIK or the No. KK."))
            return
        person = Person.objects.live().filter(nik=number).select_related("household").first()
        household = person.household if person else Household.objects.live().filter(no_kk=number).first()
        if kind == TargetKind.PERSON and person is None:
            self.add_error("number", _("No person with this NIK in the registry of your areas."))
        elif household is None or not user_covers(self.actor, household.desa_id, RECORD):
            self.add_error("number", _("No household or person with this number in the registry of your areas."))
        else:
            data["household"] = household
            data["person"] = person if kind == TargetKind.PERSON else None

    def values(self) -> dict:
        """The arguments of contacts.contact_record."""
        data = self.cleaned_data
        kind = data["target_kind"]
        attendance = None
        if kind == TargetKind.KUBE and data["method"] == Method.GROUPWORK and data.get("attendance_shown"):
            present = set(data.get("attendance") or [])
            attendance = {m.pk: m.pk in present for m in self.members}
        return {
            "contact_date": data["contact_date"],
            "target_kind": kind,
            "kube": data.get("kube_obj") if kind == TargetKind.KUBE else None,
            "household": data["household"],
            "person": data["person"],
            "desa_code": (data.get("desa_code") or "") if kind == TargetKind.COMMUNITY else "",
            "method": data["method"],
            "roles": data["roles"],
            "tks_roles": data["tks_roles"],
            "welfare_function": data["welfare_function"],
            "intervention_kind": data["intervention_kind"],
            "service_type": data["service_type"],
            "activity": data["activity"],
            "activity_result": data["activity_result"],
            "what_done": data["what_done"],
            "problems": data["problems"],
            "agreements": data["agreements"],
            "next_visit": data["next_visit"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "attendance": attendance,
            "photos": data["photos"],
            "tasks": data["tasks"],
            "idempotency_key": data["idempotency_key"],
        }


class AttendanceFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DATE)
    date_to = forms.DateField(label=_("Until"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return data


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("done", "done"), ("cancelled", "cancelled"), ("open", "open")])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class TaskForm(forms.Form):
    """A follow-up task set on its own: for a KUBE of the actor's areas or in a desa."""

    title = forms.CharField(label=_("Task"), max_length=200)
    kube = forms.TypedChoiceField(label=_("KUBE"), required=False, coerce=int, empty_value=None)
    desa_code = forms.ChoiceField(label=_("Desa/kelurahan (if not for a KUBE)"), required=False)
    assignee = forms.TypedChoiceField(label=_("Who does it"), required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.kubes = {k.pk: k for k in kubes_for_contacts(actor=actor)}
        self.fields["kube"].choices = [*EMPTY, *((pk, f"{k.name} · {k.desa.name}") for pk, k in self.kubes.items())]
        self.fields["desa_code"].choices = [*EMPTY, *desa_choices(actor)]
        self.workers = {u.pk: u for u in workers_in_scope(actor=actor)}
        self.fields["assignee"].choices = [("", _("Me")), *((pk, _user_label(u)) for pk, u in self.workers.items())]

    def clean(self):
        data = super().clean()
        if data.get("kube") is None and not data.get("desa_code"):
            self.add_error("desa_code", _("Choose a KUBE or a desa/kelurahan."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kube": self.kubes.get(data["kube"]),
            "desa_code": data.get("desa_code") or "",
            "assignee": self.workers.get(data["assignee"]) or self.actor,
            "due_on": data["due_on"],
        }
