"""Every write of mentoring: contacts (with their roles, attendance, photos, the KUBE activity they served and the
follow-up tasks from their agreements), tasks, and the monthly TKSK report.

A contact is recorded once: a form carries an idempotency key, and a second submission with the same key by the
same user (a double tap, a resend after a dropped connection) returns the contact already recorded.
"""

import datetime
import decimal
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.permissions import can
from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel
from pendamping.core.audit import audit_record
from pendamping.core.scoping import require
from pendamping.kube import standing as kube_standing
from pendamping.kube.models import Kube, KubeMember
from pendamping.kube.services import groups as kube_groups
from pendamping.kube.services.common import attachment_check, prepared_upload
from pendamping.kube.vocab import Activity
from pendamping.registry.models import Household, Person

from ..models import Attendance, Contact, ContactPhoto, ContactRole, FollowUpTask
from ..vocab import (
    InterventionKind,
    Method,
    RoleScheme,
    ServiceType,
    SocialWorkRole,
    TargetKind,
    TaskStatus,
    TksRole,
    WelfareFunction,
)

RECORD = "mentoring.record"
MAX_PHOTOS = 5


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _target_desa(values: dict, errors: dict) -> Area | None:
    """The desa of the contact's target (and the target objects, checked to be there)."""
    kind = values.get("target_kind")
    if kind == TargetKind.KUBE:
        kube = values.get("kube")
        if not isinstance(kube, Kube) or kube.deleted_at is not None:
            errors.setdefault("kube", []).append(_("Choose the KUBE the contact was with."))
            return None
        return kube.desa
    if kind == TargetKind.HOUSEHOLD:
        household = values.get("household")
        if not isinstance(household, Household) or household.deleted_at is not None:
            errors.setdefault("household", []).append(_("Choose the household the contact was with."))
            return None
        return household.desa
    if kind == TargetKind.PERSON:
        person = values.get("person")
        if not isinstance(person, Person) or person.deleted_at is not None:
            errors.setdefault("person", []).append(_("Choose the person the contact was with."))
            return None
        values["household"] = person.household
        return person.household.desa
    if kind == TargetKind.COMMUNITY:
        desa = Area.objects.filter(code=values.get("desa_code") or "", level=AreaLevel.DESA).first()
        if desa is None:
            errors.setdefault("desa_code", []).append(_("Choose the desa/kelurahan of the community."))
        return desa
    errors.setdefault("target_kind", []).append(
        _("Say who the contact was with: a KUBE, a household, a person or a community.")
    )
    return None


def _check_codes(values, choices, field: str, label: str, errors: dict) -> list[str]:
    codes = sorted(set(values or []))
    unknown = [code for code in codes if code not in choices.values]
    if unknown:
        errors.setdefault(field, []).append(
            _("Unknown %(what)s: %(codes)s.") % {"what": label, "codes": ", ".join(unknown)}
        )
    return codes


def _coordinate(value, field: str, limit: int, errors: dict):
    if value in (None, ""):
        return None
    try:
        number = decimal.Decimal(str(value)).quantize(decimal.Decimal("0.000001"))
    except (decimal.InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("A position is a number of degrees, e.g. -6.75."))
        return None
    if not -limit <= number <= limit:
        errors.setdefault(field, []).append(
            _("A position must lie between -%(limit)d and %(limit)d.") % {"limit": limit}
        )
        return None
    return number


def zastrow_codes(roles) -> str:
    """The Zastrow roles of a contact as kept on it (Contact.zastrow_codes): ",broker,enabler,"."""
    return f",{','.join(sorted(set(roles)))}," if roles else ""


@transaction.atomic
def contact_record(
    *,
    actor,
    contact_date: datetime.date,
    target_kind: str,
    method: str,
    what_done: str,
    roles: list[str],
    tks_roles: list[str] = (),
    kube: Kube | None = None,
    household: Household | None = None,
    person: Person | None = None,
    desa_code: str = "",
    worker=None,
    welfare_function: str = "",
    intervention_kind: str = "",
    service_type: str = "",
    activity: str = "",
    activity_result: str = "",
    problems: str = "",
    agreements: str = "",
    next_visit: datetime.date | None = None,
    latitude=None,
    longitude=None,
    attendance: dict[int, bool] | None = None,
    photos=(),
    tasks: list[dict] = (),
    idempotency_key: str = "",
) -> Contact:
    """Record a contact. `roles` are Zastrow role codes (at least one), `tks_roles` the TKS role codes; `attendance`
    maps the KUBE's active member ids to present or not (groupwork with a KUBE); `tasks` are follow-up tasks
    ({"title", "assignee", "due_on"}); `activity` the KUBE stage activity the contact served, recorded on the group
    (with `activity_result` for an evaluation)."""
    idempotency_key = (idempotency_key or "").strip()[:64]
    if idempotency_key:
        existing = Contact.objects.filter(recorded_by=_user(actor), idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    errors: dict[str, list[str]] = {}
    values = {
        "target_kind": target_kind,
        "kube": kube,
        "household": household,
        "person": person,
        "desa_code": desa_code,
    }
    desa = _target_desa(values, errors)
    if desa is not None:
        require(actor, RECORD, desa.code)
    worker = worker or actor
    if desa is not None and not can(worker, RECORD, desa.code):
        errors.setdefault("worker", []).append(
            _("%(user)s holds no role in %(desa)s that records mentoring.")
            % {"user": worker.get_username(), "desa": desa.name}
        )
    if not isinstance(contact_date, datetime.date):
        errors.setdefault("contact_date", []).append(_("Give the date of the contact."))
    elif contact_date > timezone.localdate():
        errors.setdefault("contact_date", []).append(_("The date of the contact cannot be in the future."))
    if method not in Method.values:
        errors.setdefault("method", []).append(_("Choose the method: casework, groupwork or CO/CD."))
    roles = _check_codes(roles, SocialWorkRole, "roles", _("social-work role"), errors)
    if not roles and "roles" not in errors:
        errors.setdefault("roles", []).append(_("Tick at least one social-work role played."))
    tks_roles = _check_codes(tks_roles, TksRole, "tks_roles", _("TKS role"), errors)
    for field, value, choices in (
        ("welfare_function", welfare_function, WelfareFunction),
        ("intervention_kind", intervention_kind, InterventionKind),
        ("service_type", service_type, ServiceType),
    ):
        if value and value not in choices.values:
            errors.setdefault(field, []).append(_("Choose from the list."))
    what_done = (what_done or "").strip()
    if not what_done:
        errors.setdefault("what_done", []).append(_("Write what was done."))
    if next_visit is not None and isinstance(contact_date, datetime.date) and next_visit < contact_date:
        errors.setdefault("next_visit", []).append(_("The next visit cannot be before this one."))
    if activity:
        if activity not in Activity.values:
            errors.setdefault("activity", []).append(_("Choose an activity of the KUBE stages."))
        elif target_kind != TargetKind.KUBE:
            errors.setdefault("activity", []).append(_("Only a contact with a KUBE serves a KUBE stage activity."))
    latitude = _coordinate(latitude, "latitude", 90, errors)
    longitude = _coordinate(longitude, "longitude", 180, errors)
    if (latitude is None) != (longitude is None) and "latitude" not in errors and "longitude" not in errors:
        errors.setdefault("latitude", []).append(_("Give both latitude and longitude, or neither."))
    members: dict[int, KubeMember] = {}
    if attendance:
        if target_kind != TargetKind.KUBE or method != Method.GROUPWORK:
            errors.setdefault("attendance", []).append(
                _("Attendance is recorded for a group session (groupwork with a KUBE).")
            )
        elif isinstance(kube, Kube):
            members = {m.pk: m for m in kube.members.filter(left_on__isnull=True).select_related("person")}
            strangers = [str(pk) for pk in attendance if pk not in members]
            if strangers:
                errors.setdefault("attendance", []).append(
                    _("Attendance names people who are not active members of this KUBE.")
                )
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        errors.setdefault("photos", []).append(_("At most %(n)d photos per contact.") % {"n": MAX_PHOTOS})
    for photo in photos:
        try:
            attachment_check(photo)
        except ValidationError as error:
            errors.setdefault("photos", []).extend(error.message_dict.get("files", error.messages))
    tasks = list(tasks or [])
    for task in tasks:
        title = (task.get("title") or "").strip()
        assignee = task.get("assignee") or worker
        due_on = task.get("due_on")
        if not title or not isinstance(due_on, datetime.date):
            errors.setdefault("tasks", []).append(_("A follow-up task needs what to do and a due date."))
        elif desa is not None and not can(assignee, RECORD, desa.code):
            errors.setdefault("tasks", []).append(
                _("%(user)s cannot take a task in %(desa)s.") % {"user": assignee.get_username(), "desa": desa.name}
            )
    if errors:
        raise ValidationError(errors)

    contact = Contact(
        worker=worker,
        contact_date=contact_date,
        target_kind=target_kind,
        kube=kube if target_kind == TargetKind.KUBE else None,
        household=values["household"] if target_kind in (TargetKind.HOUSEHOLD, TargetKind.PERSON) else None,
        person=person if target_kind == TargetKind.PERSON else None,
        desa=desa,
        method=method,
        welfare_function=welfare_function,
        intervention_kind=intervention_kind,
        service_type=service_type,
        activity=activity,
        what_done=what_done,
        problems=(problems or "").strip(),
        agreements=(agreements or "").strip(),
        next_visit=next_visit,
        latitude=latitude,
        longitude=longitude,
        idempotency_key=idempotency_key,
        recorded_by=_user(actor),
        zastrow_codes=zastrow_codes(roles),
    )
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:  # the same key saved by a concurrent request a moment ago
        return Contact.objects.get(recorded_by=_user(actor), idempotency_key=idempotency_key)
    if activity:
        # recorded on the group only once the contact is saved, so that a resend that lost the race above leaves no
        # second activity record behind; a refusal undoes the contact with it (the whole service is one transaction)
        try:
            contact.activity_record = kube_groups.activity_record(
                actor=actor, kube=kube, activity=activity, done_on=contact_date, result=activity_result, notes=what_done
            )
        except ValidationError as error:
            raise ValidationError({"activity": error.messages}) from None
        contact.save(update_fields=["activity_record"])
    if contact.kube_id:
        kube_standing.refresh([contact.kube_id])
    ContactRole.objects.bulk_create(
        [ContactRole(contact=contact, scheme=RoleScheme.ZASTROW, code=code) for code in roles]
        + [ContactRole(contact=contact, scheme=RoleScheme.TKS, code=code) for code in tks_roles]
    )
    if members:
        Attendance.objects.bulk_create(
            [
                Attendance(contact=contact, member=member, present=bool(attendance.get(pk)))
                for pk, member in members.items()
            ]
        )
    for photo in photos:
        data, kind, extension = prepared_upload(photo)
        stored = ContactPhoto(
            contact=contact, original_name=(photo.name or "foto")[:255], content_type=kind, size=len(data)
        )
        stored.file.save(uuid.uuid4().hex + extension, ContentFile(data), save=False)
        stored.save()
    for task in tasks:
        FollowUpTask.objects.create(
            contact=contact,
            kube=contact.kube,
            desa=desa,
            title=task["title"].strip(),
            assignee=task.get("assignee") or worker,
            due_on=task["due_on"],
            created_by=_user(actor),
        )
    audit_record(
        actor=actor,
        action="mentoring.contact",
        obj=contact,
        area_code=desa.code,
        changes={
            "contact_date": {"before": None, "after": contact_date},
            "target": {"before": None, "after": f"{target_kind}:{(kube or person or values['household'] or desa).pk}"},
            "method": {"before": None, "after": method},
            "roles": {"before": None, "after": roles},
            "tks_roles": {"before": None, "after": tks_roles},
            "attendance": {"before": None, "after": sum(1 for v in (attendance or {}).values() if v)},
            "tasks": {"before": None, "after": len(tasks)},
        },
    )
    return contact


@transaction.atomic
def task_set_status(*, actor, task: FollowUpTask, status: str, note: str = "", on: datetime.date | None = None):
    """Close a task (done or cancelled) or open it again; its assignee or whoever records in its desa may."""
    require(actor, RECORD, task.desa_id)
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose open, done or cancelled.")})
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    before = {"status": task.status, "done_on": task.done_on}
    task.status = status
    task.done_on = (on or timezone.localdate()) if status == TaskStatus.DONE else None
    task.note = (note or task.note).strip()[:300]
    task.save(update_fields=["status", "done_on", "note"])
    audit_record(
        actor=actor,
        action="mentoring.task_status",
        obj=task,
        area_code=task.desa_id,
        changes={
            "status": {"before": before["status"], "after": status},
            "done_on": {"before": before["done_on"], "after": task.done_on},
        },
        reason=note,
    )
    return task


@transaction.atomic
def task_add(*, actor, desa_code: str, title: str, assignee, due_on: datetime.date, kube: Kube | None = None):
    """A follow-up task set on its own (not from a contact)."""
    desa = kube.desa if kube is not None else Area.objects.filter(code=desa_code, level=AreaLevel.DESA).first()
    errors: dict[str, list[str]] = {}
    if desa is None:
        errors.setdefault("desa_code", []).append(_("Choose the desa/kelurahan."))
    else:
        require(actor, RECORD, desa.code)
        if not can(assignee, RECORD, desa.code):
            errors.setdefault("assignee", []).append(
                _("%(user)s cannot take a task in %(desa)s.") % {"user": assignee.get_username(), "desa": desa.name}
            )
    if not (title or "").strip():
        errors.setdefault("title", []).append(_("Write what is to be done."))
    if not isinstance(due_on, datetime.date):
        errors.setdefault("due_on", []).append(_("Give the due date."))
    if errors:
        raise ValidationError(errors)
    task = FollowUpTask.objects.create(
        kube=kube, desa=desa, title=title.strip(), assignee=assignee, due_on=due_on, created_by=_user(actor)
    )
    audit_record(actor=actor, action="mentoring.task_add", obj=task, area_code=desa.code)
    return task


@transaction.atomic
def contact_delete(*, actor, contact: Contact, reason: str) -> Contact:
    """Remove a contact recorded by mistake (softly, with the reason); it leaves the lists and the analytics."""
    require(actor, RECORD, contact.desa_id)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the contact is removed.")})
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.deleted_at is None:
        contact.deleted_at = timezone.now()
        contact.deleted_reason = reason.strip()[:300]
        contact.save(update_fields=["deleted_at", "deleted_reason"])
        if contact.kube_id:
            kube_standing.refresh([contact.kube_id])
        audit_record(
            actor=actor, action="mentoring.contact_delete", obj=contact, area_code=contact.desa_id, reason=reason
        )
    return contact
