"""The dashboard of an area (desa, kecamatan, kabupaten): what the Dinas Sosial sees, drilling down by click.

Every number is an aggregate in the database over the area's subtree (by code prefix), limited to the user's scope
for the capability of each part (a pengamat sees the KUBE and mentoring numbers but not the Puskesos cases). Each
part is a few grouped queries whatever the size of the area; the children table comes from the same grouped rows
(grouped by desa, then summed per child area in Python over at most a few hundred desa). Over a kabupaten of 20,000
groups and 300,000 households the groups are read through the standing kept on each (kube.standing), the roles
through the codes kept on each contact, and the households through the counts kept per desa (registry.counts):
every number is still counted on each view, from one row per group, contact or desa.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum, Value, When
from django.utils import timezone

from pendamping.accounts.permissions import can
from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel, subtree_q
from pendamping.core.scoping import scope_codes, scoped
from pendamping.kube.models import GateOverride, Kube, LpjLine, StimulusTranche
from pendamping.kube.vocab import KubeStatus, LpjState, Stage, Typology
from pendamping.mentoring.models import Contact
from pendamping.mentoring.vocab import Method, SocialWorkRole
from pendamping.puskesos.models import Case, Referral
from pendamping.puskesos.vocab import OPEN_CASE_STATUSES, OPEN_REFERRAL_STATUSES
from pendamping.registry.models import HouseholdCount
from pendamping.registry.vocab import PovertyClass

CONTACT_DAYS = 90
CHILD_LEVEL = {
    AreaLevel.PROVINSI: AreaLevel.KABUPATEN,
    AreaLevel.KABUPATEN: AreaLevel.KECAMATAN,
    AreaLevel.KECAMATAN: AreaLevel.DESA,
}


def _scoped(queryset, actor, field_name: str, capability: str, code: str):
    """The rows of the user's scope for the capability (core.scoping), under the dashboard's area."""
    return scoped(queryset, actor, field_name, capability).filter(subtree_q(code, field_name))


def _child(code: str, desa_code: str, child_len: int) -> str:
    return ".".join(desa_code.split(".")[:child_len])


@dataclass
class Dashboard:
    area: Area
    children: list[dict] = field(default_factory=list)
    kube: dict | None = None
    money: dict | None = None
    flags: dict | None = None
    contacts: dict | None = None
    puskesos: dict | None = None
    registry: dict | None = None


def _kube_part(actor, code: str, child_len: int, rows: dict) -> tuple[dict, dict, dict]:
    from pendamping.kube.selectors.progress import with_flag_annotations
    from pendamping.mentoring.selectors.contacts import no_contact_q

    today = timezone.localdate()
    groups = _scoped(Kube.objects.filter(deleted_at__isnull=True), actor, "desa__code", "kube.view", code)
    by_stage = {stage: 0 for stage in Stage.values}
    by_status = {status: 0 for status in KubeStatus.values}
    by_typology = {value: 0 for value in Typology.values}
    flags = {"no_report": 0, "falling_omzet": 0, "no_contact": 0}
    members = no_report = 0
    # two passes over the groups (the standing kept on each): by desa, stage and status; then the live ones by
    # typology and flags (few groups: hashed, where grouping by desa as well would sort every group's row)
    for desa_id, stage, status, n, active in (
        groups.order_by().values_list("desa_id", "stage", "status").annotate(n=Count("id"), active=Sum("member_count"))
    ):
        by_status[status] += n
        if status != KubeStatus.BUBAR:
            by_stage[stage] += n
            members += active
            rows[_child(code, desa_id, child_len)]["kube"] += n
    standing = with_flag_annotations(groups.exclude(status=KubeStatus.BUBAR), today).annotate(
        no_contact=ExpressionWrapper(no_contact_q(today), output_field=BooleanField())
    )
    for typology, *flagged, n in standing.order_by().values_list("last_typology", *flags).annotate(n=Count("id")):
        if typology:
            by_typology[typology] += n
        else:
            no_report += n
        for flag, on in zip(flags, flagged, strict=True):
            flags[flag] += n if on else 0
    tranches = StimulusTranche.objects.filter(kube__in=groups.values("pk")).aggregate(
        total=Sum("amount"), n=Count("id")
    )
    accounted = LpjLine.objects.filter(
        removed_at__isnull=True, lpj__state=LpjState.DIVERIFIKASI, lpj__kube__in=groups.values("pk")
    ).aggregate(total=Sum("amount"))["total"]
    lpj_states = dict(groups.filter(lpj__isnull=False).order_by().values_list("lpj__state").annotate(n=Count("id")))
    kube = {
        "by_stage": [(Stage(s).label, s, n) for s, n in by_stage.items()],
        "by_status": [(KubeStatus(s).label, s, n) for s, n in by_status.items()],
        "by_typology": [(Typology(t).label, t, n) for t, n in by_typology.items()],
        "no_report": no_report,
        "groups": sum(by_stage.values()),
        "members": members,
    }
    money = {
        "disbursed": tranches["total"] or 0,
        "tranches": tranches["n"],
        "accounted": accounted or 0,
        "lpj_states": [(LpjState(s).label, s, lpj_states.get(s, 0)) for s in LpjState.values],
    }
    flags["overrides"] = GateOverride.objects.filter(
        kube__in=groups.values("pk"), created_at__date__gte=today - datetime.timedelta(days=365)
    ).count()
    return kube, money, flags


def _contacts_part(actor, code: str, child_len: int, rows: dict) -> dict:
    since = timezone.localdate() - datetime.timedelta(days=CONTACT_DAYS)
    contacts = _scoped(
        Contact.objects.filter(deleted_at__isnull=True, contact_date__gte=since),
        actor,
        "desa__code",
        "mentoring.view",
        code,
    )
    by_method = {value: 0 for value in Method.values}
    roles = {value: 0 for value in SocialWorkRole.values}
    total = 0
    # the roles from the copy of its role codes kept on each contact (Contact.zastrow_codes), in the same scan
    counts = {role: Count("id", filter=Q(zastrow_codes__contains=f",{role},")) for role in roles}
    for desa_id, method, n, *by_role in (
        contacts.order_by().values_list("desa_id", "method").annotate(n=Count("id"), **counts)
    ):
        by_method[method] += n
        total += n
        rows[_child(code, desa_id, child_len)]["contacts"] += n
        for role, count in zip(roles, by_role, strict=True):
            roles[role] += count
    return {
        "days": CONTACT_DAYS,
        "total": total,
        "by_method": [(Method(m).label, m, n) for m, n in by_method.items()],
        "roles": [
            (SocialWorkRole(r).label, r, roles.get(r, 0), round(100 * roles.get(r, 0) / total, 1) if total else 0)
            for r in SocialWorkRole.values
        ],
    }


def _puskesos_part(actor, code: str, child_len: int, rows: dict) -> dict:
    today = timezone.localdate()
    cases = _scoped(Case.objects.all(), actor, "desa__code", "puskesos.view", code)
    policy = settings.PENDAMPING
    default_days = int(policy.get("PUSKESOS_CASE_DAYS", 30))
    by_sector_days = policy.get("PUSKESOS_CASE_DAYS_BY_SECTOR", {})
    # a case is overdue when it is open longer than the days of its sector (received before the limit)
    limit = models.Case(
        *[
            When(sector=sector, then=Value(today - datetime.timedelta(days=int(days))))
            for sector, days in by_sector_days.items()
        ],
        default=Value(today - datetime.timedelta(days=default_days)),
        output_field=models.DateField(),
    )
    opened = overdue = 0
    for desa_id, n, late in (
        cases.filter(status__in=list(OPEN_CASE_STATUSES))
        .order_by()
        .values_list("desa_id")
        .annotate(n=Count("id"), late=Count("id", filter=Q(received_on__lt=limit)))
    ):
        opened += n
        overdue += late
        rows[_child(code, desa_id, child_len)]["cases"] += n
    referrals = Referral.objects.filter(case__in=cases.values("pk"))
    ref = referrals.aggregate(
        open=Count("id", filter=Q(status__in=list(OPEN_REFERRAL_STATUSES))),
        overdue=Count("id", filter=Q(status__in=list(OPEN_REFERRAL_STATUSES), due_on__lt=today)),
        total=Count("id"),
    )
    return {
        "open_cases": opened,
        "overdue_cases": overdue,
        "cases": cases.count(),
        **{f"referrals_{k}": v for k, v in ref.items()},
    }


def _registry_part(actor, code: str, child_len: int, rows: dict) -> dict:
    # the households per desa, desil and poverty class kept by registry.counts (not 300,000 rows counted per view)
    counted = _scoped(HouseholdCount.objects.all(), actor, "desa__code", "registry.view", code)
    by_desil = defaultdict(int)
    by_class = defaultdict(int)
    total = 0
    for desa_id, desil, poverty_class, n in counted.values_list("desa_id", "desil", "poverty_class", "households"):
        total += n
        by_desil[desil] += n
        by_class[poverty_class] += n
        row = rows[_child(code, desa_id, child_len)]
        row["households"] += n
        if poverty_class in (PovertyClass.FAKIR, PovertyClass.MISKIN):
            row["poor"] += n
    return {
        "households": total,
        "by_desil": [(str(d), by_desil.get(d, 0)) for d in range(1, 11)] + [("–", by_desil.get(None, 0))],
        "by_class": [(label, value, by_class.get(value, 0)) for value, label in PovertyClass.choices],
    }


def _scope_key(actor) -> str:
    parts = [scope_codes(actor, capability) for capability in PART_CAPABILITIES]
    return "|".join("*" if codes is None else ",".join(codes) for codes in parts)


PART_CAPABILITIES = ("kube.view", "mentoring.view", "puskesos.view", "registry.view")
CACHED_LEVELS = (AreaLevel.PROVINSI, AreaLevel.KABUPATEN)


def dashboard_cached(*, actor, area: Area, refresh: bool = False) -> tuple[Dashboard, datetime.datetime | None]:
    """The dashboard of a kabupaten (or a province) kept for DASHBOARD_CACHE_SECONDS, shared by the users whose
    scopes are the same: over a whole kabupaten the numbers take about a second to count, and they move slowly. A
    kecamatan or desa is always counted live. Returns the dashboard and when it was counted (None: just now)."""
    from django.core.cache import cache

    seconds = int(settings.PENDAMPING.get("DASHBOARD_CACHE_SECONDS", 300))
    if seconds <= 0 or area.level not in CACHED_LEVELS:
        return dashboard(actor=actor, area=area), None
    key = "dashboard:" + hashlib.sha256(f"{area.code}:{_scope_key(actor)}".encode()).hexdigest()
    kept = None if refresh else cache.get(key)
    if kept is not None:
        return kept["board"], kept["at"]
    board = dashboard(actor=actor, area=area)
    cache.set(key, {"board": board, "at": timezone.now()}, seconds)
    return board, None


def dashboard(*, actor, area: Area) -> Dashboard:
    """The dashboard of an area the actor covers (the caller checked it)."""
    code = area.code
    child_level = CHILD_LEVEL.get(AreaLevel(area.level))
    child_len = len(code.split(".")) + 1
    rows: dict[str, dict] = defaultdict(lambda: {"households": 0, "poor": 0, "kube": 0, "contacts": 0, "cases": 0})
    result = Dashboard(area=area)
    if can(actor, "kube.view", code):
        result.kube, result.money, result.flags = _kube_part(actor, code, child_len, rows)
    if can(actor, "mentoring.view", code):
        result.contacts = _contacts_part(actor, code, child_len, rows)
    if can(actor, "puskesos.view", code):
        result.puskesos = _puskesos_part(actor, code, child_len, rows)
    if can(actor, "registry.view", code):
        result.registry = _registry_part(actor, code, child_len, rows)
    if child_level is not None:
        names = dict(Area.objects.filter(parent_id=code).values_list("code", "name"))
        result.children = [
            {
                "code": child,
                "name": names.get(child, child),
                **rows.get(child, {"households": 0, "poor": 0, "kube": 0, "contacts": 0, "cases": 0}),
            }
            for child in sorted(set(names) | set(rows))
            if child in names
        ]
    return result
