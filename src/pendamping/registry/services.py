"""Every write to the registry. Each checks the actor, validates with `rules`, writes and audits.

Households are scoped by their desa; a person by their household's desa. Concurrent edits are caught by the
`version` of the record: a save that expected another version is refused with the fields that changed.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel
from pendamping.core.audit import audit_record, changes_between, snapshot
from pendamping.core.scoping import require

from . import counts, poverty, rules
from .models import DuplicateDismissal, Household, KkHistory, Person, PersonPpks, PovertyChecklist
from .nik import clean_number
from .text import normalize_name
from .vocab import KkChangeReason, Ppks, Relation

HOUSEHOLD_FIELDS = [
    "no_kk",
    "desa",
    "dusun",
    "rt",
    "rw",
    "alamat",
    "id_dtks",
    "desil",
    "desil_period",
    "padan_dukcapil",
    "pkh_status",
    "sembako",
    "pbi_jk",
    "purnabina_kat",
    "purnabina_lain",
    "kube_aid_year",
    "monthly_income",
    "basic_needs_cost",
    "poverty_class",
    "unmet_needs",
]
HOUSEHOLD_INPUT = [f for f in HOUSEHOLD_FIELDS if f not in ("desa", "poverty_class")] + ["desa_code"]
PERSON_FIELDS = [
    "nik",
    "household",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relation",
    "marital_status",
    "education",
    "occupation",
    "asn_tni_polri_pensiunan",
    "main_breadwinner",
    "disability",
    "phone",
]
PERSON_INPUT = [f for f in PERSON_FIELDS if f != "household"]


class StaleEdit(ValidationError):
    """Someone else saved the record since this form was opened: nothing is overwritten."""

    def __init__(self):
        super().__init__(
            _("Someone else saved this record while you were editing it. Reload it, check, and save again."),
            code="stale",
        )


def desa_known(code: str) -> bool:
    return Area.objects.filter(code=code, level=AreaLevel.DESA).exists()


def kecamatan_known(code: str) -> bool:
    return Area.objects.filter(code=code, level=AreaLevel.KECAMATAN).exists()


def _raise(problems) -> None:
    if problems:
        errors: dict[str, list[ValidationError]] = {}
        for field, problem in problems:
            errors.setdefault(field, []).append(ValidationError(problem.message, code=problem.code))
        raise ValidationError(errors)


def _clean_household_values(values: dict) -> dict:
    values = dict(values)
    values["no_kk"] = clean_number(values.get("no_kk"))
    for name in ("rt", "rw"):
        value = (values.get(name) or "").strip()
        values[name] = value.zfill(3) if value.isdigit() else value
    for name in ("dusun", "alamat", "id_dtks", "desil_period", "purnabina_lain", "pkh_status"):
        values[name] = (values.get(name) or "").strip()
    values["unmet_needs"] = sorted(set(values.get("unmet_needs") or []))
    return values


def _apply_household(household: Household, values: dict) -> None:
    for name in HOUSEHOLD_INPUT:
        if name == "desa_code":
            household.desa_id = values["desa_code"]
        elif name in values:
            setattr(household, name, values[name])
    household.poverty_class = poverty.classify_by_need(
        household.monthly_income, household.basic_needs_cost
    ).poverty_class


@transaction.atomic
def household_create(*, actor, reason: str = "", kk_since: datetime.date | None = None, **values: Any) -> Household:
    """Register a family card. `values` are the HOUSEHOLD_INPUT fields (desa_code for the desa)."""
    unknown = set(values) - set(HOUSEHOLD_INPUT)
    if unknown:
        raise TypeError(f"unknown household fields: {sorted(unknown)}")
    values = _clean_household_values(values)
    _raise(rules.household_problems(values, desa_known=desa_known))
    require(actor, "registry.edit", values["desa_code"])
    if Household.objects.live().filter(no_kk=values["no_kk"]).exists():
        raise ValidationError(
            {
                "no_kk": ValidationError(
                    _("No. KK %(kk)s is already registered.") % {"kk": values["no_kk"]}, code="kk_ganda"
                )
            }
        )
    household = Household()
    _apply_household(household, values)
    household.save()
    counts.refresh([household.desa_id])
    KkHistory.objects.create(
        household=household,
        no_kk=household.no_kk,
        valid_from=kk_since or timezone.localdate(),
        reason=KkChangeReason.PERTAMA,
    )
    audit_record(
        actor=actor,
        action="household.create",
        obj=household,
        area_code=household.desa_id,
        changes=changes_between({}, snapshot(household, HOUSEHOLD_FIELDS)),
        reason=reason,
    )
    return household


def _check_version(record, expected_version: int | None) -> None:
    if expected_version is not None and record.version != expected_version:
        raise StaleEdit()


def _require_live_household(household: Household, message: str) -> None:
    """A removed household is only restored (household_restore): every other change is refused with `message`."""
    if household.deleted_at is not None or Household.objects.filter(pk=household.pk, deleted_at__isnull=False).exists():
        raise ValidationError(message % {"kk": household.no_kk}, code="removed")


def _require_live_person(person: Person) -> None:
    """A removed or merged person is only restored (person_restore): every other change is refused."""
    if person.deleted_at is not None or Person.objects.filter(pk=person.pk, deleted_at__isnull=False).exists():
        raise ValidationError(
            _("%(name)s (%(nik)s) was removed or merged: restore the record first.")
            % {"name": person.name, "nik": person.nik},
            code="removed",
        )


@transaction.atomic
def household_update(
    *, actor, household: Household, expected_version: int | None = None, reason: str = "", **values: Any
) -> Household:
    """Change a household's fields (not its No. KK: that is household_kk_change, which keeps the history)."""
    unknown = set(values) - (set(HOUSEHOLD_INPUT) - {"no_kk"})
    if unknown:
        raise TypeError(f"unknown household fields: {sorted(unknown)}")
    household = Household.objects.select_for_update().get(pk=household.pk)
    require(actor, "registry.edit", household.desa_id)
    _require_live_household(
        household, _("The household with No. KK %(kk)s was removed: restore it before changing it.")
    )
    _check_version(household, expected_version)
    current = {name: getattr(household, name) for name in HOUSEHOLD_INPUT if name != "desa_code"}
    current["desa_code"] = household.desa_id
    merged = _clean_household_values({**current, **values})
    _raise(rules.household_problems(merged, desa_known=desa_known))
    if merged["desa_code"] != household.desa_id:
        require(actor, "registry.edit", merged["desa_code"])
    before = snapshot(household, HOUSEHOLD_FIELDS)
    was_in = household.desa_id
    _apply_household(household, merged)
    changes = changes_between(before, snapshot(household, HOUSEHOLD_FIELDS))
    if changes:
        household.version = F("version") + 1
        household.save()
        household.refresh_from_db()
        counts.refresh({was_in, household.desa_id})
        audit_record(
            actor=actor,
            action="household.update",
            obj=household,
            area_code=household.desa_id,
            changes=changes,
            reason=reason,
        )
    return household


@transaction.atomic
def household_kk_change(
    *, actor, household: Household, no_kk: str, change_reason: str, changed_on: datetime.date, reason: str = ""
) -> Household:
    """A new family card for the same household: the old number is kept in the history, never lost."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require(actor, "registry.edit", household.desa_id)
    _require_live_household(
        household, _("The household with No. KK %(kk)s was removed: restore it before changing it.")
    )
    if change_reason not in KkChangeReason.values or change_reason == KkChangeReason.PERTAMA:
        raise ValidationError({"change_reason": _("Choose why the No. KK changed.")})
    check = rules.nik_rules.check_kk(no_kk)
    _raise([("no_kk", p) for p in check.errors])
    no_kk = check.value
    if no_kk == household.no_kk:
        raise ValidationError({"no_kk": _("This is already the household's No. KK.")})
    if Household.objects.live().filter(no_kk=no_kk).exclude(pk=household.pk).exists():
        raise ValidationError({"no_kk": _("No. KK %(kk)s is already registered.") % {"kk": no_kk}})
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": ValidationError(_("The date is in the future."), code="future")})
    current = KkHistory.objects.filter(household=household, valid_to__isnull=True).order_by("-valid_from").first()
    if current is not None and changed_on < current.valid_from:
        raise ValidationError(
            {
                "changed_on": ValidationError(
                    _("The current No. KK is valid since %(date)s: the new one cannot start earlier.")
                    % {"date": current.valid_from.strftime("%d-%m-%Y")},
                    code="before_current",
                )
            }
        )
    KkHistory.objects.filter(household=household, valid_to__isnull=True).update(valid_to=changed_on)
    KkHistory.objects.create(household=household, no_kk=no_kk, valid_from=changed_on, reason=change_reason)
    old = household.no_kk
    household.no_kk = no_kk
    household.version = F("version") + 1
    household.save()
    household.refresh_from_db()
    audit_record(
        actor=actor,
        action="household.kk_change",
        obj=household,
        area_code=household.desa_id,
        changes={
            "no_kk": {"before": old, "after": no_kk},
            "kk_change_reason": {"before": None, "after": change_reason},
        },
        reason=reason,
    )
    return household


def _clean_person_values(values: dict) -> dict:
    values = dict(values)
    values["nik"] = clean_number(values.get("nik"))
    for name in ("name", "birth_place", "occupation", "phone", "marital_status", "education", "disability"):
        values[name] = (
            " ".join((values.get(name) or "").split()) if name == "name" else (values.get(name) or "").strip()
        )
    return values


def _person_validate(values: dict) -> list:
    errors, warnings = rules.person_problems(values, kecamatan_known=kecamatan_known, today=timezone.localdate())
    _raise(errors)
    return warnings


@transaction.atomic
def person_add(*, actor, household: Household, reason: str = "", **values: Any) -> Person:
    """Add a person to a household. Returns the person; NIK warnings (unknown prefix) are in person.warnings."""
    unknown = set(values) - set(PERSON_INPUT)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    require(actor, "registry.edit", household.desa_id)
    _require_live_household(household, _("The household with No. KK %(kk)s was removed: restore it first."))
    values = _clean_person_values(values)
    warnings = _person_validate(values)
    if Person.objects.filter(nik=values["nik"]).exists():
        raise ValidationError(
            {"nik": ValidationError(_("NIK %(nik)s is already registered.") % {"nik": values["nik"]}, code="nik_ganda")}
        )
    person = Person(household=household, **values)
    person.name_normalized = normalize_name(person.name)
    person.save()
    audit_record(
        actor=actor,
        action="person.create",
        obj=person,
        area_code=household.desa_id,
        changes=changes_between({}, snapshot(person, PERSON_FIELDS)),
        reason=reason,
    )
    person.warnings = [problem.message for _field, problem in warnings]
    return person


@transaction.atomic
def person_update(
    *, actor, person: Person, expected_version: int | None = None, reason: str = "", **values: Any
) -> Person:
    unknown = set(values) - set(PERSON_INPUT)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    require(actor, "registry.edit", person.household.desa_id)
    _require_live_person(person)
    _check_version(person, expected_version)
    merged = _clean_person_values({**{name: getattr(person, name) for name in PERSON_INPUT}, **values})
    warnings = _person_validate(merged)
    if merged["nik"] != person.nik and Person.objects.filter(nik=merged["nik"]).exists():
        raise ValidationError({"nik": _("NIK %(nik)s is already registered.") % {"nik": merged["nik"]}})
    before = snapshot(person, PERSON_FIELDS)
    for name in PERSON_INPUT:
        setattr(person, name, merged[name])
    person.name_normalized = normalize_name(person.name)
    changes = changes_between(before, snapshot(person, PERSON_FIELDS))
    if changes:
        person.version = F("version") + 1
        person.save()
        person.refresh_from_db()
        audit_record(
            actor=actor,
            action="person.update",
            obj=person,
            area_code=person.household.desa_id,
            changes=changes,
            reason=reason,
        )
    person.warnings = [problem.message for _field, problem in warnings]
    return person


@transaction.atomic
def person_move(*, actor, person: Person, household: Household, relation: str, reason: str) -> Person:
    """A person joins another family card (marriage, pisah KK). Both desa must lie in the actor's areas."""
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    require(actor, "registry.edit", person.household.desa_id)
    require(actor, "registry.edit", household.desa_id)
    _require_live_person(person)
    _require_live_household(household, _("The household with No. KK %(kk)s was removed: restore it first."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the move.")})
    before = snapshot(person, ["household", "relation"])
    person.household, person.relation = household, relation
    _person_validate({name: getattr(person, name) for name in PERSON_INPUT})
    person.version = F("version") + 1
    person.save()
    person.refresh_from_db()
    audit_record(
        actor=actor,
        action="person.move",
        obj=person,
        area_code=household.desa_id,
        changes=changes_between(before, snapshot(person, ["household", "relation"])),
        reason=reason.strip(),
    )
    return person


@transaction.atomic
def person_ppks_add(
    *, actor, person: Person, category: str, assessed_on: datetime.date, source: str, reason: str = ""
) -> PersonPpks:
    require(actor, "registry.edit", person.household.desa_id)
    _require_live_person(person)
    if category not in Ppks.values:
        raise ValidationError({"category": _("Unknown PPKS category %(code)s.") % {"code": category}})
    if not (source or "").strip():
        raise ValidationError({"source": _("Say where this assessment comes from.")})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The assessment date is in the future.")})
    ppks = PersonPpks.objects.create(
        person=person, category=category, assessed_on=assessed_on, source=source.strip(), recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="person.ppks_add",
        obj=person,
        area_code=person.household.desa_id,
        changes={"ppks": {"before": None, "after": f"{category} {assessed_on.isoformat()} ({source.strip()})"}},
        reason=reason,
    )
    return ppks


@transaction.atomic
def checklist_record(
    *,
    actor,
    household: Household,
    kind: str,
    items: list[str],
    assessed_on: datetime.date,
    assessor_name: str = "",
    notes: str = "",
) -> PovertyChecklist:
    """Record a dated Kepmensos 146 or BPS 14 checklist; the count and the result follow from the items."""
    require(actor, "registry.edit", household.desa_id)
    _require_live_household(household, _("The household with No. KK %(kk)s was removed: restore it first."))
    from .vocab import CHECKLIST_ITEMS, ChecklistKind

    if kind not in ChecklistKind.values:
        raise ValidationError({"kind": _("Unknown checklist %(kind)s.") % {"kind": kind}})
    allowed = set(CHECKLIST_ITEMS[ChecklistKind(kind)].values)
    unknown = sorted(set(items) - allowed)
    if unknown:
        raise ValidationError({"items": _("Unknown criteria: %(items)s.") % {"items": ", ".join(unknown)}})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The assessment date is in the future.")})
    result = poverty.checklist_result(kind, items)
    checklist = PovertyChecklist.objects.create(
        household=household,
        kind=kind,
        assessed_on=assessed_on,
        assessor=actor if getattr(actor, "pk", None) else None,
        assessor_name=(assessor_name or "").strip() or actor.get_full_name(),
        items=sorted(set(items)),
        count=result.count,
        threshold=result.threshold,
        is_poor=result.is_poor,
        notes=notes,
    )
    audit_record(
        actor=actor,
        action="household.checklist",
        obj=household,
        area_code=household.desa_id,
        changes={kind: {"before": None, "after": f"{result.count}/{result.total} ({assessed_on.isoformat()})"}},
    )
    return checklist


@transaction.atomic
def household_delete(*, actor, household: Household, reason: str) -> Household:
    """Soft delete: the household and its members leave the lists but stay in the database and the audit log.

    The members still on the card are removed at the same instant as the household: that is how household_restore
    knows which of them to bring back (not those removed earlier on their own)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require(actor, "registry.edit", household.desa_id)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for removing this household.")})
    _require_live_household(household, _("The household with No. KK %(kk)s was already removed."))
    now = timezone.now()
    household.deleted_at, household.deleted_reason = now, reason.strip()
    household.save(update_fields=["deleted_at", "deleted_reason"])
    household.members.filter(deleted_at__isnull=True).update(deleted_at=now, deleted_reason=reason.strip())
    counts.refresh([household.desa_id])
    audit_record(
        actor=actor,
        action="household.delete",
        obj=household,
        area_code=household.desa_id,
        changes={"deleted_at": {"before": None, "after": now}},
        reason=reason.strip(),
    )
    return household


@transaction.atomic
def household_create_with_head(
    *, actor, head: dict[str, Any], reason: str = "", kk_since: datetime.date | None = None, **values: Any
) -> Household:
    """Register a family card with its head as its first member, both or neither.

    The household's fields and the head's (PERSON_INPUT less the relation, which is kepala keluarga) are checked
    together, so that every mistake is shown at once; the head's errors are named head_<field>. Returns the household
    with `head` and the head's NIK `warnings`.
    """
    unknown = set(head) - (set(PERSON_INPUT) - {"relation"})
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    head = {**head, "relation": Relation.KEPALA_KELUARGA}
    if not (set(values) - set(HOUSEHOLD_INPUT)):
        household_errors = rules.household_problems(_clean_household_values(values), desa_known=desa_known)
        head_errors, _warnings = rules.person_problems(
            _clean_person_values(head), kecamatan_known=kecamatan_known, today=timezone.localdate()
        )
        _raise(household_errors + [(f"head_{field}", problem) for field, problem in head_errors])
    household = household_create(actor=actor, reason=reason, kk_since=kk_since, **values)
    try:
        person = person_add(actor=actor, household=household, reason=reason, **head)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError({f"head_{field}": errors for field, errors in error.error_dict.items()}) from error
        raise
    household.head = person
    household.warnings = person.warnings
    return household


@transaction.atomic
def person_delete(*, actor, person: Person, reason: str, expected_version: int | None = None) -> Person:
    """Soft delete (died, moved away, entered by mistake): the person leaves the lists, the record and its history stay."""
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    require(actor, "registry.edit", person.household.desa_id)
    _check_version(person, expected_version)
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for removing this person."), code="required")}
        )
    if person.deleted_at is not None:
        raise ValidationError(_("This person was already removed."), code="already_deleted")
    now = timezone.now()
    person.deleted_at, person.deleted_reason = now, reason.strip()[:300]
    person.version = F("version") + 1
    person.save(update_fields=["deleted_at", "deleted_reason", "version", "updated_at"])
    person.refresh_from_db()
    audit_record(
        actor=actor,
        action="person.delete",
        obj=person,
        area_code=person.household.desa_id,
        changes={"deleted_at": {"before": None, "after": now}},
        reason=reason.strip(),
    )
    return person


@transaction.atomic
def person_merge(*, actor, keep: Person, duplicate: Person, reason: str) -> Person:
    """Two records of one person: the duplicate is closed (soft-deleted, merged_into the kept one) and its PPKS
    assessments are copied to the kept record. Nothing is destroyed: the duplicate keeps its data, its PPKS rows and
    its history, which the kept person's page shows; the merge is audited on both records."""
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": ValidationError(_("A record cannot be merged with itself."), code="same")})
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .select_related("household")
        .filter(pk__in=[keep.pk, duplicate.pk])
        .order_by("pk")
    }
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    require(actor, "registry.merge", keep.household.desa_id)
    require(actor, "registry.merge", duplicate.household.desa_id)
    if not (reason or "").strip():
        raise ValidationError({"reason": ValidationError(_("Give the reason for the merge."), code="required")})
    for person in (keep, duplicate):
        if person.deleted_at is not None:
            raise ValidationError(
                _("%(name)s (%(nik)s) was already removed or merged.") % {"name": person.name, "nik": person.nik},
                code="not_live",
            )
    have = set(keep.ppks.values_list("category", "assessed_on", "source"))
    copied = []
    for ppks in duplicate.ppks.order_by("assessed_on", "pk"):
        if (ppks.category, ppks.assessed_on, ppks.source) in have:
            continue
        PersonPpks.objects.create(
            person=keep,
            category=ppks.category,
            assessed_on=ppks.assessed_on,
            source=ppks.source,
            recorded_by=ppks.recorded_by,
            ended_on=ppks.ended_on,
        )
        have.add((ppks.category, ppks.assessed_on, ppks.source))
        copied.append(f"{ppks.category} {ppks.assessed_on.isoformat()} ({ppks.source})")
    now = timezone.now()
    duplicate.deleted_at, duplicate.deleted_reason, duplicate.merged_into = now, reason.strip()[:300], keep
    duplicate.version = F("version") + 1
    duplicate.save(update_fields=["deleted_at", "deleted_reason", "merged_into", "version", "updated_at"])
    duplicate.refresh_from_db()
    audit_record(
        actor=actor,
        action="person.merge",
        obj=duplicate,
        area_code=duplicate.household.desa_id,
        changes={
            "merged_into": {"before": None, "after": f"{keep.pk} {keep.nik}"},
            "deleted_at": {"before": None, "after": now},
        },
        reason=reason.strip(),
    )
    changes = {"merged_from": {"before": None, "after": f"{duplicate.pk} {duplicate.nik}"}}
    if copied:
        changes["ppks"] = {"before": None, "after": copied}
    audit_record(
        actor=actor,
        action="person.merge",
        obj=keep,
        area_code=keep.household.desa_id,
        changes=changes,
        reason=reason.strip(),
    )
    return keep


@transaction.atomic
def person_restore(*, actor, person: Person, reason: str) -> Person:
    """Bring a removed person back to the lists. Not a merged record: it lives on in the person it was merged into
    (undoing a merge is not a restore). Not a member of a removed household: restore the household, which brings
    back the members removed with it."""
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    require(actor, "registry.edit", person.household.desa_id)
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for restoring this person."), code="required")}
        )
    if person.deleted_at is None:
        raise ValidationError(_("%(name)s is not removed.") % {"name": person.name}, code="not_removed")
    if person.merged_into_id is not None:
        kept = person.merged_into
        raise ValidationError(
            _(
                "%(name)s (NIK %(nik)s) was merged into %(kept)s (NIK %(kept_nik)s) and cannot be restored: the "
                "record and its history are kept on the page of %(kept)s."
            )
            % {"name": person.name, "nik": person.nik, "kept": kept.name, "kept_nik": kept.nik},
            code="merged",
        )
    if person.household.deleted_at is not None:
        raise ValidationError(
            _("The household of %(name)s (No. KK %(kk)s) is removed: restore the household first.")
            % {"name": person.name, "kk": person.household.no_kk},
            code="household_removed",
        )
    before = {"deleted_at": person.deleted_at, "deleted_reason": person.deleted_reason}
    person.deleted_at, person.deleted_reason = None, ""
    person.version = F("version") + 1
    person.save(update_fields=["deleted_at", "deleted_reason", "version", "updated_at"])
    person.refresh_from_db()
    audit_record(
        actor=actor,
        action="person.restore",
        obj=person,
        area_code=person.household.desa_id,
        changes=changes_between(before, {"deleted_at": None, "deleted_reason": ""}),
        reason=reason.strip(),
    )
    return person


@transaction.atomic
def household_restore(*, actor, household: Household, reason: str) -> Household:
    """Bring a removed household back to the lists, with the members removed together with it (the members removed
    earlier on their own stay removed; merged records stay merged). Refused when its No. KK now belongs to another
    live household."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require(actor, "registry.edit", household.desa_id)
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for restoring this household."), code="required")}
        )
    if household.deleted_at is None:
        raise ValidationError(
            _("The household with No. KK %(kk)s is not removed.") % {"kk": household.no_kk}, code="not_removed"
        )
    if Household.objects.live().filter(no_kk=household.no_kk).exclude(pk=household.pk).exists():
        raise ValidationError(
            _(
                "No. KK %(kk)s now belongs to another registered household: this one cannot be restored with the "
                "same number."
            )
            % {"kk": household.no_kk},
            code="kk_ganda",
        )
    removed_at, removed_reason = household.deleted_at, household.deleted_reason
    members = list(
        Person.objects.select_for_update()
        .filter(household=household, deleted_at=removed_at, merged_into__isnull=True)
        .order_by("pk")
    )
    household.deleted_at, household.deleted_reason = None, ""
    household.version = F("version") + 1
    household.save(update_fields=["deleted_at", "deleted_reason", "version", "updated_at"])
    household.refresh_from_db()
    counts.refresh([household.desa_id])
    Person.objects.filter(pk__in=[p.pk for p in members]).update(
        deleted_at=None, deleted_reason="", version=F("version") + 1, updated_at=timezone.now()
    )
    removed = {"deleted_at": removed_at, "deleted_reason": removed_reason}
    restored = {"deleted_at": None, "deleted_reason": ""}
    audit_record(
        actor=actor,
        action="household.restore",
        obj=household,
        area_code=household.desa_id,
        changes={
            **changes_between(removed, restored),
            "members_restored": {"before": None, "after": [f"{p.pk} {p.nik}" for p in members]},
        },
        reason=reason.strip(),
    )
    for person in members:
        audit_record(
            actor=actor,
            action="person.restore",
            obj=person,
            area_code=household.desa_id,
            changes=changes_between(
                {"deleted_at": person.deleted_at, "deleted_reason": person.deleted_reason}, restored
            ),
            reason=reason.strip(),
        )
    return household


@transaction.atomic
def duplicate_dismiss(*, actor, first: Person, second: Person, reason: str) -> DuplicateDismissal:
    """Two records that look like one person are two people: the pair leaves the probable duplicates for good (a
    later merge of the two is still possible). Needs registry.merge on both records' desa, like a merge; audited on
    both records."""
    if first.pk == second.pk:
        raise ValidationError(_("A record cannot be compared with itself."), code="same")
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .select_related("household")
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    person_a, person_b = locked[min(locked)], locked[max(locked)]
    require(actor, "registry.merge", person_a.household.desa_id)
    require(actor, "registry.merge", person_b.household.desa_id)
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason why these are two different people."), code="required")}
        )
    for person in (person_a, person_b):
        if person.deleted_at is not None:
            raise ValidationError(
                _("%(name)s (%(nik)s) was already removed or merged.") % {"name": person.name, "nik": person.nik},
                code="not_live",
            )
    if DuplicateDismissal.objects.filter(person_a=person_a, person_b=person_b).exists():
        raise ValidationError(
            _("%(first)s and %(second)s are already marked as two different people.")
            % {"first": person_a.name, "second": person_b.name},
            code="already_dismissed",
        )
    dismissal = DuplicateDismissal.objects.create(
        person_a=person_a, person_b=person_b, decided_by=actor, reason=reason.strip()[:300]
    )
    for person, other in ((person_a, person_b), (person_b, person_a)):
        audit_record(
            actor=actor,
            action="person.duplicate_dismiss",
            obj=person,
            area_code=person.household.desa_id,
            changes={"not_a_duplicate_of": {"before": None, "after": f"{other.pk} {other.nik}"}},
            reason=reason.strip(),
        )
    return dismissal
