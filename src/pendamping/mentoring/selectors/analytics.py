"""Reads of the role analytics, scoped to the actor's areas (domain.md section 5).

Definitions (the same on the page, in the export and in the tests):
- The contacts counted are the live contacts (not removed) dated within the period (both ends included) whose desa
  lies in the chosen area and in the actor's scope (mentoring.view).
- **Count** of a role in a row: the number of those contacts of the row (a worker's, or those with a group) in
  which the role was ticked. A contact with several roles counts once for each of them.
- **Share** of a role in a row: its count / the row's number of contacts, as a percentage rounded to one decimal.
  The shares of a row may add up to more than 100 (several roles per contact). The totals row is all the contacts
  of the matrix (every worker's; for groups, every contact with a group).
- **Gap**: a live group (not removed, not bubar) in the area, for each key role of its current stage (setting
  MENTORING_KEY_ROLES, else vocab.DEFAULT_KEY_ROLES) whose latest contact with that role is older than
  MENTORING_ROLE_GAP_DAYS (90) days before `today`, or that was never played for it. Played exactly 90 days ago is
  not a gap; 91 days ago is.
- **Comparison** of the roles groups received in the period, by typology (of each group's latest progress report;
  groups with none form their own row) and by trend (the omzet of the latest report against the report three
  before it: rising, falling, flat; unknown with fewer than four reports). Counts and shares as above, per class of
  groups. It describes; it does not show cause.

All of it is aggregated in the database: the number of queries does not grow with the number of contacts.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Max, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.areas.vocab import subtree_q
from pendamping.core.scoping import scoped
from pendamping.kube.models import Kube, ProgressReport
from pendamping.kube.vocab import KubeStatus, Typology

from ..models import Contact, ContactRole
from ..vocab import DEFAULT_KEY_ROLES, RoleScheme, SocialWorkRole, TksRole

VIEW = "mentoring.view"
CONTACT_AREA = "desa__code"
KUBE_AREA = "desa__code"
DEFAULT_PERIOD_DAYS = 90

ZASTROW_CODES = list(SocialWorkRole.values)
TKS_CODES = list(TksRole.values)
# every column of a matrix: (scheme, code), the six of Zastrow first, then the 14 TKS roles
COLUMNS = [(RoleScheme.ZASTROW.value, code) for code in ZASTROW_CODES] + [
    (RoleScheme.TKS.value, code) for code in TKS_CODES
]

TREND_RISING = "rising"
TREND_FALLING = "falling"
TREND_FLAT = "flat"
TREND_UNKNOWN = "unknown"
TRENDS = [TREND_RISING, TREND_FLAT, TREND_FALLING, TREND_UNKNOWN]
NO_REPORT = "none"
TREND_SPAN = 3  # the latest report against the one this many reports earlier


def _policy(name: str) -> int:
    return int(settings.PENDAMPING[name])


def key_roles() -> dict[str, list[str]]:
    """Stage -> the Zastrow roles a group in it should receive (the setting, else the defaults)."""
    return settings.PENDAMPING.get("MENTORING_KEY_ROLES") or DEFAULT_KEY_ROLES


def role_label(scheme: str, code: str) -> str:
    if scheme == RoleScheme.ZASTROW:
        return str(SocialWorkRole(code).label)
    return f"{int(code)}. {TksRole(code).label}"


def column_labels() -> list[dict]:
    """The columns of a matrix with their labels (short: the Zastrow role's English name, the TKS role's number)."""
    result = []
    for scheme, code in COLUMNS:
        label = role_label(scheme, code)
        short = label.split(" (")[0] if scheme == RoleScheme.ZASTROW else str(int(code))
        result.append({"scheme": scheme, "code": code, "label": label, "short": short})
    return result


@dataclass
class Period:
    date_from: datetime.date
    date_to: datetime.date
    area: str = ""

    @classmethod
    def default(cls, today: datetime.date | None = None, area: str = "") -> "Period":
        """The last 90 days up to today (both ends included)."""
        today = today or timezone.localdate()
        return cls(date_from=today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), date_to=today, area=area)


@dataclass
class Cell:
    scheme: str
    code: str
    count: int
    share: float  # percent of the row's contacts, one decimal


@dataclass
class Row:
    key: int | str | None
    label: str
    detail: str
    contacts: int
    cells: list[Cell] = field(default_factory=list)
    groups: int | None = None  # comparison rows: how many groups the class holds

    def cell(self, scheme: str, code: str) -> Cell:
        return next(c for c in self.cells if c.scheme == scheme and c.code == code)


@dataclass
class Matrix:
    kind: str  # "worker" or "kube"
    rows: list[Row]
    total: Row


def share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def _cells(counts: dict[tuple[str, str], int], total: int) -> list[Cell]:
    return [
        Cell(scheme, code, counts.get((scheme, code), 0), share(counts.get((scheme, code), 0), total))
        for scheme, code in COLUMNS
    ]


def contacts_in(*, actor, period: Period) -> QuerySet[Contact]:
    """The live contacts of the period in the area, within the actor's scope."""
    contacts = scoped(
        Contact.objects.filter(deleted_at__isnull=True, contact_date__range=(period.date_from, period.date_to)),
        actor,
        CONTACT_AREA,
        VIEW,
    )
    if period.area:
        contacts = contacts.filter(subtree_q(period.area, CONTACT_AREA))
    return contacts


def role_matrix(*, actor, period: Period, by: str) -> Matrix:
    """Workers (by="worker") or groups (by="kube") against the 20 roles: two queries."""
    contacts = contacts_in(actor=actor, period=period)
    if by == "kube":
        contacts = contacts.filter(kube__isnull=False)
        key, label_fields = "kube_id", ("kube__name", "kube__desa__name")
    else:
        key, label_fields = "worker_id", ("worker__full_name", "worker__username")
    heads = list(contacts.order_by().values(key, *label_fields).annotate(n=Count("pk")))
    counts: dict = {}
    role_rows = (
        ContactRole.objects.filter(contact__in=contacts.order_by().values("pk"))
        .order_by()
        .values(f"contact__{key}", "scheme", "code")
        .annotate(n=Count("pk"))
    )
    totals: dict[tuple[str, str], int] = {}
    for item in role_rows:
        counts.setdefault(item[f"contact__{key}"], {})[(item["scheme"], item["code"])] = item["n"]
        totals[(item["scheme"], item["code"])] = totals.get((item["scheme"], item["code"]), 0) + item["n"]
    rows = []
    for head in heads:
        if by == "kube":
            label, detail = head["kube__name"], head["kube__desa__name"]
        else:
            label, detail = head["worker__full_name"] or head["worker__username"], head["worker__username"]
        rows.append(Row(head[key], label, detail, head["n"], _cells(counts.get(head[key], {}), head["n"])))
    rows.sort(key=lambda r: (r.label.lower(), str(r.key)))
    all_contacts = sum(r.contacts for r in rows)
    total = Row(None, _("All"), "", all_contacts, _cells(totals, all_contacts))
    return Matrix(kind=by, rows=rows, total=total)


# -- gaps -----------------------------------------------------------------------------------------------------------


@dataclass
class Gap:
    kube: Kube
    role: str
    last_played: datetime.date | None
    days: int

    @property
    def role_label(self) -> str:
        return role_label(RoleScheme.ZASTROW, self.role)

    @property
    def message(self) -> str:
        return _("No %(role)s role for %(kube)s in %(days)d days") % {
            "role": self.role_label,
            "kube": self.kube.name,
            "days": self.days,
        }


def groups_in(*, actor, area: str = "") -> QuerySet[Kube]:
    groups = scoped(Kube.objects.filter(deleted_at__isnull=True), actor, KUBE_AREA, VIEW)
    if area:
        groups = groups.filter(subtree_q(area, KUBE_AREA))
    return groups


def role_gaps(*, actor, area: str = "", today: datetime.date | None = None) -> list[Gap]:
    """The key roles of each live group's stage not played for it in MENTORING_ROLE_GAP_DAYS days: two queries."""
    today = today or timezone.localdate()
    days = _policy("MENTORING_ROLE_GAP_DAYS")
    cutoff = today - datetime.timedelta(days=days)
    keys = key_roles()
    live = groups_in(actor=actor, area=area).exclude(status=KubeStatus.BUBAR)
    groups = list(live.select_related("desa").order_by("desa_id", "name", "pk"))
    last = {
        (row["contact__kube_id"], row["code"]): row["last"]
        for row in ContactRole.objects.filter(
            scheme=RoleScheme.ZASTROW,
            contact__deleted_at__isnull=True,
            contact__kube__in=live.order_by().values("pk"),
            contact__contact_date__lte=today,
        )
        .order_by()
        .values("contact__kube_id", "code")
        .annotate(last=Max("contact__contact_date"))
    }
    gaps = []
    for group in groups:
        for role in keys.get(group.stage, []):
            played = last.get((group.pk, role))
            if played is None or played < cutoff:
                gaps.append(Gap(kube=group, role=role, last_played=played, days=days))
    return gaps


# -- comparison by typology and trend -------------------------------------------------------------------------------


@dataclass
class Comparison:
    by_typology: list[Row]
    by_trend: list[Row]


def group_classes(groups: QuerySet[Kube]) -> dict[int, tuple[str, str]]:
    """Group id -> (typology of its latest report or "none", trend): one query for any number of groups."""
    rows = (
        ProgressReport.objects.filter(kube__in=groups.order_by().values("pk"))
        .annotate(rank=Window(RowNumber(), partition_by=[F("kube_id")], order_by=F("month").desc()))
        .filter(rank__lte=TREND_SPAN + 1)
        .values_list("kube_id", "rank", "omzet", "typology")
    )
    latest: dict[int, tuple[int, str]] = {}
    earlier: dict[int, int] = {}
    for kube_id, rank, omzet, typology in rows:
        if rank == 1:
            latest[kube_id] = (omzet, typology)
        elif rank == TREND_SPAN + 1:
            earlier[kube_id] = omzet
    result = {}
    for kube_id, (omzet, typology) in latest.items():
        if kube_id not in earlier:
            trend = TREND_UNKNOWN
        elif omzet > earlier[kube_id]:
            trend = TREND_RISING
        elif omzet < earlier[kube_id]:
            trend = TREND_FALLING
        else:
            trend = TREND_FLAT
        result[kube_id] = (typology, trend)
    return result


def trend_label(trend: str) -> str:
    return {
        TREND_RISING: _("Omzet rising"),
        TREND_FALLING: _("Omzet falling"),
        TREND_FLAT: _("Omzet flat"),
        TREND_UNKNOWN: _("Trend unknown (fewer than four reports)"),
    }[trend]


def role_comparison(*, actor, period: Period) -> Comparison:
    """The roles received in the period by the live groups of the area, by typology and by trend: four queries."""
    groups = groups_in(actor=actor, area=period.area)
    group_ids = list(groups.order_by().values_list("pk", flat=True))
    classes = group_classes(groups)
    contacts = contacts_in(actor=actor, period=period).filter(kube__in=groups.order_by().values("pk"))
    per_group = dict(contacts.order_by().values("kube_id").annotate(n=Count("pk")).values_list("kube_id", "n"))
    roles: dict[int, dict] = {}
    for kube_id, scheme, code, n in (
        ContactRole.objects.filter(contact__in=contacts.order_by().values("pk"))
        .order_by()
        .values("contact__kube_id", "scheme", "code")
        .annotate(n=Count("pk"))
        .values_list("contact__kube_id", "scheme", "code", "n")
    ):
        roles.setdefault(kube_id, {})[(scheme, code)] = n

    def build(keys: list[str], label, class_of) -> list[Row]:
        rows = []
        for key in keys:
            members = [pk for pk in group_ids if class_of(pk) == key]
            total = sum(per_group.get(pk, 0) for pk in members)
            counts: dict[tuple[str, str], int] = {}
            for pk in members:
                for column, n in roles.get(pk, {}).items():
                    counts[column] = counts.get(column, 0) + n
            rows.append(Row(key, label(key), "", total, _cells(counts, total), groups=len(members)))
        return rows

    typology_labels = dict(Typology.choices)
    by_typology = build(
        [*Typology.values, NO_REPORT],
        lambda key: str(typology_labels.get(key, _("No progress report yet"))),
        lambda pk: classes.get(pk, (NO_REPORT, TREND_UNKNOWN))[0],
    )
    by_trend = build(TRENDS, trend_label, lambda pk: classes.get(pk, (NO_REPORT, TREND_UNKNOWN))[1])
    return Comparison(by_typology=by_typology, by_trend=by_trend)
