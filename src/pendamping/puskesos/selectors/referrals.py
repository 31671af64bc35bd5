"""Reads of referrals, scoped by the desa of their case: the list with its filters (overdue ones flagged, ageing in
days since sent), one referral with its history, a case's referrals, and the case a new referral is made from."""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, ExpressionWrapper, Q, QuerySet, Value, When
from django.utils import timezone

from pendamping.areas.vocab import subtree_q
from pendamping.core.models import AuditEvent
from pendamping.core.scoping import get_in_scope_or_404, scoped

from ..models import Case as PuskesosCase
from ..models import Referral
from ..vocab import OPEN_REFERRAL_STATUSES

VIEW = "puskesos.view"
INTAKE = "puskesos.intake"
AREA = "case__desa__code"


@dataclass
class ReferralFilter:
    status: str = ""
    sector: str = ""
    desa: str = ""
    overdue: bool = False


def _overdue_q(today: datetime.date) -> Q:
    return Q(status__in=OPEN_REFERRAL_STATUSES, due_on__lt=today)


def with_flags(referrals: QuerySet[Referral], today: datetime.date | None = None) -> QuerySet[Referral]:
    today = today or timezone.localdate()
    return referrals.annotate(
        overdue=ExpressionWrapper(
            Case(When(_overdue_q(today), then=Value(True)), default=Value(False)), output_field=BooleanField()
        )
    )


def referrals_visible(
    *, actor, filters: ReferralFilter | None = None, today: datetime.date | None = None
) -> QuerySet[Referral]:
    """The referrals of cases in the actor's areas matching the filter, oldest open ones first within a date."""
    filters = filters or ReferralFilter()
    today = today or timezone.localdate()
    referrals = scoped(Referral.objects.all(), actor, AREA, VIEW)
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.sector:
        referrals = referrals.filter(sector=filters.sector)
    if filters.desa:
        referrals = referrals.filter(subtree_q(filters.desa, AREA))
    if filters.overdue:
        referrals = referrals.filter(_overdue_q(today))
    return with_flags(
        referrals.select_related("case", "case__person", "case__desa", "case__desa__parent"), today
    ).order_by("-sent_on", "-id")


def referral_get(*, actor, pk, capability: str = VIEW) -> Referral:
    return get_in_scope_or_404(
        with_flags(
            Referral.objects.select_related(
                "case", "case__person", "case__household", "case__desa", "case__desa__parent", "created_by"
            )
        ),
        actor,
        AREA,
        capability,
        pk=pk,
    )


def referral_history(*, referral: Referral) -> QuerySet[AuditEvent]:
    """What happened to the referral, from the audit log: made, letters issued, status changes, answers."""
    return AuditEvent.objects.filter(object_type="puskesos.referral", object_id=str(referral.pk)).order_by("at", "pk")


def case_referrals(*, case: PuskesosCase, today: datetime.date | None = None) -> list[Referral]:
    """The referrals of a case the caller has already fetched in scope, newest first, with the overdue flag."""
    return list(with_flags(case.referrals.all(), today).order_by("-sent_on", "-id"))


def case_for_referral(*, actor, pk) -> PuskesosCase:
    """The case a referral is made from: in the actor's areas for puskesos.intake, else 404."""
    return get_in_scope_or_404(
        PuskesosCase.objects.select_related("person", "household", "desa"), actor, "desa__code", INTAKE, pk=pk
    )
