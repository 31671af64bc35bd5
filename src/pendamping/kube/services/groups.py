"""Groups, their members, the activities of the four stages, the gates of 4.3 and their overrides.

Rules of Permensos 2/2019 enforced here: 5-20 members (the maximum on every addition, the minimum at the T1.2 gate),
one member per KK, every member living in a desa of the group's kecamatan, one active KUBE per person, and the
three offices (ketua, sekretaris, bendahara) held by three different members. The database holds the last three
as constraints too.

Gates (`gate_unmet` says what is missing): a stage opens by `stage_advance`; T1.2 and T1.6 are recorded only when
their conditions hold. A user with kube.override may pass a gate with a written reason: a GateOverride row, an audit
event, shown on the group and in the report of overrides.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.permissions import can
from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel, covers
from pendamping.core.audit import audit_record, changes_between, snapshot
from pendamping.core.scoping import require
from pendamping.registry.models import Person
from pendamping.targeting.models import ScreeningResult
from pendamping.targeting.vocab import Decision, FundingSource

from .. import standing
from ..models import ActivityRecord, BusinessType, GateOverride, Kube, KubeMember, Lpj, StageChange, StimulusRate
from ..vocab import (
    EVALUATIONS,
    OFFICERS,
    STAGE_ORDER,
    TYPOLOGY_ORDER,
    Activity,
    ActivityResult,
    Gate,
    KubeKind,
    KubeStatus,
    LeaveReason,
    LpjState,
    MemberRole,
    Stage,
    Typology,
    activity_stage,
)
from .common import attachment_check, attachment_store, check_date, kube_for_write, policy

MANAGE = "kube.manage"
RECORD = "kube.record"
OVERRIDE = "kube.override"

KUBE_FIELDS = [
    "name",
    "kind",
    "business_type",
    "desa",
    "funding_source",
    "budget_year",
    "formed_on",
    "bank_name",
    "bank_account_number",
    "bank_account_name",
    "sk_number",
    "sk_date",
    "pendamping",
    "status",
    "stage",
]
KUBE_INPUT = [
    "name",
    "kind",
    "business_type",
    "desa_code",
    "funding_source",
    "budget_year",
    "formed_on",
    "bank_name",
    "bank_account_number",
    "bank_account_name",
    "sk_number",
    "sk_date",
    "pendamping",
]
MEMBER_FIELDS = ["person", "role", "joined_on", "left_on", "leave_reason", "leave_note", "eligibility_override"]


def stimulus_per_member(*, area_code: str, budget_year: int, funding_source: str) -> int:
    """The stimulus per member for the group's kabupaten, year and funding source (StimulusRate, or the setting)."""
    kabupaten = ".".join(area_code.split(".")[:2])
    rate = StimulusRate.objects.filter(
        area_code=kabupaten, budget_year=budget_year, funding_source=funding_source
    ).first()
    return rate.per_member if rate else int(policy("KUBE_STIMULUS_PER_MEMBER"))


# -- groups -------------------------------------------------------------------------------------------------------


def _validate_group(values: dict) -> dict:
    """Clean and check the fields of a group; returns the cleaned values or raises naming each bad field."""
    errors: dict[str, list[str]] = {}

    def bad(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    values = dict(values)
    for name in ("name", "bank_name", "bank_account_number", "bank_account_name", "sk_number"):
        values[name] = (values.get(name) or "").strip()
    if not values["name"]:
        bad("name", _("Give the group a name."))
    if values.get("kind") not in KubeKind.values:
        bad("kind", _("Choose KUBE Produksi or KUBE Jasa."))
    business_type = values.get("business_type")
    if not isinstance(business_type, BusinessType) or not business_type.active:
        bad("business_type", _("Choose a business type from the list."))
    if values.get("funding_source") not in FundingSource.values:
        bad("funding_source", _("Choose a funding source."))
    year = values.get("budget_year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        bad("budget_year", _("The budget year must be between 2000 and 2100."))
    desa = Area.objects.filter(code=values.get("desa_code") or "", level=AreaLevel.DESA).first()
    if desa is None:
        bad("desa_code", _("Choose the desa/kelurahan of the group."))
    values["desa"] = desa
    formed_on = values.get("formed_on")
    if not isinstance(formed_on, datetime.date):
        bad("formed_on", _("Give the date the group was formed."))
    elif formed_on > timezone.localdate():
        bad("formed_on", _("The date the group was formed cannot be in the future."))
    number = values["bank_account_number"]
    if number and not number.replace("-", "").replace(" ", "").isdigit():
        bad("bank_account_number", _("An account number has digits only."))
    if bool(values["sk_number"]) != bool(values.get("sk_date")):
        bad("sk_number", _("Give both the number and the date of the SK penetapan."))
    pendamping = values.get("pendamping")
    if pendamping is not None and desa is not None and not can(pendamping, RECORD, desa.code):
        bad(
            "pendamping",
            _("%(user)s holds no role in %(desa)s that lets them accompany a KUBE.")
            % {"user": pendamping.get_username(), "desa": desa.name},
        )
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def kube_create(*, actor, reason: str = "", **values) -> Kube:
    """Register a group in stage T0. `values` are the KUBE_INPUT fields (desa_code for its desa)."""
    unknown = set(values) - set(KUBE_INPUT)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    require(actor, MANAGE, values.get("desa_code") or None)
    values = _validate_group(values)
    desa = values["desa"]
    kube = Kube(
        kecamatan_id=desa.parent_id,
        stimulus_per_member=stimulus_per_member(
            area_code=desa.code, budget_year=values["budget_year"], funding_source=values["funding_source"]
        ),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{name: values.get(name) for name in KUBE_FIELDS if name in values},
    )
    kube.save()
    audit_record(
        actor=actor,
        action="kube.create",
        obj=kube,
        area_code=kube.desa_id,
        changes=changes_between({}, snapshot(kube, KUBE_FIELDS)),
        reason=reason,
    )
    return kube


@transaction.atomic
def kube_update(*, actor, kube: Kube, expected_version: int | None = None, reason: str = "", **values) -> Kube:
    """Change the group's details. Moving it to a desa of another kecamatan is refused while it has members."""
    unknown = set(values) - set(KUBE_INPUT)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    kube = kube_for_write(actor=actor, kube=kube, capability=MANAGE)
    if expected_version is not None and expected_version != kube.version:
        raise ValidationError(
            _("Someone else saved this group while you were editing it. Reload it, check, and save again."),
            code="stale",
        )
    current = {name: getattr(kube, name) for name in KUBE_INPUT if name != "desa_code"}
    current["desa_code"] = kube.desa_id
    values = _validate_group({**current, **values})
    desa = values["desa"]
    require(actor, MANAGE, desa.code)
    if desa.parent_id != kube.kecamatan_id and kube.members.filter(left_on__isnull=True).exists():
        raise ValidationError(
            {"desa_code": _("The group has members in its kecamatan; it cannot move to another kecamatan.")}
        )
    before = snapshot(kube, KUBE_FIELDS)
    for name in KUBE_FIELDS:
        if name in values:
            setattr(kube, name, values[name])
    kube.kecamatan_id = desa.parent_id
    kube.version = F("version") + 1
    kube.save()
    kube.refresh_from_db()
    changes = changes_between(before, snapshot(kube, KUBE_FIELDS))
    audit_record(actor=actor, action="kube.update", obj=kube, area_code=kube.desa_id, changes=changes, reason=reason)
    return kube


@transaction.atomic
def kube_status_set(*, actor, kube: Kube, status: str, reason: str, on: datetime.date | None = None) -> Kube:
    """Aktif, macet or bubar, with the reason. A group that dissolves (bubar) lets its members go, so that they may
    join another group."""
    kube = kube_for_write(actor=actor, kube=kube, capability=MANAGE)
    if status not in KubeStatus.values:
        raise ValidationError({"status": _("Choose aktif, macet or bubar.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the status changes.")})
    if status == kube.status:
        return kube
    on = on or timezone.localdate()
    before = snapshot(kube, ["status"])
    kube.status = status
    kube.version = F("version") + 1
    kube.save(update_fields=["status", "version", "updated_at"])
    kube.refresh_from_db()
    if status == KubeStatus.BUBAR:
        for member in kube.members.filter(left_on__isnull=True):
            _member_end(actor, member, on, LeaveReason.KELOMPOK_BUBAR, reason)
    audit_record(
        actor=actor,
        action="kube.status",
        obj=kube,
        area_code=kube.desa_id,
        changes=changes_between(before, snapshot(kube, ["status"])),
        reason=reason,
    )
    return kube


# -- members ------------------------------------------------------------------------------------------------------


def _latest_screening(person: Person, kube: Kube) -> ScreeningResult | None:
    """The person's current screening, preferring a rule set of the group's budget year and funding source."""
    results = ScreeningResult.objects.filter(person=person, current=True).select_related("rule_set")
    matching = results.filter(
        rule_set__budget_year=kube.budget_year, rule_set__funding_source=kube.funding_source
    ).order_by("-screened_at", "-pk")
    return matching.first() or results.order_by("-screened_at", "-pk").first()


def _check_office(kube: Kube, role: str, member: KubeMember | None = None) -> None:
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose ketua, sekretaris, bendahara or anggota.")})
    if role in OFFICERS:
        holder = kube.members.filter(left_on__isnull=True, role=role).exclude(pk=getattr(member, "pk", None)).first()
        if holder is not None:
            raise ValidationError(
                {
                    "role": _("%(person)s is already %(role)s of this group; each office is held by one member.")
                    % {"person": holder.person.name, "role": MemberRole(role).label}
                }
            )


@transaction.atomic
def kube_member_add(
    *,
    actor,
    kube: Kube,
    person: Person,
    joined_on: datetime.date,
    role: str = MemberRole.ANGGOTA,
    eligibility_override: str = "",
    reason: str = "",
) -> KubeMember:
    """Add a person of the registry to the group, with the screening they are admitted on."""
    kube = kube_for_write(actor=actor, kube=kube, capability=MANAGE)
    if kube.status == KubeStatus.BUBAR:
        raise ValidationError(_("The group is dissolved (bubar); it takes no new members."))
    person = Person.objects.select_related("household", "household__desa").get(pk=person.pk)
    if person.deleted_at is not None or person.merged_into_id is not None:
        raise ValidationError({"person": _("%(name)s was removed from the registry.") % {"name": person.name}})
    active = kube.members.filter(left_on__isnull=True)
    limit = int(policy("KUBE_MAX_MEMBERS"))
    if active.count() >= limit:
        raise ValidationError(
            {
                "person": _("A KUBE has at most %(limit)d members; %(kube)s already has %(count)d.")
                % {"limit": limit, "kube": kube.name, "count": active.count()}
            }
        )
    desa = person.household.desa
    if not covers(kube.kecamatan_id, desa.code):
        raise ValidationError(
            {
                "person": _(
                    "%(name)s lives in %(desa)s, outside kecamatan %(kecamatan)s: all members live in one kecamatan."
                )
                % {"name": person.name, "desa": f"{desa.name} ({desa.code})", "kecamatan": kube.kecamatan_id}
            }
        )
    other = KubeMember.objects.filter(person=person, left_on__isnull=True).select_related("kube").first()
    if other is not None:
        raise ValidationError(
            {
                "person": _("%(name)s is already an active member of %(kube)s; a person is in one KUBE at a time.")
                % {"name": person.name, "kube": other.kube.name}
            }
        )
    same_kk = active.filter(household_id=person.household_id).select_related("person").first()
    if same_kk is not None:
        raise ValidationError(
            {
                "person": _("%(other)s of the same KK is already a member; a KUBE takes one member per KK.")
                % {"other": same_kk.person.name}
            }
        )
    _check_office(kube, role)
    check_date(joined_on, field="joined_on", kube=kube, label=_("the joining date"))
    member = KubeMember(
        kube=kube,
        person=person,
        household_id=person.household_id,
        role=role,
        joined_on=joined_on,
        screening=_latest_screening(person, kube),
        eligibility_override=eligibility_override.strip(),
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # a concurrent addition took the place first
        raise ValidationError(
            {"person": _("%(name)s was just added elsewhere; reload the page.") % {"name": person.name}}
        ) from None
    standing.refresh([kube.pk])
    audit_record(
        actor=actor,
        action="kube.member_add",
        obj=member,
        area_code=kube.desa_id,
        changes=changes_between({}, snapshot(member, MEMBER_FIELDS)),
        reason=reason,
    )
    return member


@transaction.atomic
def kube_member_role_set(*, actor, member: KubeMember, role: str, reason: str = "") -> KubeMember:
    kube_for_write(actor=actor, kube=member.kube, capability=MANAGE)
    member = KubeMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise ValidationError(_("This member has left the group."))
    _check_office(member.kube, role, member)
    before = snapshot(member, ["role"])
    member.role = role
    member.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="kube.member_role",
        obj=member,
        area_code=member.kube.desa_id,
        changes=changes_between(before, snapshot(member, ["role"])),
        reason=reason,
    )
    return member


@transaction.atomic
def kube_member_override_set(*, actor, member: KubeMember, reason: str) -> KubeMember:
    """Admit a member whose screening is not `eligible`, with the written reason (gate T1.6 then counts them)."""
    kube_for_write(actor=actor, kube=member.kube, capability=OVERRIDE)
    if not reason.strip():
        raise ValidationError({"reason": _("Write why this member is admitted despite the screening.")})
    member = KubeMember.objects.select_for_update().get(pk=member.pk)
    before = snapshot(member, ["eligibility_override"])
    member.eligibility_override = reason.strip()
    member.save(update_fields=["eligibility_override"])
    audit_record(
        actor=actor,
        action="kube.member_override",
        obj=member,
        area_code=member.kube.desa_id,
        changes=changes_between(before, snapshot(member, ["eligibility_override"])),
        reason=reason,
    )
    return member


def _member_end(actor, member: KubeMember, left_on: datetime.date, leave_reason: str, note: str) -> None:
    before = snapshot(member, MEMBER_FIELDS)
    member.left_on = left_on
    member.leave_reason = leave_reason
    member.leave_note = note.strip()[:300]
    member.save(update_fields=["left_on", "leave_reason", "leave_note"])
    standing.refresh([member.kube_id])
    audit_record(
        actor=actor,
        action="kube.member_leave",
        obj=member,
        area_code=member.kube.desa_id,
        changes=changes_between(before, snapshot(member, MEMBER_FIELDS)),
        reason=note,
    )


@transaction.atomic
def kube_member_leave(
    *, actor, member: KubeMember, left_on: datetime.date, leave_reason: str, note: str = ""
) -> KubeMember:
    kube = kube_for_write(actor=actor, kube=member.kube, capability=MANAGE)
    member = KubeMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise ValidationError(_("This member has already left the group."))
    if leave_reason not in LeaveReason.values:
        raise ValidationError({"leave_reason": _("Choose why the member leaves.")})
    check_date(left_on, field="left_on", kube=kube, label=_("the leaving date"))
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("The leaving date is before the member joined.")})
    _member_end(actor, member, left_on, leave_reason, note)
    return member


# -- gates, activities and stages ----------------------------------------------------------------------------------


def _recorded(kube: Kube, activity: str, passed: bool = False) -> bool:
    records = ActivityRecord.objects.filter(kube=kube, activity=activity)
    if passed:
        records = records.filter(result=ActivityResult.PASSED)
    return records.exists()


def gate_unmet(kube: Kube, gate: str) -> list[str]:
    """What is missing for the gate to open, in words; an empty list when it opens."""
    unmet: list[str] = []
    active = list(kube.members.filter(left_on__isnull=True).select_related("person", "screening"))
    if gate == Gate.T1:
        if not _recorded(kube, Activity.T0_7, passed=True):
            unmet.append(_("T0.7 Evaluasi persiapan has no passing result."))
    elif gate == Gate.T1_2:
        low, high = int(policy("KUBE_MIN_MEMBERS")), int(policy("KUBE_MAX_MEMBERS"))
        if not low <= len(active) <= high:
            unmet.append(
                _("The group has %(count)d members; it needs %(low)d to %(high)d.")
                % {"count": len(active), "low": low, "high": high}
            )
        unscreened = [m.person.name for m in active if m.screening_id is None and not m.eligibility_override]
        if unscreened:
            unmet.append(_("Not screened yet: %(names)s.") % {"names": ", ".join(unscreened)})
        roles = {m.role for m in active}
        missing = [MemberRole(role).label for role in OFFICERS if role not in roles]
        if missing:
            unmet.append(_("No %(offices)s chosen.") % {"offices": ", ".join(str(m) for m in missing)})
    elif gate == Gate.T1_6:
        if not kube.has_bank_account:
            unmet.append(_("The group's bank account is not recorded."))
        if not kube.has_sk:
            unmet.append(_("The SK penetapan (number and date) is not recorded."))
        not_eligible = [
            m.person.name
            for m in active
            if not m.eligibility_override and (m.screening is None or m.screening.decision != Decision.ELIGIBLE)
        ]
        if not_eligible:
            unmet.append(
                _("Not eligible by screening and not admitted by override: %(names)s.")
                % {"names": ", ".join(not_eligible)}
            )
        if not active:
            unmet.append(_("The group has no members."))
    elif gate == Gate.T2:
        if not _recorded(kube, Activity.T1_7):
            unmet.append(_("T1.7 Pendampingan dan evaluasi is not recorded."))
        lpj = Lpj.objects.filter(kube=kube).first()
        if lpj is None or lpj.state != LpjState.DIVERIFIKASI:
            unmet.append(_("The LPJ of the stimulus is not verified."))
    elif gate == Gate.T3:
        if not _recorded(kube, Activity.T2_3):
            unmet.append(_("T2.3 Pendampingan dan evaluasi is not recorded."))
        latest = kube.progress_reports.order_by("-month").first()
        if latest is None or TYPOLOGY_ORDER[latest.typology] < TYPOLOGY_ORDER[Typology.BERKEMBANG]:
            shown = Typology(latest.typology).label if latest else _("no progress report")
            unmet.append(_("The typology is %(typology)s; it must be at least berkembang.") % {"typology": shown})
    return unmet


def _pass_gate(actor, kube: Kube, gate: str, override_reason: str) -> GateOverride | None:
    """Nothing when the gate opens; an override when it does not and the actor wrote why; else the refusal."""
    unmet = gate_unmet(kube, gate)
    if not unmet:
        return None
    if not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": [
                    _("%(gate)s is not open:") % {"gate": Gate(gate).label},
                    *unmet,
                ]
            },
            code="gate_closed",
        )
    require(actor, OVERRIDE, kube.desa_id)
    override = GateOverride.objects.create(
        kube=kube,
        gate=gate,
        unmet=[str(item) for item in unmet],
        reason=override_reason.strip(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="kube.gate_override",
        obj=kube,
        area_code=kube.desa_id,
        changes={"gate": {"before": None, "after": gate}, "unmet": {"before": None, "after": override.unmet}},
        reason=override.reason,
    )
    return override


ACTIVITY_GATES = {Activity.T1_2: Gate.T1_2, Activity.T1_6: Gate.T1_6}


@transaction.atomic
def activity_record(
    *,
    actor,
    kube: Kube,
    activity: str,
    done_on: datetime.date,
    result: str = "",
    notes: str = "",
    files=(),
    override_reason: str = "",
) -> ActivityRecord:
    """Record an activity of the group's current or an earlier stage, with its attachments; evaluations need a
    result; T1.2 and T1.6 need their gate (or an override)."""
    kube = kube_for_write(actor=actor, kube=kube, capability=RECORD)
    if activity not in Activity.values:
        raise ValidationError({"activity": _("Choose an activity of the list.")})
    stage = activity_stage(activity)
    if STAGE_ORDER[stage] > STAGE_ORDER[kube.stage]:
        raise ValidationError(
            {
                "activity": _("%(activity)s belongs to %(stage)s; the group is still in %(current)s.")
                % {"activity": activity, "stage": Stage(stage).label, "current": Stage(kube.stage).label}
            }
        )
    check_date(done_on, field="done_on", kube=kube, label=_("the activity"))
    if activity in EVALUATIONS:
        if result not in ActivityResult.values:
            raise ValidationError({"result": _("An evaluation needs its result: passed or not passed.")})
    elif result:
        raise ValidationError({"result": _("Only an evaluation has a result.")})
    for uploaded in files:
        attachment_check(uploaded)
    override = None
    if activity in ACTIVITY_GATES:
        override = _pass_gate(actor, kube, ACTIVITY_GATES[activity], override_reason)
    record = ActivityRecord.objects.create(
        kube=kube,
        activity=activity,
        done_on=done_on,
        result=result,
        notes=notes.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    names = [attachment_store(actor=actor, kube=kube, uploaded=f, activity_record=record).original_name for f in files]
    audit_record(
        actor=actor,
        action="kube.activity",
        obj=kube,
        area_code=kube.desa_id,
        changes={
            "activity": {"before": None, "after": activity},
            "done_on": {"before": None, "after": done_on},
            "result": {"before": None, "after": result},
            "attachments": {"before": None, "after": names},
            **({"override": {"before": None, "after": override.pk}} if override else {}),
        },
        reason=notes,
    )
    return record


def next_stage(stage: str) -> str | None:
    values = Stage.values
    position = values.index(stage)
    return values[position + 1] if position + 1 < len(values) else None


@transaction.atomic
def stage_advance(
    *, actor, kube: Kube, on: datetime.date | None = None, override_reason: str = "", reason: str = ""
) -> Kube:
    """Open the next stage when its gate holds, or with an override and its written reason."""
    kube = kube_for_write(actor=actor, kube=kube, capability=MANAGE)
    if kube.status == KubeStatus.BUBAR:
        raise ValidationError(_("The group is dissolved (bubar)."))
    target = next_stage(kube.stage)
    if target is None:
        raise ValidationError(_("The group is already in the last stage (T3)."))
    on = on or timezone.localdate()
    check_date(on, field="on", kube=kube, label=_("the stage change"))
    override = _pass_gate(actor, kube, target, override_reason)
    StageChange.objects.create(
        kube=kube,
        from_stage=kube.stage,
        to_stage=target,
        changed_on=on,
        override=override,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    before = snapshot(kube, ["stage"])
    kube.stage = target
    kube.version = F("version") + 1
    kube.save(update_fields=["stage", "version", "updated_at"])
    kube.refresh_from_db()
    audit_record(
        actor=actor,
        action="kube.stage",
        obj=kube,
        area_code=kube.desa_id,
        changes=changes_between(before, snapshot(kube, ["stage"])),
        reason=override_reason or reason,
    )
    return kube


@transaction.atomic
def business_type_add(*, actor, area_code: str, name: str, kind: str) -> BusinessType:
    """A business type of the Dinas Sosial's own kabupaten, added to the common list."""
    from django.utils.text import slugify

    require(actor, "kube.business_types", area_code)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the business type a name.")})
    if kind not in KubeKind.values:
        raise ValidationError({"kind": _("Choose KUBE Produksi or KUBE Jasa.")})
    code = slugify(name).replace("-", "_")[:40] or "usaha"
    if BusinessType.objects.filter(area_code__in=["", area_code], code=code).exists():
        raise ValidationError({"name": _("%(name)s is already in the list.") % {"name": name}})
    business_type = BusinessType.objects.create(area_code=area_code, code=code, name=name, kind=kind)
    audit_record(actor=actor, action="kube.business_type_add", obj=business_type, area_code=area_code)
    return business_type
