"""Reads of register proposals, PPKS mapping and the PSKS register, scoped to the actor's areas."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from pendamping.areas.models import Area
from pendamping.areas.vocab import subtree_q
from pendamping.core.scoping import get_in_scope_or_404, scoped
from pendamping.registry.models import PersonPpks
from pendamping.registry.vocab import Ppks

from ..models import Document, PpksCount, Psks, RegisterProposal

VIEW = "puskesos.view"


@dataclass
class ProposalFilter:
    area: str = ""
    state: str = ""


def proposals_visible(*, actor, filters: ProposalFilter | None = None) -> QuerySet[RegisterProposal]:
    filters = filters or ProposalFilter()
    proposals = scoped(RegisterProposal.objects.all(), actor, "desa__code", VIEW)
    if filters.area:
        proposals = proposals.filter(subtree_q(filters.area, "desa__code"))
    if filters.state:
        proposals = proposals.filter(state=filters.state)
    return proposals.select_related("household", "desa", "case").order_by("desa_id", "-created_at", "-pk")


def proposal_counts_by_desa(*, actor, filters: ProposalFilter) -> list[dict]:
    """Per desa: how many proposals are in each state (the Dinas Sosial's per-desa list)."""
    rows = (
        proposals_visible(actor=actor, filters=ProposalFilter(area=filters.area))
        .order_by()
        .values("desa_id", "desa__name", "state")
        .annotate(n=Count("id"))
    )
    table: dict[str, dict] = {}
    for row in rows:
        entry = table.setdefault(
            row["desa_id"], {"desa": row["desa__name"], "code": row["desa_id"], "states": {}, "total": 0}
        )
        entry["states"][row["state"]] = row["n"]
        entry["total"] += row["n"]
    return [table[code] for code in sorted(table)]


def proposal_get(*, actor, pk) -> RegisterProposal:
    return get_in_scope_or_404(
        RegisterProposal.objects.select_related("household", "desa", "minutes", "bnba", "case"),
        actor,
        "desa__code",
        VIEW,
        pk=pk,
    )


def document_get(*, actor, pk) -> Document:
    return get_in_scope_or_404(Document.objects.all(), actor, "desa__code", VIEW, pk=pk)


def ppks_mapping(*, actor, area_code: str) -> list[dict]:
    """Per desa of the area and PPKS category: people assessed in the registry (still applying, live people) and the
    latest hand count with its source and date. Two queries whatever the number of desa."""
    areas = scoped(Area.objects.filter(level="desa"), actor, "code", VIEW).filter(subtree_q(area_code, "code"))
    desa_codes = list(areas.order_by("code").values_list("code", flat=True))
    names = dict(areas.values_list("code", "name"))
    registry = (
        PersonPpks.objects.filter(
            ended_on__isnull=True,
            person__deleted_at__isnull=True,
            person__household__deleted_at__isnull=True,
            person__household__desa_id__in=desa_codes,
        )
        .values("person__household__desa_id", "category")
        .annotate(n=Count("person", distinct=True))
    )
    latest = PpksCount.objects.filter(desa_id=OuterRef("desa_id"), category=OuterRef("category")).order_by(
        "-counted_on", "-pk"
    )
    counts = (
        PpksCount.objects.filter(desa_id__in=desa_codes)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .values("desa_id", "category", "count", "counted_on", "source")
    )
    table: dict[tuple[str, str], dict] = {}
    labels = dict(Ppks.choices)
    for row in registry:
        key = (row["person__household__desa_id"], row["category"])
        table.setdefault(key, {"registry": 0, "count": None})["registry"] = row["n"]
    for row in counts:
        key = (row["desa_id"], row["category"])
        table.setdefault(key, {"registry": 0, "count": None}).update(
            {"count": row["count"], "counted_on": row["counted_on"], "source": row["source"]}
        )
    return [
        {
            "desa": code,
            "desa_name": names.get(code, code),
            "category": category,
            "label": labels.get(category, category),
            **values,
        }
        for (code, category), values in sorted(table.items())
    ]


@dataclass
class PsksFilter:
    area: str = ""
    kind: str = ""
    q: str = ""


def psks_visible(*, actor, filters: PsksFilter | None = None) -> QuerySet[Psks]:
    filters = filters or PsksFilter()
    rows = scoped(Psks.objects.all(), actor, "desa__code", VIEW)
    if filters.area:
        rows = rows.filter(subtree_q(filters.area, "desa__code"))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.q.strip():
        rows = rows.filter(Q(name__icontains=filters.q.strip()) | Q(leader__icontains=filters.q.strip()))
    return rows.select_related("desa").order_by("desa_id", "kind", "name", "pk")


def psks_get(*, actor, pk) -> Psks:
    return get_in_scope_or_404(Psks.objects.select_related("desa"), actor, "desa__code", VIEW, pk=pk)


def psks_counts(*, actor, area_code: str) -> list[tuple[str, int]]:
    rows = psks_visible(actor=actor, filters=PsksFilter(area=area_code)).filter(active=True).order_by().values("kind")
    return list(rows.annotate(n=Count("id")).values_list("kind", "n"))
