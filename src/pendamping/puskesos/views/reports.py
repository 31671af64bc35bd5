"""Pages of the desk's reports: requests by sector, status and desa, referral outcomes and ageing, register proposals
by state, for an area and period, on one page and as XLSX (audited)."""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pendamping.accounts.permissions import can
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.scoping import require, scope_codes

from ..forms.reports import ReportFilterForm
from ..selectors import reports as selectors

VIEW = selectors.VIEW
EXPORT = "puskesos.export"


def _report(request):
    form = ReportFilterForm(request.GET or None, actor=request.user)
    return form, selectors.desk_report(actor=request.user, period=form.period())


@require_GET
def desk_report(request):
    require(request.user, VIEW)
    form, report = _report(request)
    return render(
        request,
        "puskesos/report.html",
        {"form": form, "report": report, "can_export": can(request.user, EXPORT), "query": request.GET.urlencode()},
    )


@require_GET
def desk_report_export(request):
    """Every table of the page in one sheet, one row per cell: table, row, column, count (audited)."""
    require(request.user, EXPORT)
    _form, report = _report(request)
    period = report.period

    def rows():
        for table in report.tables:
            for row in table.rows:
                for (code, label), n in zip(table.columns, row.counts, strict=True):
                    yield (table.title, row.key, row.label, code, label, n)
            for (code, label), n in zip(table.columns, table.totals, strict=True):
                yield (table.title, "", _("Total"), code, label, n)

    return table_export(
        actor=request.user,
        thing="puskesos_report",
        object_type="puskesos.case",
        filename_stem=f"laporan-puskesos-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}",
        columns=[
            Column(_("Table"), 32),
            Column(_("Row code"), 16),
            Column(_("Row"), 28),
            Column(_("Column code"), 16),
            Column(_("Column"), 22),
            Column(_("Count"), 10),
        ],
        rows=rows(),
        filters={"date_from": period.date_from, "date_to": period.date_to, "area": period.area},
        area_code=audit_area(scope_codes(request.user, EXPORT), period.area),
        sheet_name="Laporan Puskesos",
        fmt=export_format(request),
    )


urls = [
    path("laporan/", desk_report, name="report"),
    path("laporan/xlsx/", desk_report_export, name="report-export"),
]
