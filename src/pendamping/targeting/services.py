"""Every write of targeting: rule sets (create, new version, activate) and screenings. Each checks, writes, audits.

Rule sets belong to a kabupaten (`area_code`) and only its Admin Dinas Sosial (targeting.rules) writes them. A rule
set with stored results is never changed in place: `rule_set_update` then makes a new version (the old one retired
if it was active, the new one taking its status). Screening (targeting.screen) writes one result per person with
one INSERT ... SELECT and one audit event for the run.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel, covers
from pendamping.core.audit import audit_record, changes_between, snapshot
from pendamping.core.scoping import require
from pendamping.registry.models import Person

from . import engine
from .models import PARAMETERS, RuleSet, ScreeningResult, ScreeningRun
from .vocab import FundingSource, RuleSetStatus

RULES = "targeting.rules"
SCREEN = "targeting.screen"
RULE_SET_FIELDS = ["name", "area_code", "budget_year", "funding_source", "version", "status", *PARAMETERS]
EDITABLE = ["name", *PARAMETERS]


def _validate(values: dict) -> None:
    errors: dict[str, list[str]] = {}

    def bad(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (values.get("name") or "").strip():
        bad("name", _("Give the rule set a name."))
    if values.get("funding_source") not in FundingSource.values:
        bad("funding_source", _("Choose a funding source."))
    year = values.get("budget_year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        bad("budget_year", _("The budget year must be between 2000 and 2100."))
    age_min, age_max = values.get("age_min"), values.get("age_max")
    for name in ("age_min", "age_max"):
        if not isinstance(values.get(name), int) or not 0 <= values[name] <= 110:
            bad(name, _("An age must be between 0 and 110."))
    if isinstance(age_min, int) and isinstance(age_max, int) and age_min > age_max:
        bad("age_max", _("The maximum age is below the minimum age."))
    if not isinstance(values.get("max_desil"), int) or not 1 <= values["max_desil"] <= 10:
        bad("max_desil", _("The highest desil must be between 1 and 10."))
    if not isinstance(values.get("kepmensos146_min"), int) or not 1 <= values["kepmensos146_min"] <= 11:
        bad("kepmensos146_min", _("Kepmensos 146 has 11 criteria: choose between 1 and 11."))
    if not isinstance(values.get("bps14_min"), int) or not 1 <= values["bps14_min"] <= 14:
        bad("bps14_min", _("BPS has 14 criteria: choose between 1 and 14."))
    if not Area.objects.filter(code=values.get("area_code") or "", level=AreaLevel.KABUPATEN).exists():
        bad(
            "area_code",
            _("A rule set belongs to a kabupaten/kota; %(code)s is not one.") % {"code": values.get("area_code")},
        )
    if errors:
        raise ValidationError(errors)


def _next_version(area_code: str, budget_year: int, funding_source: str) -> int:
    top = RuleSet.objects.filter(area_code=area_code, budget_year=budget_year, funding_source=funding_source).aggregate(
        top=Max("version")
    )["top"]
    return (top or 0) + 1


@transaction.atomic
def rule_set_create(
    *, actor, area_code: str, budget_year: int, funding_source: str, name: str, reason: str = "", **parameters: Any
) -> RuleSet:
    """A new draft rule set (version 1, or the next version of its kabupaten, year and funding source)."""
    unknown = set(parameters) - set(PARAMETERS)
    if unknown:
        raise TypeError(f"unknown rule set parameters: {sorted(unknown)}")
    defaults = RuleSet()
    values = {name_: getattr(defaults, name_) for name_ in PARAMETERS}
    values.update(parameters)
    values.update(
        name=(name or "").strip(), area_code=area_code, budget_year=budget_year, funding_source=funding_source
    )
    _validate(values)
    require(actor, RULES, area_code)
    rule_set = RuleSet.objects.create(
        **values,
        version=_next_version(area_code, budget_year, funding_source),
        status=RuleSetStatus.DRAFT,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="rule_set.create",
        obj=rule_set,
        area_code=area_code,
        changes=changes_between({}, snapshot(rule_set, RULE_SET_FIELDS)),
        reason=reason,
    )
    return rule_set


@transaction.atomic
def rule_set_update(*, actor, rule_set: RuleSet, reason: str = "", **changes: Any) -> RuleSet:
    """Change a rule set's name or parameters. One with stored results is never changed in place: a new version is
    made instead (taking the old one's place when it was active). Returns the rule set that holds the change."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    require(actor, RULES, rule_set.area_code)
    before = snapshot(rule_set, RULE_SET_FIELDS)
    values = {**{name: getattr(rule_set, name) for name in RULE_SET_FIELDS}, **changes}
    values["name"] = (values["name"] or "").strip()
    _validate(values)
    if rule_set.status == RuleSetStatus.RETIRED or ScreeningResult.objects.filter(rule_set=rule_set).exists():
        was_active = rule_set.status == RuleSetStatus.ACTIVE
        now = timezone.now()
        if was_active:
            rule_set.status = RuleSetStatus.RETIRED
            rule_set.retired_at = now
            rule_set.save(update_fields=["status", "retired_at"])
            audit_record(
                actor=actor,
                action="rule_set.retire",
                obj=rule_set,
                area_code=rule_set.area_code,
                changes={"status": {"before": RuleSetStatus.ACTIVE, "after": RuleSetStatus.RETIRED}},
                reason=reason or _("replaced by a new version"),
            )
        new = RuleSet.objects.create(
            **{name: values[name] for name in EDITABLE},
            area_code=rule_set.area_code,
            budget_year=rule_set.budget_year,
            funding_source=rule_set.funding_source,
            version=_next_version(rule_set.area_code, rule_set.budget_year, rule_set.funding_source),
            status=RuleSetStatus.ACTIVE if was_active else RuleSetStatus.DRAFT,
            activated_at=now if was_active else None,
            previous=rule_set,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="rule_set.new_version",
            obj=new,
            area_code=new.area_code,
            changes=changes_between(before, snapshot(new, RULE_SET_FIELDS)),
            reason=reason,
        )
        return new
    for name, value in changes.items():
        setattr(rule_set, name, values[name] if name == "name" else value)
    rule_set.save()
    audit_record(
        actor=actor,
        action="rule_set.update",
        obj=rule_set,
        area_code=rule_set.area_code,
        changes=changes_between(before, snapshot(rule_set, RULE_SET_FIELDS)),
        reason=reason,
    )
    return rule_set


@transaction.atomic
def rule_set_activate(*, actor, rule_set: RuleSet, reason: str = "") -> RuleSet:
    """Make a rule set the active one of its kabupaten, budget year and funding source (the one before is retired)."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    require(actor, RULES, rule_set.area_code)
    if rule_set.status == RuleSetStatus.ACTIVE:
        return rule_set
    now = timezone.now()
    for other in RuleSet.objects.select_for_update().filter(
        area_code=rule_set.area_code,
        budget_year=rule_set.budget_year,
        funding_source=rule_set.funding_source,
        status=RuleSetStatus.ACTIVE,
    ):
        other.status, other.retired_at = RuleSetStatus.RETIRED, now
        other.save(update_fields=["status", "retired_at"])
        audit_record(
            actor=actor,
            action="rule_set.retire",
            obj=other,
            area_code=other.area_code,
            changes={"status": {"before": RuleSetStatus.ACTIVE, "after": RuleSetStatus.RETIRED}},
            reason=reason or _("another version was activated"),
        )
    before = rule_set.status
    rule_set.status, rule_set.activated_at, rule_set.retired_at = RuleSetStatus.ACTIVE, now, None
    rule_set.save(update_fields=["status", "activated_at", "retired_at"])
    audit_record(
        actor=actor,
        action="rule_set.activate",
        obj=rule_set,
        area_code=rule_set.area_code,
        changes={"status": {"before": before, "after": RuleSetStatus.ACTIVE}},
        reason=reason,
    )
    return rule_set


def _screen(
    *, actor, rule_set: RuleSet, people: QuerySet, area_code: str, reference_date: datetime.date | None, reason: str
) -> ScreeningRun:
    screened_at = timezone.now()
    reference_date = reference_date or timezone.localdate(screened_at)
    run = ScreeningRun.objects.create(
        rule_set=rule_set,
        area_code=area_code,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=actor.get_username() if getattr(actor, "pk", None) else "",
        screened_at=screened_at,
        reference_date=reference_date,
    )
    ScreeningResult.objects.filter(rule_set=rule_set, current=True, person_id__in=people.values("pk")).update(
        current=False
    )
    queryset = engine.screening_queryset(
        rule_set, people, reference_date=reference_date, screened_at=screened_at, run_id=run.pk
    )
    engine.write_results(queryset)
    counts = dict(ScreeningResult.objects.filter(run=run).order_by().values_list("decision").annotate(n=Count("id")))
    run.counts = counts
    run.people = sum(counts.values())
    run.save(update_fields=["counts", "people"])
    audit_record(
        actor=actor,
        action="screening.run",
        obj=run,
        area_code=area_code,
        changes={"rule_set": {"before": None, "after": str(rule_set)}, "counts": {"before": None, "after": counts}},
        reason=reason,
    )
    return run


def _check_rule_set_covers(rule_set: RuleSet, area_code: str) -> None:
    if not covers(rule_set.area_code, area_code):
        raise ValidationError(
            {
                "rule_set": _("Rule set %(rule_set)s belongs to %(own)s, not to %(area)s.")
                % {"rule_set": rule_set, "own": rule_set.area_code, "area": area_code}
            }
        )


@transaction.atomic
def screening_desa(
    *, actor, rule_set: RuleSet, desa_code: str, reference_date: datetime.date | None = None, reason: str = ""
) -> ScreeningRun:
    """Screen every live person of a desa against a rule set version; one KK keeps one eligible member."""
    if not Area.objects.filter(code=desa_code, level=AreaLevel.DESA).exists():
        raise ValidationError({"desa": _("%(code)s is not a desa/kelurahan code.") % {"code": desa_code}})
    require(actor, SCREEN, desa_code)
    _check_rule_set_covers(rule_set, desa_code)
    people = Person.objects.filter(household__desa_id=desa_code)
    return _screen(
        actor=actor, rule_set=rule_set, people=people, area_code=desa_code, reference_date=reference_date, reason=reason
    )


@transaction.atomic
def screening_people(
    *, actor, rule_set: RuleSet, person_ids: list[int], reference_date: datetime.date | None = None, reason: str = ""
) -> ScreeningRun:
    """Screen the named people (one or a list) as one batch against a rule set version."""
    people = Person.objects.filter(pk__in=list(person_ids))
    desa_codes = sorted(set(people.values_list("household__desa_id", flat=True)))
    if not desa_codes:
        raise ValidationError({"person": _("No such person in the registry.")})
    for code in desa_codes:
        require(actor, SCREEN, code)
        _check_rule_set_covers(rule_set, code)
    area = desa_codes[0] if len(desa_codes) == 1 else ""
    return _screen(
        actor=actor, rule_set=rule_set, people=people, area_code=area, reference_date=reference_date, reason=reason
    )
