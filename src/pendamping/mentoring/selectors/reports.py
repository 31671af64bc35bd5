"""Reads of the monthly TKSK report: the figures generated from the records, and the reports in the actor's scope.

The figures of a kecamatan and a month (`report_figures`, kept in TkskReport.figures; frozen once submitted):
- contacts: the live contacts dated in the month whose desa lies in the kecamatan, by method, by Zastrow role and by
  TKS role (a contact counts once for each role ticked); for all workers ("all") and for the TKSK alone ("own").
- groups visited: the distinct groups with at least one of those contacts, with their stage and status when the
  figures were generated and the number of contacts.
- groups per stage: the live groups of the kecamatan (not removed, not bubar) by current stage; bubar apart.
- tasks of the kecamatan's desa: opened in the month (the date of the contact they came from, else the day they were
  set), done in the month (done_on), overdue at the end of the month (or today, for the current month): not
  cancelled, due before that day and not done by it.
- PPKS mapped: the PPKS categories (registry PersonPpks) assessed in the month for people of the kecamatan, by
  category, with the number of people.
- casework: the Puskesos cases of the kecamatan handled in the month (received by its end and not ended before its
  start); referrals: the referrals of those cases sent in the month. Reports generated before the Puskesos desk
  existed keep None there, and the page says so.
"""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pendamping.areas.vocab import subtree_q
from pendamping.core.scoping import get_in_scope_or_404, scoped
from pendamping.kube.models import Kube
from pendamping.kube.typology import add_months, month_end
from pendamping.kube.vocab import KubeStatus, Stage
from pendamping.puskesos.models import Case, Referral
from pendamping.registry.models import PersonPpks
from pendamping.registry.vocab import Ppks

from ..models import Contact, ContactRole, FollowUpTask, TkskReport
from ..vocab import Method, ReportStatus, RoleScheme, SocialWorkRole, TaskStatus, TksRole

VIEW = "mentoring.view"
REPORT_AREA = "kecamatan__code"
FIGURES_VERSION = 1


def _contact_figures(contacts: QuerySet[Contact]) -> dict:
    by_method = dict.fromkeys(Method.values, 0)
    by_method.update(dict(contacts.order_by().values("method").annotate(n=Count("pk")).values_list("method", "n")))
    zastrow = dict.fromkeys(SocialWorkRole.values, 0)
    tks = dict.fromkeys(TksRole.values, 0)
    for scheme, code, n in (
        ContactRole.objects.filter(contact__in=contacts.order_by().values("pk"))
        .order_by()
        .values("scheme", "code")
        .annotate(n=Count("pk"))
        .values_list("scheme", "code", "n")
    ):
        (zastrow if scheme == RoleScheme.ZASTROW else tks)[code] = n
    return {"total": sum(by_method.values()), "by_method": by_method, "by_role": zastrow, "by_tks_role": tks}


def report_figures(*, kecamatan_code: str, month: datetime.date, worker, today: datetime.date | None = None) -> dict:
    """The figures of a kecamatan and a month (see the module's note); a fixed number of queries."""
    today = today or timezone.localdate()
    first = month.replace(day=1)
    last = month_end(first)
    as_of = min(last, today)
    in_kecamatan = subtree_q(kecamatan_code, "desa__code")
    contacts = Contact.objects.filter(in_kecamatan, deleted_at__isnull=True, contact_date__range=(first, last))
    visited = [
        {
            "id": row["kube_id"],
            "name": row["kube__name"],
            "desa": row["kube__desa__name"],
            "stage": row["kube__stage"],
            "status": row["kube__status"],
            "contacts": row["n"],
        }
        for row in contacts.filter(kube__isnull=False)
        .order_by()
        .values("kube_id", "kube__name", "kube__desa__name", "kube__stage", "kube__status")
        .annotate(n=Count("pk"))
        .order_by("kube__name", "kube_id")
    ]
    groups = Kube.objects.filter(kecamatan_id=kecamatan_code, deleted_at__isnull=True)
    by_stage = dict.fromkeys(Stage.values, 0)
    by_stage.update(
        dict(
            groups.exclude(status=KubeStatus.BUBAR)
            .order_by()
            .values("stage")
            .annotate(n=Count("pk"))
            .values_list("stage", "n")
        )
    )
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(add_months(first, 1), datetime.time.min))
    tasks = FollowUpTask.objects.filter(in_kecamatan).filter(
        Q(contact__isnull=True) | Q(contact__deleted_at__isnull=True)
    )
    task_counts = tasks.aggregate(
        opened=Count(
            "pk",
            filter=Q(contact__contact_date__range=(first, last))
            | Q(contact__isnull=True, created_at__gte=start, created_at__lt=end),
        ),
        done=Count("pk", filter=Q(status=TaskStatus.DONE, done_on__range=(first, last))),
        overdue=Count(
            "pk",
            filter=~Q(status=TaskStatus.CANCELLED)
            & Q(due_on__lt=as_of)
            & (Q(done_on__isnull=True) | Q(done_on__gt=as_of)),
        ),
    )
    ppks = PersonPpks.objects.filter(
        subtree_q(kecamatan_code, "person__household__desa__code"),
        person__deleted_at__isnull=True,
        assessed_on__range=(first, last),
    )
    ppks_counts = ppks.aggregate(rows=Count("pk"), people=Count("person", distinct=True))
    by_category = dict(
        ppks.order_by().values("category").annotate(n=Count("pk")).order_by("category").values_list("category", "n")
    )
    return {
        "version": FIGURES_VERSION,
        "kecamatan": kecamatan_code,
        "month": first.isoformat(),
        "as_of": as_of.isoformat(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "contacts": {
            "all": _contact_figures(contacts),
            "own": _contact_figures(contacts.filter(worker=worker)),
        },
        "groups_visited": visited,
        "groups_by_stage": by_stage,
        "groups_bubar": groups.filter(status=KubeStatus.BUBAR).count(),
        "tasks": task_counts,
        "ppks": {"total": ppks_counts["rows"], "people": ppks_counts["people"], "by_category": by_category},
        "casework": Case.objects.filter(subtree_q(kecamatan_code, "desa__code"), received_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .count(),
        "referrals": Referral.objects.filter(
            subtree_q(kecamatan_code, "case__desa__code"), sent_on__range=(first, last)
        ).count(),
    }


def figure_lines(figures: dict) -> dict:
    """The figures with their labels, as lines for the page, the print and the export:
    {"method"|"role"|"tks_role": [(code, label, all, own)], "stages": [(code, label, n)], "ppks": [...]}"""
    contacts = figures.get("contacts", {})
    all_, own = contacts.get("all", {}), contacts.get("own", {})

    def lines(key: str, choices) -> list:
        return [
            (code, label, all_.get(key, {}).get(code, 0), own.get(key, {}).get(code, 0))
            for code, label in choices.choices
        ]

    return {
        "method": lines("by_method", Method),
        "role": lines("by_role", SocialWorkRole),
        "tks_role": lines("by_tks_role", TksRole),
        "stages": [(code, label, figures.get("groups_by_stage", {}).get(code, 0)) for code, label in Stage.choices],
        "ppks": [
            (code, str(dict(Ppks.choices).get(code, code)), n)
            for code, n in figures.get("ppks", {}).get("by_category", {}).items()
        ],
        "stage_labels": dict(Stage.choices),
    }


def reports_visible(*, actor, kecamatan: str = "", month: datetime.date | None = None, status: str = ""):
    """The reports of the kecamatan in the actor's scope, newest month first."""
    reports = scoped(TkskReport.objects.all(), actor, REPORT_AREA, VIEW).select_related(
        "worker", "kecamatan", "acknowledged_by"
    )
    if kecamatan:
        reports = reports.filter(subtree_q(kecamatan, REPORT_AREA))
    if month:
        reports = reports.filter(month=month.replace(day=1))
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    return reports.order_by("-month", "kecamatan_id", "pk")


def report_get(*, actor, pk) -> TkskReport:
    return get_in_scope_or_404(
        TkskReport.objects.select_related("worker", "kecamatan", "acknowledged_by"), actor, REPORT_AREA, VIEW, pk=pk
    )


def report_of(*, worker, kecamatan_code: str, month: datetime.date) -> TkskReport | None:
    return TkskReport.objects.filter(worker=worker, kecamatan_id=kecamatan_code, month=month.replace(day=1)).first()
