"""The standing of each group, kept on the group itself: its active members, its latest report (month and typology),
how many of its latest reports in a row had a lower omzet than the report before, and the date of its latest
contact.

These are copies of what its progress reports and contacts say, kept so that the KUBE list, the flags and the
dashboard read one row per group instead of searching the reports and contacts of every group (over a kabupaten of
20,000 groups that search cost about 250 ms of the dashboard's time). They are written only by `refresh`, which
counts them again from the members, reports and contacts themselves; the services that add or end a membership
(`services.groups`), add or change a report (`services.progress.progress_report_submit`) or add or remove a contact
(`mentoring.services.contacts`) call it for their group, in the same transaction. `pendamping recount` counts every
group again (after rows were changed by hand, or to check: it says how many groups it corrected).

The flags stay rules of the selectors (`selectors.progress`), evaluated on these columns with the policy of the day:
the number of falling reports is stored (not the flag), so a change of KUBE_FALLING_OMZET_MONTHS needs no recount.
"""

from collections.abc import Iterable

from django.apps import apps as django_apps
from django.db import connection
from django.db.models import Count, Max

STREAK_CAP = 24  # falling reports counted at most this far back (the policy asks for a few months)
BATCH = 2000
FIELDS = ("member_count", "last_report_month", "last_typology", "falling_streak", "last_contact_on")


def _models(apps):
    apps = apps or django_apps
    return (
        apps.get_model("kube", "Kube"),
        apps.get_model("kube", "KubeMember"),
        apps.get_model("kube", "ProgressReport"),
        apps.get_model("mentoring", "Contact"),
    )


def falling_streak(omzet_newest_first: list[int]) -> int:
    """How many of the latest reports in a row have a lower omzet than the report before each."""
    streak = 0
    for newer, older in zip(omzet_newest_first, omzet_newest_first[1:], strict=False):
        if newer >= older or streak >= STREAK_CAP:
            break
        streak += 1
    return streak


def counted(kube_ids: list[int], apps=None) -> dict[int, dict]:
    """The standing of the groups given, counted from their members, reports and contacts (four queries)."""
    _kube, member_model, report_model, contact_model = _models(apps)
    standing = {
        pk: {
            "member_count": 0,
            "last_report_month": None,
            "last_typology": "",
            "falling_streak": 0,
            "last_contact_on": None,
        }
        for pk in kube_ids
    }
    members = (
        member_model.objects.filter(kube_id__in=kube_ids, left_on__isnull=True)
        .order_by()
        .values_list("kube_id")
        .annotate(n=Count("id"))
    )
    for kube_id, n in members:
        standing[kube_id]["member_count"] = n
    omzet: dict[int, list[int]] = {}
    reports = (
        report_model.objects.filter(kube_id__in=kube_ids)
        .order_by("kube_id", "-month")
        .values_list("kube_id", "month", "typology", "omzet")
    )
    for kube_id, month, typology, value in reports.iterator(chunk_size=BATCH):
        series = omzet.setdefault(kube_id, [])
        if not series:
            standing[kube_id].update(last_report_month=month, last_typology=typology)
        if len(series) <= STREAK_CAP:
            series.append(value)
    for kube_id, series in omzet.items():
        standing[kube_id]["falling_streak"] = falling_streak(series)
    last_contacts = (
        contact_model.objects.filter(kube_id__in=kube_ids, deleted_at__isnull=True)
        .order_by()
        .values_list("kube_id")
        .annotate(last=Max("contact_date"))
    )
    for kube_id, last in last_contacts:
        standing[kube_id]["last_contact_on"] = last
    return standing


def refresh(kube_ids: Iterable[int] | None = None, apps=None) -> int:
    """Count the standing of the groups given (all groups when None) again and store what differs; returns how many
    groups were corrected. The callers hold the transaction (the services are atomic). The version of a group is
    not touched: its standing is not something a user edits."""
    kube_model = _models(apps)[0]
    if kube_ids is None:
        kube_ids = kube_model.objects.order_by("pk").values_list("pk", flat=True)
    ids = list(kube_ids)
    table = connection.ops.quote_name(kube_model._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(kube_model._meta.get_field(name).column)} = %s" for name in FIELDS)
    corrected = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        # the groups' rows locked first: a second refresh of a group waits for the first to commit, then counts what
        # it committed (counted before the lock, it could store a standing older than the other's)
        stored = {
            pk: values
            for pk, *values in kube_model.objects.select_for_update().filter(pk__in=chunk).values_list("pk", *FIELDS)
        }
        standing = counted(chunk, apps)
        changed = []
        for pk, values in stored.items():
            wanted = [standing[pk][name] for name in FIELDS]
            if values != wanted:
                changed.append([*wanted, pk])
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", changed)  # noqa: S608 - names from _meta
        corrected += len(changed)
    return corrected
