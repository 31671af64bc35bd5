"""Rule sets (versioned rows, one active per kabupaten, budget year and funding source), screening runs and their
results (one row per person screened, with every rule's outcome and the data it used as columns).

A rule set with stored results is never changed in place: editing it makes a new version (services.rule_set_update).
A result is never changed either: screening again adds a new result and marks the older one of the same person and
rule set as no longer `current`.

A special case (SpecialCaseProposal) names the people of a desa or kecamatan hit by a disaster, an economic crisis or
another urgent condition; approved by the Dinas Sosial, it admits them under `kasus_khusus` (see engine.py).

ScreeningResult is written a million rows at a time, so it carries few indexes (the list and per-person ones) and
its references to the run, the rule set, the household, the KK's representative and the special case are not
checked by database constraints row by row: the engine copies them from rows it has just read in the same
statement. Only the person is a checked foreign key.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .vocab import Decision, FundingSource, Mechanism, RuleSetStatus, SpecialCaseKind, SpecialCaseStatus


def default_kepmensos146_min() -> int:
    return int(settings.PENDAMPING["KEPMENSOS146_POOR_THRESHOLD"])


def default_bps14_min() -> int:
    return int(settings.PENDAMPING["BPS14_POOR_THRESHOLD"])


# the parameters of a rule set: what a new version copies and what the form edits
PARAMETERS = [
    "age_min",
    "age_max",
    "require_married",
    "require_dtks",
    "max_desil",
    "exclude_state_employees",
    "exclude_prior_kube_aid",
    "require_head",
    "one_per_kk",
    "kepmensos146_min",
    "bps14_min",
]


class RuleSet(models.Model):
    name = models.CharField(_("name"), max_length=150)
    area_code = models.CharField(_("kabupaten/kota"), max_length=13, db_index=True)
    budget_year = models.PositiveSmallIntegerField(_("budget year"))
    funding_source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT, db_index=True
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
        verbose_name=_("previous"),
    )
    age_min = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), default=60)
    require_married = models.BooleanField(_("married required"), default=True)
    require_dtks = models.BooleanField(_("listing in DTKS/DTSEN (or poverty evidence) required"), default=True)
    max_desil = models.PositiveSmallIntegerField(_("highest desil"), default=4)
    exclude_state_employees = models.BooleanField(_("exclude ASN/TNI/Polri/pensiunan"), default=True)
    exclude_prior_kube_aid = models.BooleanField(_("exclude earlier KUBE aid"), default=True)
    require_head = models.BooleanField(_("head of family required"), default=True)
    one_per_kk = models.BooleanField(_("one member per KK"), default=True)
    kepmensos146_min = models.PositiveSmallIntegerField(
        _("Kepmensos 146 criteria needed (not listed)"), default=default_kepmensos146_min
    )
    bps14_min = models.PositiveSmallIntegerField(_("BPS 14 criteria needed (not listed)"), default=default_bps14_min)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["area_code", "-budget_year", "funding_source", "-version"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "budget_year", "funding_source"],
                condition=Q(status="active"),
                name="targeting_one_active_rule_set",
            ),
            models.UniqueConstraint(
                fields=["area_code", "budget_year", "funding_source", "version"], name="targeting_rule_set_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.budget_year} {self.get_funding_source_display()})"

    def parameters(self) -> dict:
        return {name: getattr(self, name) for name in PARAMETERS}


class ScreeningRun(models.Model):
    """One screening: of a desa, a list of people or one person, against one rule set version, on a reference date."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="runs", verbose_name=_("rule set"))
    area_code = models.CharField(_("area"), max_length=13, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(_("screened by"), max_length=150, blank=True)
    screened_at = models.DateTimeField(_("screened at"), db_index=True)
    reference_date = models.DateField(_("reference date"))
    people = models.PositiveIntegerField(_("people screened"), default=0)
    counts = models.JSONField(_("results per decision"), default=dict, blank=True)

    class Meta:
        ordering = ["-screened_at", "-id"]
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.area_code or '-'} {self.screened_at:%Y-%m-%d %H:%M}"


class ScreeningResult(models.Model):
    """A person screened against a rule set version: the decision, the mechanism and its priority, every rule's
    outcome (True passed, False failed, None not known: data missing) and the data each used."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="results", db_constraint=False)
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="results", db_index=False, db_constraint=False
    )
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="screenings", db_index=False)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    desa_code = models.CharField(_("desa"), max_length=13)
    screened_at = models.DateTimeField(_("screened at"))
    reference_date = models.DateField(_("reference date"))
    current = models.BooleanField(_("latest result of this person and rule set"), default=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    mechanism = models.CharField(_("mechanism"), max_length=24, choices=Mechanism.choices)
    priority = models.PositiveSmallIntegerField(_("priority"))
    missing = models.CharField(_("missing data"), max_length=200, blank=True)
    # soft criteria: preferred, not gates; the person's latest SoftCriteria record (None: not recorded)
    soft_jiwa_wirausaha = models.BooleanField(null=True)
    soft_embrio_usaha = models.BooleanField(null=True)
    soft_bersedia_berkelompok = models.BooleanField(null=True)
    # rule outcomes
    rule_umur = models.BooleanField(null=True)
    rule_status_kawin = models.BooleanField(null=True)
    rule_terdaftar_dtks = models.BooleanField(null=True)
    rule_desil_maks = models.BooleanField(null=True)
    rule_bukan_asn = models.BooleanField(null=True)
    rule_belum_pernah_kube = models.BooleanField(null=True)
    rule_kepala_keluarga = models.BooleanField(null=True)
    rule_satu_per_kk = models.BooleanField(null=True)
    # the data the rules used, as it was at screening
    data_birth_date = models.DateField(null=True)
    data_age = models.SmallIntegerField(null=True)
    data_marital_status = models.CharField(max_length=20, blank=True)
    data_id_dtks = models.CharField(max_length=50, blank=True)
    data_desil = models.PositiveSmallIntegerField(null=True)
    data_k146_count = models.PositiveSmallIntegerField(null=True)
    data_k146_date = models.DateField(null=True)
    data_bps14_count = models.PositiveSmallIntegerField(null=True)
    data_bps14_date = models.DateField(null=True)
    data_asn = models.BooleanField(null=True)
    data_kube_aid_year = models.PositiveSmallIntegerField(null=True)
    data_main_breadwinner = models.BooleanField(null=True)
    data_relation = models.CharField(max_length=20, blank=True)
    data_pkh_status = models.CharField(max_length=30, blank=True)
    data_purnabina_kat = models.BooleanField(null=True)
    data_purnabina_lain = models.CharField(max_length=200, blank=True)
    data_kk_taken_by = models.ForeignKey(
        "registry.Person", null=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # the approved special case that admitted the person (it replaces the DTKS listing and desil rules)
    special_case = models.ForeignKey(
        "SpecialCaseProposal",
        null=True,
        on_delete=models.PROTECT,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["priority", "person_id", "-id"]
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        indexes = [
            models.Index(fields=["desa_code", "rule_set", "current", "priority"], name="targeting_result_list_idx"),
            models.Index(fields=["person", "rule_set", "current"], name="targeting_result_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.decision}"

    @property
    def missing_fields(self) -> list[str]:
        return [name for name in self.missing.split(",") if name]


def special_case_document_path(document: "SpecialCaseDocument", filename: str) -> str:
    """Where a document is stored: a name of ours (never the uploaded one) under the proposal."""
    return f"targeting/kasus-khusus/{document.proposal_id}/{document.stored_name}"


class SpecialCaseProposal(models.Model):
    """A special case by proposal (seed 4.1, non rujukan b): people of a desa or kecamatan hit by a natural disaster,
    an economic crisis or another urgent condition, proposed by the TKSK or fasilitator with documents, approved or
    rejected by the Dinas Sosial admin of the kabupaten. Approved, it admits the people it names under kasus_khusus."""

    area_code = models.CharField(_("desa/kecamatan"), max_length=13, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SpecialCaseKind.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=SpecialCaseStatus.choices, default=SpecialCaseStatus.DIAJUKAN
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    proposed_by_name = models.CharField(_("proposed by"), max_length=150)
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_name = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    people = models.ManyToManyField(
        "registry.Person", through="SpecialCaseMember", related_name="special_cases", verbose_name=_("people")
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("special case proposal")
        verbose_name_plural = _("special case proposals")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.area_code}"


class SpecialCaseMember(models.Model):
    """A person a proposal names (with their household as it was when proposed)."""

    proposal = models.ForeignKey(SpecialCaseProposal, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["proposal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="targeting_special_case_person_once")
        ]
        indexes = [models.Index(fields=["person", "proposal"], name="targeting_special_person_idx")]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.person_id}"


class SpecialCaseDocument(models.Model):
    """A supporting document (PDF or image, checked by its content) of a proposal."""

    proposal = models.ForeignKey(SpecialCaseProposal, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=special_case_document_path, max_length=200)
    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "id"]

    def __str__(self) -> str:
        return self.original_name


class SoftCriteria(models.Model):
    """What was recorded of a person's soft criteria (preferred, not gates; seed 4.2 items 4 and 5): an
    entrepreneurial spirit, an embryo of a productive business, a stated willingness to work in a group (None: not
    assessed). Screening takes the latest record of each person."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="soft_criteria")
    jiwa_wirausaha = models.BooleanField(_("entrepreneurial spirit"), null=True)
    embrio_usaha = models.BooleanField(_("embryo of a productive or small business"), null=True)
    bersedia_berkelompok = models.BooleanField(_("states willingness to work in a group"), null=True)
    recorded_on = models.DateField(_("recorded on"))
    note = models.CharField(_("how it was assessed"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person_id", "-recorded_on", "-id"]
        verbose_name = _("soft criteria")
        verbose_name_plural = _("soft criteria")
        indexes = [models.Index(fields=["person", "recorded_on"], name="targeting_soft_person_date")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.recorded_on}"
