"""Reads of a group's money: the stimulus and its tranches, the LPJ with its totals, the cash book with its running
balance (a window sum in the database) and its monthly summary (one grouped query).

Each takes a group the caller already fetched in scope (selectors.groups.kube_get); a line or entry is looked up
within that group, so anything of another group is a 404.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404

from ..models import CashEntry, Kube, Lpj, LpjLine, StimulusTranche
from ..vocab import CashCategory, CashDirection, LpjState

SIGNED = Case(
    When(direction=CashDirection.IN, then=F("amount")),
    default=-F("amount"),
    output_field=BigIntegerField(),
)


@dataclass
class Stimulus:
    per_member: int
    members: int
    due: int
    received: int
    tranches: list

    @property
    def left(self) -> int:
        return max(self.due - self.received, 0)


def kube_stimulus(*, kube: Kube) -> Stimulus:
    members = kube.members.filter(left_on__isnull=True).count()
    tranches = list(StimulusTranche.objects.filter(kube=kube).select_related("recorded_by").order_by("number"))
    return Stimulus(
        per_member=kube.stimulus_per_member,
        members=members,
        due=kube.stimulus_per_member * members,
        received=sum(t.amount for t in tranches),
        tranches=tranches,
    )


@dataclass
class LpjView:
    lpj: Lpj | None
    lines: list
    spent: int
    received: int

    @property
    def state(self) -> str:
        return self.lpj.state if self.lpj else LpjState.BELUM

    @property
    def state_label(self) -> str:
        return LpjState(self.state).label

    @property
    def editable(self) -> bool:
        return self.state in (LpjState.BELUM, LpjState.DIKEMBALIKAN)

    @property
    def left(self) -> int:
        return self.received - self.spent


def kube_lpj(*, kube: Kube) -> LpjView:
    """The group's LPJ (None before its first line), its live lines with their receipts, and its totals."""
    lpj = Lpj.objects.filter(kube=kube).select_related("submitted_by", "decided_by").first()
    lines = []
    if lpj is not None:
        lines = list(lpj.lines.filter(removed_at__isnull=True).select_related("receipt").order_by("spent_on", "pk"))
    received = StimulusTranche.objects.filter(kube=kube).aggregate(total=Sum("amount"))["total"] or 0
    return LpjView(lpj=lpj, lines=lines, spent=sum(line.amount for line in lines), received=received)


def lpj_line_get(*, kube: Kube, pk) -> LpjLine:
    try:
        return LpjLine.objects.select_related("lpj", "lpj__kube").get(pk=pk, lpj__kube=kube)
    except (LpjLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# -- cash book ----------------------------------------------------------------------------------------------------


def cash_entries(*, kube: Kube) -> QuerySet[CashEntry]:
    """The group's cash book, each entry with the running balance after it (`balance`, a window sum over the book
    in date order) and whether it was reversed (`is_reversed`); newest first. Slicing keeps the balances right,
    because the window is computed over the whole book before the limit applies."""
    return (
        CashEntry.objects.filter(kube=kube)
        .select_related("recorded_by")
        .annotate(
            balance=Window(Sum(SIGNED), order_by=[F("entry_date").asc(), F("id").asc()]),
            is_reversed=Exists(CashEntry.objects.filter(reverses=OuterRef("pk"))),
        )
        .order_by("-entry_date", "-id")
    )


def cash_balance(*, kube: Kube, until: datetime.date | None = None) -> int:
    entries = CashEntry.objects.filter(kube=kube)
    if until is not None:
        entries = entries.filter(entry_date__lte=until)
    return entries.aggregate(total=Coalesce(Sum(SIGNED), Value(0), output_field=BigIntegerField()))["total"]


def cash_entry_get(*, kube: Kube, pk) -> CashEntry:
    try:
        return CashEntry.objects.select_related("kube").get(pk=pk, kube=kube)
    except (CashEntry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class Month:
    month: datetime.date
    money_in: int = 0
    money_out: int = 0
    closing: int = 0
    categories: dict = field(default_factory=dict)  # category -> [in, out]

    @property
    def net(self) -> int:
        return self.money_in - self.money_out

    def category_rows(self) -> list[tuple[str, str, int, int]]:
        labels = dict(CashCategory.choices)
        return [(code, labels[code], *self.categories[code]) for code in CashCategory.values if code in self.categories]


def cash_monthly(*, kube: Kube) -> list[Month]:
    """Money in and out of each month, per category, and the balance at its end, oldest month first.

    A reversing entry counts against the direction of the entry it corrects (the reversal of Rp50.000 spent lowers
    that month's money out by Rp50.000), so a corrected mistake disappears from the totals instead of swelling both.
    """
    rows = (
        CashEntry.objects.filter(kube=kube)
        .annotate(month=TruncMonth("entry_date"))
        .values("month", "category", "direction")
        .annotate(
            plain=Coalesce(Sum("amount", filter=Q(reverses__isnull=True)), 0),
            reversal=Coalesce(Sum("amount", filter=Q(reverses__isnull=False)), 0),
        )
        .order_by("month")
    )
    months: dict[datetime.date, Month] = {}
    for row in rows:
        month_start = row["month"]
        if isinstance(month_start, datetime.datetime):
            month_start = month_start.date()
        month = months.setdefault(month_start, Month(month=month_start))
        money = month.categories.setdefault(row["category"], [0, 0])
        # a plain entry counts in its own direction; a reversal subtracts from the opposite one
        if row["direction"] == CashDirection.IN:
            money[0] += row["plain"]
            money[1] -= row["reversal"]
        else:
            money[1] += row["plain"]
            money[0] -= row["reversal"]
    balance = 0
    result = []
    for key in sorted(months):
        month = months[key]
        month.money_in = sum(values[0] for values in month.categories.values())
        month.money_out = sum(values[1] for values in month.categories.values())
        balance += month.money_in - month.money_out
        month.closing = balance
        result.append(month)
    return result
