"""data.json: the worker's groups, members, recent reports and open tasks, for the offline forms; only in scope."""

import datetime

from django.utils import timezone

from pendamping.kube.services.progress import progress_report_submit
from tests.mentoring.helpers import record

URL = "/pendampingan/luring/data.json"


def report(actor, kube, month, omzet=1_000_000, expected_version=None):
    return progress_report_submit(
        actor=actor,
        kube=kube,
        month=month,
        omzet=omzet,
        profit=100_000,
        capital=2_000_000,
        iks_collected=10_000,
        iks_used=0,
        active_members=5,
        business_status="aktif",
        expected_version=expected_version,
    )


def test_the_data_holds_the_workers_groups_members_reports_and_open_tasks_and_nothing_outside_their_area(
    login, tksk_kabandungan, side, other_side
):
    this_month = timezone.localdate().replace(day=1)
    report(tksk_kabandungan, side.kube, datetime.date(2026, 2, 1))
    current = report(tksk_kabandungan, side.kube, this_month, omzet=777_000)
    record(
        tksk_kabandungan,
        kube=side.kube,
        tasks=[{"title": "Cek buku kas", "assignee": tksk_kabandungan, "due_on": timezone.localdate()}],
    )

    data = login(tksk_kabandungan).get(URL).json()

    assert [k["id"] for k in data["kube"]] == [side.kube.pk]
    kube = data["kube"][0]
    assert kube["name"] == side.kube.name and kube["stage"] == side.kube.stage
    active = side.kube.members.filter(left_on__isnull=True)
    assert sorted(m["id"] for m in kube["members"]) == sorted(active.values_list("pk", flat=True))
    assert {m["role"] for m in kube["members"]} >= {"ketua", "sekretaris", "bendahara"}
    assert kube["last_report"] == {"month": f"{this_month:%Y-%m}", "version": current.version}
    assert [(r["month"], r["omzet"], r["version"]) for r in kube["reports"]] == [
        (f"{this_month:%Y-%m}", 777_000, 1)
    ]  # February is older than the months a report can be given offline for
    assert [t["title"] for t in data["tasks"]] == ["Cek buku kas"]
    assert data["user"]["id"] == tksk_kabandungan.pk and data["csrf"]
    assert str(other_side.kube.name) not in str(data)


def test_a_worker_of_another_kecamatan_gets_only_their_own_group(login, tksk_kalapanunggal, side, other_side):
    data = login(tksk_kalapanunggal).get(URL).json()
    assert [k["id"] for k in data["kube"]] == [other_side.kube.pk]
    assert data["tasks"] == []


def test_the_data_and_the_forms_need_a_login_and_are_not_cached_by_the_browser(client, login, tksk_kabandungan):
    for url in (URL, "/pendampingan/luring/"):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    response = login(tksk_kabandungan).get(URL)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


def test_the_forms_page_loads_its_script_from_a_file_and_offers_both_forms(login, tksk_kabandungan, side):
    response = login(tksk_kabandungan).get("/pendampingan/luring/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="visit-form"' in html and 'id="report-form"' in html and 'id="offline-count"' in html
    assert "/static/pendamping/offline.js" in html
    assert "<script>" not in html  # the CSP allows no inline script
