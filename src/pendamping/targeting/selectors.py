"""Every read of targeting a user triggers, limited to the actor's areas.

A result is scoped by its person's household desa; a rule set belongs to a kabupaten and is seen by those whose areas
lie in it (or cover it): Sukabumi's rule sets are not seen in Bogor.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pendamping.areas.vocab import covers
from pendamping.core.scoping import get_in_scope_or_404, scope_codes, scoped

from .models import (
    RuleSet,
    ScreeningResult,
    ScreeningRun,
    SpecialCaseDocument,
    SpecialCaseMember,
    SpecialCaseProposal,
)
from .vocab import Decision, RuleSetStatus

VIEW = "targeting.view"
RESULT_AREA = "person__household__desa__code"


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _rule_set_q(codes: list[str] | None) -> Q:
    if codes is None:
        return Q()
    query = Q(pk__in=[])
    for code in codes:
        query |= Q(area_code__in=_ancestors(code)) | Q(area_code__startswith=code + ".")
    return query


def rule_sets_visible(*, actor, capability: str = VIEW) -> QuerySet:
    return RuleSet.objects.filter(_rule_set_q(scope_codes(actor, capability))).select_related("previous")


def rule_set_get(*, actor, pk: int, capability: str = VIEW) -> RuleSet:
    """One rule set the actor sees, or a 404."""
    try:
        return rule_sets_visible(actor=actor, capability=capability).get(pk=pk)
    except (RuleSet.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def rule_sets_for_area(*, actor, area_code: str) -> QuerySet:
    """The rule sets that may screen an area (those of its kabupaten), active first."""
    return (
        rule_sets_visible(actor=actor)
        .filter(area_code__in=_ancestors(area_code))
        .exclude(status=RuleSetStatus.RETIRED)
        .order_by("status", "-budget_year", "funding_source", "-version")
    )


def active_rule_set(*, area_code: str | None = None, year: int | None = None) -> RuleSet | None:
    """The active rule set of the budget year (this year by default) for an area (any area when None)."""
    year = year or timezone.localdate().year
    rule_sets = RuleSet.objects.filter(status=RuleSetStatus.ACTIVE, budget_year=year)
    if area_code:
        rule_sets = rule_sets.filter(area_code__in=_ancestors(area_code))
    return rule_sets.order_by("funding_source", "-version").first()


@dataclass(frozen=True)
class ResultFilter:
    desa: str = ""
    rule_set: int | None = None
    decision: str = ""
    mechanism: str = ""


def results_visible(*, actor, filters: ResultFilter | None = None) -> QuerySet:
    """The current results in the actor's areas, by priority, with what a list shows loaded in the same query."""
    filters = filters or ResultFilter()
    results = scoped(ScreeningResult.objects.filter(current=True), actor, RESULT_AREA, VIEW)
    if filters.desa:
        results = results.filter(Q(desa_code=filters.desa) | Q(desa_code__startswith=filters.desa + "."))
    if filters.rule_set:
        results = results.filter(rule_set_id=filters.rule_set)
    if filters.decision:
        results = results.filter(decision=filters.decision)
    if filters.mechanism:
        results = results.filter(mechanism=filters.mechanism)
    return results.select_related("person", "rule_set", "household").order_by(
        "priority", "decision", "person__name", "pk"
    )


def decision_counts(*, actor, filters: ResultFilter) -> dict[str, int]:
    """Current results per decision, for the desa and rule set of the filter (not narrowed by decision or mechanism)."""
    base = ResultFilter(desa=filters.desa, rule_set=filters.rule_set)
    rows = results_visible(actor=actor, filters=base).order_by().values_list("decision").annotate(n=Count("id"))
    counts = {value: 0 for value in Decision.values}
    counts.update(dict(rows))
    return counts


def result_get(*, actor, pk: int) -> ScreeningResult:
    return get_in_scope_or_404(
        ScreeningResult.objects.select_related(
            "person", "household", "household__desa", "rule_set", "run", "data_kk_taken_by", "special_case"
        ),
        actor,
        RESULT_AREA,
        VIEW,
        pk=pk,
    )


def latest_result_for(*, actor, person, rule_set) -> ScreeningResult | None:
    return (
        scoped(ScreeningResult.objects.filter(person=person, rule_set=rule_set), actor, RESULT_AREA, VIEW)
        .select_related("person", "rule_set", "data_kk_taken_by")
        .order_by("-screened_at", "-pk")
        .first()
    )


def runs_visible(*, actor) -> QuerySet:
    return scoped(ScreeningRun.objects.all(), actor, "area_code", VIEW).select_related("rule_set")


def area_is_in_scope(actor, area_code: str) -> bool:
    codes = scope_codes(actor, VIEW)
    return codes is None or any(covers(code, area_code) for code in codes)


# special cases -------------------------------------------------------------------------------------------------------


def special_cases_visible(*, actor, status: str = "") -> QuerySet:
    """The special-case proposals of the actor's areas, newest first, with how many people each names."""
    proposals = scoped(SpecialCaseProposal.objects.all(), actor, "area_code", VIEW)
    if status:
        proposals = proposals.filter(status=status)
    return proposals.annotate(n_people=Count("members")).order_by("-proposed_at", "-pk")


def special_case_get(*, actor, pk: int) -> SpecialCaseProposal:
    """One proposal the actor sees, with its people and documents, or a 404."""
    return get_in_scope_or_404(
        SpecialCaseProposal.objects.prefetch_related(
            Prefetch("members", queryset=SpecialCaseMember.objects.select_related("person", "household")),
            "documents",
        ),
        actor,
        "area_code",
        VIEW,
        pk=pk,
    )


def special_case_document_get(*, actor, proposal_pk: int, pk: int) -> SpecialCaseDocument:
    return get_in_scope_or_404(
        SpecialCaseDocument.objects.select_related("proposal"),
        actor,
        "proposal__area_code",
        VIEW,
        pk=pk,
        proposal_id=proposal_pk,
    )


# candidate lists -----------------------------------------------------------------------------------------------------


def candidates(
    user,
    *,
    area_code: str,
    rule_set: RuleSet | int | None = None,
    decision: str = "",
    mechanism: str = "",
    desa: str = "",
    capability: str = VIEW,
) -> QuerySet:
    """The candidates of a desa or kecamatan: the current screening results of one rule set (the active one of the
    area by default) in the user's areas, by priority, then desil (unknown last), then name. Filterable by decision,
    mechanism and desa (inside the area). Rows carry their person (select_related). For the KUBE app too."""
    if rule_set is None:
        rule_set = active_rule_set(area_code=area_code)
        if rule_set is None:
            return ScreeningResult.objects.none()
    rule_set_id = rule_set.pk if isinstance(rule_set, RuleSet) else int(rule_set)
    results = scoped(
        ScreeningResult.objects.filter(rule_set_id=rule_set_id, current=True), user, RESULT_AREA, capability
    )
    results = results.filter(Q(desa_code=area_code) | Q(desa_code__startswith=area_code + "."))
    if desa:
        results = results.filter(desa_code=desa)
    if decision:
        results = results.filter(decision=decision)
    if mechanism:
        results = results.filter(mechanism=mechanism)
    return results.select_related("person").order_by(
        "priority", F("data_desil").asc(nulls_last=True), "person__name", "pk"
    )


def people_by_nik(*, actor, niks: list[str], capability: str = VIEW) -> dict:
    """The live people with these NIKs in the actor's areas (for the capability), by NIK."""
    from pendamping.registry.models import Person

    people = scoped(
        Person.objects.filter(nik__in=list(niks), deleted_at__isnull=True, household__deleted_at__isnull=True),
        actor,
        "household__desa__code",
        capability,
    )
    return {person.nik: person for person in people}
