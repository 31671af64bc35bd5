"""Every read of areas a user triggers, limited to the user's areas.

The area list itself is public data, but what a worker sees of it is limited to the areas of their assignments,
so that an area page, the picker and every count agree with the rest of the app.
"""

from django.db.models import Count, Q, QuerySet

from pendamping.core.scoping import get_in_scope_or_404, scope_codes, scoped

from .models import Area
from .vocab import LEVEL_ORDER, AreaLevel, covers, subtree_q


def area_get(*, actor, code: str) -> Area:
    return get_in_scope_or_404(Area.objects.select_related("parent"), actor, "code", "areas.view", code=code)


def areas_under(code: str) -> QuerySet[Area]:
    return Area.objects.filter(subtree_q(code))


def area_children(*, actor, code: str) -> QuerySet[Area]:
    """The children of an area the user may open, each with its number of children."""
    return scoped(Area.objects.filter(parent_id=code), actor, "code", "areas.view").annotate(
        child_count=Count("children")
    )


def area_level_counts(code: str) -> dict[str, int]:
    """How many areas of each lower level lie under the area: {"kecamatan": 47, "desa": 386}."""
    rows = areas_under(code).exclude(code=code).values("level").annotate(n=Count("code"))
    counts = {row["level"]: row["n"] for row in rows}
    return {level.value: counts.get(level.value, 0) for level in LEVEL_ORDER if level.value in counts}


def area_ancestors(area: Area) -> list[Area]:
    """The provinsi, kabupaten and kecamatan above an area, in order, in one query."""
    parts = area.code.split(".")
    codes = [".".join(parts[:i]) for i in range(1, len(parts))]
    by_code = {a.code: a for a in Area.objects.filter(code__in=codes)}
    return [by_code[code] for code in codes if code in by_code]


def picker_options(*, actor, parent_code: str | None) -> list[Area]:
    """The choices of the area picker under a parent (provinces when none): the areas inside the user's scope,
    and the areas above it that lead there (a TKSK's picker shows only the path to their kecamatan)."""
    codes = scope_codes(actor, "areas.view")
    areas = Area.objects.filter(parent_id=parent_code) if parent_code else Area.objects.filter(level=AreaLevel.PROVINSI)
    if codes is None:
        return list(areas)
    prefixes = set()
    for code in codes:
        parts = code.split(".")
        prefixes.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    query = Q(code__in=prefixes)
    for code in codes:
        query |= subtree_q(code)
    return [area for area in areas.filter(query) if area.code in prefixes or any(covers(c, area.code) for c in codes)]


def my_areas(*, actor) -> list[Area]:
    """The areas of the user's assignments (the widest only), for the home page."""
    codes = scope_codes(actor, "areas.view")
    if codes is None:
        return list(Area.objects.filter(level=AreaLevel.PROVINSI))
    return list(Area.objects.filter(code__in=codes))
