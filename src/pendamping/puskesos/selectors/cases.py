"""Reads of cases, scoped to the actor's areas, with their ageing, and THE confidentiality rule of the desk.

Confidentiality (domain.md section 7, issue 7): a confidential note's text, and a confidential case's description
and components, are read only by
  - the author (of the note; of a case: the fasilitator who took it),
  - the supervising TKSK (a TKSK whose area covers the case's desa),
  - the admin (Admin Dinas Sosial of the kabupaten covering the desa), or a superuser.
Others who may see the case see that a confidential note exists, not its text. Every read of a confidential note's
text, and every view of a confidential case's content, is audited (puskesos.note_read, puskesos.case_read). Pages and
exports go through `may_read_case`, `may_read_note`, `case_content_read` and `notes_for_reader` only.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from pendamping.areas.vocab import subtree_q
from pendamping.core.audit import audit_record
from pendamping.core.scoping import get_in_scope_or_404, scoped, user_covers

from ..models import Case, CaseNote, CaseStatusChange
from ..services.cases import case_days_target
from ..vocab import OPEN_CASE_STATUSES, Sector

VIEW = "puskesos.view"
CASE_AREA = "desa__code"
# the roles that read what is confidential in the areas they cover: the TKSK and the admin
SUPERVISE = "puskesos.supervise"
CONTENT_FIELDS = (
    "description",
    "component_person",
    "component_problem",
    "component_place",
    "component_process",
    "assessment",
    "plan",
)


# -- the confidentiality rule -------------------------------------------------------------------------------------


def _supervises(actor, desa_code: str) -> bool:
    """A TKSK or an admin whose area covers the desa (a superuser too)."""
    return user_covers(actor, desa_code, capability=SUPERVISE)


def may_read_case(actor, case: Case) -> bool:
    """Whether the actor may read a case's description, components, assessment and plan."""
    if not case.confidential:
        return True
    return case.fasilitator_id == getattr(actor, "pk", None) or _supervises(actor, case.desa_id)


def may_read_note(actor, note: CaseNote, case: Case | None = None) -> bool:
    """Whether the actor may read a note's text (for a confidential one: its author, the supervisor, the admin)."""
    if not note.confidential:
        return True
    case = case or note.case
    return note.author_id == getattr(actor, "pk", None) or _supervises(actor, case.desa_id)


def case_content_read(*, actor, case: Case, where: str = "page") -> bool:
    """Whether the actor may read the case's content; a read of a confidential case's content is audited."""
    allowed = may_read_case(actor, case)
    if allowed and case.confidential:
        audit_record(actor=actor, action="puskesos.case_read", obj=case, area_code=case.desa_id, reason=where)
    return allowed


@dataclass
class NoteView:
    note: CaseNote
    readable: bool

    @property
    def text(self) -> str | None:
        return self.note.text if self.readable else None


def notes_for_reader(*, actor, case: Case, where: str = "page") -> list[NoteView]:
    """The case's notes as the actor may see them: each confidential text read is audited (puskesos.note_read)."""
    views = []
    for note in case.notes.select_related("author", "contact").order_by("created_at", "pk"):
        readable = may_read_note(actor, note, case)
        if readable and note.confidential:
            audit_record(actor=actor, action="puskesos.note_read", obj=note, area_code=case.desa_id, reason=where)
        views.append(NoteView(note=note, readable=readable))
    return views


# -- lists --------------------------------------------------------------------------------------------------------


@dataclass
class CaseFilter:
    status: str = ""
    sector: str = ""
    area: str = ""
    overdue: bool = False
    q: str = ""


def overdue_q(today: datetime.date | None = None) -> Q:
    """Open cases older than their sector's target time."""
    today = today or timezone.localdate()
    late = Q()
    for sector in Sector.values:
        late |= Q(sector=sector, received_on__lt=today - datetime.timedelta(days=case_days_target(sector)))
    return Q(status__in=OPEN_CASE_STATUSES) & late


def cases_visible(*, actor, filters: CaseFilter | None = None, capability: str = VIEW) -> QuerySet[Case]:
    filters = filters or CaseFilter()
    cases = scoped(Case.objects.all(), actor, CASE_AREA, capability)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.sector:
        cases = cases.filter(sector=filters.sector)
    if filters.area:
        cases = cases.filter(subtree_q(filters.area, CASE_AREA))
    if filters.overdue:
        cases = cases.filter(overdue_q())
    q = filters.q.strip()
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(person__name__icontains=q))
    return cases.select_related("desa", "person", "household", "fasilitator").order_by("-received_on", "-pk")


def case_get(*, actor, pk, capability: str = VIEW) -> Case:
    return get_in_scope_or_404(
        Case.objects.select_related("desa", "person", "household", "fasilitator", "reviewed_by"),
        actor,
        CASE_AREA,
        capability,
        pk=pk,
    )


@dataclass
class Ageing:
    days_open: int
    target_days: int
    overdue: bool


def case_ageing(case: Case, today: datetime.date | None = None) -> Ageing:
    today = today or timezone.localdate()
    end = case.closed_on or today
    days = (end - case.received_on).days
    target = case_days_target(case.sector)
    return Ageing(days_open=days, target_days=target, overdue=case.status in OPEN_CASE_STATUSES and days > target)


def with_ageing(cases, today: datetime.date | None = None):
    """Set `.ageing` on each case of an evaluated page or list."""
    today = today or timezone.localdate()
    for case in cases:
        case.ageing = case_ageing(case, today)
    return cases


def case_status_history(*, case: Case) -> QuerySet[CaseStatusChange]:
    return case.status_changes.select_related("actor").order_by("at", "pk")


def case_contacts(*, case: Case):
    """The mentoring contacts with the case's person or household (its interventions)."""
    from pendamping.mentoring.models import Contact

    return (
        Contact.objects.filter(Q(person_id=case.person_id) | Q(household_id=case.household_id), deleted_at__isnull=True)
        .select_related("worker")
        .order_by("-contact_date", "-pk")[:50]
    )


def case_export_rows(*, actor, filters: CaseFilter, capability: str = "puskesos.export"):
    """Rows of the export: a confidential case's description only for those who may read it (each such read is
    audited)."""
    today = timezone.localdate()
    for case in cases_visible(actor=actor, filters=filters, capability=capability).iterator(chunk_size=500):
        readable = case_content_read(actor=actor, case=case, where="export")
        ageing = case_ageing(case, today)
        yield case, readable, ageing


# -- intake -------------------------------------------------------------------------------------------------------

PERSON_AREA = "household__desa__code"


def _intake_people(actor):
    from pendamping.registry.models import Person

    people = Person.objects.filter(deleted_at__isnull=True, household__deleted_at__isnull=True)
    return scoped(people, actor, PERSON_AREA, "puskesos.intake").select_related("household", "household__desa")


def intake_person_find(*, actor, nik: str):
    """The living person with this NIK in the actor's areas, with their household (DTKS/DTSEN status), or None."""
    return _intake_people(actor).filter(nik=nik).first()


def intake_person_get(*, actor, pk):
    """A person chosen at intake (posted by its key), in the actor's areas, else 404."""
    from django.http import Http404

    try:
        return _intake_people(actor).get(pk=pk)
    except (ValueError, TypeError, _intake_people(actor).model.DoesNotExist):
        raise Http404 from None


def person_open_cases(*, actor, person) -> QuerySet[Case]:
    """The person's open cases in the actor's areas (shown at intake, so that a request is not opened twice)."""
    return cases_visible(actor=actor).filter(person=person, status__in=OPEN_CASE_STATUSES)
