"""Inclusion and exclusion errors of a kecamatan (issue 4 item 6, domain.md 4.1): KUBE members who fail the active
rules, and eligible families who are in no KUBE. Both read the current screening results of one rule set (the
active one of the area by default, through targeting.selectors.candidates) and the active memberships."""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from pendamping.core.scoping import scoped
from pendamping.targeting.models import RuleSet, ScreeningResult
from pendamping.targeting.selectors import active_rule_set, candidates
from pendamping.targeting.vocab import Decision

from ..models import KubeMember

VIEW = "kube.view"


def rule_set_for(area_code: str, rule_set: RuleSet | None = None) -> RuleSet | None:
    return rule_set or active_rule_set(area_code=area_code)


def inclusion_errors(*, actor, area_code: str, rule_set: RuleSet) -> QuerySet[KubeMember]:
    """Active members of live groups in the area whose current result for the rule set is not `eligible`, or who
    have no result for it (never screened against it), each with `result_id` and `result_decision` annotated."""
    current = ScreeningResult.objects.filter(person=OuterRef("person_id"), rule_set=rule_set, current=True).order_by(
        "-screened_at", "-pk"
    )
    members = scoped(
        KubeMember.objects.filter(left_on__isnull=True, kube__deleted_at__isnull=True),
        actor,
        "kube__desa__code",
        VIEW,
    ).filter(kube__desa__code__startswith=area_code + ".")
    members = members.annotate(
        result_id=Subquery(current.values("pk")[:1]), result_decision=Subquery(current.values("decision")[:1])
    )
    return (
        members.filter(Q(result_decision__isnull=True) | ~Q(result_decision=Decision.ELIGIBLE))
        .select_related("person", "kube", "kube__desa")
        .order_by("kube__desa_id", "kube__name", "person__name")
    )


def exclusion_errors(*, actor, area_code: str, rule_set: RuleSet) -> QuerySet[ScreeningResult]:
    """Eligible people of the area (current results of the rule set), ranked by priority, who are in no active KUBE."""
    in_groups = KubeMember.objects.filter(left_on__isnull=True, kube__deleted_at__isnull=True).values("person_id")
    return candidates(actor, area_code=area_code, rule_set=rule_set, decision=Decision.ELIGIBLE).exclude(
        person_id__in=in_groups
    )
