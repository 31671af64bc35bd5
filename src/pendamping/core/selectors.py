"""Reads of the core app: the audit log and the home page summary, limited to the actor's areas."""

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from pendamping.areas.selectors import area_level_counts, my_areas
from pendamping.areas.vocab import subtree_q

from .models import AuditEvent
from .scoping import scoped


def audit_events(
    *,
    actor,
    actor_username: str = "",
    action: str = "",
    object_type: str = "",
    area: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events in the areas where the actor may read the audit log. Events with no area are the superuser's."""
    events = scoped(AuditEvent.objects.all(), actor, "area_code", "audit.view")
    if actor_username:
        events = events.filter(actor_username__iexact=actor_username)
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if area:
        events = events.filter(subtree_q(area, "area_code"))
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(at__gte=datetime.datetime.combine(date_from, datetime.time.min, tz))
    if date_to:
        events = events.filter(
            at__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tz)
        )
    return events


def audit_actions(*, actor) -> list[str]:
    return list(
        scoped(AuditEvent.objects.all(), actor, "area_code", "audit.view")
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_events_for_object(*, actor, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return audit_events(actor=actor, object_type=object_type).filter(object_id=object_id)


# Each app that holds data adds a counter here: a function (actor, area_code) -> [(label, count), ...].
HOME_COUNTERS = [
    "pendamping.registry.home.home_counts",
]

# Each app that has something for the worker to act on adds a panel here: a function (actor, today) -> a dict with
# "template" (shown on the home page with the dict as `panel`) and its context, or None when there is nothing to show.
HOME_PANELS = [
    "pendamping.mentoring.home.home_panel",
]


def home_panels(*, actor, today: datetime.date | None = None) -> list[dict]:
    """The panels of the apps for this user (what is due, what needs a visit), in the order of HOME_PANELS."""
    from django.utils.module_loading import import_string

    today = today or timezone.localdate()
    panels = (import_string(path)(actor=actor, today=today) for path in HOME_PANELS)
    return [panel for panel in panels if panel]


def home_summary(*, actor) -> list[dict]:
    """For each of the user's areas: the area, what lies under it, what it holds and the workers who serve it."""
    from django.utils.module_loading import import_string

    from pendamping.accounts.models import RoleAssignment

    summary = []
    for area in my_areas(actor=actor):
        workers = (
            RoleAssignment.objects.active()
            .filter(subtree_q(area.code, "area__code"), user__is_active=True)
            .values("role")
            .annotate(n=Count("user", distinct=True))
        )
        summary.append(
            {
                "area": area,
                "levels": area_level_counts(area.code),
                "holds": [
                    row for path in HOME_COUNTERS for row in import_string(path)(actor=actor, area_code=area.code)
                ],
                "workers": {row["role"]: row["n"] for row in workers},
            }
        )
    return summary
