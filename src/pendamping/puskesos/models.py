"""The Puskesos desk (SLRT): a resident's request and the case it opens, its notes (some confidential), referrals to
the offices that can help (answered by the office through a single-use token), register proposals (usulan
DTKS/DTSEN), and the mapping of PPKS and PSKS (domain.md section 6).

Everything is scoped by its desa. Nothing is deleted: a case is closed with a reason, a referral ends in a state.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pendamping.registry.vocab import Ppks

from .vocab import (
    CaseStatus,
    Channel,
    ProblemKind,
    ProposalState,
    PsksKind,
    ReferralStatus,
    Sector,
    VerificationResult,
)

USER = settings.AUTH_USER_MODEL


class Case(models.Model):
    """A request brought to the desk (intake) and the casework that follows: the four components of the seed
    (person, problem, place, process), assessment, plan, interventions, referrals, until it ends."""

    number = models.CharField(_("case number"), max_length=30, unique=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="cases")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="cases")
    desa = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    received_on = models.DateField(_("received on"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    problem_kind = models.CharField(_("problem"), max_length=20, choices=ProblemKind.choices)
    description = models.TextField(_("complaint or need"))
    # what the desk saw at intake (the register changes later; this is what the decision was based on)
    in_dtks = models.BooleanField(_("in DTKS/DTSEN at intake"))
    desil_at_intake = models.PositiveSmallIntegerField(_("desil at intake"), null=True, blank=True)
    # the four components (seed) and the casework
    component_person = models.TextField(_("person"), blank=True)
    component_problem = models.TextField(_("problem"), blank=True)
    component_place = models.TextField(_("place"), blank=True)
    component_process = models.TextField(_("process"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    plan = models.TextField(_("plan"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.BARU)
    closed_on = models.DateField(_("ended on"), null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    confidential = models.BooleanField(_("confidential"), default=False)
    fasilitator = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="cases", verbose_name=_("fasilitator"))
    returned_note = models.TextField(_("returned by the supervisor, because"), blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["desa", "status"], name="puskesos_case_desa_status"),
            models.Index(fields=["sector", "received_on"], name="puskesos_case_sector"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseStatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=12, choices=CaseStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_status}→{self.to_status}"


class CaseNote(models.Model):
    """A note of the casework. A confidential note is read only by its author, the supervising TKSK and the admin,
    and every read is audited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    confidential = models.BooleanField(_("confidential"), default=False)
    contact = models.ForeignKey(
        "mentoring.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="case_notes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} #{self.pk}"


class Referral(models.Model):
    """A referral of a case to a sector's office or service, followed to its outcome. The letter (surat rujukan)
    carries a link with a single-use, expiring, signed token through which the office answers without an account;
    only the token's hash is kept."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    office = models.CharField(_("office or service referred to"), max_length=200)
    reason = models.TextField(_("what is asked"))
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("answer expected by"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.DIKIRIM
    )
    response = models.TextField(_("response"), blank=True)
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    responder_name = models.CharField(_("answered by"), max_length=150, blank=True)
    responded_through_token = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    token_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["status", "due_on"], name="puskesos_referral_status_due"),
            # the list's order: its first page is read from this index instead of sorting every referral in scope
            models.Index(fields=["-sent_on", "-id"], name="puskesos_referral_sent"),
        ]

    def __str__(self) -> str:
        return self.number


def document_path(instance, filename: str) -> str:
    return f"puskesos/{instance.desa_id}/{filename}"


class Document(models.Model):
    """A file of the desk (minutes of a musyawarah desa, a by-name-by-address list, a case document): checked by its
    content, served only through scoped pages."""

    desa = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class RegisterProposal(models.Model):
    """A proposal to add a household to the social register (usulan DTKS/DTSEN), through the musyawarah desa,
    verification and validation, ratification, sending, to the decision."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="register_proposals")
    desa = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals")
    state = models.CharField(_("state"), max_length=20, choices=ProposalState.choices, default=ProposalState.DRAF)
    reason = models.TextField(_("why the family should be in the register"))
    musdes_on = models.DateField(_("musyawarah desa held on"), null=True, blank=True)
    minutes = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bnba = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verification = models.CharField(
        _("verification result"), max_length=12, choices=VerificationResult.choices, blank=True
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["desa_id", "-created_at"]
        verbose_name = _("register proposal")
        verbose_name_plural = _("register proposals")

    def __str__(self) -> str:
        return f"{self.household} ({self.get_state_display()})"


class PpksCount(models.Model):
    """PPKS counted by hand by the TKSK for a desa and category (with its source and date), beside what the registry
    shows."""

    desa = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    category = models.CharField(_("PPKS category"), max_length=2, choices=Ppks.choices)
    count = models.PositiveIntegerField(_("count"))
    counted_on = models.DateField(_("counted on"))
    source = models.CharField(_("source"), max_length=200)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["desa_id", "category", "-counted_on"]
        verbose_name = _("PPKS count")
        verbose_name_plural = _("PPKS counts")

    def __str__(self) -> str:
        return f"{self.desa_id} {self.category}: {self.count}"


class Psks(models.Model):
    """A PSKS (Potensi dan Sumber Kesejahteraan Sosial): an organisation or a person the desk can work with."""

    kind = models.CharField(_("kind"), max_length=16, choices=PsksKind.choices)
    name = models.CharField(_("name"), max_length=200)
    desa = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    leader = models.CharField(_("leader or contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    legal_basis = models.CharField(_("decree or registration"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["desa_id", "kind", "name"]
        verbose_name = _("PSKS")
        verbose_name_plural = _("PSKS")

    def __str__(self) -> str:
        return self.name
