"""Reads of groups, members, activities and overrides, scoped to the actor's areas."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from pendamping.areas.vocab import subtree_q
from pendamping.core.scoping import get_in_scope_or_404, scoped

from ..models import (
    ActivityRecord,
    GateOverride,
    Kube,
    KubeMember,
    Lpj,
    Partnership,
    ProgressReport,
    StageChange,
    StimulusTranche,
)
from ..vocab import Activity, Stage, stage_activities

VIEW = "kube.view"
KUBE_AREA = "desa__code"


@dataclass
class KubeFilter:
    q: str = ""
    area: str = ""
    stage: str = ""
    status: str = ""
    kind: str = ""
    budget_year: int | None = None


def kubes_visible(*, actor, filters: KubeFilter | None = None, capability: str = VIEW) -> QuerySet[Kube]:
    """The live groups in the actor's areas matching the filter, with their desa and active member count."""
    filters = filters or KubeFilter()
    groups = scoped(Kube.objects.filter(deleted_at__isnull=True), actor, KUBE_AREA, capability)
    if filters.q.strip():
        groups = groups.filter(name__icontains=filters.q.strip())
    if filters.area:
        groups = groups.filter(subtree_q(filters.area, KUBE_AREA))
    for name in ("stage", "status", "kind"):
        if getattr(filters, name):
            groups = groups.filter(**{name: getattr(filters, name)})
    if filters.budget_year:
        groups = groups.filter(budget_year=filters.budget_year)
    # member_count is kept on each group (kube.standing)
    return groups.select_related("desa", "kecamatan", "business_type", "pendamping").order_by("desa_id", "name", "pk")


def members_of(*, groups: QuerySet[Kube]) -> QuerySet[KubeMember]:
    """The active members of the given (already scoped) groups, for exports."""
    return (
        KubeMember.objects.filter(left_on__isnull=True, kube__in=groups.order_by().values("pk"))
        .select_related("kube", "person", "household", "screening")
        .order_by("kube__desa_id", "kube__name", "role", "person__name")
    )


def kube_get(*, actor, pk, capability: str = VIEW) -> Kube:
    return get_in_scope_or_404(
        Kube.objects.filter(deleted_at__isnull=True).select_related("desa", "kecamatan", "business_type", "pendamping"),
        actor,
        KUBE_AREA,
        capability,
        pk=pk,
    )


def kube_members(*, kube: Kube, include_former: bool = False) -> list[KubeMember]:
    members = kube.members.select_related("person", "household", "household__desa", "screening")
    if not include_former:
        members = members.filter(left_on__isnull=True)
    order = {"ketua": 0, "sekretaris": 1, "bendahara": 2, "anggota": 3}
    return sorted(members, key=lambda m: (m.left_on is not None, order.get(m.role, 9), m.person.name))


def member_get(*, kube: Kube, pk) -> KubeMember:
    """A member of a group the caller already fetched in scope (kube_get)."""
    try:
        return kube.members.select_related("person", "kube").get(pk=pk)
    except (KubeMember.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class StageView:
    stage: str
    label: str
    current: bool
    done: bool
    activities: list  # (code, label, [records])


def kube_stages(*, kube: Kube) -> list[StageView]:
    """The four stages with their activities and what was recorded for each, in one query (with attachments)."""
    records: dict[str, list[ActivityRecord]] = {}
    for record in (
        ActivityRecord.objects.filter(kube=kube)
        .select_related("recorded_by")
        .prefetch_related("attachments")
        .order_by("done_on", "pk")
    ):
        records.setdefault(record.activity, []).append(record)
    stages = []
    current_index = Stage.values.index(kube.stage)
    labels = dict(Activity.choices)
    for index, stage in enumerate(Stage.values):
        stages.append(
            StageView(
                stage=stage,
                label=Stage(stage).label,
                current=index == current_index,
                done=index < current_index,
                activities=[(code, labels[code], records.get(code, [])) for code in stage_activities(stage)],
            )
        )
    return stages


def kube_overrides(*, kube: Kube) -> QuerySet[GateOverride]:
    return kube.overrides.select_related("actor")


def overrides_visible(*, actor, area: str = "") -> QuerySet[GateOverride]:
    """Every gate passed by override in the actor's areas, newest first (the report of overrides)."""
    overrides = scoped(
        GateOverride.objects.filter(kube__deleted_at__isnull=True), actor, "kube__desa__code", VIEW
    ).select_related("kube", "kube__desa", "actor")
    if area:
        overrides = overrides.filter(subtree_q(area, "kube__desa__code"))
    return overrides.order_by("-created_at", "-pk")


def kube_timeline(*, kube: Kube) -> list[dict]:
    """The group's history in one list, newest first: formation, stage changes, activities, members joining and
    leaving, overrides, stimulus tranches, the LPJ's submission and decision, progress reports, partnerships."""
    events: list[dict] = [{"date": kube.formed_on, "kind": "formed", "text": kube.name, "obj": kube}]
    for change in StageChange.objects.filter(kube=kube).select_related("override"):
        events.append({"date": change.changed_on, "kind": "stage", "obj": change})
    for record in ActivityRecord.objects.filter(kube=kube):
        events.append({"date": record.done_on, "kind": "activity", "obj": record})
    for member in kube.members.select_related("person"):
        events.append({"date": member.joined_on, "kind": "joined", "obj": member})
        if member.left_on:
            events.append({"date": member.left_on, "kind": "left", "obj": member})
    for override in kube.overrides.all():
        events.append({"date": override.created_at.date(), "kind": "override", "obj": override})
    for tranche in StimulusTranche.objects.filter(kube=kube):
        events.append({"date": tranche.transferred_on, "kind": "tranche", "obj": tranche})
    lpj = Lpj.objects.filter(kube=kube).first()
    if lpj and lpj.submitted_at:
        events.append({"date": lpj.submitted_at.date(), "kind": "lpj_submitted", "obj": lpj})
    if lpj and lpj.decided_at:
        events.append({"date": lpj.decided_at.date(), "kind": "lpj_decided", "obj": lpj})
    for report in ProgressReport.objects.filter(kube=kube):
        events.append({"date": report.submitted_at.date(), "kind": "report", "obj": report})
    for partnership in Partnership.objects.filter(kube=kube):
        events.append({"date": partnership.agreement_date, "kind": "partnership", "obj": partnership})
    events.sort(key=lambda e: (e["date"], e["kind"]), reverse=True)
    return events


def member_prefetch() -> Prefetch:
    return Prefetch("members", queryset=KubeMember.objects.filter(left_on__isnull=True).select_related("person"))
