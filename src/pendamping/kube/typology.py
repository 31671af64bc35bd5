"""The typology of a KUBE (domain.md 4.4): pure functions, no database.

Every indicator of `vocab.INDICATORS` is either computed from the group's records (given here as `Facts`, gathered
by `services.progress.typology_facts`) or taken from the pendamping's assessment in the monthly report.

"The last 3 months" of a report for month M are the months M-2, M-1 and M (the window). Cash entries that were
reversed, and the reversing entries themselves, do not count: a corrected mistake is not a kept book.

Computed indicators, precisely:
- ada_pendamping: the group has a pendamping assigned.
- pengurus_lengkap: ketua, sekretaris and bendahara are each held by an active member.
- stimulan_diterima: at least one stimulus tranche was transferred by the last day of month M.
- berjalan_sesuai_struktur: the cash book has at least one entry dated in each of the three months of the window.
- keuntungan_dibagi: in the window the cash book has an IKS entry (category iks, in or out: IKS set aside) and an
  entry out of category tabungan or modal_bantuan (profit moved to members' savings/welfare or into capital).
- uep_dikelola_baik: there is a report for each month of the window, each first submitted by day
  KUBE_REPORT_DUE_DAY (default 10) of the month after the month it reports.
- iks_digunakan: a report of the window has IKS used above Rp0, or the cash book has an entry out of category iks
  in the window.
- laba_modal_tumbuh: there is a report for each month of the window, and profit and capital each never fell from one
  month to the next and ended higher in month M than in month M-2.
- kemitraan_aktif: an active partnership, agreed by the last day of month M, with a partner of a kind in
  ECONOMIC_PARTNERS (bank, koperasi, BUMDes, perusahaan).

Level: maju when every indicator of all three levels holds, berkembang when every tumbuh and berkembang indicator
holds, tumbuh when every tumbuh indicator holds, otherwise belum_tumbuh.
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .vocab import ECONOMIC_PARTNERS, INDICATOR_BY_CODE, INDICATORS, OFFICERS, PartnershipStatus, Typology

LEVELS = [Typology.TUMBUH, Typology.BERKEMBANG, Typology.MAJU]  # in order; belum_tumbuh is below them all
WINDOW_MONTHS = 3


def add_months(month: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before, when negative) the month of `month`."""
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def window(month: datetime.date) -> list[datetime.date]:
    """The first days of the months M-2, M-1 and M."""
    first = month.replace(day=1)
    return [add_months(first, -back) for back in range(WINDOW_MONTHS - 1, -1, -1)]


@dataclass(frozen=True)
class CashLine:
    entry_date: datetime.date
    direction: str  # "in" or "out"
    category: str


@dataclass(frozen=True)
class ReportLine:
    month: datetime.date  # first day of the month reported
    profit: int
    capital: int
    iks_used: int
    submitted_on: datetime.date  # the local date of its first submission


@dataclass(frozen=True)
class PartnershipLine:
    partner_kind: str
    status: str
    agreement_date: datetime.date


@dataclass(frozen=True)
class Facts:
    """What the records say about a group for the report of `month` (only what the computed indicators read)."""

    month: datetime.date
    has_pendamping: bool = False
    officer_roles: frozenset = frozenset()
    tranche_dates: tuple = ()
    cash: tuple = ()  # CashLine, only the entries that count (not reversed, not reversing)
    reports: tuple = ()  # ReportLine of the months of the window (including month M)
    partnerships: tuple = ()  # PartnershipLine
    due_day: int = 10


@dataclass
class Outcome:
    typology: str
    indicators: dict = field(default_factory=dict)  # code -> {"met", "computed", "why"}

    @property
    def met(self) -> set[str]:
        return {code for code, value in self.indicators.items() if value["met"]}

    @property
    def missing_for_next(self) -> list[str]:
        return missing_for_next(self.met)


def _month_label(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def _ada_pendamping(facts: Facts) -> tuple[bool, str]:
    if facts.has_pendamping:
        return True, _("A pendamping is assigned to the group.")
    return False, _("No pendamping is assigned to the group.")


def _pengurus_lengkap(facts: Facts) -> tuple[bool, str]:
    missing = [str(role.label) for role in OFFICERS if role.value not in facts.officer_roles]
    if not missing:
        return True, _("Ketua, sekretaris and bendahara are in office.")
    return False, _("Not in office: %(roles)s.") % {"roles": ", ".join(missing)}


def _stimulan_diterima(facts: Facts) -> tuple[bool, str]:
    end = month_end(facts.month)
    received = [d for d in facts.tranche_dates if d <= end]
    if received:
        return True, _("%(count)s stimulus tranche(s) transferred, the first on %(date)s.") % {
            "count": len(received),
            "date": min(received).isoformat(),
        }
    return False, _("No stimulus tranche transferred by %(date)s.") % {"date": end.isoformat()}


def _in_window(facts: Facts, day: datetime.date) -> bool:
    months = window(facts.month)
    return months[0] <= day <= month_end(months[-1])


def _berjalan_sesuai_struktur(facts: Facts) -> tuple[bool, str]:
    kept = {line.entry_date.replace(day=1) for line in facts.cash}
    missing = [_month_label(m) for m in window(facts.month) if m not in kept]
    if not missing:
        return True, _("The cash book has entries in each of the last 3 months.")
    return False, _("No cash book entries in %(months)s.") % {"months": ", ".join(missing)}


def _keuntungan_dibagi(facts: Facts) -> tuple[bool, str]:
    lines = [line for line in facts.cash if _in_window(facts, line.entry_date)]
    iks = any(line.category == "iks" for line in lines)
    shared = any(line.direction == "out" and line.category in ("tabungan", "modal_bantuan") for line in lines)
    if iks and shared:
        return True, _("In the last 3 months the cash book sets aside IKS and moves profit to savings or capital.")
    missing = []
    if not iks:
        missing.append(_("no IKS entry"))
    if not shared:
        missing.append(_("no entry out to tabungan or modal/bantuan"))
    return False, _("In the last 3 months the cash book has %(missing)s.") % {"missing": _(" and ").join(missing)}


def _reports_by_month(facts: Facts) -> dict:
    return {report.month: report for report in facts.reports}


def _uep_dikelola_baik(facts: Facts) -> tuple[bool, str]:
    reports = _reports_by_month(facts)
    problems = []
    for month in window(facts.month):
        report = reports.get(month)
        due = add_months(month, 1).replace(day=facts.due_day)
        if report is None:
            problems.append(_("no report for %(month)s") % {"month": _month_label(month)})
        elif report.submitted_on > due:
            problems.append(
                _("the report for %(month)s came on %(date)s, after %(due)s")
                % {"month": _month_label(month), "date": report.submitted_on.isoformat(), "due": due.isoformat()}
            )
    if not problems:
        return True, _("Reports of the last 3 months were each submitted by day %(day)s of the next month.") % {
            "day": facts.due_day
        }
    text = "; ".join(str(p) for p in problems)
    return False, text[:1].upper() + text[1:] + "."


def _iks_digunakan(facts: Facts) -> tuple[bool, str]:
    reports = _reports_by_month(facts)
    used = sum(reports[m].iks_used for m in window(facts.month) if m in reports)
    if used > 0:
        return True, _("IKS used in the reports of the last 3 months: Rp%(amount)s.") % {
            "amount": f"{used:,}".replace(",", ".")
        }
    if any(
        line.direction == "out" and line.category == "iks" for line in facts.cash if _in_window(facts, line.entry_date)
    ):
        return True, _("The cash book pays IKS out in the last 3 months.")
    return False, _("No IKS used in the last 3 months (reports and cash book).")


def _laba_modal_tumbuh(facts: Facts) -> tuple[bool, str]:
    reports = _reports_by_month(facts)
    months = window(facts.month)
    missing = [_month_label(m) for m in months if m not in reports]
    if missing:
        return False, _("No report for %(months)s: growth over 3 reports cannot be shown.") % {
            "months": ", ".join(missing)
        }
    series = [reports[m] for m in months]
    for name, label in (("profit", _("profit")), ("capital", _("capital"))):
        values = [getattr(r, name) for r in series]
        fell = any(b < a for a, b in zip(values, values[1:], strict=False))
        if fell or values[-1] <= values[0]:
            return False, _("The %(what)s did not grow over the last 3 reports (%(values)s).") % {
                "what": label,
                "values": " → ".join(str(v) for v in values),
            }
    return True, _("Profit and capital grew over the last 3 reports.")


def _kemitraan_aktif(facts: Facts) -> tuple[bool, str]:
    end = month_end(facts.month)
    active = [
        p
        for p in facts.partnerships
        if p.status == PartnershipStatus.AKTIF and p.partner_kind in ECONOMIC_PARTNERS and p.agreement_date <= end
    ]
    if active:
        return True, _("%(count)s active partnership(s) with an economic institution or firm.") % {"count": len(active)}
    return False, _("No active partnership with a bank, koperasi, BUMDes or firm.")


COMPUTERS = {
    "ada_pendamping": _ada_pendamping,
    "pengurus_lengkap": _pengurus_lengkap,
    "stimulan_diterima": _stimulan_diterima,
    "berjalan_sesuai_struktur": _berjalan_sesuai_struktur,
    "keuntungan_dibagi": _keuntungan_dibagi,
    "uep_dikelola_baik": _uep_dikelola_baik,
    "iks_digunakan": _iks_digunakan,
    "laba_modal_tumbuh": _laba_modal_tumbuh,
    "kemitraan_aktif": _kemitraan_aktif,
}
assert set(COMPUTERS) == {i.code for i in INDICATORS if i.computed}, "every computed indicator needs its rule"


def level_for(met: Iterable[str]) -> str:
    """The typology of a set of indicators met: the highest level whose indicators, and those of every level
    below it, all hold."""
    met = set(met)
    reached = Typology.BELUM_TUMBUH
    for level in LEVELS:
        if all(i.code in met for i in INDICATORS if i.level == level):
            reached = level
        else:
            break
    return str(reached)


def next_level(typology: str) -> str | None:
    order = [Typology.BELUM_TUMBUH, *LEVELS]
    index = order.index(typology)
    return str(order[index + 1]) if index + 1 < len(order) else None


def missing_for_next(met: Iterable[str]) -> list[str]:
    """The indicator codes still missing for the next level (every level up to it must hold)."""
    met = set(met)
    target = next_level(level_for(met))
    if target is None:
        return []
    needed = LEVELS[: LEVELS.index(target) + 1]
    return [i.code for i in INDICATORS if i.level in needed and i.code not in met]


def evaluate(facts: Facts, assessed: Iterable[str]) -> Outcome:
    """Every indicator's outcome and why, and the typology they give."""
    assessed = set(assessed)
    indicators = {}
    for indicator in INDICATORS:
        if indicator.computed:
            met, why = COMPUTERS[indicator.code](facts)
        else:
            met = indicator.code in assessed
            why = _("Assessed as met by the pendamping.") if met else _("Not ticked in the report.")
        indicators[indicator.code] = {"met": bool(met), "computed": indicator.computed, "why": str(why)}
    return Outcome(typology=level_for(code for code, v in indicators.items() if v["met"]), indicators=indicators)


def label(code: str) -> str:
    return str(INDICATOR_BY_CODE[code].label)
