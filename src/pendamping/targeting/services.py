"""Every write of targeting: rule sets (create, new version, activate) and screenings. Each checks, writes, audits.

Rule sets belong to a kabupaten (`area_code`) and only its Admin Dinas Sosial (targeting.rules) writes them. A rule
set with stored results is never changed in place: `rule_set_update` then makes a new version (the old one retired
if it was active, the new one taking its status). Screening (targeting.screen) writes one result per person with
one INSERT ... SELECT and one audit event for the run.

Special cases: a TKSK or fasilitator (targeting.propose) proposes people of a desa or kecamatan with a reason and
documents (`special_case_propose`); the Dinas Sosial admin of the kabupaten (targeting.approve) approves or rejects it
(`special_case_decide`); approved, the named people are screened under kasus_khusus (engine.py says how).
"""

import datetime
import hashlib
import uuid
from typing import Any

from django.conf import settings
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
from .models import (
    PARAMETERS,
    RuleSet,
    ScreeningResult,
    ScreeningRun,
    SoftCriteria,
    SpecialCaseDocument,
    SpecialCaseMember,
    SpecialCaseProposal,
)
from .vocab import FundingSource, RuleSetStatus, SpecialCaseKind, SpecialCaseStatus

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
    if rule_set.status == RuleSetStatus.RETIRED or rule_set.runs.exists():
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
    engine.write_results(rule_set, people, reference_date=reference_date, screened_at=screened_at, run_id=run.pk)
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


# special cases by proposal -----------------------------------------------------------------------------------------

PROPOSE = "targeting.propose"
APPROVE = "targeting.approve"
# what a document may be, recognised by its first bytes (never by its name or the browser's word)
DOCUMENT_SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
]
MAX_DOCUMENTS = 10
PROPOSAL_FIELDS = ["area_code", "kind", "reason", "status", "decided_by_name", "decision_reason"]


def document_max_bytes() -> int:
    """The largest document a proposal takes (a setting; 5 MB by default)."""
    return int(settings.PENDAMPING.get("TARGETING_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024))


def _read_document(upload) -> dict:
    """Check one uploaded document: not empty, not too large, a PDF or an image by its content. Its facts."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255] or "dokumen"
    size = upload.size
    limit = document_max_bytes()
    if not size:
        raise ValidationError({"documents": _("%(name)s is empty.") % {"name": name}})
    if size > limit:
        raise ValidationError(
            {
                "documents": _("%(name)s is %(size)s bytes; a document may be at most %(limit)s bytes.")
                % {"name": name, "size": size, "limit": limit}
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    match = next((found for found in DOCUMENT_SIGNATURES if head.startswith(found[0])), None)
    if match is None:
        raise ValidationError(
            {"documents": _("%(name)s is not a PDF, PNG or JPEG file (checked by its content).") % {"name": name}}
        )
    _signature, content_type, extension = match
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {
        "upload": upload,
        "original_name": name,
        "content_type": content_type,
        "extension": extension,
        "size": size,
        "sha256": digest.hexdigest(),
    }


@transaction.atomic
def special_case_propose(
    *,
    actor,
    area_code: str,
    kind: str,
    reason: str,
    person_ids: list[int],
    documents: list,
) -> SpecialCaseProposal:
    """A TKSK or fasilitator proposes people of a desa or kecamatan as a special case (disaster, economic crisis,
    other urgency), with the reason and supporting documents (PDF or images). It waits for the Dinas Sosial."""
    errors: dict[str, list[str]] = {}
    area = Area.objects.filter(code=area_code or "").first()
    if area is None or area.level not in (AreaLevel.DESA, AreaLevel.KECAMATAN):
        errors.setdefault("area_code", []).append(
            _("A special case is proposed for a desa/kelurahan or a kecamatan; %(code)s is not one.")
            % {"code": area_code}
        )
    if kind not in SpecialCaseKind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of special case."))
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append(_("Say what happened and why these families need KUBE."))
    if errors:
        raise ValidationError(errors)
    require(actor, PROPOSE, area_code)
    wanted = sorted({int(pk) for pk in person_ids})
    if not wanted:
        raise ValidationError({"people": _("Name at least one person.")})
    people = list(
        Person.objects.filter(pk__in=wanted, deleted_at__isnull=True, household__deleted_at__isnull=True)
        .select_related("household")
        .order_by("pk")
    )
    found = {p.pk for p in people}
    if len(found) != len(wanted):
        raise ValidationError(
            {
                "people": _("No such person in the registry: %(ids)s.")
                % {"ids": ", ".join(str(i) for i in wanted if i not in found)}
            }
        )
    outside = [p.nik for p in people if not covers(area_code, p.household.desa_id)]
    if outside:
        raise ValidationError(
            {"people": _("Not living in %(area)s: NIK %(niks)s.") % {"area": area_code, "niks": ", ".join(outside)}}
        )
    if not documents:
        raise ValidationError({"documents": _("Attach at least one supporting document (PDF or photo).")})
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": _("At most %(n)s documents.") % {"n": MAX_DOCUMENTS}})
    checked = [_read_document(upload) for upload in documents]
    proposal = SpecialCaseProposal.objects.create(
        area_code=area_code,
        kind=kind,
        reason=reason,
        status=SpecialCaseStatus.DIAJUKAN,
        proposed_by=actor if getattr(actor, "pk", None) else None,
        proposed_by_name=_actor_name(actor),
        proposed_at=timezone.now(),
    )
    SpecialCaseMember.objects.bulk_create(
        [SpecialCaseMember(proposal=proposal, person=p, household_id=p.household_id) for p in people]
    )
    saved = []
    try:
        for item in checked:
            document = SpecialCaseDocument(
                proposal=proposal,
                stored_name=f"{uuid.uuid4().hex}.{item['extension']}",
                original_name=item["original_name"],
                content_type=item["content_type"],
                size=item["size"],
                sha256=item["sha256"],
            )
            document.file.save(document.stored_name, item["upload"], save=True)
            saved.append(document.file.name)
    except BaseException:
        for name in saved:
            document.file.storage.delete(name)
        raise
    audit_record(
        actor=actor,
        action="special_case.propose",
        obj=proposal,
        area_code=area_code,
        changes={
            **changes_between({}, snapshot(proposal, PROPOSAL_FIELDS)),
            "people": {"before": None, "after": [p.pk for p in people]},
            "documents": {"before": None, "after": [item["sha256"] for item in checked]},
        },
        reason=reason,
    )
    return proposal


def _actor_name(actor) -> str:
    if not getattr(actor, "pk", None):
        return ""
    return getattr(actor, "full_name", "") or actor.get_username()


@transaction.atomic
def special_case_decide(
    *,
    actor,
    proposal: SpecialCaseProposal,
    approve: bool,
    reason: str = "",
    rescreen: bool = True,
    reference_date: datetime.date | None = None,
) -> SpecialCaseProposal:
    """The Dinas Sosial admin of the kabupaten approves or rejects a proposal (a rejection says why); nobody
    decides their own proposal. Approved, the households of the named people are screened again with the active
    rule set of the area (when there is one), so that the people show as kasus_khusus at once."""
    proposal = SpecialCaseProposal.objects.select_for_update().get(pk=proposal.pk)
    require(actor, APPROVE, proposal.area_code)
    if proposal.status != SpecialCaseStatus.DIAJUKAN:
        raise ValidationError(
            {"status": _("This proposal was already decided (%(status)s).") % {"status": proposal.get_status_display()}}
        )
    if proposal.proposed_by_id and proposal.proposed_by_id == getattr(actor, "pk", None):
        raise ValidationError({"status": _("You proposed this special case: another admin decides it.")})
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the proposal is rejected.")})
    before = snapshot(proposal, PROPOSAL_FIELDS)
    proposal.status = SpecialCaseStatus.DISETUJUI if approve else SpecialCaseStatus.DITOLAK
    proposal.decided_by = actor if getattr(actor, "pk", None) else None
    proposal.decided_by_name = _actor_name(actor)
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.save(update_fields=["status", "decided_by", "decided_by_name", "decided_at", "decision_reason"])
    audit_record(
        actor=actor,
        action="special_case.approve" if approve else "special_case.reject",
        obj=proposal,
        area_code=proposal.area_code,
        changes=changes_between(before, snapshot(proposal, PROPOSAL_FIELDS)),
        reason=reason,
    )
    if approve and rescreen:
        from .selectors import active_rule_set

        year = (reference_date or timezone.localdate()).year
        rule_set = active_rule_set(area_code=proposal.area_code, year=year)
        if rule_set is not None:
            household_ids = proposal.members.values("household_id")
            person_ids = list(
                Person.objects.filter(household_id__in=household_ids, deleted_at__isnull=True).values_list(
                    "pk", flat=True
                )
            )
            if person_ids:
                screening_people(
                    actor=actor,
                    rule_set=rule_set,
                    person_ids=person_ids,
                    reference_date=reference_date,
                    reason=_("special case #%(pk)s approved") % {"pk": proposal.pk},
                )
    return proposal


@transaction.atomic
def soft_criteria_record(
    *,
    actor,
    person: Person,
    recorded_on: datetime.date,
    jiwa_wirausaha: bool | None,
    embrio_usaha: bool | None,
    bersedia_berkelompok: bool | None,
    note: str = "",
) -> SoftCriteria:
    """Record what was found of a person's soft criteria (each yes, no or not assessed); the next screening shows it.
    Preferred, never a gate: the decision does not change."""
    person = Person.objects.select_related("household").get(pk=person.pk)
    require(actor, SCREEN, person.household.desa_id)
    errors: dict[str, list[str]] = {}
    if not isinstance(recorded_on, datetime.date) or recorded_on > timezone.localdate():
        errors["recorded_on"] = [_("Give the date it was assessed (not in the future).")]
    values = {
        "jiwa_wirausaha": jiwa_wirausaha,
        "embrio_usaha": embrio_usaha,
        "bersedia_berkelompok": bersedia_berkelompok,
    }
    if all(value is None for value in values.values()):
        errors["jiwa_wirausaha"] = [_("Record at least one of the soft criteria.")]
    if errors:
        raise ValidationError(errors)
    record = SoftCriteria.objects.create(
        person=person,
        recorded_on=recorded_on,
        note=(note or "").strip()[:300],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    audit_record(
        actor=actor,
        action="targeting.soft_criteria",
        obj=record,
        area_code=person.household.desa_id,
        changes={name: {"before": None, "after": value} for name, value in values.items()},
        reason=note,
    )
    return record
