"""Pages of a group's progress: monthly reports with the typology and its reasons, trends as inline SVG, flags, the
list of groups needing attention, partnerships and the e-Warung. Every change goes through services.progress."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.accounts.permissions import can
from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import require, scope_codes, user_covers

from .. import charts, typology
from ..forms.progress import (
    EWarungMonthForm,
    EWarungOpenForm,
    FlaggedFilterForm,
    PartnershipForm,
    ProgressReportForm,
    StockoutEndForm,
    StockoutForm,
)
from ..selectors import groups as group_selectors
from ..selectors import progress as selectors
from ..services import progress as services
from ..vocab import INDICATOR_BY_CODE, INDICATORS, Dimension, Typology
from .common import group_context

MANAGE = "kube.manage"
RECORD = "kube.record"
TREND_REPORTS = 12


def indicator_rows(report) -> list[dict]:
    """The indicators of a report, in the order of the table of 4.4, with their outcome and why."""
    rows = []
    for indicator in INDICATORS:
        outcome = (report.indicators or {}).get(indicator.code, {})
        rows.append(
            {
                "code": indicator.code,
                "label": indicator.label,
                "level": Typology(indicator.level).label,
                "dimension": Dimension(indicator.dimension).label,
                "computed": indicator.computed,
                "met": bool(outcome.get("met")),
                "why": outcome.get("why", ""),
            }
        )
    return rows


def _missing(report) -> tuple[str | None, list]:
    met = {code for code, value in (report.indicators or {}).items() if value.get("met")}
    target = typology.next_level(report.typology)
    return (
        Typology(target).label if target else None,
        [(code, INDICATOR_BY_CODE[code].label) for code in typology.missing_for_next(met)],
    )


@require_GET
def report_list(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    reports = selectors.reports_of(kube=kube)
    latest = reports[0] if reports else None
    trend = selectors.trends(reports[:TREND_REPORTS])
    series = [
        ("omzet", _("Turnover (omzet)"), trend["omzet"]),
        ("profit", _("Profit"), trend["profit"]),
        ("capital", _("Capital"), trend["capital"]),
    ]
    first_month = f"{trend['months'][0]:%Y-%m}" if trend["months"] else ""
    last_month = f"{trend['months'][-1]:%Y-%m}" if trend["months"] else ""
    chart_list = [
        {
            "key": key,
            "label": label,
            "svg": charts.line_chart(
                values,
                key=key,
                title=label,
                description=_("%(what)s from %(first)s to %(last)s")
                % {"what": label, "first": first_month, "last": last_month},
            ),
        }
        for key, label, values in series
    ]
    next_label, missing = _missing(latest) if latest else (None, [])
    return render(
        request,
        "kube/report_list.html",
        group_context(
            request,
            kube,
            "progress",
            reports=reports,
            latest=latest,
            indicators=indicator_rows(latest) if latest else [],
            next_label=next_label,
            missing=missing,
            charts=chart_list,
            trend_rows=list(zip(trend["months"], trend["omzet"], trend["profit"], trend["capital"], strict=True)),
            flags=selectors.kube_flags(kube=kube),
        ),
    )


@require_GET
def report_detail(request, pk: int, month: str):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    report = selectors.report_get(kube=kube, month=month)
    next_label, missing = _missing(report)
    return render(
        request,
        "kube/report_detail.html",
        group_context(
            request,
            kube,
            "progress",
            report=report,
            indicators=indicator_rows(report),
            next_label=next_label,
            missing=missing,
        ),
    )


def _stale_differences(form, kube, report):
    """A save refused as stale: the fields where the user's values differ from the report saved meanwhile, and the
    form's data carrying the saved version, so that saving again is a deliberate choice."""
    current = selectors.report_get(kube=kube, month=f"{report.month:%Y-%m}")
    rows = []
    for name, mine in form.cleaned_data.items():
        if name in ("expected_version", "month") or not hasattr(current, name):
            continue
        theirs = getattr(current, name)
        if (mine or "") != (theirs or ""):
            rows.append((form.fields[name].label, mine, theirs))
    data = form.data.copy()
    data["expected_version"] = current.version
    return rows, data


def _report_form_page(request, kube, report=None):
    require(request.user, RECORD, kube.desa_id)
    differences = []
    if report is not None:
        initial = {name: getattr(report, name) for name in services.REPORT_FIELDS if name != "typology"}
        initial["expected_version"] = report.version
    else:
        latest = selectors.reports_of(kube=kube, limit=1)
        initial = {"month": timezone.localdate().replace(day=1), "business_status": "aktif"}
        if latest:
            initial["assessed"] = latest[0].assessed
            initial["active_members"] = latest[0].active_members
    form = ProgressReportForm(request.POST or None, initial=initial, editing=report is not None)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        expected = values.pop("expected_version")
        if report is not None:
            values["month"] = report.month
            expected = expected if expected is not None else report.version
        try:
            saved = services.progress_report_submit(actor=request.user, kube=kube, expected_version=expected, **values)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
            if report is not None and getattr(error, "code", None) == "stale":
                differences, form.data = _stale_differences(form, kube, report)
        else:
            messages.success(
                request,
                _("The report of %(month)s was saved: %(typology)s.")
                % {"month": f"{saved.month:%Y-%m}", "typology": saved.get_typology_display()},
            )
            return redirect("kube:report-detail", pk=kube.pk, month=f"{saved.month:%Y-%m}")
    return render(
        request,
        "kube/progress_form.html",
        group_context(
            request,
            kube,
            "progress",
            form=form,
            differences=differences,
            title=_("Change the report of %(month)s") % {"month": f"{report.month:%Y-%m}"}
            if report
            else _("Monthly progress report"),
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report_create(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    return _report_form_page(request, kube)


@never_cache
@require_http_methods(["GET", "POST"])
def report_update(request, pk: int, month: str):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    report = selectors.report_get(kube=kube, month=month)
    return _report_form_page(request, kube, report)


@require_GET
def flagged_list(request):
    """The groups of the user's areas needing attention: no recent report, or falling omzet."""
    form = FlaggedFilterForm(request.GET or None, actor=request.user)
    area = form.cleaned_data.get("area", "") if form.is_bound and form.is_valid() else ""
    rows = selectors.flagged_groups(actor=request.user, area=area)
    return render(
        request,
        "kube/flagged_list.html",
        {
            "form": form,
            "rows": rows,
            "no_report_months": selectors._policy("KUBE_NO_REPORT_MONTHS"),
            "falling_months": selectors._policy("KUBE_FALLING_OMZET_MONTHS"),
            "can_export": can(request.user, FLAGGED_EXPORT),
            "query": request.GET.urlencode(),
        },
    )


FLAGGED_EXPORT = "kube.export"


@require_GET
def flagged_export(request):
    """The groups needing attention, as the list shows them (same area filter), as XLSX or CSV (audited)."""
    require(request.user, FLAGGED_EXPORT)
    form = FlaggedFilterForm(request.GET or None, actor=request.user)
    area = form.cleaned_data.get("area", "") if form.is_bound and form.is_valid() else ""
    flagged = [
        row
        for row in selectors.flagged_groups(actor=request.user, area=area)
        if user_covers(request.user, row.kube.desa_id, FLAGGED_EXPORT)
    ]
    labels = {
        selectors.FLAG_NO_REPORT: _("No recent progress report"),
        selectors.FLAG_FALLING_OMZET: _("Omzet falling"),
    }
    rows = (
        (
            row.kube.name,
            row.kube.desa_id,
            row.kube.desa.name,
            row.kube.kecamatan.name,
            row.kube.stage,
            row.kube.last_report_month,
            row.kube.pendamping.full_name if row.kube.pendamping else "",
            " ".join(row.flags),
            ", ".join(str(labels.get(flag, flag)) for flag in row.flags),
        )
        for row in flagged
    )
    return table_export(
        actor=request.user,
        thing="kube_flagged",
        object_type="kube.kube",
        filename_stem=f"kube-perlu-perhatian-{timezone.localdate():%Y-%m-%d}",
        columns=[
            Column(_("Group name"), 28),
            Column(_("Desa code")),
            Column(_("Desa"), 18),
            Column(_("Kecamatan"), 18),
            Column(_("Stage"), 8),
            Column(_("Latest report"), 12),
            Column(_("Pendamping"), 20),
            Column(_("Flag codes"), 24),
            Column(_("Flags"), 36),
        ],
        rows=rows,
        filters={"area": area},
        area_code=audit_area(scope_codes(request.user, FLAGGED_EXPORT), area),
        sheet_name="KUBE perlu perhatian",
        fmt=export_format(request),
        count=len(flagged),
    )


# -- partnerships -------------------------------------------------------------------------------------------------


@require_GET
def partnership_list(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    return render(
        request,
        "kube/partnership_list.html",
        group_context(request, kube, "partners", partnerships=selectors.partnerships_of(kube=kube)),
    )


def _partnership_page(request, kube, partnership=None):
    require(request.user, MANAGE, kube.desa_id)
    initial = {"agreement_date": timezone.localdate(), "status": "dirintis"}
    if partnership is not None:
        initial = {name: getattr(partnership, name) for name in services.PARTNERSHIP_FIELDS if name != "document"}
        initial["expected_version"] = partnership.version
    form = PartnershipForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        expected = values.pop("expected_version")
        reason = values.pop("reason")
        try:
            if partnership is None:
                services.partnership_add(actor=request.user, kube=kube, reason=reason, **values)
            else:
                services.partnership_update(
                    actor=request.user,
                    partnership=partnership,
                    expected_version=expected if expected is not None else partnership.version,
                    reason=reason,
                    **values,
                )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
            if isinstance(error, ValidationError) and "files" in getattr(error, "error_dict", {}):
                form.add_error("document", error.error_dict["files"][0].messages)
        else:
            messages.success(request, _("The partnership was saved."))
            return redirect("kube:partnership-list", pk=kube.pk)
    return render(
        request,
        "kube/progress_form.html",
        group_context(
            request,
            kube,
            "partners",
            form=form,
            multipart=True,
            title=_("Change the partnership") if partnership else _("New partnership"),
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def partnership_add(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    return _partnership_page(request, kube)


@never_cache
@require_http_methods(["GET", "POST"])
def partnership_update(request, pk: int, partnership_pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    partnership = selectors.partnership_get(kube=kube, pk=partnership_pk)
    return _partnership_page(request, kube, partnership)


# -- e-Warung -----------------------------------------------------------------------------------------------------


@require_GET
def ewarung(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    outlet = selectors.ewarung_of(kube=kube)
    return render(
        request,
        "kube/ewarung.html",
        group_context(
            request,
            kube,
            "ewarung",
            ewarung=outlet,
            months=selectors.ewarung_months(ewarung=outlet) if outlet else [],
            stockouts=selectors.ewarung_stockouts(ewarung=outlet) if outlet else [],
        ),
    )


def _simple_form_page(request, kube, *, capability, form, save, done, title):
    require(request.user, capability, kube.desa_id)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("kube:ewarung", pk=kube.pk)
    return render(request, "kube/progress_form.html", group_context(request, kube, "ewarung", form=form, title=title))


def _outlet(kube):
    outlet = selectors.ewarung_of(kube=kube)
    if outlet is None:
        raise Http404
    return outlet


@never_cache
@require_http_methods(["GET", "POST"])
def ewarung_open(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    return _simple_form_page(
        request,
        kube,
        capability=MANAGE,
        form=EWarungOpenForm(request.POST or None, initial={"opened_on": timezone.localdate()}),
        save=lambda data: services.ewarung_open(actor=request.user, kube=kube, **data),
        done=_("The e-Warung was opened."),
        title=_("Open an e-Warung KUBE PKH"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ewarung_month(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    outlet = _outlet(kube)
    return _simple_form_page(
        request,
        kube,
        capability=RECORD,
        form=EWarungMonthForm(request.POST or None, initial={"month": timezone.localdate().replace(day=1)}),
        save=lambda data: services.ewarung_month_record(actor=request.user, ewarung=outlet, **data),
        done=_("The figures of the month were saved."),
        title=_("Figures of a month"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ewarung_stockout_add(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    outlet = _outlet(kube)
    return _simple_form_page(
        request,
        kube,
        capability=RECORD,
        form=StockoutForm(request.POST or None, initial={"started_on": timezone.localdate()}),
        save=lambda data: services.ewarung_stockout_add(actor=request.user, ewarung=outlet, **data),
        done=_("The stock-out was recorded."),
        title=_("An item ran out"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ewarung_stockout_end(request, pk: int, stockout_pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    stockout = selectors.stockout_get(ewarung=_outlet(kube), pk=stockout_pk)
    return _simple_form_page(
        request,
        kube,
        capability=RECORD,
        form=StockoutEndForm(request.POST or None, initial={"ended_on": timezone.localdate()}),
        save=lambda data: services.ewarung_stockout_end(actor=request.user, stockout=stockout, **data),
        done=_("The item is in stock again."),
        title=_("%(item)s is in stock again") % {"item": stockout.item},
    )


urls = [
    path("perlu-perhatian/", flagged_list, name="flagged-list"),
    path("perlu-perhatian/unduh/", flagged_export, name="flagged-export"),
    path("<int:pk>/perkembangan/", report_list, name="report-list"),
    path("<int:pk>/perkembangan/baru/", report_create, name="report-create"),
    path("<int:pk>/perkembangan/<str:month>/", report_detail, name="report-detail"),
    path("<int:pk>/perkembangan/<str:month>/ubah/", report_update, name="report-update"),
    path("<int:pk>/kemitraan/", partnership_list, name="partnership-list"),
    path("<int:pk>/kemitraan/tambah/", partnership_add, name="partnership-add"),
    path("<int:pk>/kemitraan/<int:partnership_pk>/ubah/", partnership_update, name="partnership-update"),
    path("<int:pk>/e-warung/", ewarung, name="ewarung"),
    path("<int:pk>/e-warung/buka/", ewarung_open, name="ewarung-open"),
    path("<int:pk>/e-warung/bulan/", ewarung_month, name="ewarung-month"),
    path("<int:pk>/e-warung/stok-habis/", ewarung_stockout_add, name="ewarung-stockout-add"),
    path("<int:pk>/e-warung/stok-habis/<int:stockout_pk>/selesai/", ewarung_stockout_end, name="ewarung-stockout-end"),
]
