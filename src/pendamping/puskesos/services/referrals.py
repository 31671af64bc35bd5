"""Referrals of a case to the office or service of a sector, their status, their letter's answer link, and the
answer an office gives through that link without an account.

The answer link (domain.md section 6, issue 7 item 3) carries a single-use, expiring, signed token:

- `referral_token_issue` draws a random secret (`secrets.token_urlsafe(32)`), keeps only its SHA-256 in
  `Referral.token_hash` with `token_expires_at = now + PUSKESOS_TOKEN_DAYS`, clears `token_used_at`, and returns
  `TimestampSigner(salt=TOKEN_SALT).sign("<referral pk>:<secret>")`: the opaque part of the URL. Issuing again
  replaces the hash, so the older letter's link stops working. The secret is never stored or logged.
- `token_check` unsigns first (a tampered, foreign or malformed token is refused before the database is touched;
  the signature's age is checked against PUSKESOS_TOKEN_DAYS too), then reads that one referral by its key and
  compares the hash in constant time, then checks that it is unused and unexpired. Each refusal has its own code.
- `referral_answer` records the office's status and response and marks the token used, in one transaction under a
  row lock, so that two answers sent at once are taken once.
"""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.core.audit import audit_record, changes_between, snapshot
from pendamping.core.scoping import require

from ..models import Case, Referral
from ..vocab import (
    CASE_TRANSITIONS,
    OPEN_CASE_STATUSES,
    OPEN_REFERRAL_STATUSES,
    REFERRAL_TRANSITIONS,
    CaseStatus,
    ReferralStatus,
    Sector,
)
from . import cases

INTAKE = "puskesos.intake"
TOKEN_SALT = "pendamping.puskesos.referral-answer"
NUMBER_PREFIX = "RJK"

REFERRAL_FIELDS = ["sector", "office", "reason", "sent_on", "due_on", "status"]
ANSWER_FIELDS = ["status", "response", "responded_on", "responder_name", "responded_through_token"]


def policy(name: str):
    return settings.PENDAMPING[name]


def is_overdue(referral: Referral, today: datetime.date | None = None) -> bool:
    """Open and past the date an answer was expected by."""
    today = today or timezone.localdate()
    return referral.status in OPEN_REFERRAL_STATUSES and referral.due_on < today


# -- referrals ----------------------------------------------------------------------------------------------------


def _next_number(case: Case, year: int) -> str:
    prefix = f"{NUMBER_PREFIX}/{case.desa_id.replace('.', '')}/{year}/"
    taken = Referral.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n.rsplit("/", 1)[1]) for n in taken if n.rsplit("/", 1)[1].isdigit()), default=0)
    return f"{prefix}{last + 1:04d}"


@transaction.atomic
def referral_create(
    *, actor, case: Case, sector: str, office: str, reason: str, sent_on: datetime.date | None = None
) -> Referral:
    """Refer an open case to a sector's office: sent today (or on `sent_on`, not in the future), an answer expected
    within PUSKESOS_REFERRAL_DAYS, numbered RJK/<desa code>/<year>/<sequence of the desa and year>. A case in rencana
    or intervensi moves to dirujuk through the casework service (a case still in baru or asesmen may be referred at
    once, e.g. a walk-in sent to Dukcapil, and keeps its step)."""
    require(actor, INTAKE, case.desa_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, list[str]] = {}
    office, reason = (office or "").strip(), (reason or "").strip()
    if sector not in Sector.values:
        errors.setdefault("sector", []).append(_("Choose the sector the referral goes to."))
    if not office:
        errors.setdefault("office", []).append(_("Name the office or service the case is referred to."))
    if not reason:
        errors.setdefault("reason", []).append(_("Say what is asked of the office."))
    today = timezone.localdate()
    sent_on = sent_on or today
    if sent_on > today:
        errors.setdefault("sent_on", []).append(_("A referral cannot be sent in the future."))
    elif sent_on < case.received_on:
        errors.setdefault("sent_on", []).append(_("A referral cannot be sent before the case was received."))
    if case.status not in OPEN_CASE_STATUSES:
        errors.setdefault("__all__", []).append(_("This case has ended; it cannot be referred."))
    if errors:
        raise ValidationError(errors)
    referral = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    case=case,
                    number=_next_number(case, sent_on.year),
                    sector=sector,
                    office=office[:200],
                    reason=reason,
                    sent_on=sent_on,
                    due_on=sent_on + datetime.timedelta(days=int(policy("PUSKESOS_REFERRAL_DAYS"))),
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
            break
        except IntegrityError:  # another referral of the desa took the number at the same moment
            continue
    if referral is None:
        raise ValidationError(_("The letter number could not be given. Try again."))
    audit_record(
        actor=actor,
        action="puskesos.referral_create",
        obj=referral,
        area_code=case.desa_id,
        changes=changes_between({}, snapshot(referral, REFERRAL_FIELDS)),
    )
    if CaseStatus.DIRUJUK in CASE_TRANSITIONS[CaseStatus(case.status)]:
        cases.case_status_set(
            actor=actor,
            case=case,
            status=CaseStatus.DIRUJUK,
            note=_("referred: %(number)s") % {"number": referral.number},
        )
    return referral


def _check_transition(current: str, status: str) -> None:
    if status not in ReferralStatus.values or status == ReferralStatus.DIKIRIM:
        raise ValidationError({"status": _("Choose diterima, ditindaklanjuti, selesai or ditolak.")})
    if status not in REFERRAL_TRANSITIONS[ReferralStatus(current)]:
        raise ValidationError(
            {
                "status": _("A referral that is %(current)s cannot become %(status)s.")
                % {"current": ReferralStatus(current).label, "status": ReferralStatus(status).label}
            }
        )


@transaction.atomic
def referral_status_set(
    *,
    actor,
    referral: Referral,
    status: str,
    response: str = "",
    responder_name: str = "",
    expected_version: int | None = None,
) -> Referral:
    """Record the office's answer as staff heard it (by phone, by letter): the new status by REFERRAL_TRANSITIONS,
    with the response. Ending a referral (selesai, ditolak) needs the response."""
    require(actor, INTAKE, referral.case.desa_id)
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if expected_version is not None and expected_version != referral.version:
        raise ValidationError(
            _("Someone else changed this referral while you were editing it. Reload it, check, and save again."),
            code="stale",
        )
    _check_transition(referral.status, status)
    response, responder_name = (response or "").strip(), (responder_name or "").strip()
    if status in (ReferralStatus.SELESAI, ReferralStatus.DITOLAK) and not response:
        raise ValidationError({"response": _("Write the office's answer.")})
    before = snapshot(referral, ANSWER_FIELDS)
    referral.status = status
    if response:
        referral.response = response
    if responder_name:
        referral.responder_name = responder_name[:150]
    referral.responded_on = timezone.localdate()
    referral.responded_through_token = False
    referral.version = F("version") + 1
    referral.save()
    referral.refresh_from_db()
    audit_record(
        actor=actor,
        action="puskesos.referral_status",
        obj=referral,
        area_code=referral.case.desa_id,
        changes=changes_between(before, snapshot(referral, ANSWER_FIELDS)),
        reason=response[:500],
    )
    return referral


# -- the answer link ----------------------------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=TOKEN_SALT)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def referral_token_issue(*, actor, referral: Referral) -> str:
    """A fresh answer link for the referral's letter; the link of any earlier letter stops working. Returns the signed
    token (the URL part), which is shown once, on the letter, and kept nowhere."""
    require(actor, INTAKE, referral.case.desa_id)
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if referral.status not in OPEN_REFERRAL_STATUSES:
        raise ValidationError(_("This referral has ended; its letter no longer carries an answer link."))
    secret = secrets.token_urlsafe(32)
    replaced = bool(referral.token_hash)
    referral.token_hash = _hash(secret)
    referral.token_expires_at = timezone.now() + datetime.timedelta(days=int(policy("PUSKESOS_TOKEN_DAYS")))
    referral.token_used_at = None
    referral.save(update_fields=["token_hash", "token_expires_at", "token_used_at"])
    audit_record(
        actor=actor,
        action="puskesos.referral_token_issue",
        obj=referral,
        area_code=referral.case.desa_id,
        changes={"token_expires_at": {"before": None, "after": referral.token_expires_at}},
        reason=_("a new letter replaces the earlier one") if replaced else "",
    )
    return _signer().sign(f"{referral.pk}:{secret}")


class TokenRefused(Exception):
    """The answer link cannot be used; `code` says why: invalid (tampered, foreign, unknown), replaced (a newer letter
    was issued), used (already answered), expired, closed (the referral has ended)."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class _Parsed:
    pk: int
    secret: str


def _parse(token: str) -> _Parsed:
    """The referral key and secret of a signed token, checked by signature and age alone (no database)."""
    try:
        value = _signer().unsign(token, max_age=datetime.timedelta(days=int(policy("PUSKESOS_TOKEN_DAYS"))))
    except signing.SignatureExpired:
        raise TokenRefused("expired") from None
    except signing.BadSignature:
        raise TokenRefused("invalid") from None
    pk, _sep, secret = value.partition(":")
    if not pk.isdigit() or not secret:
        raise TokenRefused("invalid")
    return _Parsed(int(pk), secret)


def token_check(token: str, *, for_update: bool = False) -> Referral:
    """The one referral a signed token opens, or TokenRefused with the reason."""
    parsed = _parse(token)
    referrals = Referral.objects.select_related(
        "case", "case__person", "case__household", "case__desa", "case__desa__parent"
    )
    if for_update:
        referrals = referrals.select_for_update(of=("self",))
    referral = referrals.filter(pk=parsed.pk).first()
    if referral is None:
        raise TokenRefused("invalid")
    if not referral.token_hash or not hmac.compare_digest(referral.token_hash, _hash(parsed.secret)):
        raise TokenRefused("replaced")
    if referral.token_used_at is not None:
        raise TokenRefused("used")
    if referral.token_expires_at is None or referral.token_expires_at <= timezone.now():
        raise TokenRefused("expired")
    if referral.status not in OPEN_REFERRAL_STATUSES:
        raise TokenRefused("closed")
    return referral


def answer_choices(referral: Referral) -> list[str]:
    """The states the office may give the referral now."""
    return [s for s in ReferralStatus.values if s in REFERRAL_TRANSITIONS[ReferralStatus(referral.status)]]


@transaction.atomic
def referral_answer(*, token: str, status: str, response: str, responder_name: str, responder_office: str) -> Referral:
    """The receiving office's answer through the letter's link: status, response and who answered; the token is used
    up. Audited with no actor (action puskesos.referral_answer), naming the responder."""
    referral = token_check(token, for_update=True)
    _check_transition(referral.status, status)
    response, responder_name = (response or "").strip(), (responder_name or "").strip()
    responder_office = (responder_office or "").strip()
    errors: dict[str, list[str]] = {}
    if not response:
        errors.setdefault("response", []).append(_("Write your answer to the referral."))
    if not responder_name:
        errors.setdefault("responder_name", []).append(_("Give your name."))
    if not responder_office:
        errors.setdefault("responder_office", []).append(_("Give the name of your office."))
    if errors:
        raise ValidationError(errors)
    before = snapshot(referral, ANSWER_FIELDS)
    now = timezone.now()
    referral.status = status
    referral.response = response
    referral.responder_name = f"{responder_name}, {responder_office}"[:150]
    referral.responded_on = timezone.localdate()
    referral.responded_through_token = True
    referral.token_used_at = now
    referral.version = F("version") + 1
    referral.save()
    referral.refresh_from_db()
    audit_record(
        actor=None,
        action="puskesos.referral_answer",
        obj=referral,
        area_code=referral.case.desa_id,
        changes=changes_between(before, snapshot(referral, ANSWER_FIELDS)),
        reason=_("answered through the letter's link by %(name)s") % {"name": referral.responder_name},
    )
    return referral
