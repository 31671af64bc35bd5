"""Every read of accounts a user triggers, limited to the actor's areas."""

from django.db.models import Prefetch, Q, QuerySet

from pendamping.areas.vocab import subtree_q
from pendamping.core.scoping import get_in_scope_or_404, scoped

from .models import ApiToken, RoleAssignment, User


def users_visible(*, actor, search: str = "", role: str = "", area_code: str = "") -> QuerySet[User]:
    """Users with an assignment (current or past) in the areas where the actor manages users."""
    ids = scoped(RoleAssignment.objects.all(), actor, "area__code", "users.manage").values("user_id")
    users = User.objects.filter(pk__in=ids)
    if search:
        users = users.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    if role:
        users = users.filter(role_assignments__role=role, role_assignments__ended_at__isnull=True)
    if area_code:
        users = users.filter(
            subtree_q(area_code, "role_assignments__area__code"),
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
    return get_in_scope_or_404(User.objects.all(), actor, "role_assignments__area__code", "users.manage", pk=pk)


def assignments_of(*, user: User) -> QuerySet[RoleAssignment]:
    return user.role_assignments.select_related("area", "created_by").order_by("ended_at", "-started_at")


def my_assignments(*, actor) -> QuerySet[RoleAssignment]:
    return actor.role_assignments.active().select_related("area")


def login_locked(*, user: User) -> bool:
    """Whether the username is locked out by failed log-in tries right now."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    return AccessAttempt.objects.filter(
        username=user.username,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).exists()


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    """A user's own API tokens, newest first (the secret is never there: only its hash and first characters)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
