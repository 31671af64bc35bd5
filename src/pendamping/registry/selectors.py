"""Every read of the registry a user triggers, limited to the actor's areas.

A household is scoped by its desa, a person by their household's desa, an audit event by its area. Lists hold live
records only: a soft-deleted household or a merged person stays in the database and in the audit log, and shows up
only as the history of the record it was merged into.

A removed (soft-deleted) household or person, not merged, is shown to those who may edit its desa: on the list of
removed records (`removed_households`, `removed_people`) and on its own page (`household_page_get`,
`person_page_get`), from where it can be restored.

Search (`q`): 16 digits (after spaces, dots and dashes are dropped) are a NIK or a No. KK, matched exactly, a No. KK
also among the old numbers of a household; anything else is a name, matched case- and accent-insensitively as a part
of any member's name.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel, covers, subtree_q
from pendamping.core.models import AuditEvent
from pendamping.core.scoping import get_in_scope_or_404, scope_codes, scope_q, scoped

from .models import Household, KkHistory, Person, PersonPpks
from .nik import clean_number
from .text import normalize_name
from .vocab import ChecklistKind, Relation

VIEW = "registry.view"
EDIT = "registry.edit"
HOUSEHOLD_AREA = "desa__code"
PERSON_AREA = "household__desa__code"
RELATION_ORDER = {value: index for index, value in enumerate(Relation.values)}
AREA_CHOICES_MAX = 600  # beyond this many desa, the area filter offers kecamatan (then kabupaten) instead


@dataclass(frozen=True)
class HouseholdFilter:
    """What the household list is filtered by. None: no filter; "" for pkh_status or poverty_class is a value
    (not a PKH family, not assessed)."""

    q: str = ""
    desa: str = ""
    desil: int | None = None
    pkh_status: str | None = None
    poverty_class: str | None = None

    def as_dict(self) -> dict:
        return {
            "q": self.q,
            "desa": self.desa,
            "desil": self.desil,
            "pkh_status": self.pkh_status,
            "poverty_class": self.poverty_class,
        }


@dataclass(frozen=True)
class PersonFilter:
    q: str = ""
    desa: str = ""
    ppks: str = ""
    sex: str = ""

    def as_dict(self) -> dict:
        return {"q": self.q, "desa": self.desa, "ppks": self.ppks, "sex": self.sex}


def search_number(q: str) -> str | None:
    """The 16-digit number a search stands for, or None when it is a name."""
    number = clean_number(q)
    return number if number.isdigit() and len(number) == 16 else None


def _households_with_number(number: str) -> list[int]:
    """The households a 16-digit number names: by their No. KK (now or before) or by a member's NIK. Looked up first
    (three index probes) so that the list then filters by a few ids: an OR of subqueries across the joined tables
    made PostgreSQL walk a whole index of the user's area for a search that finds one family."""
    return list(
        Household.objects.filter(no_kk=number)
        .order_by()
        .values_list("pk", flat=True)
        .union(KkHistory.objects.filter(no_kk=number).order_by().values_list("household_id", flat=True))
        .union(Person.objects.live().filter(nik=number).order_by().values_list("household_id", flat=True))
    )


def _households_matching(q: str) -> Q:
    """Households that a search names: by a member's NIK, by their No. KK (now or before) or by a member's name."""
    number = search_number(q)
    if number is not None:
        return Q(pk__in=_households_with_number(number))
    name = normalize_name(q)
    if not name:
        return Q()
    return Q(pk__in=Person.objects.live().filter(name_normalized__contains=name).values("household_id"))


def _people_matching(q: str) -> Q:
    number = search_number(q)
    if number is not None:
        # the person of that NIK, or the members of the household of that No. KK (now or before)
        kk = list(
            Household.objects.filter(no_kk=number)
            .order_by()
            .values_list("pk", flat=True)
            .union(KkHistory.objects.filter(no_kk=number).order_by().values_list("household_id", flat=True))
        )
        return Q(nik=number) | Q(household_id__in=kk)
    name = normalize_name(q)
    return Q(name_normalized__contains=name) if name else Q()


def households_visible(*, actor, filters: HouseholdFilter | None = None, capability: str = VIEW) -> QuerySet:
    """The live households in the actor's areas that match the filter, each with its head(s) and its size."""
    filters = filters or HouseholdFilter()
    households = scoped(Household.objects.live(), actor, HOUSEHOLD_AREA, capability)
    if filters.q.strip():
        households = households.filter(_households_matching(filters.q))
    if filters.desa:
        households = households.filter(subtree_q(filters.desa, HOUSEHOLD_AREA))
    if filters.desil is not None:
        households = households.filter(desil=filters.desil)
    if filters.pkh_status is not None:
        households = households.filter(pkh_status=filters.pkh_status)
    if filters.poverty_class is not None:
        households = households.filter(poverty_class=filters.poverty_class)
    size = (
        Person.objects.live()
        .filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        households.select_related("desa")
        .annotate(member_count=Coalesce(Subquery(size, output_field=IntegerField()), Value(0)))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Person.objects.live().filter(relation=Relation.KEPALA_KELUARGA).order_by("pk"),
                to_attr="heads",
            )
        )
        .order_by("desa_id", "no_kk", "pk")
    )


def household_export_rows(*, actor, filters: HouseholdFilter, capability: str = "registry.export"):
    """The households of the list, as tuples for the export (in chunks: memory does not grow with the list)."""
    head = Person.objects.live().filter(household=OuterRef("pk"), relation=Relation.KEPALA_KELUARGA).order_by("pk")
    rows = (
        households_visible(actor=actor, filters=filters, capability=capability)
        .prefetch_related(None)
        .annotate(head_nik=Subquery(head.values("nik")[:1]), head_name=Subquery(head.values("name")[:1]))
    )
    return rows.iterator(chunk_size=2000)


def household_get(*, actor, pk, capability: str = VIEW) -> Household:
    return get_in_scope_or_404(
        Household.objects.live().select_related("desa", "desa__parent"), actor, HOUSEHOLD_AREA, capability, pk=pk
    )


def _shown(model, actor, field: str) -> QuerySet:
    """Records whose page the actor may open: live ones in their registry.view areas, removed ones (not merged) in
    their registry.edit areas."""
    live = Q(deleted_at__isnull=True) & scope_q(scope_codes(actor, VIEW), field)
    removed = Q(deleted_at__isnull=False) & scope_q(scope_codes(actor, EDIT), field)
    if model is Person:
        removed &= Q(merged_into__isnull=True)
    return model.objects.filter(live | removed)


def household_page_get(*, actor, pk) -> Household:
    """The household of a page: live and visible to the actor, or removed and in an area they may edit."""
    return get_in_scope_or_404(
        _shown(Household, actor, HOUSEHOLD_AREA).select_related("desa", "desa__parent"), actor, HOUSEHOLD_AREA, pk=pk
    )


def household_removed_get(*, actor, pk) -> Household:
    """A removed household in the actor's registry.edit areas (to restore it)."""
    return get_in_scope_or_404(
        Household.objects.filter(deleted_at__isnull=False).select_related("desa"), actor, HOUSEHOLD_AREA, EDIT, pk=pk
    )


def _removed_with_household() -> Q:
    """People removed in the same instant as their (still removed) household: they come back with it."""
    return Q(household__deleted_at__isnull=False, deleted_at=F("household__deleted_at"))


def removed_households(*, actor) -> QuerySet[Household]:
    """Removed households in the actor's registry.edit areas, the last removed first, each with the number of members
    that come back with it."""
    returning = (
        Person.objects.filter(household=OuterRef("pk"), deleted_at=OuterRef("deleted_at"), merged_into__isnull=True)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        scoped(Household.objects.filter(deleted_at__isnull=False), actor, HOUSEHOLD_AREA, EDIT)
        .select_related("desa")
        .annotate(member_count=Coalesce(Subquery(returning, output_field=IntegerField()), Value(0)))
        .order_by("-deleted_at", "-pk")
    )


def removed_people(*, actor) -> QuerySet[Person]:
    """People removed on their own (not merged, not removed with their household, which lists them) in the actor's
    registry.edit areas, the last removed first."""
    return (
        scoped(Person.objects.filter(deleted_at__isnull=False, merged_into__isnull=True), actor, PERSON_AREA, EDIT)
        .exclude(_removed_with_household())
        .select_related("household", "household__desa")
        .order_by("-deleted_at", "-pk")
    )


def household_members(*, household: Household) -> list[Person]:
    """The live members, the head first, each with their PPKS (newest first) and the records merged into them. Of a
    removed household: the members removed with it (who come back when it is restored)."""
    if household.deleted_at is None:
        members = household.members.live()
    else:
        members = household.members.filter(deleted_at=household.deleted_at, merged_into__isnull=True)
    members = list(
        members.prefetch_related(
            Prefetch("ppks", queryset=PersonPpks.objects.order_by("-assessed_on", "category", "pk")),
            Prefetch("merged_from", queryset=Person.objects.order_by("pk")),
        )
    )
    return sorted(members, key=lambda p: (RELATION_ORDER.get(p.relation, 99), p.birth_date, p.pk))


def household_kk_history(*, household: Household) -> QuerySet[KkHistory]:
    return household.kk_history.order_by("-valid_from", "-pk")


def household_checklists(*, household: Household) -> dict:
    """{"latest": [the newest checklist of each kind], "history": [all, newest first]}."""
    history = list(household.checklists.order_by("-assessed_on", "-pk"))
    latest = {}
    for checklist in history:
        latest.setdefault(checklist.kind, checklist)
    return {"latest": [latest[kind] for kind in ChecklistKind.values if kind in latest], "history": history}


def _events(actor, object_type: str, ids) -> QuerySet[AuditEvent]:
    """Audit events of records the actor may see: read with the registry's scope, not the audit log's, since the change
    history of a record in one's area belongs to whoever may see the record."""
    return scoped(AuditEvent.objects.all(), actor, "area_code", VIEW).filter(
        object_type=object_type, object_id__in=[str(pk) for pk in ids]
    )


def household_history(*, actor, household: Household, limit: int = 100) -> list[AuditEvent]:
    """The changes of the household and of everyone who is or was on its card, newest first."""
    member_ids = list(Person.objects.filter(household=household).values_list("pk", flat=True))
    events = _events(actor, "registry.household", [household.pk]) | _events(actor, "registry.person", member_ids)
    return list(events.order_by("-at", "-pk")[:limit])


def people_visible(*, actor, filters: PersonFilter | None = None, capability: str = VIEW) -> QuerySet[Person]:
    filters = filters or PersonFilter()
    people = scoped(Person.objects.live(), actor, PERSON_AREA, capability)
    if filters.q.strip():
        people = people.filter(_people_matching(filters.q))
    if filters.desa:
        people = people.filter(subtree_q(filters.desa, PERSON_AREA))
    if filters.ppks:
        people = people.filter(
            pk__in=PersonPpks.objects.filter(category=filters.ppks, ended_on__isnull=True).values("person_id")
        )
    if filters.sex:
        people = people.filter(sex=filters.sex)
    return (
        people.select_related("household", "household__desa")
        .prefetch_related(
            Prefetch("ppks", queryset=PersonPpks.objects.filter(ended_on__isnull=True).order_by("category"))
        )
        .order_by("household__desa_id", "household__no_kk", "name_normalized", "pk")
    )


def person_export_rows(*, actor, filters: PersonFilter, capability: str = "registry.export"):
    return people_visible(actor=actor, filters=filters, capability=capability).iterator(chunk_size=2000)


def person_get(*, actor, pk, capability: str = VIEW) -> Person:
    return get_in_scope_or_404(
        Person.objects.live().select_related("household", "household__desa"), actor, PERSON_AREA, capability, pk=pk
    )


def person_page_get(*, actor, pk) -> Person:
    """The person of a page: live and visible to the actor, or removed (not merged) in an area they may edit."""
    return get_in_scope_or_404(
        _shown(Person, actor, PERSON_AREA).select_related("household", "household__desa"), actor, PERSON_AREA, pk=pk
    )


def person_removed_get(*, actor, pk) -> Person:
    """A removed person, not merged, in the actor's registry.edit areas (to restore them)."""
    return get_in_scope_or_404(
        Person.objects.filter(deleted_at__isnull=False, merged_into__isnull=True).select_related(
            "household", "household__desa"
        ),
        actor,
        PERSON_AREA,
        EDIT,
        pk=pk,
    )


def person_ppks(*, person: Person) -> QuerySet[PersonPpks]:
    return person.ppks.select_related("recorded_by").order_by("-assessed_on", "category", "pk")


def person_history(*, actor, person: Person, limit: int = 100) -> list[AuditEvent]:
    return list(_events(actor, "registry.person", [person.pk]).order_by("-at", "-pk")[:limit])


def person_merged_records(*, actor, person: Person) -> list[dict]:
    """The records merged into this person (and into those, and so on), each with its PPKS and its own history."""
    found: list[Person] = []
    frontier = [person.pk]
    while frontier:
        batch = list(
            Person.objects.filter(merged_into_id__in=frontier)
            .select_related("household", "household__desa")
            .prefetch_related(Prefetch("ppks", queryset=PersonPpks.objects.order_by("-assessed_on", "pk")))
            .order_by("pk")
        )
        batch = [p for p in batch if p not in found and p.pk != person.pk]
        found += batch
        frontier = [p.pk for p in batch]
    events: dict[int, list[AuditEvent]] = defaultdict(list)
    for event in _events(actor, "registry.person", [p.pk for p in found]).order_by("-at", "-pk"):
        events[int(event.object_id)].append(event)
    return [{"person": p, "events": events[p.pk]} for p in found]


def area_filter_choices(*, actor, capability: str = VIEW) -> list:
    """The areas the lists can be narrowed to, grouped: each kecamatan ("all its desa") with its desa, for a scope of
    up to AREA_CHOICES_MAX desa; a wider scope gets kabupaten with their kecamatan (a province, the nation: provinces
    with their kabupaten). Only areas inside the scope."""
    codes = scope_codes(actor, capability)
    steps = [
        (AreaLevel.KECAMATAN, AreaLevel.DESA),
        (AreaLevel.KABUPATEN, AreaLevel.KECAMATAN),
        (AreaLevel.PROVINSI, AreaLevel.KABUPATEN),
    ]
    for upper, lower in steps:
        lower_areas = Area.objects.filter(scope_q(codes, "code"), level=lower)
        if lower_areas.count() <= AREA_CHOICES_MAX or upper == AreaLevel.PROVINSI:
            break
    lower_list = list(lower_areas.order_by("code").only("code", "name", "level", "parent_id"))
    parents = {a.code: a for a in Area.objects.filter(code__in={a.parent_id for a in lower_list})}
    groups: dict[str, list] = {}
    for area in lower_list:
        parent = parents.get(area.parent_id)
        label = parent.display_name if parent else area.parent_id
        options = groups.setdefault(label, [])
        if not options and parent and (codes is None or any(covers(code, parent.code) for code in codes)):
            options.append((parent.code, _("%(area)s, all") % {"area": parent.display_name}))
        options.append((area.code, area.display_name))
    return list(groups.items())
