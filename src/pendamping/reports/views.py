"""The dashboard: an area's numbers, with its child areas to drill down by click. A user sees the areas their
assignments cover (and everything under them); any other area is a 404."""

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pendamping.areas.models import Area
from pendamping.areas.selectors import my_areas
from pendamping.core.scoping import user_covers

from . import selectors
from .charts import bar_chart


@require_GET
def dashboard(request, code: str | None = None):
    areas = my_areas(actor=request.user)
    if code is None:
        if not areas:
            raise Http404
        code = areas[0].code
    area = Area.objects.filter(code=code).select_related("parent").first()
    if area is None or not user_covers(request.user, area.code, "areas.view"):
        raise Http404
    board, counted_at = selectors.dashboard_cached(actor=request.user, area=area, refresh="segar" in request.GET)
    charts = {}
    if board.kube:
        charts["stage"] = bar_chart(
            [(label, n) for label, _v, n in board.kube["by_stage"]], key="stage", title=_("KUBE by stage")
        )
        charts["typology"] = bar_chart(
            [(label, n) for label, _v, n in board.kube["by_typology"]], key="typology", title=_("KUBE by typology")
        )
    if board.contacts:
        charts["roles"] = bar_chart(
            [(label, n) for label, _v, n, _share in board.contacts["roles"]],
            key="roles",
            title=_("Social-work roles played"),
        )
    if board.registry:
        charts["desil"] = bar_chart(board.registry["by_desil"], key="desil", title=_("Households by desil"))
    crumbs = []
    parent = area.parent
    while parent is not None and user_covers(request.user, parent.code, "areas.view"):
        crumbs.insert(0, parent)
        parent = parent.parent
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "area": area,
            "charts": charts,
            "crumbs": crumbs,
            "my_areas": areas,
            "counted_at": counted_at,
        },
    )


urls = [
    path("", dashboard, name="dashboard-home"),
    path("<str:code>/", dashboard, name="dashboard"),
]
