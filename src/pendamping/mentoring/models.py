"""Mentoring: every contact (catatan pendampingan) with what it was, the attendance of group sessions, the roles
played, follow-up tasks and the monthly TKSK report (domain.md section 5).

A contact is scoped by its desa (`desa`: the desa of the KUBE, household or person it was with, or the desa/community
itself). Roles are rows (`ContactRole`, one per scheme and code) so that the analytics count them in the database.
Nothing is deleted: a contact recorded by mistake is removed softly with a reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.kube.vocab import Activity

from .vocab import (
    InterventionKind,
    Method,
    ReportStatus,
    RoleScheme,
    ServiceType,
    TargetKind,
    TaskStatus,
    WelfareFunction,
)

USER = settings.AUTH_USER_MODEL


class Contact(models.Model):
    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("worker"))
    contact_date = models.DateField(_("date"), db_index=True)
    target_kind = models.CharField(_("with"), max_length=10, choices=TargetKind.choices)
    kube = models.ForeignKey(
        "kube.Kube", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("KUBE")
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    desa = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    welfare_function = models.CharField(
        _("welfare function"), max_length=12, choices=WelfareFunction.choices, blank=True
    )
    intervention_kind = models.CharField(
        _("intervention kind"), max_length=10, choices=InterventionKind.choices, blank=True
    )
    service_type = models.CharField(_("service type"), max_length=12, choices=ServiceType.choices, blank=True)
    activity = models.CharField(_("KUBE stage activity served"), max_length=4, choices=Activity.choices, blank=True)
    activity_record = models.ForeignKey(
        "kube.ActivityRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    what_done = models.TextField(_("what was done"))
    problems = models.TextField(_("problems found"), blank=True)
    agreements = models.TextField(_("agreements"), blank=True)
    next_visit = models.DateField(_("next visit"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=300, blank=True)
    # the codes of its Zastrow roles as ",broker,enabler,": a copy of its ContactRole rows written with them by
    # contact_record (a contact is never edited), so that the dashboard counts role coverage in the same scan as the
    # contacts instead of joining every role of the quarter
    zastrow_codes = models.CharField(max_length=120, blank=True, default="", db_default="", editable=False)

    class Meta:
        ordering = ["-contact_date", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["desa", "contact_date"], name="mentoring_contact_desa_date"),
            models.Index(fields=["kube", "contact_date"], name="mentoring_contact_kube_date"),
            models.Index(fields=["worker", "contact_date"], name="mentoring_contact_worker_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="mentoring_contact_idempotency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_date} {self.get_method_display()} ({self.worker})"


class ContactRole(models.Model):
    """A role played in a contact: a social-work role of Zastrow or one of the 14 TKS roles."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="roles")
    scheme = models.CharField(max_length=8, choices=RoleScheme.choices)
    code = models.CharField(max_length=16)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "scheme", "code"], name="mentoring_contact_role")]
        indexes = [models.Index(fields=["scheme", "code"], name="mentoring_role_scheme_code")]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.code}"


class Attendance(models.Model):
    """Whether a member of the KUBE came to a group session (a groupwork contact with the KUBE)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("kube.KubeMember", on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(_("present"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "member"], name="mentoring_attendance_once")]

    def __str__(self) -> str:
        return f"{self.member} {'+' if self.present else '-'}"


def photo_path(instance, filename: str) -> str:
    return f"kunjungan/{instance.contact_id}/{filename}"


class ContactPhoto(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to=photo_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class FollowUpTask(models.Model):
    """A task from a contact's agreements (or set on its own): who does what by when."""

    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    kube = models.ForeignKey("kube.Kube", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    desa = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("assignee"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        indexes = [models.Index(fields=["assignee", "status", "due_on"], name="mentoring_task_assignee")]

    def __str__(self) -> str:
        return self.title


class TkskReport(models.Model):
    """The monthly report of a TKSK (laporan bulanan TKSK): figures generated from the records (kept as they were
    when submitted), the TKSK's narrative, submitted and acknowledged by the Dinas Sosial."""

    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="tksk_reports", verbose_name=_("TKSK"))
    kecamatan = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    figures = models.JSONField(_("figures"), default=dict)
    narrative = models.TextField(_("narrative"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    acknowledgement_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-month", "kecamatan_id"]
        verbose_name = _("TKSK monthly report")
        verbose_name_plural = _("TKSK monthly reports")
        constraints = [
            models.UniqueConstraint(fields=["worker", "kecamatan", "month"], name="mentoring_one_report_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan_id} {self.month:%Y-%m}"
