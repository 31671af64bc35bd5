"""The page of inclusion and exclusion errors of a kecamatan (or desa): who is in a KUBE but fails the rules, and
who is eligible but in no KUBE. Each row links to the screening's explanation."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pendamping.areas.models import Area
from pendamping.core.scoping import scope_codes, user_covers
from pendamping.registry.selectors import area_filter_choices
from pendamping.targeting.selectors import rule_sets_for_area

from ..selectors import screening as selectors

VIEW = "kube.view"


@never_cache
@require_GET
def targeting_errors(request):
    codes = scope_codes(request.user, VIEW) or []
    area_code = request.GET.get("area") or (codes[0] if len(codes) == 1 else "")
    area = Area.objects.filter(code=area_code).first() if area_code else None
    if area is not None and not user_covers(request.user, area.code, VIEW):
        area = None
    rule_sets = rule_sets_for_area(actor=request.user, area_code=area.code) if area else []
    chosen = None
    if area is not None:
        wanted = request.GET.get("rule_set")
        chosen = next((r for r in rule_sets if str(r.pk) == wanted), None) or selectors.rule_set_for(area.code)
    context = {
        "area": area,
        "areas": area_filter_choices(actor=request.user, capability=VIEW),
        "rule_sets": rule_sets,
        "rule_set": chosen,
    }
    if area is not None and chosen is not None:
        inclusion = selectors.inclusion_errors(actor=request.user, area_code=area.code, rule_set=chosen)
        exclusion = selectors.exclusion_errors(actor=request.user, area_code=area.code, rule_set=chosen)
        context["inclusion"] = Paginator(inclusion, 50).get_page(request.GET.get("page_in"))
        context["exclusion"] = Paginator(exclusion, 50).get_page(request.GET.get("page_ex"))
    return render(request, "kube/targeting_errors.html", context)


urls = [path("salah-sasaran/", targeting_errors, name="targeting-errors")]
