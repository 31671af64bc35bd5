"""The pages of progress, partnerships and the e-Warung through the test client: forms, scoping, the SVG trends and
the query count of the list of groups needing attention."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.kube.models import EWarung, Partnership, ProgressReport
from pendamping.kube.services import progress as services
from pendamping.kube.typology import add_months
from tests.kube.helpers import FORMED, formed_kube, make_kube, pass_t0

pytestmark = pytest.mark.django_db

THIS_MONTH = timezone.localdate().replace(day=1)
REPORT = {
    "omzet": "3000000",
    "profit": "-150000",
    "capital": "2000000",
    "iks_collected": "50000",
    "iks_used": "0",
    "active_members": "5",
    "business_status": "aktif",
    "assessed": ["anggota_terlatih", "papan_nama"],
    "evidence": "Foto papan nama di WA grup",
}


def submit(actor, kube, month, omzet):
    return services.progress_report_submit(
        actor=actor,
        kube=kube,
        month=month,
        omzet=omzet,
        profit=omzet // 10,
        capital=1_000_000,
        iks_collected=0,
        iks_used=0,
        active_members=5,
        business_status="aktif",
    )


def test_a_report_through_the_form_then_changed_and_a_stale_form_refused(tksk_kabandungan, login):
    kube = formed_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    response = client.post(reverse("kube:report-create", args=[kube.pk]), {**REPORT, "month": "2026-02"})
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "kube:report-detail", args=[kube.pk, "2026-02"]
    )
    assert (report.profit, report.assessed) == (-150_000, ["anggota_terlatih", "papan_nama"])
    update = reverse("kube:report-update", args=[kube.pk, "2026-02"])
    assert client.get(update).context["form"].initial["expected_version"] == 1
    assert client.post(update, {**REPORT, "omzet": "3500000", "expected_version": "1"}).status_code == 302
    stale = client.post(update, {**REPORT, "omzet": "1", "expected_version": "1"})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    assert ProgressReport.objects.get().omzet == 3_500_000
    detail = client.get(reverse("kube:report-detail", args=[kube.pk, "2026-02"]))
    assert detail.status_code == 200 and b'data-indicator="papan_nama" data-met="true"' in detail.content


def test_a_bad_report_form_names_the_field(tksk_kabandungan, login):
    kube = formed_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    response = client.post(reverse("kube:report-create", args=[kube.pk]), {**REPORT, "month": "2025-06"})
    assert response.status_code == 200 and "month" in response.context["form"].errors
    assert not ProgressReport.objects.exists()


def test_the_progress_page_draws_svg_trends_with_a_table_and_says_what_is_missing(tksk_kabandungan, login):
    kube = formed_kube(tksk_kabandungan, formed_on=add_months(THIS_MONTH, -12))
    for back, omzet in [(3, 100_000), (2, 300_000), (1, 200_000)]:
        submit(tksk_kabandungan, kube, add_months(THIS_MONTH, -back), omzet)
    response = login(tksk_kabandungan).get(reverse("kube:report-list", args=[kube.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<svg") == 3 and "<polyline" in content and "<script>" not in content
    assert 'data-chart="omzet"' in content and "Rp300.000" in content
    assert response.context["latest"].typology == "belum_tumbuh"
    missing = {code for code, _label in response.context["missing"]}
    assert {"ada_pendamping", "papan_nama", "stimulan_diterima"} <= missing and "pengurus_lengkap" not in missing


def test_the_progress_page_shows_the_groups_flags(tksk_kabandungan, login):
    kube = make_kube(tksk_kabandungan, formed_on=add_months(THIS_MONTH, -12))
    pass_t0(tksk_kabandungan, kube, on=add_months(THIS_MONTH, -12))
    response = login(tksk_kabandungan).get(reverse("kube:report-list", args=[kube.pk]))
    assert response.context["flags"] == ["no_report"] and b'data-flag="no_report"' in response.content


def test_the_flagged_page_runs_a_fixed_number_of_queries(tksk_kabandungan, login):
    client = login(tksk_kabandungan)

    def add_groups(start, count):
        for n in range(start, start + count):
            kube = make_kube(tksk_kabandungan, name=f"KUBE {n}", formed_on=add_months(THIS_MONTH, -12))
            pass_t0(tksk_kabandungan, kube, on=add_months(THIS_MONTH, -12))
            for back, omzet in [(6, 400), (5, 300), (4, 200), (3, 100)]:
                submit(tksk_kabandungan, kube, add_months(THIS_MONTH, -back), omzet)

    add_groups(0, 2)
    url = reverse("kube:flagged-list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(response.context["rows"]) == 2
    add_groups(2, 5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["rows"]) == 7
    assert all(row.flags == ["no_report", "falling_omzet"] for row in response.context["rows"])
    assert len(many) == len(few)


def test_the_flagged_page_shows_no_group_of_another_kecamatan(tksk_kabandungan, tksk_kalapanunggal, login):
    kube = make_kube(tksk_kabandungan, formed_on=add_months(THIS_MONTH, -12))
    pass_t0(tksk_kabandungan, kube, on=add_months(THIS_MONTH, -12))
    assert login(tksk_kalapanunggal).get(reverse("kube:flagged-list")).context["rows"] == []


def test_progress_pages_of_kabandungan_are_404_for_kalapanunggal(tksk_kabandungan, tksk_kalapanunggal, login):
    kube = make_kube(tksk_kabandungan)
    client = login(tksk_kalapanunggal)
    for name in ["kube:report-list", "kube:report-create", "kube:partnership-list", "kube:ewarung"]:
        assert client.get(reverse(name, args=[kube.pk])).status_code == 404, name


def test_a_pengamat_reads_progress_but_cannot_report(tksk_kabandungan, pengamat_sukabumi, login):
    kube = make_kube(tksk_kabandungan)
    client = login(pengamat_sukabumi)
    assert client.get(reverse("kube:report-list", args=[kube.pk])).status_code == 200
    assert client.get(reverse("kube:report-create", args=[kube.pk])).status_code == 403
    assert client.get(reverse("kube:partnership-add", args=[kube.pk])).status_code == 403


def test_a_partnership_through_the_form_with_its_status_changed(tksk_kabandungan, login):
    kube = make_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    data = {
        "partner_name": "BUMDes Cipeuteuy",
        "partner_kind": "bumdes",
        "kind": "bahan_baku",
        "agreement_date": FORMED.isoformat(),
        "status": "dirintis",
    }
    assert client.post(reverse("kube:partnership-add", args=[kube.pk]), data).status_code == 302
    partnership = Partnership.objects.get()
    url = reverse("kube:partnership-update", args=[kube.pk, partnership.pk])
    assert client.post(url, {**data, "status": "aktif", "expected_version": "1"}).status_code == 302
    assert Partnership.objects.get().status == "aktif"
    page = client.get(reverse("kube:partnership-list", args=[kube.pk]))
    assert b'data-status="aktif"' in page.content


def test_the_e_warung_pages_and_a_card_number_refused_beside_its_field(tksk_kabandungan, login):
    kube = make_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    assert client.get(reverse("kube:ewarung-month", args=[kube.pk])).status_code == 404
    refused = client.post(
        reverse("kube:ewarung-open", args=[kube.pk]),
        {"name": "e-Warung Mekar", "bank_agent": "BNI 6013011234567890", "opened_on": FORMED.isoformat()},
    )
    assert refused.status_code == 200 and "bank_agent" in refused.context["form"].errors
    opened = client.post(
        reverse("kube:ewarung-open", args=[kube.pk]),
        {"name": "e-Warung Mekar", "bank_agent": "BNI Agen46", "opened_on": FORMED.isoformat()},
    )
    assert opened.status_code == 302 and EWarung.objects.filter(kube=kube).exists()
    month = client.post(
        reverse("kube:ewarung-month", args=[kube.pk]),
        {"month": "2026-02", "kpm_served": "80", "transactions": "150", "transaction_total": "12000000"},
    )
    assert month.status_code == 302
    stock = client.post(
        reverse("kube:ewarung-stockout-add", args=[kube.pk]),
        {"item": "Telur", "reason": "Pemasok libur", "started_on": "2026-02-03"},
    )
    assert stock.status_code == 302
    outlet = EWarung.objects.get(kube=kube)
    stockout = outlet.stockouts.get()
    ended = client.post(reverse("kube:ewarung-stockout-end", args=[kube.pk, stockout.pk]), {"ended_on": "2026-02-05"})
    assert ended.status_code == 302
    page = client.get(reverse("kube:ewarung", args=[kube.pk]))
    assert page.status_code == 200 and b"Rp12.000.000" in page.content and b"Telur" in page.content
