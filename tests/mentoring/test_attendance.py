"""Attendance rates of a group's sessions, on a hand-checked fixture: five sessions, members present at some of them,
one member leaving and one joining in between; the threshold flag; the period; the page and its query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.kube.services import groups
from pendamping.mentoring.selectors.contacts import attendance_rates
from pendamping.mentoring.services import contacts
from tests.kube.helpers import add_members, eligible_people, formed_kube
from tests.mentoring.helpers import record

pytestmark = pytest.mark.django_db

D = datetime.date
SESSIONS = [D(2026, 2, 2), D(2026, 2, 3), D(2026, 2, 4), D(2026, 2, 5), D(2026, 2, 6)]
PERIOD = {"date_from": D(2026, 2, 1), "date_to": D(2026, 2, 28)}


def _session(actor, kube, day, present_members):
    present = {m.pk for m in present_members}
    active = kube.members.filter(left_on__isnull=True)
    return record(actor, kube=kube, contact_date=day, attendance={m.pk: m.pk in present for m in active})


@pytest.fixture
def sessions(tksk_kabandungan):
    """m0 at all five (100%), m1 at three (60%), m2 at four (80%), m3 at one of the two before leaving on 3 Feb
    (50%), m4 at none (0%), m5 joining on 5 Feb and at one of its two (50%). Group: 14 of 24 = 58%."""
    actor = tksk_kabandungan
    kube = formed_kube(actor)
    m = list(kube.members.order_by("pk"))
    _session(actor, kube, SESSIONS[0], [m[0], m[1], m[2], m[3]])
    _session(actor, kube, SESSIONS[1], [m[0], m[1], m[2]])
    groups.kube_member_leave(actor=actor, member=m[3], left_on=D(2026, 2, 3), leave_reason="pindah")
    _session(actor, kube, SESSIONS[2], [m[0], m[1], m[2]])
    (newcomer,) = add_members(
        actor, kube, eligible_people(actor, 1, first_serial=6), officers=False, joined_on=SESSIONS[3]
    )
    _session(actor, kube, SESSIONS[3], [m[0], m[2]])
    _session(actor, kube, SESSIONS[4], [m[0], newcomer])
    # neither a casework visit nor a removed session counts
    record(actor, kube=kube, method="casework", contact_date=SESSIONS[4])
    removed = _session(actor, kube, D(2026, 2, 7), [])
    contacts.contact_delete(actor=actor, contact=removed, reason="salah catat")
    return kube, [*m, newcomer]


def test_rates_per_member_and_group_on_a_hand_checked_fixture(sessions, settings):
    kube, m = sessions
    rates = attendance_rates(kube=kube, **PERIOD)
    by_member = {r.member.pk: r for r in rates.members}
    expected = {  # member: (present, held, percent, flagged)
        m[0].pk: (5, 5, 100, False),
        m[1].pk: (3, 5, 60, True),
        m[2].pk: (4, 5, 80, False),
        m[3].pk: (1, 2, 50, True),
        m[4].pk: (0, 5, 0, True),
        m[5].pk: (1, 2, 50, True),
    }
    got = {pk: (r.present, r.held, r.percent, r.flagged) for pk, r in by_member.items()}
    assert got == expected
    assert len(rates.sessions) == 5 and (rates.present, rates.held, rates.percent) == (14, 24, 58)
    assert rates.flagged_count == 4 and rates.threshold == 80


def test_the_threshold_is_a_setting(sessions, settings):
    kube, m = sessions
    settings.PENDAMPING = {**settings.PENDAMPING, "MENTORING_ATTENDANCE_THRESHOLD_PERCENT": 60}
    flagged = {r.member.pk for r in attendance_rates(kube=kube, **PERIOD).members if r.flagged}
    assert flagged == {m[3].pk, m[4].pk, m[5].pk}  # 60% is no longer below the threshold


def test_the_period_limits_the_sessions_and_who_was_a_member(sessions):
    kube, m = sessions
    rates = attendance_rates(kube=kube, date_from=D(2026, 2, 4), date_to=D(2026, 2, 28))
    assert [day for _pk, day in rates.sessions] == SESSIONS[2:]
    by_member = {r.member.pk: (r.present, r.held) for r in rates.members}
    assert m[3].pk not in by_member  # left before the period
    assert by_member[m[1].pk] == (1, 3) and by_member[m[5].pk] == (1, 2)


def test_the_attendance_page_shows_the_rates_with_few_queries(sessions, tksk_kabandungan, login):
    kube, m = sessions
    client = login(tksk_kabandungan)
    url = reverse("mentoring:attendance-kube", args=[kube.pk])
    params = {"date_from": "2026-02-01", "date_to": "2026-02-28"}
    response = client.get(url, params)
    assert response.status_code == 200
    assert response.context["rates"].percent == 58
    assert response.content.count(b'class="flagged"') == 4
    assert b'id="group-percent">58%' in response.content
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    for day in (D(2026, 2, 10), D(2026, 2, 11), D(2026, 2, 12)):
        _session(tksk_kabandungan, kube, day, [m[0]])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, params)
    assert len(response.context["rates"].sessions) == 8
    assert len(many) == len(few)
    bad = client.get(url, {"date_from": "2026-03-01", "date_to": "2026-02-01"})
    assert bad.status_code == 200 and "date_to" in bad.context["form"].errors
