"""Forms of the registry pages. They only turn what was typed into Python values: every rule is in the services
(through `rules` and `nik`), whose errors are shown beside the field they name (core.forms.add_service_errors)."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.areas.vocab import is_valid_code
from pendamping.core.scoping import user_covers

from .nik import clean_number
from .selectors import VIEW, HouseholdFilter, PersonFilter, area_filter_choices
from .vocab import (
    CHECKLIST_ITEMS,
    BasicNeed,
    ChecklistKind,
    Disability,
    Education,
    KkChangeReason,
    MaritalStatus,
    PkhStatus,
    PovertyClass,
    Ppks,
    Relation,
    Sex,
)

NONE = "none"  # the filter value for a blank choice that is a value: not a PKH family, not assessed
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank_first(choices, blank_label):
    """Choices with a leading "—" that stands for blank (the vocab's own blank choice, if any, is dropped)."""
    return [("", blank_label), *[(value, label) for value, label in choices if value != ""]]


class AreaFilterField(forms.CharField):
    """An area code inside the user's scope, offered as a select of the areas they may narrow the list to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=forms.Select, required=False, max_length=13, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if value and not is_valid_code(value):
            raise forms.ValidationError(_("%(code)s is not an area code (e.g. 32.02.19).") % {"code": value})
        return value


class _ListFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search NIK, No. KK or name"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "search"}),
    )
    desa = AreaFilterField(label=_("Desa"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        choices = area_filter_choices(actor=actor)
        self.fields["desa"].widget.choices = [("", _("All my areas")), *choices]
        self.area_choice_count = sum(len(options) for _label, options in choices)

    def clean_q(self):
        q = " ".join(self.cleaned_data["q"].split())
        number = clean_number(q)
        if number.isdigit() and len(number) != 16:
            raise forms.ValidationError(
                _("A NIK or No. KK has 16 digits; %(n)s were typed."), params={"n": len(number)}, code="digits"
            )
        return q

    def clean_desa(self):
        code = self.cleaned_data["desa"]
        if code and not user_covers(self.actor, code, VIEW):
            raise forms.ValidationError(_("%(code)s is outside your areas.") % {"code": code}, code="scope")
        return code


class HouseholdFilterForm(_ListFilterForm):
    desil = forms.TypedChoiceField(
        label=_("Desil"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All")), *[(str(n), str(n)) for n in range(1, 11)]],
    )
    pkh_status = forms.ChoiceField(
        label=_("PKH status"),
        required=False,
        choices=[("", _("All")), (NONE, PkhStatus.BUKAN.label), *[c for c in PkhStatus.choices if c[0]]],
    )
    poverty_class = forms.ChoiceField(
        label=_("Poverty by need"),
        required=False,
        choices=[
            ("", _("All")),
            *[c for c in PovertyClass.choices if c[0]],
            (NONE, PovertyClass.BELUM_DINILAI.label),
        ],
    )

    def filters(self) -> HouseholdFilter:
        """The filter the form holds (an invalid form filters nothing out but shows its errors)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}

        def choice(name):
            value = data.get(name) or ""
            return None if value == "" else ("" if value == NONE else value)

        return HouseholdFilter(
            q=data.get("q", ""),
            desa=data.get("desa", ""),
            desil=data.get("desil"),
            pkh_status=choice("pkh_status"),
            poverty_class=choice("poverty_class"),
        )


class PersonFilterForm(_ListFilterForm):
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", _("All")), *Sex.choices])
    ppks = forms.ChoiceField(
        label=_("PPKS category"),
        required=False,
        choices=[("", _("All")), *[(value, f"{value} {label}") for value, label in Ppks.choices]],
    )

    def filters(self) -> PersonFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return PersonFilter(
            q=data.get("q", ""), desa=data.get("desa", ""), ppks=data.get("ppks", ""), sex=data.get("sex", "")
        )


class HouseholdForm(forms.Form):
    """The fields of a household (its No. KK only when it is registered: later it changes through a KK change)."""

    desa_code = forms.CharField(label=_("Desa/kelurahan"), max_length=13)
    dusun = forms.CharField(label=_("Dusun"), max_length=100, required=False)
    rt = forms.CharField(
        label=_("RT"), max_length=3, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    rw = forms.CharField(
        label=_("RW"), max_length=3, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    alamat = forms.CharField(label=_("Address"), max_length=200, required=False)
    id_dtks = forms.CharField(label=_("ID DTKS"), max_length=50, required=False)
    desil = forms.IntegerField(label=_("Desil DTSEN (1-10)"), required=False)
    desil_period = forms.CharField(
        label=_("Desil period"), max_length=7, required=False, help_text=_("Year and quarter, e.g. 2026-Q3")
    )
    padan_dukcapil = forms.BooleanField(label=_("Matched to Dukcapil (padan)"), required=False)
    pkh_status = forms.ChoiceField(label=_("PKH status"), choices=PkhStatus.choices, required=False)
    sembako = forms.BooleanField(label=_("Sembako/BPNT"), required=False)
    pbi_jk = forms.BooleanField(label=_("PBI-JK"), required=False)
    purnabina_kat = forms.BooleanField(label=_("Purnabina KAT"), required=False)
    purnabina_lain = forms.CharField(label=_("Other purnabina program"), max_length=200, required=False)
    kube_aid_year = forms.IntegerField(label=_("Earlier KUBE aid (year)"), required=False)
    monthly_income = forms.IntegerField(
        label=_("Monthly income (Rp)"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    basic_needs_cost = forms.IntegerField(
        label=_("Monthly basic needs cost (Rp)"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    unmet_needs = forms.MultipleChoiceField(
        label=_("Unmet basic needs"), choices=BasicNeed.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Reason or source of the data"), max_length=500, required=False)

    HOUSEHOLD_FIELDS = [
        "desa_code",
        "dusun",
        "rt",
        "rw",
        "alamat",
        "id_dtks",
        "desil",
        "desil_period",
        "padan_dukcapil",
        "pkh_status",
        "sembako",
        "pbi_jk",
        "purnabina_kat",
        "purnabina_lain",
        "kube_aid_year",
        "monthly_income",
        "basic_needs_cost",
        "unmet_needs",
    ]

    def household_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.HOUSEHOLD_FIELDS if name in self.cleaned_data}

    @staticmethod
    def initial_from(household) -> dict:
        initial = {name: getattr(household, name) for name in HouseholdForm.HOUSEHOLD_FIELDS if name != "desa_code"}
        initial["desa_code"] = household.desa_id
        return initial


class HouseholdUpdateForm(HouseholdForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


PERSON_FIELDS = [
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relation",
    "marital_status",
    "education",
    "occupation",
    "asn_tni_polri_pensiunan",
    "main_breadwinner",
    "disability",
    "phone",
]


class PersonForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE)
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Relation.choices)
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=_blank_first(MaritalStatus.choices, "—"), required=False
    )
    education = forms.ChoiceField(label=_("Education"), choices=_blank_first(Education.choices, "—"), required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    asn_tni_polri_pensiunan = forms.BooleanField(label=_("ASN/TNI/Polri/pensiunan"), required=False)
    main_breadwinner = forms.BooleanField(label=_("Main breadwinner of the family"), required=False)
    disability = forms.ChoiceField(label=_("Disability"), choices=Disability.choices, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    reason = forms.CharField(label=_("Reason or source of the data"), max_length=500, required=False)

    def person_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS if name in self.fields}

    @staticmethod
    def initial_from(person) -> dict:
        return {name: getattr(person, name) for name in PERSON_FIELDS}


class PersonUpdateForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class HouseholdCreateForm(HouseholdForm):
    """A new family card and its head (kepala keluarga), who is its first member."""

    no_kk = forms.CharField(
        label=_("No. KK"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    kk_since = forms.DateField(label=_("No. KK valid since"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in PersonForm.base_fields.items():
            if name in ("relation", "reason"):
                continue
            self.fields[f"head_{name}"] = copy.deepcopy(field)

    def head_values(self) -> dict:
        return {name: self.cleaned_data[f"head_{name}"] for name in PERSON_FIELDS if f"head_{name}" in self.fields}

    def household_values(self) -> dict:
        return {**super().household_values(), "no_kk": self.cleaned_data["no_kk"]}

    def head_fields(self):
        return [self[name] for name in self.fields if name.startswith("head_")]


class KkChangeForm(forms.Form):
    no_kk = forms.CharField(
        label=_("New No. KK"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    change_reason = forms.ChoiceField(
        label=_("Why it changed"),
        choices=_blank_first([c for c in KkChangeReason.choices if c[0] != KkChangeReason.PERTAMA], "—"),
    )
    changed_on = forms.DateField(label=_("New card valid since"), widget=DATE)
    reason = forms.CharField(label=_("Notes"), max_length=500, required=False)


class PpksForm(forms.Form):
    category = forms.ChoiceField(
        label=_("PPKS category"), choices=[("", "—"), *[(v, f"{v} {label}") for v, label in Ppks.choices]]
    )
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    source = forms.CharField(
        label=_("Source of the assessment"),
        max_length=200,
        help_text=_("Who assessed it, e.g. home visit by the TKSK, Puskesos intake, DTKS"),
    )
    reason = forms.CharField(label=_("Notes"), max_length=500, required=False)


class ChecklistForm(forms.Form):
    items = forms.MultipleChoiceField(label=_("Criteria met"), required=False, widget=forms.CheckboxSelectMultiple)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    assessor_name = forms.CharField(
        label=_("Assessor"), max_length=150, required=False, help_text=_("Blank: your own name")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = ChecklistKind(kind)
        self.fields["items"].choices = [
            (value, f"{int(value)}. {label}") for value, label in CHECKLIST_ITEMS[self.kind].choices
        ]


class DeleteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RestoreForm(forms.Form):
    reason = forms.CharField(label=_("Reason for restoring"), max_length=300)


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why these are two different people"),
        max_length=300,
        help_text=_("For example: twins, or namesakes with different parents (checked with the family cards)."),
    )


class MergeForm(forms.Form):
    keep = forms.ChoiceField(label=_("Keep this record"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason for the merge"), max_length=300)

    def __init__(self, *args, first, second, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(p.pk), f"{p.name} · NIK {p.nik}") for p in (first, second)]
