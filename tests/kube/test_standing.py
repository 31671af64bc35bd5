"""The standing kept on each group (kube.standing): written by the services that change members, reports and
contacts, always what counting afresh gives, and recounted by `pendamping recount`."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from pendamping.kube import standing
from pendamping.kube.models import Kube
from pendamping.kube.services import groups
from pendamping.kube.typology import add_months
from pendamping.mentoring.services import contacts
from tests.kube.helpers import add_members, eligible_people
from tests.kube.test_progress import THIS_MONTH, past_t0, submit
from tests.mentoring.helpers import record

pytestmark = pytest.mark.django_db


def stored(kube: Kube) -> dict:
    kube.refresh_from_db()
    return {name: getattr(kube, name) for name in standing.FIELDS}


def test_falling_streak_counts_the_latest_reports_in_a_row_that_fell():
    assert standing.falling_streak([]) == 0
    assert standing.falling_streak([100]) == 0
    assert standing.falling_streak([100, 200, 300, 400]) == 3
    assert standing.falling_streak([100, 200, 150, 400]) == 1  # the third fell from nothing: the run stops there
    assert standing.falling_streak([300, 200, 100]) == 0  # rising
    assert standing.falling_streak([200, 200]) == 0  # equal is not falling
    assert standing.falling_streak(list(range(100))) == standing.STREAK_CAP


def test_the_services_keep_the_standing_of_a_group_as_counting_afresh_gives_it(tksk_kabandungan):
    kube = past_t0(tksk_kabandungan)
    assert stored(kube)["member_count"] == 5 and stored(kube)["last_report_month"] is None

    months = [add_months(THIS_MONTH, -4 + i) for i in range(4)]
    for month, omzet in zip(months, [400, 300, 200, 100], strict=True):
        submit(tksk_kabandungan, kube, month, omzet=omzet)
    assert stored(kube) | {"last_contact_on": None} == {
        "member_count": 5,
        "last_report_month": months[-1],
        "last_typology": kube.progress_reports.get(month=months[-1]).typology,
        "falling_streak": 3,
        "last_contact_on": None,
    }
    # an earlier month changed: the streak is counted again from every report
    report = kube.progress_reports.get(month=months[1])
    submit(tksk_kabandungan, kube, months[1], omzet=50, expected_version=report.version)
    assert stored(kube)["falling_streak"] == 1

    first = record(tksk_kabandungan, kube=kube, contact_date=datetime.date(2026, 6, 1))
    second = record(tksk_kabandungan, kube=kube, contact_date=datetime.date(2026, 7, 1))
    assert stored(kube)["last_contact_on"] == datetime.date(2026, 7, 1)
    contacts.contact_delete(actor=tksk_kabandungan, contact=second, reason="tercatat dua kali")
    assert stored(kube)["last_contact_on"] == first.contact_date

    member = kube.members.filter(role="anggota").first()
    groups.kube_member_leave(actor=tksk_kabandungan, member=member, left_on=THIS_MONTH, leave_reason="pindah")
    assert stored(kube)["member_count"] == 4
    newcomer = eligible_people(tksk_kabandungan, 1, first_serial=40)
    add_members(tksk_kabandungan, kube, newcomer, officers=False, joined_on=THIS_MONTH)
    assert stored(kube)["member_count"] == 5

    assert stored(kube) == standing.counted([kube.pk])[kube.pk]


def test_the_command_counts_every_group_again_and_says_how_many_it_corrected(tksk_kabandungan):
    kube = past_t0(tksk_kabandungan)
    submit(tksk_kabandungan, kube, add_months(THIS_MONTH, -1))
    out = StringIO()
    call_command("recount", stdout=out)
    assert "0 KUBE" in out.getvalue()

    right = stored(kube)
    Kube.objects.filter(pk=kube.pk).update(member_count=0, last_report_month=None, last_typology="")
    out = StringIO()
    call_command("recount", stdout=out)
    assert "1 KUBE" in out.getvalue()
    assert stored(kube) == right
