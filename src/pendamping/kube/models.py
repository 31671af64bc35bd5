"""KUBE: groups and their members, stages and activities, gate overrides, stimulus and its LPJ, the cash book,
monthly progress reports with the typology, partnerships and the e-Warung (domain.md section 4).

Every write goes through kube.services. Money is whole Rupiah (integers). A group is scoped by its desa (its
`desa` area code); its kecamatan is the desa's parent. Nothing here is deleted: a group is dissolved (bubar) or
soft-deleted, a member leaves with a date and reason, a cash entry is corrected by a reversing entry.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.targeting.vocab import FundingSource

from .vocab import (
    Activity,
    ActivityResult,
    BusinessStatus,
    CashCategory,
    CashDirection,
    Gate,
    KubeKind,
    KubeStatus,
    LeaveReason,
    LpjState,
    MemberRole,
    PartnerKind,
    PartnershipKind,
    PartnershipStatus,
    Stage,
    Typology,
)

USER = settings.AUTH_USER_MODEL


class BusinessType(models.Model):
    """A kind of business (ternak domba, warung sembako...). Rows with no area are for everyone; a Dinas Sosial adds
    its own for its kabupaten."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("KUBE kind"), max_length=10, choices=KubeKind.choices)
    area_code = models.CharField(_("kabupaten/kota"), max_length=13, blank=True, db_index=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business type")
        verbose_name_plural = _("business types")
        constraints = [models.UniqueConstraint(fields=["area_code", "code"], name="kube_business_type_code")]

    def __str__(self) -> str:
        return self.name


class Kube(models.Model):
    name = models.CharField(_("group name"), max_length=150)
    kind = models.CharField(_("KUBE kind"), max_length=10, choices=KubeKind.choices)
    business_type = models.ForeignKey(
        BusinessType, on_delete=models.PROTECT, related_name="groups", verbose_name=_("business type")
    )
    desa = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="kube_groups", verbose_name=_("desa/kelurahan")
    )
    kecamatan = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan"), editable=False
    )
    funding_source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    budget_year = models.PositiveSmallIntegerField(_("budget year"))
    formed_on = models.DateField(_("formed on"))
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=30, blank=True)
    bank_account_name = models.CharField(_("account holder (the group)"), max_length=150, blank=True)
    sk_number = models.CharField(_("SK penetapan number"), max_length=100, blank=True)
    sk_date = models.DateField(_("SK penetapan date"), null=True, blank=True)
    pendamping = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="kube_groups", verbose_name=_("pendamping")
    )
    status = models.CharField(_("status"), max_length=10, choices=KubeStatus.choices, default=KubeStatus.AKTIF)
    stage = models.CharField(_("stage"), max_length=2, choices=Stage.choices, default=Stage.T0, db_index=True)
    stimulus_per_member = models.PositiveIntegerField(_("stimulus per member (Rp)"))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=300, blank=True)
    # its standing, copied from its members, reports and contacts by kube.standing.refresh (see there), never edited
    member_count = models.PositiveSmallIntegerField(_("active members"), default=0, db_default=0, editable=False)
    last_report_month = models.DateField(_("latest report"), null=True, blank=True, editable=False)
    last_typology = models.CharField(
        _("latest typology"), max_length=14, choices=Typology.choices, blank=True, editable=False
    )
    falling_streak = models.PositiveSmallIntegerField(
        _("reports in a row with a falling omzet"), default=0, db_default=0, editable=False
    )
    last_contact_on = models.DateField(_("latest contact"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["desa_id", "name"]
        verbose_name = _("KUBE")
        verbose_name_plural = _("KUBE")
        indexes = [models.Index(fields=["kecamatan", "stage"], name="kube_kecamatan_stage")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_name and self.bank_account_number)

    @property
    def has_sk(self) -> bool:
        return bool(self.sk_number and self.sk_date)


class KubeMember(models.Model):
    kube = models.ForeignKey(Kube, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="kube_memberships")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.ANGGOTA)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=30, choices=LeaveReason.choices, blank=True)
    leave_note = models.CharField(_("note"), max_length=300, blank=True)
    # screening: the result the member was admitted on, or an override with its reason (gate T1.6)
    screening = models.ForeignKey(
        "targeting.ScreeningResult", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    eligibility_override = models.CharField(_("admitted despite screening, because"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kube_id", "left_on", "joined_on", "id"]
        verbose_name = _("KUBE member")
        verbose_name_plural = _("KUBE members")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(left_on__isnull=True), name="kube_one_active_group_per_person"
            ),
            models.UniqueConstraint(
                fields=["kube", "household"], condition=Q(left_on__isnull=True), name="kube_one_member_per_kk"
            ),
            models.UniqueConstraint(
                fields=["kube", "role"],
                condition=Q(left_on__isnull=True) & ~Q(role="anggota"),
                name="kube_one_holder_per_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    @property
    def active(self) -> bool:
        return self.left_on is None


class ActivityRecord(models.Model):
    """One activity of a stage, done on a date; evaluations carry a result."""

    kube = models.ForeignKey(Kube, on_delete=models.PROTECT, related_name="activities")
    activity = models.CharField(_("activity"), max_length=4, choices=Activity.choices)
    done_on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=10, choices=ActivityResult.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kube_id", "done_on", "id"]
        verbose_name = _("activity record")
        verbose_name_plural = _("activity records")
        indexes = [models.Index(fields=["kube", "activity"], name="kube_activity_kube_code")]

    def __str__(self) -> str:
        return f"{self.activity} {self.done_on}"


class GateOverride(models.Model):
    """A gate of 4.3 passed although its condition did not hold, with the written reason: shown on the group and in
    the report of overrides."""

    kube = models.ForeignKey(Kube, on_delete=models.PROTECT, related_name="overrides")
    gate = models.CharField(_("gate"), max_length=4, choices=Gate.choices)
    unmet = models.JSONField(_("conditions not met"), default=list)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("gate override")
        verbose_name_plural = _("gate overrides")

    def __str__(self) -> str:
        return f"{self.kube} {self.gate}"


class StageChange(models.Model):
    kube = models.ForeignKey(Kube, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=2, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=2, choices=Stage.choices)
    changed_on = models.DateField(_("date"))
    override = models.ForeignKey(GateOverride, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kube_id", "created_at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.kube} {self.from_stage}→{self.to_stage}"


def attachment_path(instance, filename: str) -> str:
    return f"kube/{instance.kube_id}/{filename}"


class Attachment(models.Model):
    """A photo or PDF of an activity, an LPJ receipt, a partnership agreement. Files are served only through a
    scoped view; images are shrunk for phones when stored."""

    kube = models.ForeignKey(Kube, on_delete=models.PROTECT, related_name="attachments")
    activity_record = models.ForeignKey(
        ActivityRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class StimulusRate(models.Model):
    """The stimulus per member for a kabupaten, budget year and funding source; without a row, the setting
    KUBE_STIMULUS_PER_MEMBER (Rp2.000.000) applies."""

    area_code = models.CharField(_("kabupaten/kota"), max_length=13)
    budget_year = models.PositiveSmallIntegerField(_("budget year"))
    funding_source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    per_member = models.PositiveIntegerField(_("stimulus per member (Rp)"))

    class Meta:
        verbose_name = _("stimulus rate")
        verbose_name_plural = _("stimulus rates")
        constraints = [
            models.UniqueConstraint(fields=["area_code", "budget_year", "funding_source"], name="kube_stimulus_rate")
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.budget_year} {self.funding_source}: {self.per_member}"


class StimulusTranche(models.Model):
    kube = models.ForeignKey(Kube, on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tranche"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    transferred_on = models.DateField(_("transfer date"))
    bank_reference = models.CharField(_("bank reference"), max_length=100)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kube_id", "number"]
        verbose_name = _("stimulus tranche")
        verbose_name_plural = _("stimulus tranches")
        constraints = [models.UniqueConstraint(fields=["kube", "number"], name="kube_tranche_number")]

    def __str__(self) -> str:
        return f"{self.kube} tahap {self.number}"


class Lpj(models.Model):
    """The accountability report (laporan pertanggungjawaban) of the stimulus: spending lines against what was
    received, submitted by the group, verified or returned by the Dinas Sosial."""

    kube = models.OneToOneField(Kube, on_delete=models.PROTECT, related_name="lpj")
    state = models.CharField(_("state"), max_length=12, choices=LpjState.choices, default=LpjState.BELUM)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("verified or returned at"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(_("verifier's note"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("LPJ")
        verbose_name_plural = _("LPJ")

    def __str__(self) -> str:
        return f"LPJ {self.kube}"


class LpjLine(models.Model):
    lpj = models.ForeignKey(Lpj, on_delete=models.PROTECT, related_name="lines")
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("spending"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    receipt = models.ForeignKey(Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["lpj_id", "spent_on", "id"]
        verbose_name = _("LPJ line")
        verbose_name_plural = _("LPJ lines")

    def __str__(self) -> str:
        return f"{self.spent_on} {self.description}"


class CashEntry(models.Model):
    """A line of the group's cash book. Never edited or deleted: a mistake is corrected by a reversing entry."""

    kube = models.ForeignKey(Kube, on_delete=models.PROTECT, related_name="cash_entries")
    entry_date = models.DateField(_("date"))
    direction = models.CharField(_("in/out"), max_length=3, choices=CashDirection.choices)
    category = models.CharField(_("category"), max_length=20, choices=CashCategory.choices)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by", verbose_name=_("reverses")
    )
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kube_id", "entry_date", "id"]
        verbose_name = _("cash book entry")
        verbose_name_plural = _("cash book entries")
        indexes = [models.Index(fields=["kube", "entry_date"], name="kube_cash_kube_date")]

    def __str__(self) -> str:
        return f"{self.kube} {self.entry_date} {self.get_direction_display()} {self.amount}"

    @property
    def signed_amount(self) -> int:
        return self.amount if self.direction == CashDirection.IN else -self.amount


class ProgressReport(models.Model):
    """The monthly progress report of a group: the business figures, the pendamping's assessment of the indicators
    the records cannot show, and the typology computed from both (with every indicator's outcome kept)."""

    kube = models.ForeignKey(Kube, on_delete=models.PROTECT, related_name="progress_reports")
    month = models.DateField(_("month"))  # the first day of the month reported
    omzet = models.BigIntegerField(_("turnover (omzet, Rp)"))
    profit = models.BigIntegerField(_("profit (Rp)"))
    capital = models.BigIntegerField(_("capital (Rp)"))
    iks_collected = models.PositiveBigIntegerField(_("IKS collected (Rp)"))
    iks_used = models.PositiveBigIntegerField(_("IKS used (Rp)"))
    active_members = models.PositiveSmallIntegerField(_("active members"))
    business_status = models.CharField(_("business status"), max_length=10, choices=BusinessStatus.choices)
    assessed = models.JSONField(_("indicators assessed as met"), default=list)
    evidence = models.TextField(_("notes and evidence"), blank=True)
    typology = models.CharField(_("typology"), max_length=14, choices=Typology.choices)
    indicators = models.JSONField(_("indicator outcomes"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kube_id", "-month"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [models.UniqueConstraint(fields=["kube", "month"], name="kube_one_report_per_month")]
        # the latest report of each group read from the index alone (typology, no-report and falling-omzet flags
        # of the lists and the dashboard); INCLUDE is PostgreSQL's, SQLite keeps the plain index
        indexes = [models.Index(fields=["kube", "-month"], include=["typology", "omzet"], name="kube_report_latest")]

    def __str__(self) -> str:
        return f"{self.kube} {self.month:%Y-%m}"


class Partnership(models.Model):
    kube = models.ForeignKey(Kube, on_delete=models.PROTECT, related_name="partnerships")
    partner_name = models.CharField(_("partner"), max_length=150)
    partner_kind = models.CharField(_("partner kind"), max_length=12, choices=PartnerKind.choices)
    kind = models.CharField(_("partnership kind"), max_length=12, choices=PartnershipKind.choices)
    agreement_date = models.DateField(_("agreement date"))
    document = models.ForeignKey(Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.DIRINTIS
    )
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kube_id", "-agreement_date"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return f"{self.kube} – {self.partner_name}"


class EWarung(models.Model):
    """An e-Warung KUBE PKH run by a group. No card numbers or PINs are ever stored."""

    kube = models.OneToOneField(Kube, on_delete=models.PROTECT, related_name="ewarung")
    name = models.CharField(_("outlet name"), max_length=150)
    address = models.CharField(_("address"), max_length=200, blank=True)
    bank_agent = models.CharField(_("bank agent (bank and agent name)"), max_length=150)
    opened_on = models.DateField(_("opened on"))
    active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("e-Warung")
        verbose_name_plural = _("e-Warung")

    def __str__(self) -> str:
        return self.name


class EWarungMonth(models.Model):
    ewarung = models.ForeignKey(EWarung, on_delete=models.PROTECT, related_name="months")
    month = models.DateField(_("month"))
    kpm_served = models.PositiveIntegerField(_("KPM served"))
    transactions = models.PositiveIntegerField(_("transactions"))
    transaction_total = models.PositiveBigIntegerField(_("transaction total (Rp)"))
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["ewarung_id", "-month"]
        constraints = [models.UniqueConstraint(fields=["ewarung", "month"], name="kube_ewarung_one_month")]

    def __str__(self) -> str:
        return f"{self.ewarung} {self.month:%Y-%m}"


class EWarungStockout(models.Model):
    ewarung = models.ForeignKey(EWarung, on_delete=models.PROTECT, related_name="stockouts")
    started_on = models.DateField(_("out of stock from"))
    ended_on = models.DateField(_("restocked on"), null=True, blank=True)
    item = models.CharField(_("item"), max_length=100)
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["ewarung_id", "-started_on"]

    def __str__(self) -> str:
        return f"{self.ewarung} {self.item} {self.started_on}"
