"""Follow-up tasks (overdue rules, my tasks page, closing and adding a task), the home page panel, and the groups
flagged for having no contact for MENTORING_NO_CONTACT_DAYS days."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.kube.services import groups
from pendamping.mentoring.models import FollowUpTask
from pendamping.mentoring.selectors.contacts import kube_without_contact, my_tasks, task_state
from pendamping.mentoring.services import contacts
from tests.conftest import CIPEUTEUY
from tests.kube.helpers import FORMED, make_kube
from tests.mentoring.helpers import DAY, record

pytestmark = pytest.mark.django_db

DAYS = datetime.timedelta


def _task(actor, title, due_on, assignee=None, **values):
    return contacts.task_add(
        actor=actor, desa_code=CIPEUTEUY, title=title, assignee=assignee or actor, due_on=due_on, **values
    )


def test_overdue_is_open_and_past_its_due_date(tksk_kabandungan):
    today = DAY
    yesterday = _task(tksk_kabandungan, "Kemarin", today - DAYS(1))
    due_today = _task(tksk_kabandungan, "Hari ini", today)
    done = _task(tksk_kabandungan, "Sudah", today - DAYS(5))
    contacts.task_set_status(actor=tksk_kabandungan, task=done, status="done", on=today - DAYS(2))
    cancelled = _task(tksk_kabandungan, "Batal", today - DAYS(5))
    contacts.task_set_status(actor=tksk_kabandungan, task=cancelled, status="cancelled")
    done.refresh_from_db()
    assert task_state(yesterday, today) == "overdue"
    assert task_state(due_today, today) == "due"
    assert task_state(done, today) == "done"
    mine = my_tasks(actor=tksk_kabandungan, today=today)
    assert [t.title for t in mine["overdue"]] == ["Kemarin"]
    assert [t.title for t in mine["due"]] == ["Hari ini"]
    assert [t.title for t in mine["done"]] == ["Sudah"]


def test_my_tasks_are_mine_only(tksk_kabandungan, fasilitator_cipeuteuy):
    _task(tksk_kabandungan, "Untuk fasilitator", DAY, assignee=fasilitator_cipeuteuy)
    _task(tksk_kabandungan, "Untuk TKSK", DAY)
    assert [t.title for t in my_tasks(actor=fasilitator_cipeuteuy, today=DAY)["due"]] == ["Untuk fasilitator"]


def test_the_tasks_page_closes_and_adds_tasks(tksk_kabandungan, fasilitator_cipeuteuy, tksk_kalapanunggal, login):
    today = timezone.localdate()
    late = _task(tksk_kabandungan, "Terlambat", today - DAYS(1))
    _task(tksk_kabandungan, "Nanti", today + DAYS(3))
    client = login(tksk_kabandungan)
    page = client.get(reverse("mentoring:task-list"))
    assert [t.title for t in page.context["tasks"]["overdue"]] == ["Terlambat"]
    assert [t.title for t in page.context["tasks"]["due"]] == ["Nanti"]
    response = client.post(reverse("mentoring:task-status", args=[late.pk]), {"status": "done"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == "done" and late.done_on == today
    kube = make_kube(tksk_kabandungan)
    response = client.post(
        reverse("mentoring:task-create"),
        {"title": "Cek buku kas", "kube": kube.pk, "assignee": fasilitator_cipeuteuy.pk, "due_on": "2026-12-05"},
    )
    assert response.status_code == 302
    added = FollowUpTask.objects.get(title="Cek buku kas")
    assert added.kube == kube and added.assignee == fasilitator_cipeuteuy and added.desa_id == kube.desa_id
    missing = client.post(reverse("mentoring:task-create"), {"title": "Tanpa tempat", "due_on": "2026-12-05"})
    assert missing.status_code == 200 and "desa_code" in missing.context["form"].errors
    other = login(tksk_kalapanunggal)
    assert other.post(reverse("mentoring:task-status", args=[late.pk]), {"status": "open"}).status_code == 404


def test_the_home_page_shows_what_is_due_and_overdue_and_groups_left_alone(tksk_kabandungan, login):
    today = timezone.localdate()
    _task(tksk_kabandungan, "Terlambat", today - DAYS(1))
    _task(tksk_kabandungan, "Hari ini", today)
    _task(tksk_kabandungan, "Jauh", today + DAYS(60))
    kube = make_kube(tksk_kabandungan, name="KUBE Sepi")  # formed in January, never visited
    client = login(tksk_kabandungan)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    (panel,) = response.context["panels"]
    assert [t.title for t in panel["overdue"]] == ["Terlambat"]
    assert [t.title for t in panel["due"]] == ["Hari ini"]
    assert [g.pk for g in panel["alone"]] == [kube.pk]
    assert b'id="mentoring-panel"' in response.content and b"KUBE Sepi" in response.content


def test_the_home_page_of_a_pengamat_has_no_mentoring_panel(pengamat_sukabumi, login):
    response = login(pengamat_sukabumi).get(reverse("core:home"))
    assert response.status_code == 200 and response.context["panels"] == []


def test_a_group_is_flagged_after_30_days_without_a_contact(tksk_kabandungan, tksk_kalapanunggal):
    visited = make_kube(tksk_kabandungan, name="KUBE Dikunjungi")
    record(tksk_kabandungan, kube=visited, contact_date=DAY)
    flagged = lambda today, actor=tksk_kabandungan: {  # noqa: E731
        g.pk for g in kube_without_contact(actor=actor, today=today)
    }
    assert visited.pk not in flagged(DAY + DAYS(29))
    assert visited.pk in flagged(DAY + DAYS(31))
    assert flagged(DAY + DAYS(31), tksk_kalapanunggal) == set()  # not theirs to see


def test_a_group_never_visited_is_flagged_30_days_after_it_was_formed(tksk_kabandungan):
    fresh = make_kube(tksk_kabandungan, name="KUBE Baru")
    assert fresh.pk not in {g.pk for g in kube_without_contact(actor=tksk_kabandungan, today=FORMED + DAYS(29))}
    (group,) = kube_without_contact(actor=tksk_kabandungan, today=FORMED + DAYS(31))
    assert group.pk == fresh.pk and group.last_contact is None


def test_a_removed_contact_does_not_count_and_a_dissolved_group_is_not_flagged(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan, name="KUBE A")
    contact = record(tksk_kabandungan, kube=kube, contact_date=DAY)
    today = DAY + DAYS(10)
    assert kube_without_contact(actor=tksk_kabandungan, today=today).count() == 0
    contacts.contact_delete(actor=tksk_kabandungan, contact=contact, reason="salah catat")
    assert [g.pk for g in kube_without_contact(actor=tksk_kabandungan, today=today)] == [kube.pk]
    groups.kube_status_set(actor=tksk_kabandungan, kube=kube, status="bubar", reason="bubar")
    assert kube_without_contact(actor=tksk_kabandungan, today=today).count() == 0


def test_the_page_of_groups_without_a_contact_runs_a_fixed_number_of_queries(tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    make_kube(tksk_kabandungan, name="KUBE 0")
    url = reverse("mentoring:kube-no-contact")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 6):
        kube = make_kube(tksk_kabandungan, name=f"KUBE {n}")
        record(tksk_kabandungan, kube=kube, contact_date=DAY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["page"].paginator.count == 6
    assert len(many) == len(few)


def test_the_home_panel_runs_a_fixed_number_of_queries(tksk_kabandungan, login):
    today = timezone.localdate()
    _task(tksk_kabandungan, "Terlambat 0", today - DAYS(1))
    make_kube(tksk_kabandungan, name="KUBE 0")
    client = login(tksk_kabandungan)
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:home"))
    for n in range(1, 6):
        kube = make_kube(tksk_kabandungan, name=f"KUBE {n}")
        _task(tksk_kabandungan, f"Terlambat {n}", today - DAYS(n), kube=kube)
        _task(tksk_kabandungan, f"Segera {n}", today + DAYS(n), kube=kube)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("core:home"))
    (panel,) = response.context["panels"]
    assert len(panel["overdue"]) == 6 and len(panel["due"]) == 5 and len(panel["alone"]) == 6
    assert len(many) == len(few)
