from django.shortcuts import render
from django.views.decorators.http import require_GET

from pendamping.core.htmx import is_htmx

from .selectors import area_ancestors, area_children, area_get, area_level_counts, my_areas, picker_options
from .vocab import LEVEL_ORDER, is_valid_code


@require_GET
def area_list(request):
    """The areas of the user's assignments; each opens to its children."""
    areas = my_areas(actor=request.user)
    return render(
        request,
        "areas/area_list.html",
        {"areas": [{"area": area, "levels": area_level_counts(area.code)} for area in areas]},
    )


@require_GET
def area_detail(request, code: str):
    area = area_get(actor=request.user, code=code)
    return render(
        request,
        "areas/area_detail.html",
        {
            "area": area,
            "ancestors": area_ancestors(area),
            "children": area_children(actor=request.user, code=area.code),
            "levels": area_level_counts(area.code),
        },
    )


@require_GET
def area_picker(request):
    """The area picker, narrowed to the chosen area: one select per level down to the first unchosen one."""
    field = request.GET.get("field", "area_code")
    if not field.isidentifier():
        field = "area_code"
    picked = request.GET.get("pick", "").strip()
    if not is_valid_code(picked):
        picked = ""
    context = picker_context(actor=request.user, field=field, picked=picked)
    template = "areas/partials/_picker.html"
    return render(request, template if is_htmx(request) else "areas/area_picker.html", context)


def picker_context(*, actor, field: str, picked: str) -> dict:
    """The selects of the picker: for each level down from provinsi, its options and the chosen one."""
    parts = picked.split(".") if picked else []
    levels = []
    parent = None
    for depth, level in enumerate(LEVEL_ORDER):
        options = picker_options(actor=actor, parent_code=parent)
        chosen = ".".join(parts[: depth + 1]) if len(parts) > depth else ""
        if chosen and chosen not in {area.code for area in options}:
            chosen = ""
        if not chosen and len(options) == 1 and level != LEVEL_ORDER[-1]:
            chosen = options[0].code  # the only way down (a TKSK's province and kabupaten): chosen for them
        levels.append({"level": level, "options": options, "chosen": chosen, "parent": parent or ""})
        if not chosen:
            break
        parent = chosen
    value = next((item["chosen"] for item in reversed(levels) if item["chosen"]), "")
    chosen_area = next((area for item in levels for area in item["options"] if area.code == value), None)
    return {"field": field, "levels": levels, "value": value, "chosen_area": chosen_area}
