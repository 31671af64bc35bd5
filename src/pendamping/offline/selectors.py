"""The worker's own data for the offline forms, read through the scoped selectors (four queries)."""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from pendamping.kube.models import ProgressReport
from pendamping.kube.selectors.groups import kubes_visible, members_of
from pendamping.kube.typology import add_months
from pendamping.mentoring.selectors.contacts import tasks_visible
from pendamping.mentoring.vocab import TaskStatus

RECORD = "mentoring.record"
REPORT_MONTHS = 3  # the months a report can be made or changed offline: this one and the two before
ROLE_ORDER = {"ketua": 0, "sekretaris": 1, "bendahara": 2}


def report_values(report: ProgressReport) -> dict:
    return {
        "month": f"{report.month:%Y-%m}",
        "version": report.version,
        "omzet": report.omzet,
        "profit": report.profit,
        "capital": report.capital,
        "iks_collected": report.iks_collected,
        "iks_used": report.iks_used,
        "active_members": report.active_members,
        "business_status": report.business_status,
        "assessed": list(report.assessed),
        "evidence": report.evidence,
    }


def offline_data(*, actor, today: datetime.date | None = None) -> dict:
    """The groups the actor may record for (id, name, desa, stage, active members, their last report and the
    reports of the recent months with their versions) and the actor's open tasks."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    since = add_months(first, -(REPORT_MONTHS - 1))
    groups = kubes_visible(actor=actor, capability=RECORD)
    latest = ProgressReport.objects.filter(kube=OuterRef("pk")).order_by("-month")
    listed = groups.annotate(
        last_month=Subquery(latest.values("month")[:1]), last_version=Subquery(latest.values("version")[:1])
    )
    kubes = {
        kube.pk: {
            "id": kube.pk,
            "name": kube.name,
            "desa": kube.desa.name,
            "desa_code": kube.desa_id,
            "stage": kube.stage,
            "formed_on": kube.formed_on.isoformat(),
            "members": [],
            "last_report": (
                {"month": f"{kube.last_month:%Y-%m}", "version": kube.last_version} if kube.last_month else None
            ),
            "reports": [],
        }
        for kube in listed
    }
    for member in members_of(groups=groups):
        kubes[member.kube_id]["members"].append({"id": member.pk, "name": member.person.name, "role": member.role})
    for item in kubes.values():
        item["members"].sort(key=lambda m: (ROLE_ORDER.get(m["role"], 9), m["name"], m["id"]))
    recent = ProgressReport.objects.filter(kube__in=groups.order_by().values("pk"), month__gte=since)
    for report in recent.order_by("kube_id", "-month"):
        kubes[report.kube_id]["reports"].append(report_values(report))
    tasks = (
        tasks_visible(actor=actor)
        .filter(assignee=actor, status=TaskStatus.OPEN)
        .order_by("due_on", "pk")
        .values("pk", "title", "due_on", "kube_id", "kube__name")
    )
    return {
        "today": today.isoformat(),
        "months": [f"{add_months(first, -n):%Y-%m}" for n in range(REPORT_MONTHS)],
        "kube": list(kubes.values()),
        "tasks": [
            {
                "id": t["pk"],
                "title": t["title"],
                "due_on": t["due_on"].isoformat(),
                "kube_id": t["kube_id"],
                "kube": t["kube__name"] or "",
            }
            for t in tasks
        ],
    }
