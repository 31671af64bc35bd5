"""Reads of progress reports, trends, flags, partnerships and the e-Warung, scoped to the actor's areas.

Flags (set-based: a fixed number of queries for any number of groups):
- `no_report`: a live group past T0 (stage T1-T3) and not bubar is expected to report every month from the month it
  entered T1 (its stage change out of T0; the month it was formed when there is none). It is flagged when the last
  KUBE_NO_REPORT_MONTHS (2) whole months before the current month all lack a report: its latest report (or, with
  none, the month before it entered T1) is older than the month KUBE_NO_REPORT_MONTHS months before this one.
  E.g. on 15 May with the setting 2: flagged when the latest report is for February or earlier.
- `falling_omzet`: each of the latest KUBE_FALLING_OMZET_MONTHS (3) reports has a lower omzet than the report before
  it (so the latest 4 reports strictly fall, in report order).
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from pendamping.areas.vocab import subtree_q
from pendamping.core.scoping import scoped

from ..models import EWarung, Kube, Partnership, ProgressReport, StageChange
from ..typology import add_months
from ..vocab import KubeStatus, Stage
from .groups import KUBE_AREA, VIEW

FLAG_NO_REPORT = "no_report"
FLAG_FALLING_OMZET = "falling_omzet"


def _policy(name: str) -> int:
    from django.conf import settings

    return int(settings.PENDAMPING[name])


def reports_of(*, kube: Kube, limit: int | None = None) -> list[ProgressReport]:
    """The group's reports, newest first (the latest `limit` when given)."""
    reports = ProgressReport.objects.filter(kube=kube).select_related("submitted_by").order_by("-month")
    return list(reports[:limit] if limit else reports)


def report_get(*, kube: Kube, month: str) -> ProgressReport:
    """The report of a month given as yyyy-mm, of a group the caller fetched in scope; else a 404."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = datetime.date(year, number, 1)
    except (ValueError, TypeError):
        raise Http404 from None
    report = ProgressReport.objects.filter(kube=kube, month=first).select_related("submitted_by").first()
    if report is None:
        raise Http404
    return report


def trends(reports: list[ProgressReport]) -> dict[str, list]:
    """Omzet, profit and capital of the reports given (newest first), oldest first for drawing."""
    ordered = sorted(reports, key=lambda r: r.month)
    return {
        "months": [r.month for r in ordered],
        "omzet": [r.omzet for r in ordered],
        "profit": [r.profit for r in ordered],
        "capital": [r.capital for r in ordered],
    }


# -- flags --------------------------------------------------------------------------------------------------------


def no_report_cutoff(today: datetime.date | None = None) -> datetime.date:
    """A latest report older than this month means KUBE_NO_REPORT_MONTHS whole months without one."""
    today = today or timezone.localdate()
    return add_months(today.replace(day=1), -_policy("KUBE_NO_REPORT_MONTHS"))


def with_flag_annotations(groups: QuerySet[Kube], today: datetime.date | None = None) -> QuerySet[Kube]:
    """Annotate `reporting_since` and the booleans `no_report` and `falling_omzet` (see the module's note), from the
    standing kept on each group (kube.standing)."""
    cutoff = no_report_cutoff(today)
    entered = (
        StageChange.objects.filter(kube=OuterRef("pk"), from_stage=Stage.T0)
        .order_by("changed_on")
        .values("changed_on")[:1]
    )
    return groups.annotate(reporting_since=Coalesce(Subquery(entered), F("formed_on"))).annotate(
        no_report=ExpressionWrapper(
            Q(stage__in=[Stage.T1, Stage.T2, Stage.T3])
            & ~Q(status=KubeStatus.BUBAR)
            & (
                Q(last_report_month__lt=cutoff)
                | Q(last_report_month__isnull=True, reporting_since__lt=add_months(cutoff, 1))
            ),
            output_field=BooleanField(),
        ),
        falling_omzet=ExpressionWrapper(falling_omzet_q(), output_field=BooleanField()),
    )


def falling_omzet_q() -> Q:
    """The groups whose omzet fell in each of their latest KUBE_FALLING_OMZET_MONTHS reports (the count of falling
    reports in a row is kept on each group, kube.standing)."""
    return Q(falling_streak__gte=_policy("KUBE_FALLING_OMZET_MONTHS"))


def kube_flags(*, kube: Kube, today: datetime.date | None = None) -> list[str]:
    """The flags of one group (the same rules as the list)."""
    row = with_flag_annotations(Kube.objects.filter(pk=kube.pk), today).values("no_report", "falling_omzet").first()
    return [flag for flag in (FLAG_NO_REPORT, FLAG_FALLING_OMZET) if row and row[flag]]


@dataclass
class FlaggedGroup:
    kube: Kube
    flags: list


def flagged_groups(*, actor, area: str = "", today: datetime.date | None = None) -> list[FlaggedGroup]:
    """The live groups in the actor's areas (under `area` when given) with at least one flag: one query."""
    groups = scoped(Kube.objects.filter(deleted_at__isnull=True), actor, KUBE_AREA, VIEW)
    if area:
        groups = groups.filter(subtree_q(area, KUBE_AREA))
    rows = (
        with_flag_annotations(groups, today)
        .filter(Q(no_report=True) | Q(falling_omzet=True))
        .select_related("desa", "kecamatan", "pendamping")
        .order_by("desa_id", "name", "pk")
    )
    return [
        FlaggedGroup(kube=kube, flags=[flag for flag in (FLAG_NO_REPORT, FLAG_FALLING_OMZET) if getattr(kube, flag)])
        for kube in rows
    ]


# -- partnerships and e-Warung ------------------------------------------------------------------------------------


def partnerships_of(*, kube: Kube) -> QuerySet[Partnership]:
    return kube.partnerships.select_related("document").order_by("-agreement_date", "-pk")


def partnership_get(*, kube: Kube, pk) -> Partnership:
    try:
        return kube.partnerships.select_related("kube").get(pk=pk)
    except (Partnership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def ewarung_of(*, kube: Kube) -> EWarung | None:
    return EWarung.objects.filter(kube=kube).first()


def ewarung_months(*, ewarung: EWarung, limit: int = 12):
    return list(ewarung.months.order_by("-month")[:limit])


def ewarung_stockouts(*, ewarung: EWarung, limit: int = 50):
    return list(ewarung.stockouts.order_by(F("ended_on").asc(nulls_first=True), "-started_on", "-pk")[:limit])


def stockout_get(*, ewarung: EWarung, pk):
    try:
        return ewarung.stockouts.select_related("ewarung", "ewarung__kube").get(pk=pk)
    except (ewarung.stockouts.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
