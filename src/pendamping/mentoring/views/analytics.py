"""Pages of mentoring: the role analytics (matrices of workers and of groups against the roles, drawn as heat maps
with their tables, the gaps named in words, the comparison by typology and trend) and their XLSX export."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pendamping.accounts.permissions import can
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.scoping import require, scope_codes

from ..charts import heat_map
from ..forms.analytics import AnalyticsFilterForm
from ..selectors import analytics as selectors

VIEW = selectors.VIEW
EXPORT = "mentoring.export"
GAPS_SHOWN = 50


def _period(request):
    form = AnalyticsFilterForm(request.GET or None, actor=request.user)
    return form, form.period()


@require_GET
def role_analytics(request):
    require(request.user, VIEW)
    form, period = _period(request)
    columns = selectors.column_labels()
    workers = selectors.role_matrix(actor=request.user, period=period, by="worker")
    groups = selectors.role_matrix(actor=request.user, period=period, by="kube")
    # the groups a page at a time (a kecamatan has hundreds: a row and a heat-map line each), their totals over all;
    # the XLSX holds every group
    page = Paginator(groups.rows, settings.PENDAMPING["LIST_PAGE_SIZE"]).get_page(request.GET.get("page"))
    shown = selectors.Matrix(kind=groups.kind, rows=list(page.object_list), total=groups.total)
    query = request.GET.copy()
    query.pop("page", None)
    description = _("Each square is shaded by the role's share of the row's contacts and shows its count.")
    # a kecamatan of hundreds of groups has a thousand gaps: the first GAPS_SHOWN, the rest by choosing a desa
    gaps = selectors.role_gaps(actor=request.user, area=period.area)
    return render(
        request,
        "mentoring/role_analytics.html",
        {
            "form": form,
            "period": period,
            "columns": columns,
            "zastrow_count": len(selectors.ZASTROW_CODES),
            "tks_count": len(selectors.TKS_CODES),
            "worker_rows": [*workers.rows, workers.total] if workers.rows else [],
            "group_rows": [*shown.rows, groups.total] if groups.rows else [],
            "page": page,
            "workers_map": heat_map(
                workers, columns, key="workers", title=_("Roles played by worker"), description=description
            ),
            "groups_map": heat_map(
                shown, columns, key="groups", title=_("Roles received by group"), description=description
            ),
            "gaps": gaps[:GAPS_SHOWN],
            "gaps_total": len(gaps),
            "gap_days": selectors._policy("MENTORING_ROLE_GAP_DAYS"),
            "comparison": selectors.role_comparison(actor=request.user, period=period),
            "can_export": can(request.user, EXPORT),
            "query": query.urlencode(),
        },
    )


@require_GET
def role_analytics_export(request):
    """Both matrices (and the comparison) in one sheet, one row per worker, group or class: the number of contacts,
    then the count and the share of each role (audited)."""
    require(request.user, EXPORT)
    _form, period = _period(request)
    columns = selectors.column_labels()
    tables = [
        (_("Worker"), selectors.role_matrix(actor=request.user, period=period, by="worker")),
        (_("Group"), selectors.role_matrix(actor=request.user, period=period, by="kube")),
    ]
    comparison = selectors.role_comparison(actor=request.user, period=period)

    def rows():
        for kind, matrix in tables:
            for row in [*matrix.rows, matrix.total]:
                yield (kind, row.label, row.detail, row.contacts, *_values(row))
        for kind, class_rows in ((_("Typology"), comparison.by_typology), (_("Trend"), comparison.by_trend)):
            for row in class_rows:
                yield (kind, row.label, _("%(n)d groups") % {"n": row.groups}, row.contacts, *_values(row))

    header = [Column(_("Matrix"), 10), Column(_("Row"), 28), Column(_("Detail"), 18), Column(_("Contacts"), 10)]
    header += [Column(f"{c['short']} (n)", 8) for c in columns]
    header += [Column(f"{c['short']} (%)", 8) for c in columns]
    return table_export(
        actor=request.user,
        thing="mentoring_roles",
        object_type="mentoring.contactrole",
        filename_stem=f"analitik-peran-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}",
        columns=header,
        rows=rows(),
        filters={"date_from": period.date_from, "date_to": period.date_to, "area": period.area},
        area_code=audit_area(scope_codes(request.user, EXPORT), period.area),
        sheet_name="Analitik peran",
        fmt=export_format(request),
    )


def _values(row) -> list:
    return [c.count for c in row.cells] + [c.share for c in row.cells]


urls = [
    path("analitik-peran/", role_analytics, name="role-analytics"),
    path("analitik-peran/xlsx/", role_analytics_export, name="role-analytics-export"),
]
