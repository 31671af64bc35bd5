"""DCI clients (other systems that search the registry), their access tokens and the transactions they sent.

Secrets are never stored: a client's secret and an access token are kept as their SHA-256 only. A transaction keeps
what was asked and how it ended (ids, statuses, counts), never the records it returned.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DciClient(models.Model):
    """A system allowed to search the registry of its areas (one or more, like a user's role assignments)."""

    name = models.CharField(_("name"), max_length=100)
    client_id = models.CharField(_("client id"), max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64)
    areas = models.ManyToManyField("areas.Area", verbose_name=_("areas"), related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("DCI client")
        verbose_name_plural = _("DCI clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class DciAccessToken(models.Model):
    """A bearer token issued to a client by the client-credentials grant; it dies with its expiry or its client."""

    client = models.ForeignKey(DciClient, on_delete=models.PROTECT, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.client.client_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class DciTransaction(models.Model):
    """One message a client sent (a search or a status check): its ids and, per request, status and count."""

    client = models.ForeignKey(DciClient, on_delete=models.PROTECT, related_name="transactions")
    action = models.CharField(max_length=20)  # search, txn-status
    message_id = models.CharField(max_length=100)
    transaction_id = models.CharField(max_length=99, blank=True)
    correlation_id = models.CharField(max_length=99, unique=True)
    # [{"reference_id", "timestamp", "status", "status_reason_code", "found"}] in the order sent
    requests = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["client", "transaction_id"], name="dci_txn_client_txn_idx")]
        constraints = [
            models.UniqueConstraint(fields=["client", "message_id"], name="dci_txn_one_message_per_client"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.transaction_id or self.correlation_id}"
