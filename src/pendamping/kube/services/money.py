"""Money of a group: the stimulus and its tranches, the LPJ (accountability report) of the stimulus, and the cash
book (domain.md 4.4).

- Stimulus: the amount due is the group's stimulus per member times its active members; tranches are recorded by
  the Dinas Sosial (kube.stimulus) once the group's bank account is known, and together never exceed the amount due.
- LPJ: one per group, made on first use. Spending lines (with a receipt: photo or PDF) are added and removed (soft)
  while the LPJ is belum or dikembalikan; it is submitted (kube.record) when it has lines and spends no more than was
  received; the Dinas Sosial (kube.verify) verifies it or returns it with a note. A verified LPJ opens gate T2.
- Cash book: entries in or out, never edited or deleted; a mistake is corrected by a reversing entry (same amount and
  category, the other direction, linked to the entry it reverses, with the reason).

Every write locks the group's row (kube_for_write), so that two writes to the money of one group run one after the
other and the totals checked here hold when the row is written.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.core.audit import audit_record, changes_between, snapshot
from pendamping.core.templatetags.pendamping import rupiah as rp

from ..models import CashEntry, Kube, Lpj, LpjLine, StimulusTranche
from ..vocab import CashCategory, CashDirection, KubeStatus, LpjState
from .common import attachment_check, attachment_store, check_date, kube_for_write, policy, whole_rupiah

STIMULUS = "kube.stimulus"
RECORD = "kube.record"
VERIFY = "kube.verify"

EDITABLE_LPJ = (LpjState.BELUM, LpjState.DIKEMBALIKAN)
LPJ_FIELDS = ["state", "submitted_at", "submitted_by", "decided_at", "decided_by", "decision_note"]
CASH_FIELDS = ["entry_date", "direction", "category", "amount", "description", "reverses"]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def stimulus_due(kube: Kube) -> int:
    """The stimulus the group is to receive: its stimulus per member times its members. Once a first tranche was
    transferred, the members are those active on that day: a member who joins later does not raise what is due, and
    one who leaves later does not lower it below what was sent."""
    first = (
        StimulusTranche.objects.filter(kube=kube).order_by("transferred_on", "number").values("transferred_on").first()
    )
    members = kube.members.all()
    if first is None:
        return kube.stimulus_per_member * members.filter(left_on__isnull=True).count()
    day = first["transferred_on"]
    active = members.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
    return kube.stimulus_per_member * active.count()


def stimulus_received(kube: Kube) -> int:
    """The total of the tranches transferred to the group."""
    return StimulusTranche.objects.filter(kube=kube).aggregate(total=Sum("amount"))["total"] or 0


def lpj_spent(lpj: Lpj | None) -> int:
    """The total of the LPJ's spending lines that were not removed."""
    if lpj is None or lpj.pk is None:
        return 0
    return lpj.lines.filter(removed_at__isnull=True).aggregate(total=Sum("amount"))["total"] or 0


# -- stimulus -----------------------------------------------------------------------------------------------------


@transaction.atomic
def tranche_add(
    *, actor, kube: Kube, amount: int, transferred_on: datetime.date, bank_reference: str, reason: str = ""
) -> StimulusTranche:
    """Record a tranche of the stimulus transferred to the group's bank account."""
    kube = kube_for_write(actor=actor, kube=kube, capability=STIMULUS)
    if kube.status == KubeStatus.BUBAR:
        raise ValidationError(_("The group is dissolved (bubar); it receives no stimulus."), code="bubar")
    if not kube.has_bank_account:
        raise ValidationError(
            _("Record the group's bank account (bank and account number) before its stimulus is transferred."),
            code="no_bank_account",
        )
    amount = whole_rupiah(amount, field="amount", label=_("The amount"), allow_zero=False)
    check_date(transferred_on, field="transferred_on", kube=kube, label=_("the transfer"))
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise ValidationError({"bank_reference": _("Give the bank's reference of the transfer.")})
    due, received = stimulus_due(kube), stimulus_received(kube)
    if received + amount > due:
        raise ValidationError(
            {
                "amount": _(
                    "With %(amount)s the tranches would total %(total)s, more than the stimulus due of %(due)s "
                    "(%(per_member)s × %(members)d active members); %(left)s is left to transfer."
                )
                % {
                    "amount": rp(amount),
                    "total": rp(received + amount),
                    "due": rp(due),
                    "per_member": rp(kube.stimulus_per_member),
                    "members": due // kube.stimulus_per_member if kube.stimulus_per_member else 0,
                    "left": rp(max(due - received, 0)),
                }
            },
            code="over_due",
        )
    number = (
        StimulusTranche.objects.filter(kube=kube).order_by("-number").values_list("number", flat=True).first()
    ) or 0
    tranche = StimulusTranche.objects.create(
        kube=kube,
        number=number + 1,
        amount=amount,
        transferred_on=transferred_on,
        bank_reference=bank_reference,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="kube.tranche_add",
        obj=tranche,
        area_code=kube.desa_id,
        changes=changes_between({}, snapshot(tranche, ["number", "amount", "transferred_on", "bank_reference"])),
        reason=reason,
    )
    return tranche


# -- LPJ ----------------------------------------------------------------------------------------------------------


def _lpj_for_write(kube: Kube) -> Lpj:
    """The group's LPJ (made on first use), locked; the caller holds the group's lock."""
    lpj, _created = Lpj.objects.get_or_create(kube=kube)
    return Lpj.objects.select_for_update().get(pk=lpj.pk)


def _editable(lpj: Lpj) -> None:
    if lpj.state not in EDITABLE_LPJ:
        raise ValidationError(
            _("The LPJ is %(state)s; its lines can change only before it is submitted or after it is returned.")
            % {"state": LpjState(lpj.state).label},
            code="lpj_locked",
        )


def _as_receipt(error: ValidationError, code: str) -> ValidationError:
    """common's refusal of an upload (keyed `files`), keyed `receipt` and with its code."""
    messages = error.message_dict.get("files") or error.messages
    return ValidationError({"receipt": [ValidationError(message, code=code) for message in messages]})


def _receipt_check(uploaded) -> None:
    try:
        attachment_check(uploaded)
    except ValidationError as error:
        too_big = uploaded.size > int(policy("KUBE_ATTACHMENT_MAX_BYTES"))
        raise _as_receipt(error, "too_big" if too_big else "bad_type") from None


def _receipt_store(*, actor, kube: Kube, uploaded):
    try:
        return attachment_store(actor=actor, kube=kube, uploaded=uploaded)
    except ValidationError as error:  # it looked like a photo but is not one
        raise _as_receipt(error, "bad_image") from None


@transaction.atomic
def lpj_line_add(*, actor, kube: Kube, spent_on: datetime.date, description: str, amount: int, receipt=None) -> LpjLine:
    """Add a spending line (with its receipt, a photo or PDF) to the group's LPJ."""
    kube = kube_for_write(actor=actor, kube=kube, capability=RECORD)
    lpj = _lpj_for_write(kube)
    _editable(lpj)
    check_date(spent_on, field="spent_on", kube=kube, label=_("the spending"))
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say what the money was spent on.")})
    amount = whole_rupiah(amount, field="amount", label=_("The amount"), allow_zero=False)
    if receipt:
        _receipt_check(receipt)
    attachment = _receipt_store(actor=actor, kube=kube, uploaded=receipt) if receipt else None
    line = LpjLine.objects.create(
        lpj=lpj, spent_on=spent_on, description=description[:200], amount=amount, receipt=attachment
    )
    Lpj.objects.filter(pk=lpj.pk).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action="kube.lpj_line_add",
        obj=line,
        area_code=kube.desa_id,
        changes=changes_between({}, snapshot(line, ["spent_on", "description", "amount", "receipt"])),
    )
    return line


@transaction.atomic
def lpj_line_remove(*, actor, line: LpjLine, reason: str = "") -> LpjLine:
    """Take a line out of the LPJ (kept, marked removed) while the LPJ is belum or dikembalikan."""
    kube_for_write(actor=actor, kube=line.lpj.kube, capability=RECORD)
    lpj = Lpj.objects.select_for_update().get(pk=line.lpj_id)
    _editable(lpj)
    line = LpjLine.objects.select_for_update().get(pk=line.pk)
    if line.removed_at is not None:
        raise ValidationError(_("This line was already removed."), code="removed")
    line.removed_at = timezone.now()
    line.save(update_fields=["removed_at"])
    Lpj.objects.filter(pk=lpj.pk).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action="kube.lpj_line_remove",
        obj=line,
        area_code=lpj.kube.desa_id,
        changes={"removed_at": {"before": None, "after": line.removed_at}},
        reason=reason,
    )
    return line


@transaction.atomic
def lpj_submit(*, actor, kube: Kube) -> Lpj:
    """Submit the LPJ to the Dinas Sosial: it needs lines, and may not spend more than the tranches received."""
    kube = kube_for_write(actor=actor, kube=kube, capability=RECORD)
    lpj = _lpj_for_write(kube)
    if lpj.state not in EDITABLE_LPJ:
        raise ValidationError(
            _("The LPJ is already %(state)s.") % {"state": LpjState(lpj.state).label}, code="lpj_locked"
        )
    if not lpj.lines.filter(removed_at__isnull=True).exists():
        raise ValidationError(_("The LPJ has no spending lines yet."), code="no_lines")
    spent, received = lpj_spent(lpj), stimulus_received(kube)
    if spent > received:
        raise ValidationError(
            _("The LPJ spends %(spent)s, more than the %(received)s received as stimulus.")
            % {"spent": rp(spent), "received": rp(received)},
            code="over_received",
        )
    before = snapshot(lpj, LPJ_FIELDS)
    lpj.state = LpjState.DIAJUKAN
    lpj.submitted_at = timezone.now()
    lpj.submitted_by = _user(actor)
    lpj.version = F("version") + 1
    lpj.save()
    lpj.refresh_from_db()
    audit_record(
        actor=actor,
        action="kube.lpj_submit",
        obj=lpj,
        area_code=kube.desa_id,
        changes={
            **changes_between(before, snapshot(lpj, LPJ_FIELDS)),
            "spent": {"before": None, "after": spent},
            "received": {"before": None, "after": received},
        },
    )
    return lpj


@transaction.atomic
def lpj_decide(*, actor, kube: Kube, verified: bool, note: str = "") -> Lpj:
    """The Dinas Sosial's decision on a submitted LPJ: verified, or returned with a note saying what to correct."""
    kube = kube_for_write(actor=actor, kube=kube, capability=VERIFY)
    lpj = Lpj.objects.select_for_update().filter(kube=kube).first()
    if lpj is None or lpj.state != LpjState.DIAJUKAN:
        shown = LpjState(lpj.state).label if lpj else LpjState.BELUM.label
        raise ValidationError(
            _("Only a submitted LPJ can be verified or returned; this one is %(state)s.") % {"state": shown},
            code="not_submitted",
        )
    note = (note or "").strip()
    if not verified and not note:
        raise ValidationError({"note": _("Write what the group must correct before it submits again.")})
    before = snapshot(lpj, LPJ_FIELDS)
    lpj.state = LpjState.DIVERIFIKASI if verified else LpjState.DIKEMBALIKAN
    lpj.decided_at = timezone.now()
    lpj.decided_by = _user(actor)
    lpj.decision_note = note
    lpj.version = F("version") + 1
    lpj.save()
    lpj.refresh_from_db()
    audit_record(
        actor=actor,
        action="kube.lpj_decide",
        obj=lpj,
        area_code=kube.desa_id,
        changes=changes_between(before, snapshot(lpj, LPJ_FIELDS)),
        reason=note,
    )
    return lpj


# -- cash book ----------------------------------------------------------------------------------------------------


@transaction.atomic
def cash_entry_add(
    *,
    actor,
    kube: Kube,
    entry_date: datetime.date,
    direction: str,
    category: str,
    amount: int,
    description: str = "",
) -> CashEntry:
    """A line of the cash book: money in or out, with its category."""
    kube = kube_for_write(actor=actor, kube=kube, capability=RECORD)
    errors = {}
    if direction not in CashDirection.values:
        errors["direction"] = _("Choose money in or money out.")
    if category not in CashCategory.values:
        errors["category"] = _("Choose a category of the list.")
    if errors:
        raise ValidationError(errors)
    amount = whole_rupiah(amount, field="amount", label=_("The amount"), allow_zero=False)
    check_date(entry_date, field="entry_date", kube=kube, label=_("the entry"))
    entry = CashEntry.objects.create(
        kube=kube,
        entry_date=entry_date,
        direction=direction,
        category=category,
        amount=amount,
        description=(description or "").strip()[:200],
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="kube.cash_add",
        obj=entry,
        area_code=kube.desa_id,
        changes=changes_between({}, snapshot(entry, CASH_FIELDS)),
    )
    return entry


@transaction.atomic
def cash_entry_reverse(*, actor, entry: CashEntry, reason: str, entry_date: datetime.date | None = None) -> CashEntry:
    """Correct a mistaken entry: a new entry of the other direction, same amount and category, linked to it."""
    kube = kube_for_write(actor=actor, kube=entry.kube, capability=RECORD)
    entry = CashEntry.objects.get(pk=entry.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this entry is reversed.")})
    if entry.reverses_id is not None:
        raise ValidationError(
            _("This entry is itself a correction; record a new entry instead of reversing it."),
            code="is_reversal",
        )
    if CashEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry was already reversed."), code="already_reversed")
    entry_date = entry_date or timezone.localdate()
    check_date(entry_date, field="entry_date", kube=kube, label=_("the correction"))
    if entry_date < entry.entry_date:
        raise ValidationError({"entry_date": _("A correction cannot be dated before the entry it corrects.")})
    reversal = CashEntry(
        kube=kube,
        entry_date=entry_date,
        direction=CashDirection.OUT if entry.direction == CashDirection.IN else CashDirection.IN,
        category=entry.category,
        amount=entry.amount,
        description=(
            _("Correction of %(date)s: %(reason)s") % {"date": entry.entry_date.isoformat(), "reason": reason}
        )[:200],
        reverses=entry,
        recorded_by=_user(actor),
    )
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError:  # reversed at the same moment elsewhere
        raise ValidationError(_("This entry was already reversed."), code="already_reversed") from None
    audit_record(
        actor=actor,
        action="kube.cash_reverse",
        obj=reversal,
        area_code=kube.desa_id,
        changes=changes_between({}, snapshot(reversal, CASH_FIELDS)),
        reason=reason,
    )
    return reversal
