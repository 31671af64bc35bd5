"""Probable duplicates in the registry, for a person to review and merge (services.person_merge).

Two rules, both on the normalised name (case, accents and spacing ignored, registry.text.normalize_name):
- the same name and date of birth within one kabupaten, under different NIKs (one person registered twice, often
  with a mistyped or an old NIK);
- the same name twice on one family card (a member entered twice).

Only pairs whose two records both lie inside the user's areas are listed: a TKSK does not see a record of another
kecamatan through its twin in their own. The merge needs the `registry.merge` capability on both.

A pair that someone checked and found to be two people (services.duplicate_dismiss, a DuplicateDismissal row) is no
longer listed; each of its records may still pair with a third.
"""

import itertools
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from pendamping.core.scoping import scoped

from .models import DuplicateDismissal, Person
from .selectors import PERSON_AREA, VIEW

SAME_NAME_AND_BIRTH_DATE = "nama_tanggal_lahir_sama"
SAME_NAME_IN_HOUSEHOLD = "nama_sama_dalam_kk"
RULE_LABELS = {
    SAME_NAME_AND_BIRTH_DATE: _("Same name and date of birth in one kabupaten, different NIK"),
    SAME_NAME_IN_HOUSEHOLD: _("Same name twice on one family card"),
}


@dataclass(frozen=True)
class Candidate:
    """A pair of live records that may be one person; `first` is the older record."""

    first: Person
    second: Person
    rule: str

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS[self.rule])


def _people(actor, capability: str) -> QuerySet[Person]:
    return scoped(Person.objects.live(), actor, PERSON_AREA, capability)


def _dismissed_pairs(actor, capability: str) -> set[tuple[int, int]]:
    """The (lower key, higher key) pairs found to be two people, among the records in the actor's areas (a pair of
    which one record lies outside is never listed anyway)."""
    dismissals = scoped(DuplicateDismissal.objects.all(), actor, "person_a__" + PERSON_AREA, capability)
    return set(dismissals.values_list("person_a_id", "person_b_id"))


def duplicate_candidates(*, actor, capability: str = VIEW) -> list[Candidate]:
    """Every probable duplicate pair inside the actor's areas, by desa and name."""
    people = _people(actor, capability).annotate(kabupaten=Substr("household__desa_id", 1, 5))
    twin_in_kabupaten = (
        _people(actor, capability)
        .annotate(kabupaten=Substr("household__desa_id", 1, 5))
        .filter(
            name_normalized=OuterRef("name_normalized"),
            birth_date=OuterRef("birth_date"),
            kabupaten=OuterRef("kabupaten"),
        )
        .exclude(pk=OuterRef("pk"))
    )
    twin_in_household = (
        _people(actor, capability)
        .filter(household_id=OuterRef("household_id"), name_normalized=OuterRef("name_normalized"))
        .exclude(pk=OuterRef("pk"))
    )
    found = list(
        people.filter(Exists(twin_in_kabupaten) | Exists(twin_in_household))
        .select_related("household", "household__desa")
        .order_by("pk")
    )
    pairs: dict[tuple[int, int], Candidate] = {}
    groups: dict[tuple, list[Person]] = {}
    for person in found:
        groups.setdefault(
            (SAME_NAME_AND_BIRTH_DATE, person.name_normalized, person.birth_date, person.kabupaten), []
        ).append(person)
        groups.setdefault((SAME_NAME_IN_HOUSEHOLD, person.name_normalized, person.household_id), []).append(person)
    dismissed = _dismissed_pairs(actor, capability) if found else set()
    for key, members in groups.items():
        for first, second in itertools.combinations(members, 2):
            if (first.pk, second.pk) not in dismissed:
                pairs.setdefault((first.pk, second.pk), Candidate(first, second, key[0]))
    return sorted(
        pairs.values(), key=lambda c: (c.first.household.desa_id, c.first.name_normalized, c.first.pk, c.second.pk)
    )


def matching_rule(first: Person, second: Person) -> str | None:
    """The rule by which two records look like one person, or None."""
    if first.pk == second.pk:
        return None
    if first.name_normalized != second.name_normalized:
        return None
    if first.household_id == second.household_id:
        return SAME_NAME_IN_HOUSEHOLD if first.birth_date != second.birth_date else SAME_NAME_AND_BIRTH_DATE
    if first.birth_date == second.birth_date and first.household.desa_id[:5] == second.household.desa_id[:5]:
        return SAME_NAME_AND_BIRTH_DATE
    return None
