"""The dashboard: numbers of an area on a hand-checked fixture, drill-down, scoping, and a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.kube.models import StimulusTranche
from tests.kube.helpers import formed_kube, make_kube, pass_t0
from tests.mentoring.helpers import record
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db


def test_the_kecamatan_dashboard_counts_groups_contacts_and_households(admin_sukabumi, tksk_kabandungan, login):
    first = pass_t0(tksk_kabandungan, formed_kube(tksk_kabandungan))  # 5 households, T1
    make_kube(tksk_kabandungan, name="KUBE Dua", desa="32.02.19.2003")  # T0, no members
    make_household(tksk_kabandungan, serial=40, desa="32.02.19.2003", desil=1)
    StimulusTranche.objects.create(
        kube=first, number=1, amount=10_000_000, transferred_on=datetime.date(2026, 3, 1), bank_reference="x"
    )
    today = datetime.date.today()
    record(tksk_kabandungan, kube=first, roles=["enabler", "broker"], contact_date=today)
    record(tksk_kabandungan, roles=["advocate"], contact_date=today, desa_code="32.02.19.2003")
    response = login(admin_sukabumi).get(reverse("reports:dashboard", args=["32.02.19"]))
    assert response.status_code == 200
    board = response.context["board"]
    assert dict((v, n) for _l, v, n in board.kube["by_stage"]) == {"T0": 1, "T1": 1, "T2": 0, "T3": 0}
    assert board.kube["members"] == 5 and board.money["disbursed"] == 10_000_000
    assert board.contacts["total"] == 2
    assert {v: n for _l, v, n, _s in board.contacts["roles"]}["broker"] == 1
    assert board.registry["households"] == 6
    children = {c["code"]: c for c in board.children}
    assert len(children) == 6
    assert (children["32.02.19.2002"]["households"], children["32.02.19.2002"]["kube"]) == (5, 1)
    assert (children["32.02.19.2003"]["households"], children["32.02.19.2003"]["contacts"]) == (1, 1)
    assert reverse("reports:dashboard", args=["32.02.19.2003"]).encode() in response.content


def test_a_tksk_drills_down_but_cannot_open_another_kecamatan(tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    assert client.get(reverse("reports:dashboard-home")).context["area"].code == "32.02.19"
    assert client.get(reverse("reports:dashboard", args=["32.02.19.2001"])).status_code == 200
    assert client.get(reverse("reports:dashboard", args=["32.02.18"])).status_code == 404
    assert client.get(reverse("reports:dashboard", args=["32.02"])).status_code == 404


def test_the_pengamat_sees_kube_numbers_but_no_puskesos(pengamat_sukabumi, login):
    board = login(pengamat_sukabumi).get(reverse("reports:dashboard", args=["32.02"])).context["board"]
    assert board.kube is not None and board.puskesos is None


def test_the_dashboard_runs_a_fixed_number_of_queries(admin_sukabumi, tksk_kabandungan, login):
    client = login(admin_sukabumi)
    url = reverse("reports:dashboard", args=["32.02.19"])
    formed_kube(tksk_kabandungan)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3):
        make_kube(tksk_kabandungan, name=f"KUBE {n}", desa=f"32.02.19.200{n + 3}")
        make_household(tksk_kabandungan, serial=50 + n, desa=f"32.02.19.200{n + 3}")
        record(tksk_kabandungan, contact_date=datetime.date.today(), desa_code=f"32.02.19.200{n + 3}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_desa_dashboard_counts_the_groups_and_households_of_that_desa(admin_sukabumi, tksk_kabandungan, login):
    formed_kube(tksk_kabandungan)  # in 32.02.19.2002 with 5 households
    board = login(admin_sukabumi).get(reverse("reports:dashboard", args=["32.02.19.2002"])).context["board"]
    assert board.kube["groups"] == 1 and board.kube["members"] == 5
    assert board.registry["households"] == 5


def test_the_no_contact_flag_counts_the_groups_of_the_list_without_a_recent_contact(admin_sukabumi, tksk_kabandungan):
    from pendamping.mentoring.selectors.contacts import kube_without_contact
    from pendamping.mentoring.services.contacts import contact_delete
    from pendamping.reports.selectors import dashboard

    today = datetime.date.today()
    long_ago = today - datetime.timedelta(days=200)
    make_kube(tksk_kabandungan, name="Tanpa kunjungan", formed_on=long_ago)  # flagged: formed long ago, no contact
    make_kube(tksk_kabandungan, name="Baru dibentuk", formed_on=today - datetime.timedelta(days=3))  # not yet
    old = make_kube(tksk_kabandungan, name="Kunjungan lama", formed_on=long_ago)
    record(tksk_kabandungan, kube=old, contact_date=today - datetime.timedelta(days=60))  # flagged: last too old
    recent = make_kube(tksk_kabandungan, name="Kunjungan baru", formed_on=long_ago)
    record(tksk_kabandungan, kube=recent, contact_date=today - datetime.timedelta(days=2))  # not flagged
    removed = make_kube(tksk_kabandungan, name="Kunjungan dihapus", formed_on=long_ago)
    mistake = record(tksk_kabandungan, kube=removed, contact_date=today)
    contact_delete(actor=tksk_kabandungan, contact=mistake, reason="salah input")  # flagged: its only contact removed
    from pendamping.areas.models import Area

    board = dashboard(actor=admin_sukabumi, area=Area.objects.get(code="32.02.19"))
    listed = kube_without_contact(actor=admin_sukabumi, today=today, capability="kube.view")
    assert {k.name for k in listed} == {"Tanpa kunjungan", "Kunjungan lama", "Kunjungan dihapus"}
    assert board.flags["no_contact"] == 3


def test_a_kabupaten_dashboard_is_kept_for_a_while_and_counted_again_on_request(
    admin_sukabumi, tksk_kabandungan, login, settings
):
    from django.core.cache import cache

    settings.PENDAMPING = {**settings.PENDAMPING, "DASHBOARD_CACHE_SECONDS": 300}
    cache.clear()
    client = login(admin_sukabumi)
    url = reverse("reports:dashboard", args=["32.02"])
    first = client.get(url)
    assert first.context["counted_at"] is None and first.context["board"].kube["groups"] == 0
    make_kube(tksk_kabandungan)
    kept = client.get(url)
    assert kept.context["counted_at"] is not None and kept.context["board"].kube["groups"] == 0
    fresh = client.get(url, {"segar": "1"})
    assert fresh.context["board"].kube["groups"] == 1
    kecamatan = client.get(reverse("reports:dashboard", args=["32.02.19"]))
    assert kecamatan.context["counted_at"] is None  # a kecamatan is always counted live
    cache.clear()


def test_open_cases_are_overdue_after_the_days_of_their_sector(admin_sukabumi, tksk_kabandungan):
    from pendamping.areas.models import Area
    from pendamping.puskesos.vocab import ProblemKind, Sector
    from pendamping.reports.selectors import dashboard
    from tests.puskesos.helpers import make_case

    today = datetime.date.today()
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    # perlindungan: 7 days; kesehatan: 14; any other sector: PUSKESOS_CASE_DAYS (30)
    make_case(tksk_kabandungan, sector=Sector.PERLINDUNGAN, problem_kind=ProblemKind.LAINNYA, received_on=ago(8))
    make_case(tksk_kabandungan, sector=Sector.PERLINDUNGAN, problem_kind=ProblemKind.LAINNYA, received_on=ago(7))
    make_case(tksk_kabandungan, sector=Sector.KESEHATAN, received_on=ago(15))
    make_case(tksk_kabandungan, sector=Sector.KESEHATAN, received_on=ago(10))
    make_case(tksk_kabandungan, sector=Sector.PENDIDIKAN, problem_kind=ProblemKind.LAINNYA, received_on=ago(20))
    make_case(tksk_kabandungan, sector=Sector.PENDIDIKAN, problem_kind=ProblemKind.LAINNYA, received_on=ago(31))
    board = dashboard(actor=admin_sukabumi, area=Area.objects.get(code="32.02.19"))
    assert (board.puskesos["open_cases"], board.puskesos["overdue_cases"]) == (6, 3)
