"""Reports of the Puskesos desk for an area and period (issue 7 item 6), every count made by the database:

- requests: the cases received in the period, by sector and status, and by desa and status;
- referral outcomes: the referrals sent in the period, by sector and status;
- ageing: the referrals open today (sent up to the period's end), by sector and days since sent (0-7, 8-14, 15-30,
  more than 30);
- register proposals: the proposals made in the period, by desa and state.

Each table is one grouped query (the desa names one more), so the number of queries does not grow with the rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.areas.models import Area
from pendamping.areas.vocab import subtree_q
from pendamping.core.scoping import scoped

from ..models import Case, Referral, RegisterProposal
from ..vocab import OPEN_REFERRAL_STATUSES, CaseStatus, ProposalState, ReferralStatus, Sector

VIEW = "puskesos.view"

AGE_BUCKETS = [
    ("0-7", _("0-7 days"), 0, 7),
    ("8-14", _("8-14 days"), 8, 14),
    ("15-30", _("15-30 days"), 15, 30),
    ("31+", _("more than 30 days"), 31, None),
]


@dataclass
class Period:
    date_from: datetime.date
    date_to: datetime.date
    area: str = ""

    @classmethod
    def default(cls, today: datetime.date | None = None, area: str = "") -> "Period":
        """From the first of January to today."""
        today = today or timezone.localdate()
        return cls(date_from=today.replace(month=1, day=1), date_to=today, area=area)


@dataclass
class Row:
    key: str
    label: str
    counts: list[int]
    total: int


@dataclass
class Table:
    key: str
    title: str
    row_header: str
    columns: list[tuple[str, str]]  # (code, label)
    rows: list[Row] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    total: int = 0

    def count(self, row_key: str, column: str) -> int:
        """The count in a row and column (0 when the row is absent): for tests and exports."""
        index = [code for code, _label in self.columns].index(column)
        for row in self.rows:
            if row.key == row_key:
                return row.counts[index]
        return 0

    def row_total(self, row_key: str) -> int:
        return next((row.total for row in self.rows if row.key == row_key), 0)


def _table(key, title, row_header, columns, pairs, row_order: list[str], labels: dict[str, str]) -> Table:
    """A table from (row key, column code, count) triples; rows in `row_order`, then any others by key."""
    codes = [code for code, _label in columns]
    cells: dict[str, list[int]] = {}
    for row_key, column, n in pairs:
        if column in codes:
            cells.setdefault(row_key, [0] * len(codes))[codes.index(column)] += n
    order = [k for k in row_order if k in cells] + sorted(k for k in cells if k not in row_order)
    rows = [Row(k, str(labels.get(k, k)), cells[k], sum(cells[k])) for k in order]
    totals = [sum(row.counts[i] for row in rows) for i in range(len(codes))]
    return Table(key, str(title), str(row_header), [(c, str(label)) for c, label in columns], rows, totals, sum(totals))


def _in_area(queryset: QuerySet, actor, field_name: str, period: Period) -> QuerySet:
    queryset = scoped(queryset, actor, field_name, VIEW)
    if period.area:
        queryset = queryset.filter(subtree_q(period.area, field_name))
    return queryset


def cases_in(*, actor, period: Period) -> QuerySet[Case]:
    return _in_area(Case.objects.all(), actor, "desa__code", period).filter(
        received_on__range=(period.date_from, period.date_to)
    )


def referrals_sent_in(*, actor, period: Period) -> QuerySet[Referral]:
    return _in_area(Referral.objects.all(), actor, "case__desa__code", period).filter(
        sent_on__range=(period.date_from, period.date_to)
    )


def proposals_in(*, actor, period: Period) -> QuerySet[RegisterProposal]:
    return _in_area(RegisterProposal.objects.all(), actor, "desa__code", period).filter(
        created_at__date__range=(period.date_from, period.date_to)
    )


def _grouped(queryset: QuerySet, row: str, column: str) -> list[tuple[str, str, int]]:
    return [
        (r[row], r[column], r["n"])
        for r in queryset.order_by().values(row, column).annotate(n=Count("pk")).values(row, column, "n")
    ]


def _desa_labels(codes) -> dict[str, str]:
    return dict(Area.objects.filter(code__in=set(codes)).values_list("code", "name"))


@dataclass
class Report:
    period: Period
    today: datetime.date
    requests_by_sector: Table
    requests_by_desa: Table
    referral_outcomes: Table
    referral_ageing: Table
    proposals_by_state: Table

    @property
    def tables(self) -> list[Table]:
        return [
            self.requests_by_sector,
            self.requests_by_desa,
            self.referral_outcomes,
            self.referral_ageing,
            self.proposals_by_state,
        ]


def referral_ageing(*, actor, period: Period, today: datetime.date | None = None) -> Table:
    """Referrals open today, sent up to the period's end, by sector and days since sent."""
    today = today or timezone.localdate()
    open_referrals = _in_area(Referral.objects.all(), actor, "case__desa__code", period).filter(
        status__in=OPEN_REFERRAL_STATUSES, sent_on__lte=period.date_to
    )
    counts = {}
    for code, _label, low, high in AGE_BUCKETS:
        condition = Q(sent_on__lte=today - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(sent_on__gte=today - datetime.timedelta(days=high))
        counts[code] = Count("pk", filter=condition)
    pairs = []
    for row in open_referrals.order_by().values("sector").annotate(**counts):
        pairs += [(row["sector"], code, row[code]) for code, *_rest in AGE_BUCKETS]
    return _table(
        "referral_ageing",
        _("Open referrals by days since sent"),
        _("Sector"),
        [(code, label) for code, label, *_rest in AGE_BUCKETS],
        pairs,
        Sector.values,
        dict(Sector.choices),
    )


def desk_report(*, actor, period: Period, today: datetime.date | None = None) -> Report:
    today = today or timezone.localdate()
    cases = cases_in(actor=actor, period=period)
    by_desa = _grouped(cases, "desa_id", "status")
    proposals = _grouped(proposals_in(actor=actor, period=period), "desa_id", "state")
    desa_names = _desa_labels([row for row, *_rest in by_desa + proposals])
    sectors = dict(Sector.choices)
    return Report(
        period=period,
        today=today,
        requests_by_sector=_table(
            "requests_by_sector",
            _("Requests by sector and status"),
            _("Sector"),
            CaseStatus.choices,
            _grouped(cases, "sector", "status"),
            Sector.values,
            sectors,
        ),
        requests_by_desa=_table(
            "requests_by_desa",
            _("Requests by desa and status"),
            _("Desa"),
            CaseStatus.choices,
            by_desa,
            [],
            desa_names,
        ),
        referral_outcomes=_table(
            "referral_outcomes",
            _("Referral outcomes by sector"),
            _("Sector"),
            ReferralStatus.choices,
            _grouped(referrals_sent_in(actor=actor, period=period), "sector", "status"),
            Sector.values,
            sectors,
        ),
        referral_ageing=referral_ageing(actor=actor, period=period, today=today),
        proposals_by_state=_table(
            "proposals_by_state",
            _("Register proposals by desa and state"),
            _("Desa"),
            ProposalState.choices,
            proposals,
            [],
            desa_names,
        ),
    )
