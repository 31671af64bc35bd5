"""Households (keluarga, by family card) and people (individu, by NIK), with their history and measures.

A household's key is its own id, never its No. KK: the KK changes when a family moves, splits or loses its head,
and every number it had is kept in KkHistory. A person's key is the NIK. Records are corrected, not destroyed:
deletion is soft (deleted_at) and merges point the duplicate to the person kept.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .vocab import (
    ChecklistKind,
    Disability,
    Education,
    KkChangeReason,
    MaritalStatus,
    PkhStatus,
    PovertyClass,
    Ppks,
    Relation,
    Sex,
)


class LiveQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)


class Household(models.Model):
    no_kk = models.CharField(_("No. KK"), max_length=16)
    desa = models.ForeignKey(
        "areas.Area", verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, related_name="households"
    )
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    alamat = models.CharField(_("address"), max_length=200, blank=True)
    id_dtks = models.CharField(_("ID DTKS"), max_length=50, blank=True)
    desil = models.PositiveSmallIntegerField(_("desil DTSEN"), null=True, blank=True)
    desil_period = models.CharField(_("desil period"), max_length=7, blank=True, help_text="2026-Q3")
    padan_dukcapil = models.BooleanField(_("padan Dukcapil"), default=False)
    pkh_status = models.CharField(_("PKH status"), max_length=30, choices=PkhStatus.choices, blank=True)
    sembako = models.BooleanField(_("Sembako/BPNT"), default=False)
    pbi_jk = models.BooleanField(_("PBI-JK"), default=False)
    purnabina_kat = models.BooleanField(_("purnabina KAT"), default=False)
    purnabina_lain = models.CharField(_("other purnabina program"), max_length=200, blank=True)
    kube_aid_year = models.PositiveSmallIntegerField(_("earlier KUBE aid (year)"), null=True, blank=True)
    monthly_income = models.BigIntegerField(_("monthly income (Rp)"), null=True, blank=True)
    basic_needs_cost = models.BigIntegerField(_("monthly basic needs cost (Rp)"), null=True, blank=True)
    poverty_class = models.CharField(_("poverty by need"), max_length=12, choices=PovertyClass.choices, blank=True)
    unmet_needs = models.JSONField(_("unmet basic needs"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=300, blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["desa", "no_kk"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        # Plain btree indexes (Meta.indexes, not db_index=True): db_index on a CharField also builds a second
        # varchar_pattern_ops "_like" index on PostgreSQL, which no query here uses (searches are by equality) and
        # which every insert of a large import paid for. (The "_like" index of the desa foreign key stays: the
        # area filters are `desa_id = code OR desa_id LIKE 'code.%'`, and a database collation other than C can
        # serve the LIKE only from it.) No index of its own for id_dtks, desil, pkh_status or poverty_class
        # (migration 0007): no query looks a household up by them; the filters by them come with an area and are
        # served by the desa indexes below, and a count over all households reads the table (tenths of a second
        # at 300,000 households, measured); each such index cost every imported household an insert.
        indexes = [
            models.Index(fields=["no_kk"], name="registry_household_no_kk_idx"),
            # the dashboard's households by desa, desil and poverty class, counted from the index alone
            models.Index(
                fields=["desa", "desil", "poverty_class"],
                condition=Q(deleted_at__isnull=True),
                name="registry_household_dash_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"KK {self.no_kk}"

    @property
    def had_kube_aid(self) -> bool:
        return self.kube_aid_year is not None


class KkHistory(models.Model):
    """Every No. KK a household has had, with the dates and the reason of each change."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="kk_history")
    no_kk = models.CharField(_("No. KK"), max_length=16)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=KkChangeReason.choices)

    class Meta:
        ordering = ["household", "valid_from", "id"]
        verbose_name = _("No. KK history")
        verbose_name_plural = _("No. KK history")
        indexes = [models.Index(fields=["no_kk"], name="registry_kkhistory_no_kk_idx")]

    def __str__(self) -> str:
        return f"{self.no_kk} ({self.valid_from} – {self.valid_to or ''})"


class Person(models.Model):
    nik = models.CharField(_("NIK"), max_length=16)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("name"), max_length=150)
    name_normalized = models.CharField(max_length=150, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    relation = models.CharField(_("relation to the head"), max_length=20, choices=Relation.choices)
    marital_status = models.CharField(_("marital status"), max_length=20, choices=MaritalStatus.choices, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    asn_tni_polri_pensiunan = models.BooleanField(_("ASN/TNI/Polri/pensiunan"), default=False)
    main_breadwinner = models.BooleanField(_("main breadwinner of the family"), default=False, db_default=False)
    disability = models.CharField(_("disability"), max_length=20, choices=Disability.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=300, blank=True)
    # Only the few merged records have one: a partial index (Meta) instead of the foreign key's own index over every row.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from", db_index=False
    )

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["household", "relation", "birth_date"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # A UniqueConstraint, not unique=True: the same unique btree for NIK lookups without the extra "_like" index
        # that unique=True adds on PostgreSQL. name_normalized has no index of its own: the dedup index starts with
        # it (equality), and the name search is a substring match (LIKE '%...%') that no btree serves.
        constraints = [models.UniqueConstraint(fields=["nik"], name="registry_person_nik_unique")]
        indexes = [
            models.Index(fields=["name_normalized", "birth_date"], name="registry_person_dedup_idx"),
            models.Index(
                fields=["merged_into"], condition=Q(merged_into__isnull=False), name="registry_person_merged_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DuplicateDismissal(models.Model):
    """A pair of records that the probable-duplicate rules match but a person checked and found to be two people
    (namesakes born on the same day, twins with one name). The pair leaves the list of probable duplicates.

    The pair is stored once, in key order: `person_a` has the lower key (the service sorts it; a check constraint
    makes sure)."""

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("not-a-duplicate decision")
        verbose_name_plural = _("not-a-duplicate decisions")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="registry_dismissal_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="registry_dismissal_pair_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ≠ {self.person_b_id}"


class PersonPpks(models.Model):
    """A PPKS category of a person, dated, with the source of its assessment. A person may have several."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ppks")
    category = models.CharField(_("PPKS category"), max_length=2, choices=Ppks.choices, db_index=True)
    assessed_on = models.DateField(_("assessed on"))
    source = models.CharField(_("source"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("no longer applies from"), null=True, blank=True)

    class Meta:
        ordering = ["person", "category", "-assessed_on"]
        verbose_name = _("PPKS category")
        verbose_name_plural = _("PPKS categories")

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.assessed_on})"


class PovertyChecklist(models.Model):
    """A dated checklist (Kepmensos 146 or BPS 14) filled for a household by an assessor."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="checklists")
    kind = models.CharField(_("checklist"), max_length=20, choices=ChecklistKind.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    assessor_name = models.CharField(_("assessor"), max_length=150)
    items = models.JSONField(_("criteria met"), default=list)
    count = models.PositiveSmallIntegerField(_("criteria met"))
    threshold = models.PositiveSmallIntegerField(_("threshold"))
    is_poor = models.BooleanField(_("poor by this checklist"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household", "kind", "-assessed_on", "-id"]
        verbose_name = _("poverty checklist")
        verbose_name_plural = _("poverty checklists")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessed_on}: {self.count}"


class ImportStatus(models.TextChoices):
    """Where a registry import run stands (kept here beside ImportRun; it may move to vocab.py)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportPhase(models.TextChoices):
    WAITING = "waiting", _("Waiting for its turn")
    CHECKING = "checking", _("Reading and checking rows")
    MATCHING = "matching", _("Matching with the registry")
    WRITING = "writing", _("Writing to the registry")
    FINISHED = "finished", _("Finished")


class ImportRun(models.Model):
    """One import of a registry file (CSV or XLSX), by command or upload, recorded whatever its outcome.

    The run and its rejections are written outside the data transaction, so a run that fails keeps its record while
    the registry is left exactly as it was. `area_code` is the widest area the actor may import into (the common
    ancestor of their areas for registry.import; blank for a superuser): runs are scoped by it and by the actor.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(_("imported by"), max_length=150)
    area_code = models.CharField(_("area code"), max_length=13, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=10, default="web")  # web or command
    file_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=255, blank=True)  # under MEDIA_ROOT/imports/, for uploads
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    file_size = models.BigIntegerField(_("file size (bytes)"), default=0)
    file_format = models.CharField(_("format"), max_length=4)  # csv or xlsx
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    dry_run = models.BooleanField(_("dry run (nothing written)"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    phase = models.CharField(_("phase"), max_length=10, choices=ImportPhase.choices, default=ImportPhase.WAITING)
    rows_expected = models.PositiveIntegerField(_("rows expected"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_created = models.PositiveIntegerField(_("created"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    households_created = models.PositiveIntegerField(_("households created"), default=0)
    households_updated = models.PositiveIntegerField(_("households updated"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    messages = models.JSONField(_("messages"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def totals_add_up(self) -> bool:
        return self.rows_read == self.rows_created + self.rows_updated + self.rows_unchanged + self.rows_rejected

    @property
    def percent(self) -> int | None:
        if self.is_finished:
            return 100
        if not self.rows_expected:
            return None
        return min(99, self.rows_read * 100 // self.rows_expected)


class ImportRejection(models.Model):
    """A row an import did not take (or a warning on a row it took): row, column, stable code, message in Indonesian.

    `row` is the row as a spreadsheet user sees it: the header is row 1, the first data row is row 2.
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=40, blank=True)
    code = models.CharField(_("reason code"), max_length=40)
    message = models.TextField(_("message"))
    warning = models.BooleanField(_("warning only (row taken)"), default=False)

    class Meta:
        ordering = ["run", "row", "id"]
        verbose_name = _("import rejection")
        verbose_name_plural = _("import rejections")
        indexes = [models.Index(fields=["run", "warning", "row"], name="registry_importrej_run_idx")]

    def __str__(self) -> str:
        return f"{self.row} {self.column} {self.code}"


class HouseholdCount(models.Model):
    """The live households of a desa by desil and poverty class: a copy kept by `registry.counts` for the dashboard
    (over a kabupaten, counting 300,000 households on every view cost about 70 ms of its 300). Never edited."""

    desa = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    desil = models.PositiveSmallIntegerField(null=True)
    poverty_class = models.CharField(max_length=12, blank=True)
    households = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("household count")
        verbose_name_plural = _("household counts")

    def __str__(self) -> str:
        return f"{self.desa_id} desil {self.desil} {self.poverty_class}: {self.households}"
