"""Reads of contacts, attendance, follow-up tasks and the groups left without a contact, scoped to the actor's areas.

Attendance rate of a member over a period: the group sessions (groupwork contacts with the KUBE where attendance was
taken) at which the member was present, out of the sessions held while the person was an active member (from the
day they joined to the day they left). The group's rate is the sum of the members' present sessions out of the sum
of their sessions. A member below MENTORING_ATTENDANCE_THRESHOLD_PERCENT is flagged.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from pendamping.accounts.permissions import roles_for
from pendamping.areas.vocab import subtree_q
from pendamping.core.scoping import get_in_scope_or_404, scope_codes, scope_q, scoped
from pendamping.kube.models import Kube, KubeMember
from pendamping.kube.vocab import KubeStatus, Stage

from ..models import Attendance, Contact, ContactPhoto, ContactRole, FollowUpTask
from ..vocab import Method, RoleScheme, TaskStatus

VIEW = "mentoring.view"
RECORD = "mentoring.record"
CONTACT_AREA = "desa__code"


def _setting(name: str, default):
    return settings.PENDAMPING.get(name, default)


# ---------------------------------------------------------------------------------------------------- contacts


@dataclass
class ContactFilter:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    area: str = ""
    worker: int | None = None
    kube: int | None = None
    method: str = ""


def contacts_visible(*, actor, filters: ContactFilter | None = None, capability: str = VIEW) -> QuerySet[Contact]:
    """The contacts (not removed) in the actor's areas matching the filter, newest first, with what a list shows."""
    filters = filters or ContactFilter()
    contacts = scoped(Contact.objects.filter(deleted_at__isnull=True), actor, CONTACT_AREA, capability)
    if filters.date_from:
        contacts = contacts.filter(contact_date__gte=filters.date_from)
    if filters.date_to:
        contacts = contacts.filter(contact_date__lte=filters.date_to)
    if filters.area:
        contacts = contacts.filter(subtree_q(filters.area, CONTACT_AREA))
    if filters.worker:
        contacts = contacts.filter(worker_id=filters.worker)
    if filters.kube:
        contacts = contacts.filter(kube_id=filters.kube)
    if filters.method:
        contacts = contacts.filter(method=filters.method)
    present = (
        Attendance.objects.filter(contact=OuterRef("pk"), present=True)
        .order_by()
        .values("contact")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        contacts.select_related("worker", "kube", "household", "person", "desa")
        .prefetch_related(Prefetch("roles", queryset=ContactRole.objects.order_by("scheme", "code")))
        # a subquery, not a grouped join: the page's rows are sorted and cut first, then counted (25, not all)
        .annotate(present_count=Coalesce(Subquery(present), 0))
        .order_by("-contact_date", "-pk")
    )


def contact_get(*, actor, pk, capability: str = VIEW) -> Contact:
    """A contact in the actor's areas, with its roles, attendance, photos and tasks (a 404 otherwise)."""
    return get_in_scope_or_404(
        Contact.objects.filter(deleted_at__isnull=True)
        .select_related("worker", "kube", "household", "person", "desa", "activity_record", "recorded_by")
        .prefetch_related(
            Prefetch("roles", queryset=ContactRole.objects.order_by("scheme", "code")),
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("member__person").order_by(
                    "-present", "member__person__name"
                ),
            ),
            Prefetch("photos", queryset=ContactPhoto.objects.order_by("pk")),
            Prefetch("tasks", queryset=FollowUpTask.objects.select_related("assignee").order_by("due_on", "pk")),
        ),
        actor,
        CONTACT_AREA,
        capability,
        pk=pk,
    )


def contact_photo_get(*, contact: Contact, pk) -> ContactPhoto:
    """A photo of a contact the caller already fetched in scope (contact_get)."""
    try:
        return ContactPhoto.objects.get(pk=pk, contact=contact)
    except (ContactPhoto.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def roles_split(contact: Contact) -> tuple[list[str], list[str]]:
    """(Zastrow role codes, TKS role codes) of a contact whose roles were prefetched."""
    zastrow = [r.code for r in contact.roles.all() if r.scheme == RoleScheme.ZASTROW]
    tks = [r.code for r in contact.roles.all() if r.scheme == RoleScheme.TKS]
    return zastrow, tks


def workers_in_scope(*, actor, capability: str = RECORD) -> QuerySet:
    """Active accounts holding a role that records mentoring in an area of the actor's scope (the choice of worker
    in the list filter and of a task's assignee)."""
    codes = scope_codes(actor, capability)
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__ended_at__isnull=True,
            role_assignments__role__in=roles_for(RECORD),
        )
        .filter(scope_q(codes, "role_assignments__area__code"))
        .distinct()
        .order_by("full_name", "username")
    )


def kubes_for_contacts(*, actor, capability: str = RECORD) -> QuerySet[Kube]:
    """The live groups the actor may record a contact with (the KUBE select of the form)."""
    return (
        scoped(Kube.objects.filter(deleted_at__isnull=True), actor, "desa__code", capability)
        .select_related("desa")
        .only("pk", "name", "desa__name", "desa__code")
        .order_by("desa__name", "name", "pk")
    )


def kube_active_members(*, kube: Kube) -> list[KubeMember]:
    """The active members of a group, officers first, for the attendance checkboxes."""
    order = {"ketua": 0, "sekretaris": 1, "bendahara": 2}
    members = kube.members.filter(left_on__isnull=True).select_related("person")
    return sorted(members, key=lambda m: (order.get(m.role, 9), m.person.name, m.pk))


# -------------------------------------------------------------------------------------------------- attendance


@dataclass
class MemberRate:
    member: KubeMember
    held: int
    present: int
    percent: int | None  # None: no session while a member
    flagged: bool


@dataclass
class AttendanceRates:
    kube: Kube
    date_from: datetime.date
    date_to: datetime.date
    threshold: int
    sessions: list[tuple[int, datetime.date]]  # (contact id, date), oldest first
    members: list[MemberRate] = field(default_factory=list)
    held: int = 0
    present: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.present / self.held) if self.held else None

    @property
    def flagged_count(self) -> int:
        return sum(1 for m in self.members if m.flagged)


def attendance_threshold() -> int:
    return int(_setting("MENTORING_ATTENDANCE_THRESHOLD_PERCENT", 80))


def attendance_rates(*, kube: Kube, date_from: datetime.date, date_to: datetime.date) -> AttendanceRates:
    """The attendance rate of each member (present and former) and of the group over the period, in three queries:
    the sessions, the members, and the present counts per member. The caller fetched the group in scope."""
    threshold = attendance_threshold()
    sessions = list(
        Contact.objects.filter(
            kube=kube,
            method=Method.GROUPWORK,
            deleted_at__isnull=True,
            contact_date__gte=date_from,
            contact_date__lte=date_to,
            attendance__isnull=False,
        )
        .distinct()
        .order_by("contact_date", "pk")
        .values_list("pk", "contact_date")
    )
    rates = AttendanceRates(kube=kube, date_from=date_from, date_to=date_to, threshold=threshold, sessions=sessions)
    members = list(
        kube.members.filter(joined_on__lte=date_to)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=date_from))
        .select_related("person")
        .order_by("left_on", "person__name", "pk")
    )
    present = dict(
        Attendance.objects.filter(contact_id__in=[pk for pk, _day in sessions], present=True)
        .values("member")
        .annotate(n=Count("pk"))
        .values_list("member", "n")
    )
    for member in members:
        held = sum(
            1 for _pk, day in sessions if member.joined_on <= day and (member.left_on is None or day <= member.left_on)
        )
        came = min(present.get(member.pk, 0), held)
        percent = round(100 * came / held) if held else None
        rates.members.append(
            MemberRate(
                member=member,
                held=held,
                present=came,
                percent=percent,
                flagged=held > 0 and came * 100 < threshold * held,
            )
        )
        rates.held += held
        rates.present += came
    return rates


# ------------------------------------------------------------------------------------------------------- tasks


def soon_days() -> int:
    return int(_setting("MENTORING_TASK_SOON_DAYS", 7))


def task_state(task: FollowUpTask, today: datetime.date) -> str:
    """overdue (open and past its due date), due (open, due today or later), done or cancelled."""
    if task.status == TaskStatus.OPEN:
        return "overdue" if task.due_on < today else "due"
    return task.status


def tasks_visible(*, actor, capability: str = VIEW) -> QuerySet[FollowUpTask]:
    return scoped(FollowUpTask.objects.all(), actor, "desa__code", capability).select_related(
        "assignee", "kube", "desa", "contact"
    )


def my_tasks(*, actor, today: datetime.date, done_days: int = 30) -> dict[str, list[FollowUpTask]]:
    """The actor's own tasks in their areas: overdue, due (open, not overdue), and done in the last `done_days`
    days; one query."""
    since = today - datetime.timedelta(days=done_days)
    tasks = (
        tasks_visible(actor=actor)
        .filter(assignee=actor)
        .filter(Q(status=TaskStatus.OPEN) | Q(status=TaskStatus.DONE, done_on__gte=since))
    )
    result: dict[str, list[FollowUpTask]] = {"overdue": [], "due": [], "done": []}
    for task in tasks.order_by("due_on", "pk"):
        result[task_state(task, today)].append(task)
    result["done"].sort(key=lambda t: (t.done_on, t.pk), reverse=True)
    return result


def task_get(*, actor, pk, capability: str = RECORD) -> FollowUpTask:
    return get_in_scope_or_404(
        tasks_visible(actor=actor, capability=capability), actor, "desa__code", capability, pk=pk
    )


# ----------------------------------------------------------------------------------------- groups left alone


def no_contact_days() -> int:
    return int(_setting("MENTORING_NO_CONTACT_DAYS", 30))


def no_contact_q(today: datetime.date) -> Q:
    """The rule of kube_without_contact as a filter of groups: its latest contact (kept on the group,
    kube.standing) before the limit, or none and formed before it."""
    limit = today - datetime.timedelta(days=no_contact_days())
    return Q(last_contact_on__lt=limit) | Q(last_contact_on__isnull=True, formed_on__lt=limit)


def kube_without_contact(*, actor, today: datetime.date, capability: str = VIEW) -> QuerySet[Kube]:
    """The live groups (T0 to T3, not bubar) in the actor's areas whose last contact is more than
    MENTORING_NO_CONTACT_DAYS days ago, or with no contact and formed more than that many days ago; one query, with
    `last_contact` annotated, the longest left alone first."""
    groups = scoped(Kube.objects.filter(deleted_at__isnull=True), actor, "desa__code", capability)
    return (
        groups.filter(stage__in=Stage.values)
        .exclude(status=KubeStatus.BUBAR)
        .filter(no_contact_q(today))
        .annotate(last_contact=F("last_contact_on"))
        .select_related("desa", "kecamatan", "pendamping")
        .order_by(F("last_contact").asc(nulls_first=True), "formed_on", "pk")
    )
