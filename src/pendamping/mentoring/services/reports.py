"""Every write of the monthly TKSK report (laporan bulanan TKSK): generate (and regenerate while a draft), the
narrative (with optimistic locking), submit (the figures are frozen), acknowledge (the Dinas Sosial).

A report belongs to the TKSK who generated it, for one kecamatan and one month; only they write it, only the
Dinas Sosial of the kabupaten acknowledges it. Every step is audited under the kecamatan.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel
from pendamping.core.audit import audit_record
from pendamping.core.errors import NotAllowed
from pendamping.core.scoping import require

from ..models import TkskReport
from ..selectors.reports import report_figures
from ..vocab import ReportStatus

REPORT = "mentoring.report"
ACKNOWLEDGE = "mentoring.acknowledge"
NARRATIVE_MAX = 20_000


def _summary(figures: dict) -> dict:
    """The headline numbers of a figures snapshot, for the audit log."""
    if not figures:
        return {}
    return {
        "contacts": figures["contacts"]["all"]["total"],
        "own_contacts": figures["contacts"]["own"]["total"],
        "groups_visited": len(figures["groups_visited"]),
        "ppks": figures["ppks"]["total"],
    }


def _own_draft(actor, report: TkskReport, expected_version: int | None) -> TkskReport:
    """The report locked for writing by its TKSK: a draft, at the version the actor saw."""
    require(actor, REPORT, report.kecamatan_id)
    if report.worker_id != actor.pk:
        raise NotAllowed(REPORT, report.kecamatan_id)
    report = TkskReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("The report was submitted; its figures and narrative no longer change."))
    if expected_version is not None and report.version != expected_version:
        raise ValidationError(
            {"narrative": _("The report was changed meanwhile (in another window?). Reload it and write again.")}
        )
    return report


@transaction.atomic
def report_generate(
    *, actor, kecamatan_code: str, month: datetime.date, today: datetime.date | None = None
) -> TkskReport:
    """The TKSK's draft for a kecamatan and a month, with its figures generated from the records (again, while it is
    a draft)."""
    today = today or timezone.localdate()
    kecamatan = Area.objects.filter(code=kecamatan_code or "", level=AreaLevel.KECAMATAN).first()
    if kecamatan is None:
        raise ValidationError({"kecamatan": _("Choose the kecamatan of the report.")})
    require(actor, REPORT, kecamatan.code)
    if not isinstance(month, datetime.date):
        raise ValidationError({"month": _("Give the month of the report.")})
    month = month.replace(day=1)
    if month > today.replace(day=1):
        raise ValidationError({"month": _("A report cannot be made for a month still to come.")})
    report = TkskReport.objects.select_for_update().filter(worker=actor, kecamatan=kecamatan, month=month).first()
    created = report is None
    if created:
        report = TkskReport(worker=actor, kecamatan=kecamatan, month=month)
    elif report.status != ReportStatus.DRAFT:
        raise ValidationError(_("The report of this month was submitted; its figures no longer change."))
    before = _summary(report.figures)
    report.figures = report_figures(kecamatan_code=kecamatan.code, month=month, worker=actor, today=today)
    if not created:
        report.version += 1
    report.save()
    after = _summary(report.figures)
    audit_record(
        actor=actor,
        action="mentoring.report_generate",
        obj=report,
        area_code=kecamatan.code,
        changes={key: {"before": before.get(key), "after": value} for key, value in after.items()},
    )
    return report


@transaction.atomic
def report_update(*, actor, report: TkskReport, narrative: str, expected_version: int) -> TkskReport:
    """The TKSK's narrative of a draft; refused when the report changed since the actor read it."""
    report = _own_draft(actor, report, expected_version)
    narrative = (narrative or "").strip()
    if len(narrative) > NARRATIVE_MAX:
        raise ValidationError({"narrative": _("The narrative is at most %(n)d characters.") % {"n": NARRATIVE_MAX}})
    before = report.narrative
    report.narrative = narrative
    report.version += 1
    report.save(update_fields=["narrative", "version"])
    audit_record(
        actor=actor,
        action="mentoring.report_update",
        obj=report,
        area_code=report.kecamatan_id,
        changes={"narrative": {"before": before, "after": narrative}},
    )
    return report


@transaction.atomic
def report_submit(*, actor, report: TkskReport, expected_version: int) -> TkskReport:
    """Submit the draft to the Dinas Sosial: its figures are kept as they are."""
    report = _own_draft(actor, report, expected_version)
    if not report.figures:
        raise ValidationError(_("Generate the figures of the report before submitting it."))
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.version += 1
    report.save(update_fields=["status", "submitted_at", "version"])
    audit_record(
        actor=actor,
        action="mentoring.report_submit",
        obj=report,
        area_code=report.kecamatan_id,
        changes={"status": {"before": ReportStatus.DRAFT, "after": ReportStatus.SUBMITTED}},
    )
    return report


@transaction.atomic
def report_acknowledge(*, actor, report: TkskReport, note: str = "", expected_version: int | None = None):
    """The Dinas Sosial acknowledges a submitted report, with a note."""
    require(actor, ACKNOWLEDGE, report.kecamatan_id)
    report = TkskReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be acknowledged."))
    if expected_version is not None and report.version != expected_version:
        raise ValidationError({"note": _("The report was changed meanwhile. Reload it first.")})
    note = (note or "").strip()
    report.status = ReportStatus.ACKNOWLEDGED
    report.acknowledged_at = timezone.now()
    report.acknowledged_by = actor
    report.acknowledgement_note = note
    report.version += 1
    report.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "acknowledgement_note", "version"])
    audit_record(
        actor=actor,
        action="mentoring.report_acknowledge",
        obj=report,
        area_code=report.kecamatan_id,
        changes={"status": {"before": ReportStatus.SUBMITTED, "after": ReportStatus.ACKNOWLEDGED}},
        reason=note,
    )
    return report
