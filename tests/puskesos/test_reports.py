"""Reports of the desk on a hand-checked fixture: requests by sector, status and desa, referral outcomes and ageing,
register proposals by desa and state; the page (fixed queries), the XLSX (audited) and scoping.

The fixture (all in Kecamatan Kabandungan, received 60 days ago):
  cases: Cipeuteuy kesehatan (asesmen), Cipeuteuy kesehatan, Cipeuteuy adminduk (not in DTKS: a proposal),
         Kabandungan pendidikan (not in DTKS: a proposal) -> baru 3, asesmen 1; Cipeuteuy 3, Kabandungan 1
  referrals: kesehatan sent 3 days ago (dikirim, 0-7), kesehatan 40 days ago answered selesai,
             adminduk 20 days ago (dikirim, 15-30), adminduk 45 days ago diterima (31+), pendidikan 10 days ago (8-14)
"""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.core.models import AuditEvent
from pendamping.puskesos.selectors.reports import Period, desk_report
from pendamping.puskesos.services import cases, referrals

from .helpers import make_case

KABANDUNGAN_DESA = "32.02.19.2001"


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def period():
    return Period(date_from=days_ago(365), date_to=timezone.localdate())


def refer(actor, case, sector, n, status=None):
    referral = referrals.referral_create(
        actor=actor, case=case, sector=sector, office="Kantor", reason="Mohon bantuan", sent_on=days_ago(n)
    )
    if status:
        referral = referrals.referral_status_set(actor=actor, referral=referral, status=status, response="ok")
    return referral


@pytest.fixture
def fixture(fasilitator_cipeuteuy, tksk_kabandungan):
    received = days_ago(60)
    one = make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan, received_on=received)
    two = make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan, received_on=received)
    three = make_case(
        fasilitator_cipeuteuy, household_actor=tksk_kabandungan, received_on=received, sector="adminduk", in_dtks=False
    )
    four = make_case(tksk_kabandungan, desa=KABANDUNGAN_DESA, received_on=received, sector="pendidikan", in_dtks=False)
    cases.case_status_set(actor=fasilitator_cipeuteuy, case=one, status="asesmen")
    refer(fasilitator_cipeuteuy, one, "kesehatan", 3)
    refer(fasilitator_cipeuteuy, two, "kesehatan", 40, "selesai")
    refer(fasilitator_cipeuteuy, three, "adminduk", 20)
    refer(fasilitator_cipeuteuy, three, "adminduk", 45, "diterima")
    refer(tksk_kabandungan, four, "pendidikan", 10)
    return [one, two, three, four]


def test_the_report_counts_the_hand_checked_fixture(fixture, tksk_kabandungan, period):
    report = desk_report(actor=tksk_kabandungan, period=period)
    sector = report.requests_by_sector
    assert (sector.count("kesehatan", "baru"), sector.count("kesehatan", "asesmen")) == (1, 1)
    assert sector.count("adminduk", "baru") == 1 and sector.count("pendidikan", "baru") == 1 and sector.total == 4
    assert [row.key for row in sector.rows] == ["kesehatan", "pendidikan", "adminduk"]  # in the order of Sector
    desa = report.requests_by_desa
    assert desa.row_total("32.02.19.2002") == 3 and desa.row_total(KABANDUNGAN_DESA) == 1
    assert desa.count("32.02.19.2002", "asesmen") == 1 and desa.totals[:2] == [3, 1]
    assert [row.label for row in desa.rows] == ["Kabandungan", "Cipeuteuy"]
    outcomes = report.referral_outcomes
    assert outcomes.count("kesehatan", "dikirim") == 1 and outcomes.count("kesehatan", "selesai") == 1
    assert outcomes.count("adminduk", "dikirim") == 1 and outcomes.count("adminduk", "diterima") == 1
    assert outcomes.count("pendidikan", "dikirim") == 1 and outcomes.total == 5
    ageing = report.referral_ageing
    assert ageing.count("kesehatan", "0-7") == 1 and ageing.row_total("kesehatan") == 1  # the selesai one is not open
    assert ageing.count("pendidikan", "8-14") == 1
    assert ageing.count("adminduk", "15-30") == 1 and ageing.count("adminduk", "31+") == 1
    assert ageing.totals == [1, 1, 1, 1] and ageing.total == 4
    proposals = report.proposals_by_state
    assert proposals.count("32.02.19.2002", "draf") == 1 and proposals.count(KABANDUNGAN_DESA, "draf") == 1
    assert proposals.total == 2


def test_the_period_and_the_area_narrow_the_report(fixture, tksk_kabandungan, period):
    desa_only = desk_report(actor=tksk_kabandungan, period=Period(period.date_from, period.date_to, KABANDUNGAN_DESA))
    assert desa_only.requests_by_sector.total == 1 and desa_only.referral_outcomes.total == 1
    assert desa_only.referral_ageing.total == 1 and desa_only.proposals_by_state.total == 1
    recent = desk_report(actor=tksk_kabandungan, period=Period(days_ago(14), timezone.localdate()))
    assert recent.requests_by_sector.total == 0
    assert recent.referral_outcomes.total == 2  # sent 3 and 10 days ago
    assert recent.proposals_by_state.total == 2  # proposals made today
    earlier = Period(days_ago(365), days_ago(30))  # open referrals sent up to the period's end, aged today
    assert desk_report(actor=tksk_kabandungan, period=earlier).referral_ageing.total == 1


def test_a_tksk_of_kalapanunggal_counts_nothing_of_kabandungan(fixture, tksk_kalapanunggal, period, login):
    report = desk_report(actor=tksk_kalapanunggal, period=period)
    assert [table.total for table in report.tables] == [0, 0, 0, 0, 0]
    page = login(tksk_kalapanunggal).get(reverse("puskesos:report"))
    assert page.status_code == 200 and "Cipeuteuy" not in page.content.decode()


def test_the_page_shows_the_tables_with_the_same_queries_for_few_and_many(
    fasilitator_cipeuteuy, tksk_kabandungan, login
):
    client = login(tksk_kabandungan)
    query = {"date_from": days_ago(365).isoformat(), "date_to": timezone.localdate().isoformat()}
    first = make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan, received_on=days_ago(30))
    refer(fasilitator_cipeuteuy, first, "kesehatan", 5)
    client.get(reverse("puskesos:report"), query)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("puskesos:report"), query)
    for sector in ("adminduk", "pendidikan", "pkh"):
        case = make_case(
            tksk_kabandungan, desa=KABANDUNGAN_DESA, sector=sector, received_on=days_ago(30), in_dtks=False
        )
        refer(tksk_kabandungan, case, sector, 20)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("puskesos:report"), query)
    assert len(many) == len(few)
    html = page.content.decode()
    assert 'data-table="requests_by_desa"' in html and 'data-row="32.02.19.2001"' in html
    assert page.context["report"].requests_by_sector.total == 4


def test_the_report_exports_to_xlsx_and_is_audited(fixture, tksk_kabandungan, login):
    query = {"date_from": days_ago(365).isoformat(), "date_to": timezone.localdate().isoformat()}
    response = login(tksk_kabandungan).get(reverse("puskesos:report-export"), query)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    cells = {(r[1], r[3]): r[5] for r in rows if r[1]}
    assert cells[("kesehatan", "selesai")] == 1 and cells[("adminduk", "31+")] == 1
    assert cells[(KABANDUNGAN_DESA, "draf")] == 1
    event = AuditEvent.objects.get(action="puskesos_report.export")
    assert event.actor == tksk_kabandungan and event.area_code == "32.02.19"


def test_a_period_ending_before_it_starts_is_named(tksk_kabandungan, login):
    page = login(tksk_kabandungan).get(reverse("puskesos:report"), {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert page.status_code == 200 and "date_to" in page.context["form"].errors
