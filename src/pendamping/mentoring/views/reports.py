"""Pages of mentoring: the monthly TKSK report. The list (for the Dinas Sosial by kecamatan, month and status; for a
TKSK, their own kecamatan's), generating a month's draft, the report with its figures, narrative, submission and
acknowledgement, its printable page and its XLSX. Every change goes through services/reports.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pendamping.accounts.permissions import can
from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import require, scope_codes

from ..forms.reports import (
    AcknowledgeForm,
    NarrativeForm,
    ReportFilterForm,
    ReportGenerateForm,
    VersionForm,
    report_kecamatan_choices,
)
from ..selectors import reports as selectors
from ..services import reports as services
from ..vocab import ReportStatus

VIEW = selectors.VIEW
REPORT = services.REPORT
ACKNOWLEDGE = services.ACKNOWLEDGE
EXPORT = "mentoring.export"


def _generate_form(request, data=None):
    if not can(request.user, REPORT):
        return None
    choices = report_kecamatan_choices(request.user, scope_codes(request.user, REPORT))
    initial = {"month": f"{timezone.localdate():%Y-%m}", "kecamatan": choices[0][0] if choices else ""}
    return ReportGenerateForm(data, choices=choices, initial=initial)


def _list(request, generate_form=None, status=200):
    form = ReportFilterForm(request.GET or None, actor=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    reports = selectors.reports_visible(
        actor=request.user,
        kecamatan=data.get("kecamatan", ""),
        month=data.get("month"),
        status=data.get("status", ""),
    )
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentoring/report_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "generate_form": generate_form or _generate_form(request),
        },
        status=status,
    )


@require_GET
def report_list(request):
    require(request.user, VIEW)
    return _list(request)


@never_cache
@require_POST
def report_generate(request):
    form = _generate_form(request, request.POST)
    if form is None:
        raise NotAllowed(REPORT)
    if form.is_valid():
        try:
            report = services.report_generate(
                actor=request.user, kecamatan_code=form.cleaned_data["kecamatan"], month=form.cleaned_data["month"]
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The figures of the month were generated from the records."))
            return redirect("mentoring:report-detail", pk=report.pk)
    return _list(request, generate_form=form, status=400)


def _detail(request, report, forms=None, status=200):
    forms = forms or {}
    own_draft = (
        report.status == ReportStatus.DRAFT
        and report.worker_id == request.user.pk
        and can(request.user, REPORT, report.kecamatan_id)
    )
    may_acknowledge = report.status == ReportStatus.SUBMITTED and can(request.user, ACKNOWLEDGE, report.kecamatan_id)
    version = {"version": report.version}
    context = {
        "report": report,
        "lines": selectors.figure_lines(report.figures),
        "own_draft": own_draft,
        "may_acknowledge": may_acknowledge,
        "can_export": can(request.user, EXPORT, report.kecamatan_id),
        "narrative_form": forms.get("narrative")
        or (NarrativeForm(initial={"narrative": report.narrative, **version}) if own_draft else None),
        "submit_form": forms.get("submit") or (VersionForm(initial=version) if own_draft else None),
        "acknowledge_form": forms.get("acknowledge") or (AcknowledgeForm(initial=version) if may_acknowledge else None),
    }
    return render(request, "mentoring/report_detail.html", context, status=status)


@never_cache
@require_GET
def report_detail(request, pk: int):
    return _detail(request, selectors.report_get(actor=request.user, pk=pk))


@never_cache
@require_POST
def report_regenerate(request, pk: int):
    report = selectors.report_get(actor=request.user, pk=pk)
    if report.worker_id != request.user.pk:
        raise NotAllowed(REPORT, report.kecamatan_id)
    try:
        services.report_generate(actor=request.user, kecamatan_code=report.kecamatan_id, month=report.month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The figures of the month were generated from the records."))
    return redirect("mentoring:report-detail", pk=report.pk)


@never_cache
@require_POST
def report_update(request, pk: int):
    report = selectors.report_get(actor=request.user, pk=pk)
    form = NarrativeForm(request.POST)
    if form.is_valid():
        try:
            services.report_update(
                actor=request.user,
                report=report,
                narrative=form.cleaned_data["narrative"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The narrative was saved."))
            return redirect("mentoring:report-detail", pk=report.pk)
    return _detail(request, report, {"narrative": form}, status=400)


@never_cache
@require_POST
def report_submit(request, pk: int):
    report = selectors.report_get(actor=request.user, pk=pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            services.report_submit(actor=request.user, report=report, expected_version=form.cleaned_data["version"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report was submitted to the Dinas Sosial."))
            return redirect("mentoring:report-detail", pk=report.pk)
    return _detail(request, report, {"submit": form}, status=400)


@never_cache
@require_POST
def report_acknowledge(request, pk: int):
    report = selectors.report_get(actor=request.user, pk=pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.report_acknowledge(
                actor=request.user,
                report=report,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report was acknowledged."))
            return redirect("mentoring:report-detail", pk=report.pk)
    return _detail(request, report, {"acknowledge": form}, status=400)


@require_GET
def report_print(request, pk: int):
    report = selectors.report_get(actor=request.user, pk=pk)
    return render(
        request,
        "mentoring/report_print.html",
        {"report": report, "lines": selectors.figure_lines(report.figures), "today": timezone.localdate()},
    )


@require_GET
def report_export(request, pk: int):
    """The report's figures as XLSX, one line per figure (audited)."""
    report = selectors.report_get(actor=request.user, pk=pk)
    require(request.user, EXPORT, report.kecamatan_id)
    lines = selectors.figure_lines(report.figures)
    figures = report.figures
    not_yet = _("not yet recorded (Puskesos module)")

    def rows():
        for section, key in ((_("Contacts by method"), "method"), (_("Contacts by social-work role"), "role")):
            for code, label, every, own in lines[key]:
                yield (section, code, str(label), every, own)
        for code, label, every, own in lines["tks_role"]:
            yield (_("Contacts by TKS role"), code, str(label), every, own)
        contacts = figures.get("contacts", {})
        yield (
            _("Contacts"),
            "total",
            _("All contacts"),
            contacts.get("all", {}).get("total", 0),
            contacts.get("own", {}).get("total", 0),
        )
        for group in figures.get("groups_visited", []):
            yield (_("Groups visited"), group["stage"], group["name"], group["contacts"], None)
        for code, label, n in lines["stages"]:
            yield (_("Groups per stage"), code, str(label), n, None)
        for key, label in (("opened", _("opened")), ("done", _("done")), ("overdue", _("overdue"))):
            yield (_("Follow-up tasks"), key, str(label), figures.get("tasks", {}).get(key, 0), None)
        yield (_("PPKS mapped"), "total", _("All categories"), figures.get("ppks", {}).get("total", 0), None)
        for code, label, n in lines["ppks"]:
            yield (_("PPKS mapped"), code, label, n, None)
        for key, label in (("casework", _("Casework")), ("referrals", _("Referrals"))):
            value = figures.get(key)
            yield (label, key, not_yet if value is None else str(label), value, None)

    return table_export(
        actor=request.user,
        thing="mentoring_report",
        object_type="mentoring.tkskreport",
        filename_stem=f"laporan-tksk-{report.kecamatan_id}-{report.month:%Y-%m}",
        columns=[
            Column(_("Section"), 24),
            Column(_("Code"), 12),
            Column(_("Figure"), 40),
            Column(_("Kecamatan"), 12),
            Column(_("The TKSK's own"), 12),
        ],
        rows=rows(),
        filters={"report": report.pk, "kecamatan": report.kecamatan_id, "month": report.month},
        area_code=report.kecamatan_id,
        sheet_name="Laporan TKSK",
        fmt=export_format(request),
    )


urls = [
    path("laporan-tksk/", report_list, name="report-list"),
    path("laporan-tksk/buat/", report_generate, name="report-generate"),
    path("laporan-tksk/<int:pk>/", report_detail, name="report-detail"),
    path("laporan-tksk/<int:pk>/perbarui/", report_regenerate, name="report-regenerate"),
    path("laporan-tksk/<int:pk>/narasi/", report_update, name="report-update"),
    path("laporan-tksk/<int:pk>/ajukan/", report_submit, name="report-submit"),
    path("laporan-tksk/<int:pk>/terima/", report_acknowledge, name="report-acknowledge"),
    path("laporan-tksk/<int:pk>/cetak/", report_print, name="report-print"),
    path("laporan-tksk/<int:pk>/xlsx/", report_export, name="report-export"),
]
