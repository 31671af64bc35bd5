"""Every write to a case of the Puskesos desk: intake (with the NIK check, the registry and, for a resident not in
DTKS/DTSEN, a register proposal started in the same transaction), casework edits under optimistic locking, status
moves by CASE_TRANSITIONS, the supervisor's review and return, and case notes.

Who may write: `puskesos.intake` on the case's desa (the fasilitator, the TKSK, the admin); the review and the return
need `puskesos.supervise` (the TKSK of the kecamatan, the admin). Every write is audited.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.core.audit import audit_record, changes_between, snapshot
from pendamping.core.scoping import require
from pendamping.registry import services as registry_services
from pendamping.registry.models import Person

from ..models import Case, CaseNote, CaseStatusChange, RegisterProposal
from ..vocab import (
    CASE_TRANSITIONS,
    CONFIDENTIAL_BY_DEFAULT,
    OPEN_CASE_STATUSES,
    CaseStatus,
    Channel,
    ProblemKind,
    ProposalState,
    Sector,
)

INTAKE = "puskesos.intake"
SUPERVISE = "puskesos.supervise"

CASE_FIELDS = [
    "number",
    "person",
    "household",
    "desa",
    "received_on",
    "channel",
    "sector",
    "problem_kind",
    "description",
    "in_dtks",
    "desil_at_intake",
    "confidential",
    "status",
]
# what casework edits may change (case_update)
CASE_INPUT = [
    "channel",
    "sector",
    "problem_kind",
    "description",
    "component_person",
    "component_problem",
    "component_place",
    "component_process",
    "assessment",
    "plan",
    "confidential",
]
CONTENT_FIELDS = {
    "description",
    "component_person",
    "component_problem",
    "component_place",
    "component_process",
    "assessment",
    "plan",
}
RETURN_TO = (CaseStatus.ASESMEN, CaseStatus.RENCANA)


class StaleCase(ValidationError):
    """Someone else saved the case since the form was opened: nothing is overwritten. `current` is the case as it
    is now, so that the page can show what changed."""

    def __init__(self, current: Case):
        super().__init__(
            _("Someone else saved this case while you were editing it. Check the differences and save again."),
            code="stale",
        )
        self.current = current


def case_days_target(sector: str) -> int:
    """The days a case of this sector should take (PUSKESOS_CASE_DAYS_BY_SECTOR, else PUSKESOS_CASE_DAYS)."""
    policy = settings.PENDAMPING
    return int(policy.get("PUSKESOS_CASE_DAYS_BY_SECTOR", {}).get(sector, policy["PUSKESOS_CASE_DAYS"]))


def _number_prefix(desa_code: str, year: int) -> str:
    return f"PKS-{desa_code.replace('.', '')}-{year}-"


def _next_number(desa_code: str, year: int) -> str:
    prefix = _number_prefix(desa_code, year)
    taken = Case.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


def _clean_case_values(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    values = dict(values)
    if "channel" in values and values["channel"] not in Channel.values:
        errors.setdefault("channel", []).append(_("Choose how the request came in."))
    if "sector" in values and values["sector"] not in Sector.values:
        errors.setdefault("sector", []).append(_("Choose the sector of the need."))
    if "problem_kind" in values and values["problem_kind"] not in ProblemKind.values:
        errors.setdefault("problem_kind", []).append(_("Choose what the problem is."))
    for name in CASE_INPUT:
        if name in values and name != "confidential" and isinstance(values[name], str):
            values[name] = values[name].strip()
    if "description" in values and not values["description"]:
        errors.setdefault("description", []).append(_("Describe the complaint or need."))
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def case_intake(
    *,
    actor,
    channel: str,
    sector: str,
    problem_kind: str,
    description: str,
    person: Person | None = None,
    new_household: dict[str, Any] | None = None,
    new_head: dict[str, Any] | None = None,
    received_on: datetime.date | None = None,
    confidential: bool | None = None,
    proposal_reason: str = "",
    reason: str = "",
) -> Case:
    """Open a case for a resident found in the registry (`person`) or registered now (`new_household`, with
    HOUSEHOLD_INPUT fields and desa_code, and `new_head`, the head's PERSON_INPUT fields less the relation, through
    registry.services.household_create_with_head). A household with no ID DTKS gets a register proposal in state draf
    with `proposal_reason`. Confidential by default for the problems of CONFIDENTIAL_BY_DEFAULT.

    Returns the case; `case.proposal` is the proposal started (or None), `case.warnings` the NIK warnings.
    """
    if (person is None) == (new_household is None):
        raise TypeError("give either person or new_household (with new_head)")
    received_on = received_on or timezone.localdate()
    values = _clean_case_values(
        {"channel": channel, "sector": sector, "problem_kind": problem_kind, "description": description}
    )
    errors: dict[str, list[str]] = {}
    if received_on > timezone.localdate():
        errors["received_on"] = [_("The date received cannot be in the future.")]
    warnings: list[str] = []
    if person is None:
        require(actor, INTAKE, (new_household or {}).get("desa_code") or None)
        if errors:
            raise ValidationError(errors)
        household = registry_services.household_create_with_head(
            actor=actor,
            head=dict(new_head or {}),
            reason=reason or _("registered at the Puskesos desk"),
            **new_household,
        )
        person = household.head
        warnings = list(getattr(household, "warnings", []))
    else:
        person = Person.objects.select_related("household").get(pk=person.pk)
        household = person.household
        require(actor, INTAKE, household.desa_id)
        if person.deleted_at is not None or household.deleted_at is not None:
            errors.setdefault("person", []).append(_("This person was removed from the registry: restore them first."))
    in_dtks = bool(household.id_dtks)
    proposal_reason = (proposal_reason or "").strip()
    if not in_dtks and not proposal_reason:
        errors.setdefault("proposal_reason", []).append(
            _("The family is not in DTKS/DTSEN: say why it should be proposed for the register.")
        )
    if errors:
        raise ValidationError(errors)
    if confidential is None:
        confidential = values["problem_kind"] in CONFIDENTIAL_BY_DEFAULT
    case = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    number=_next_number(household.desa_id, received_on.year),
                    person=person,
                    household=household,
                    desa_id=household.desa_id,
                    received_on=received_on,
                    in_dtks=in_dtks,
                    desil_at_intake=household.desil,
                    confidential=bool(confidential),
                    fasilitator=actor,
                    status=CaseStatus.BARU,
                    **values,
                )
            break
        except IntegrityError:
            continue  # another desk took the number at the same moment: take the next
    if case is None:
        raise ValidationError(_("Could not give the case a number; try again."))
    audit_record(
        actor=actor,
        action="puskesos.case_intake",
        obj=case,
        area_code=case.desa_id,
        changes=_audited(case, changes_between({}, snapshot(case, CASE_FIELDS))),
        reason=reason,
    )
    case.proposal = None
    if not in_dtks:
        proposal = RegisterProposal.objects.create(
            household=household,
            desa_id=household.desa_id,
            case=case,
            state=ProposalState.DRAF,
            reason=proposal_reason,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="puskesos.proposal_create",
            obj=proposal,
            area_code=proposal.desa_id,
            changes=changes_between({}, {"state": proposal.state, "reason": proposal.reason, "case": case.pk}),
            reason=proposal_reason,
        )
        case.proposal = proposal
    case.warnings = warnings
    return case


def _audited(case: Case, changes: dict) -> dict:
    """What a confidential case says is not copied into the audit log: only that it changed."""
    if not case.confidential:
        return changes
    return {
        name: {"before": "…", "after": "…"} if name in CONTENT_FIELDS else change for name, change in changes.items()
    }


def _case_for_write(actor, case: Case, capability: str = INTAKE) -> Case:
    require(actor, capability, case.desa_id)
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_update(*, actor, case: Case, expected_version: int | None = None, reason: str = "", **values) -> Case:
    """Change the casework (the four components, assessment, plan, the request's details, confidentiality).
    A save made on an older version is refused with StaleCase (nothing is overwritten)."""
    unknown = set(values) - set(CASE_INPUT)
    if unknown:
        raise TypeError(f"unknown case fields {sorted(unknown)}")
    case = _case_for_write(actor, case)
    if expected_version is not None and expected_version != case.version:
        raise StaleCase(case)
    if case.status not in OPEN_CASE_STATUSES:
        raise ValidationError(_("This case has ended; it can no longer be changed."), code="ended")
    values = _clean_case_values(values)
    before = snapshot(case, CASE_INPUT)
    for name, value in values.items():
        setattr(case, name, bool(value) if name == "confidential" else value)
    changes = changes_between(before, snapshot(case, CASE_INPUT))
    if not changes:
        return case
    case.version = F("version") + 1
    case.save()
    case.refresh_from_db()
    changes = _audited(case, changes)
    audit_record(
        actor=actor, action="puskesos.case_update", obj=case, area_code=case.desa_id, changes=changes, reason=reason
    )
    return case


def _move(actor, case: Case, to_status: str, note: str, on: datetime.date | None, action: str) -> Case:
    from_status = case.status
    case.status = to_status
    if to_status in (CaseStatus.SELESAI, CaseStatus.DITUTUP):
        case.closed_on = on or timezone.localdate()
        if to_status == CaseStatus.DITUTUP:
            case.closed_reason = note[:300]
    case.version = F("version") + 1
    case.save()
    case.refresh_from_db()
    CaseStatusChange.objects.create(
        case=case, from_status=from_status, to_status=to_status, note=note[:500], actor=actor
    )
    audit_record(
        actor=actor,
        action=action,
        obj=case,
        area_code=case.desa_id,
        changes={"status": {"before": from_status, "after": to_status}},
        reason=note,
    )
    return case


@transaction.atomic
def case_status_set(
    *,
    actor,
    case: Case,
    status: str,
    note: str = "",
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Move the case by CASE_TRANSITIONS. Closing (ditutup) needs a reason; selesai and ditutup set closed_on."""
    case = _case_for_write(actor, case)
    if expected_version is not None and expected_version != case.version:
        raise StaleCase(case)
    note = (note or "").strip()
    if status not in CaseStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status not in CASE_TRANSITIONS[CaseStatus(case.status)]:
        raise ValidationError(
            {
                "status": ValidationError(
                    _("A case in %(current)s cannot move to %(target)s.")
                    % {"current": CaseStatus(case.status).label, "target": CaseStatus(status).label},
                    code="transition",
                )
            }
        )
    if status == CaseStatus.DITUTUP and not note:
        raise ValidationError({"note": ValidationError(_("Say why the case is closed."), code="reason_required")})
    if on is not None and (on > timezone.localdate() or on < case.received_on):
        raise ValidationError({"on": _("The date must lie between the day the case was received and today.")})
    return _move(actor, case, status, note, on, "puskesos.case_status")


@transaction.atomic
def case_review(*, actor, case: Case, note: str = "") -> Case:
    """The supervisor (TKSK or admin) marks the case reviewed."""
    case = _case_for_write(actor, case, SUPERVISE)
    before = snapshot(case, ["reviewed_at", "reviewed_by"])
    case.reviewed_at = timezone.now()
    case.reviewed_by = actor
    case.version = F("version") + 1
    case.save()
    case.refresh_from_db()
    audit_record(
        actor=actor,
        action="puskesos.case_review",
        obj=case,
        area_code=case.desa_id,
        changes=changes_between(before, snapshot(case, ["reviewed_at", "reviewed_by"])),
        reason=note,
    )
    return case


@transaction.atomic
def case_return(*, actor, case: Case, note: str, to_status: str = CaseStatus.ASESMEN) -> Case:
    """The supervisor returns the case to asesmen or rencana with a written note, shown to the fasilitator."""
    case = _case_for_write(actor, case, SUPERVISE)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if not note:
        errors["note"] = [_("Write what must be done again.")]
    if to_status not in RETURN_TO:
        errors["to_status"] = [_("A case goes back to asesmen or rencana.")]
    if case.status not in OPEN_CASE_STATUSES:
        errors.setdefault("to_status", []).append(_("This case has ended; it cannot be returned."))
    elif to_status in RETURN_TO and CaseStatus.values.index(to_status) >= CaseStatus.values.index(case.status):
        errors.setdefault("to_status", []).append(_("A case is returned only to an earlier step."))
    if errors:
        raise ValidationError(errors)
    case.returned_note = note
    case.returned_at = timezone.now()
    case.reviewed_at = None
    case.reviewed_by = None
    return _move(actor, case, to_status, note, None, "puskesos.case_return")


@transaction.atomic
def case_note_add(*, actor, case: Case, text: str, confidential: bool | None = None, contact=None) -> CaseNote:
    """A note of the casework. A confidential case's notes are confidential unless said otherwise."""
    require(actor, INTAKE, case.desa_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if contact is not None and contact.desa_id != case.desa_id:
        raise ValidationError({"contact": _("The contact is of another desa.")})
    if confidential is None:
        confidential = case.confidential
    note = CaseNote.objects.create(case=case, author=actor, text=text, confidential=bool(confidential), contact=contact)
    audit_record(
        actor=actor,
        action="puskesos.note_add",
        obj=note,
        area_code=case.desa_id,
        changes={
            "confidential": {"before": None, "after": note.confidential},
            "case": {"before": None, "after": case.pk},
        },
    )
    return note
