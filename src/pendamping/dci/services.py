"""Every write of the DCI app: clients (registered and revoked by the Dinas Sosial admin), access tokens issued by
the client-credentials grant, and the record of each transaction. Each audits; none audits a secret or a record."""

import datetime
import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.areas.models import Area
from pendamping.areas.vocab import covers
from pendamping.core.audit import audit_record
from pendamping.core.errors import NotAllowed
from pendamping.core.scoping import minimal_codes, scope_codes

from .models import DciAccessToken, DciClient, DciTransaction

CAPABILITY = "dci.clients"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_seconds() -> int:
    return int(settings.PENDAMPING.get("DCI_TOKEN_SECONDS", 3600))


def client_area_codes(client: DciClient) -> list[str]:
    """The client's scope: the codes of its areas, none covering another (the same prefix rule as users' scope)."""
    cached = getattr(client, "_scope_codes", None)
    if cached is None:
        cached = minimal_codes(client.areas.values_list("code", flat=True))
        client._scope_codes = cached
    return cached


def _main_area(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else ""


def require_manage(actor, client: DciClient | None = None, area_codes: list[str] | None = None) -> None:
    """The admin manages a client only when each of its areas lies in the admin's own dci.clients areas."""
    codes = scope_codes(actor, CAPABILITY)
    if codes is not None and not codes:
        raise NotAllowed(CAPABILITY)
    wanted = area_codes if area_codes is not None else client_area_codes(client)
    if codes is None:
        return
    for code in wanted:
        if not any(covers(mine, code) for mine in codes):
            raise NotAllowed(CAPABILITY, code)


@transaction.atomic
def dci_client_create(*, actor, name: str, area_codes: list[str], reason: str = "") -> tuple[DciClient, str]:
    """Register a client on one or more areas. Returns the client and its secret, shown once and never stored."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the client a name (the system that will search).")
    elif len(name) > 100:
        errors["name"] = _("A client name has at most 100 characters.")
    cleaned = sorted({(code or "").strip() for code in area_codes if (code or "").strip()})
    known = set(Area.objects.filter(code__in=cleaned).values_list("code", flat=True))
    if not cleaned:
        errors["area_codes"] = _("Give at least one area code.")
    elif unknown := [code for code in cleaned if code not in known]:
        errors["area_codes"] = _("Area code %(code)s is not known.") % {"code": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    require_manage(actor, area_codes=cleaned)
    secret = secrets.token_urlsafe(32)
    client = DciClient.objects.create(
        name=name,
        client_id="dci-" + secrets.token_hex(8),
        secret_hash=_hash(secret),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    client.areas.set(cleaned)
    codes = minimal_codes(cleaned)
    audit_record(
        actor=actor,
        action="dci.client.create",
        obj=client,
        area_code=_main_area(codes),
        changes={
            "name": {"before": None, "after": name},
            "client_id": {"before": None, "after": client.client_id},
            "areas": {"before": None, "after": codes},
            "secret": {"before": None, "after": "***"},
        },
        reason=reason,
    )
    return client, secret


@transaction.atomic
def dci_client_revoke(*, actor, client: DciClient, reason: str = "") -> DciClient:
    """Revoke a client at once: its tokens stop working and it gets no new one."""
    require_manage(actor, client)
    client = DciClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        raise ValidationError(_("This client was already revoked."))
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="dci.client.revoke",
        obj=client,
        area_code=_main_area(client_area_codes(client)),
        changes={"revoked_at": {"before": None, "after": client.revoked_at}},
        reason=reason,
    )
    return client


@transaction.atomic
def dci_token_issue(*, client_id: str, client_secret: str) -> tuple[DciAccessToken, str] | None:
    """The client-credentials grant: a new access token for an active client whose secret matches; None otherwise.
    Both outcomes are audited (the client id tried, never the secret)."""
    client_id = (client_id or "").strip()[:40]
    client = DciClient.objects.filter(client_id=client_id).first() if client_id else None
    good = (
        client is not None
        and client.revoked_at is None
        and hmac.compare_digest(client.secret_hash, _hash(client_secret or ""))
    )
    if not good:
        audit_record(
            actor=None,
            action="dci.token.refused",
            object_type="dci.dciclient",
            object_id=str(client.pk) if client else "",
            object_repr=client_id,
            reason="revoked client" if client is not None and client.revoked_at else "wrong client id or secret",
        )
        return None
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    token = DciAccessToken.objects.create(
        client=client,
        token_hash=_hash(secret),
        created_at=now,
        expires_at=now + datetime.timedelta(seconds=token_seconds()),
    )
    DciClient.objects.filter(pk=client.pk).update(last_used_at=now)
    audit_record(
        actor=None,
        action="dci.token",
        obj=client,
        area_code=_main_area(client_area_codes(client)),
        reason=f"access token issued to {client.client_id}, valid {token_seconds()} s",
    )
    return token, secret


def dci_token_use(*, secret: str) -> DciClient | None:
    """The active client holding this unexpired token; None for an unknown, expired or revoked one (a read)."""
    if not secret or len(secret) > 200:
        return None
    token = (
        DciAccessToken.objects.select_related("client")
        .filter(token_hash=_hash(secret), expires_at__gt=timezone.now(), client__revoked_at__isnull=True)
        .first()
    )
    return token.client if token else None


class DuplicateMessage(Exception):
    """The client already sent a message with this message_id."""


def dci_transaction_record(
    *, client: DciClient, action: str, message_id: str, transaction_id: str, requests: list[dict], summary: str
) -> DciTransaction:
    """Keep a transaction (ids, statuses and counts, never records) and audit it as dci.search or dci.txn_status."""
    try:
        with transaction.atomic():
            txn = DciTransaction.objects.create(
                client=client,
                action=action,
                message_id=message_id[:100],
                transaction_id=transaction_id[:99],
                correlation_id=str(uuid.uuid4()),
                requests=requests,
            )
            audit_record(
                actor=None,
                action="dci.search" if action == "search" else "dci.txn_status",
                object_type="dci.dciclient",
                object_id=str(client.pk),
                object_repr=str(client),
                area_code=_main_area(client_area_codes(client)),
                reason=summary,
            )
    except IntegrityError:
        raise DuplicateMessage(message_id) from None
    return txn


def dci_call_audit(*, client: DciClient, action: str, summary: str) -> None:
    """Audit a call that was refused before any transaction was kept (a header rejected)."""
    audit_record(
        actor=None,
        action=action,
        object_type="dci.dciclient",
        object_id=str(client.pk),
        object_repr=str(client),
        area_code=_main_area(client_area_codes(client)),
        reason=summary,
    )
