"""Area scoping: the one place that limits rows to the acting user's areas.

A user holds role assignments, each on an area. What a user may see is the union of the subtrees of the areas of
their active assignments (limited to the roles with a capability, when one is named). A superuser sees everything.
Every selector goes through `scoped`, and a single object is fetched with `get_in_scope_or_404`, so anything
outside the user's areas is a 404 in pages, exports and the API alike.

Areas are matched by code prefix: "32.02.19" covers itself and every code starting with "32.02.19.".
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from pendamping.areas.vocab import covers, subtree_q


def _active_assignments(user) -> list[tuple[str, str]]:
    """(role, area code) of the user's active assignments, read once per request and user object."""
    cached = getattr(user, "_scope_assignments", None)
    if cached is None:
        cached = list(user.role_assignments.filter(ended_at__isnull=True).values_list("role", "area_id"))
        user._scope_assignments = cached
    return cached


def forget_scope(user) -> None:
    """Drop the cached assignments after they change."""
    if hasattr(user, "_scope_assignments"):
        del user._scope_assignments


def minimal_codes(codes) -> list[str]:
    """Drop codes that another code in the list already covers."""
    result: list[str] = []
    for code in sorted(set(codes), key=lambda c: (len(c), c)):
        if not any(covers(kept, code) for kept in result):
            result.append(code)
    return sorted(result)


def scope_codes(user, capability: str | None = None) -> list[str] | None:
    """The area codes a user's scope is made of; None means everything (a superuser)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    roles = None
    if capability is not None:
        from pendamping.accounts.permissions import roles_for

        roles = roles_for(capability)
    return minimal_codes(area for role, area in _active_assignments(user) if roles is None or role in roles)


def scope_q(codes: list[str] | None, field: str) -> Q:
    """A filter that keeps rows whose area code field lies under one of the codes."""
    if codes is None:
        return Q()
    if not codes:
        return Q(pk__in=[])
    query = Q()
    for code in codes:
        query |= subtree_q(code, field)
    return query


def scoped(queryset: QuerySet, user, field: str, capability: str | None = None) -> QuerySet:
    """Only the rows whose area (given by `field`, a lookup ending in an area code) the user covers."""
    return queryset.filter(scope_q(scope_codes(user, capability), field))


def get_in_scope_or_404(queryset: QuerySet, user, field: str, capability: str | None = None, **lookup):
    try:
        return scoped(queryset, user, field, capability).distinct().get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def user_covers(user, area_code: str | None, capability: str | None = None) -> bool:
    """Whether the user's scope (for the capability) covers the area; with no area, whether it covers any."""
    codes = scope_codes(user, capability)
    if codes is None:
        return True
    if area_code is None:
        return bool(codes)
    return any(covers(code, area_code) for code in codes)


def require(user, capability: str, area_code: str | None = None) -> None:
    """For services: refuse an actor who lacks the capability on the area."""
    from .errors import NotAllowed

    if not user_covers(user, area_code, capability):
        raise NotAllowed(capability, area_code)
