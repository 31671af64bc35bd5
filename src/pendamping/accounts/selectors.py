"""Every read of accounts a user triggers, limited to the actor's areas."""

from django.db.models import Prefetch, Q, QuerySet

from pendamping.core.scoping import get_in_scope_or_404, scoped

from .models import RoleAssignment, User


def users_visible(*, actor, search: str = "", role: str = "", area_code: str = "") -> QuerySet[User]:
    """Users with an assignment (current or past) in the areas where the actor manages users."""
    ids = scoped(RoleAssignment.objects.all(), actor, "area_id", "users.manage").values("user_id")
    users = User.objects.filter(pk__in=ids)
    if search:
        users = users.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    if role:
        users = users.filter(role_assignments__role=role, role_assignments__ended_at__isnull=True)
    if area_code:
        users = users.filter(
            Q(role_assignments__area_id=area_code) | Q(role_assignments__area_id__startswith=area_code + "."),
            role_assignments__ended_at__isnull=True,
        )
    return (
        users.distinct()
        .order_by("username")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.active().select_related("area"),
                to_attr="active_assignments",
            )
        )
    )


def user_get(*, actor, pk) -> User:
    return get_in_scope_or_404(User.objects.all(), actor, "role_assignments__area_id", "users.manage", pk=pk)


def assignments_of(*, user: User) -> QuerySet[RoleAssignment]:
    return user.role_assignments.select_related("area", "created_by").order_by("ended_at", "-started_at")


def my_assignments(*, actor) -> QuerySet[RoleAssignment]:
    return actor.role_assignments.active().select_related("area")
