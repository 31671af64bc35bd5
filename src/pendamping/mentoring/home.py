"""What mentoring adds to a worker's home page: their follow-up tasks that are overdue or due soon, and the groups
of their areas with no contact for longer than MENTORING_NO_CONTACT_DAYS days (core.selectors.HOME_PANELS)."""

import datetime

from pendamping.accounts.permissions import can

from .selectors.contacts import RECORD, kube_without_contact, my_tasks, no_contact_days, soon_days

SHOWN = 10


def home_panel(*, actor, today: datetime.date) -> dict | None:
    if not can(actor, RECORD):
        return None
    tasks = my_tasks(actor=actor, today=today, done_days=0)
    soon = today + datetime.timedelta(days=soon_days())
    due = [task for task in tasks["due"] if task.due_on <= soon]
    alone = list(kube_without_contact(actor=actor, today=today, capability=RECORD)[: SHOWN + 1])
    for group in alone:
        group.days_alone = (today - (group.last_contact or group.formed_on)).days
    return {
        "template": "mentoring/partials/_home_tasks.html",
        "overdue": tasks["overdue"],
        "due": due,
        "alone": alone[:SHOWN],
        "more_alone": len(alone) > SHOWN,
        "days": no_contact_days(),
        "soon_days": soon_days(),
    }
