"""The money pages of a group through the test client: stimulus and berita acara, LPJ with receipts, submission and
verification, the bendahara's cash book (its queries do not grow with the book), corrections, summary and export."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.core.models import AuditEvent
from pendamping.kube.models import CashEntry, Lpj, LpjLine, StimulusTranche
from pendamping.kube.services import groups, money
from pendamping.kube.vocab import CashCategory, CashDirection, LpjState
from tests.kube.helpers import formed_kube

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def kube(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    return groups.kube_update(actor=tksk_kabandungan, kube=kube, bank_name="BRI", bank_account_number="0123456789")


def add_entries(actor, kube, count, start=0):
    for index in range(start, start + count):
        money.cash_entry_add(
            actor=actor,
            kube=kube,
            entry_date=D(2026, 2, 1) + datetime.timedelta(days=index),
            direction=CashDirection.IN if index % 3 else CashDirection.OUT,
            category=CashCategory.PENJUALAN if index % 3 else CashCategory.PEMBELIAN_BAHAN,
            amount=10_000 + index,
            description=f"baris {index}",
        )


def test_every_money_page_opens(kube, tksk_kabandungan, admin_sukabumi, login):
    money.tranche_add(
        actor=admin_sukabumi, kube=kube, amount=1_000_000, transferred_on=D(2026, 3, 1), bank_reference="TRF"
    )
    line = money.lpj_line_add(actor=tksk_kabandungan, kube=kube, spent_on=D(2026, 3, 2), description="Pakan", amount=1)
    add_entries(tksk_kabandungan, kube, 2)
    entry = CashEntry.objects.first()
    pages = [
        ("kube:stimulus", [kube.pk]),
        ("kube:stimulus-print", [kube.pk]),
        ("kube:lpj", [kube.pk]),
        ("kube:lpj-print", [kube.pk]),
        ("kube:lpj-line-remove", [kube.pk, line.pk]),
        ("kube:cashbook", [kube.pk]),
        ("kube:cash-monthly", [kube.pk]),
        ("kube:cash-reverse", [kube.pk, entry.pk]),
    ]
    client = login(tksk_kabandungan)
    for name, args in pages:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    client = login(admin_sukabumi)
    for name, args in [*pages, ("kube:tranche-add", [kube.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_the_berita_acara_lists_the_amount_tranches_members_and_signatories(kube, admin_sukabumi, login):
    money.tranche_add(
        actor=admin_sukabumi, kube=kube, amount=4_000_000, transferred_on=D(2026, 3, 1), bank_reference="TRF-0042"
    )
    content = login(admin_sukabumi).get(reverse("kube:stimulus-print", args=[kube.pk])).content.decode()
    assert "Rp10.000.000" in content and "Rp4.000.000" in content and "TRF-0042" in content
    for member in kube.members.select_related("person"):
        assert member.person.name in content


def test_the_dinas_sosial_records_a_tranche_typed_with_thousand_dots(kube, admin_sukabumi, login):
    client = login(admin_sukabumi)
    url = reverse("kube:tranche-add", args=[kube.pk])
    response = client.post(url, {"amount": "Rp2.500.000", "transferred_on": "2026-03-01", "bank_reference": "TRF-9"})
    assert response.status_code == 302 and response["Location"] == reverse("kube:stimulus", args=[kube.pk])
    assert StimulusTranche.objects.get().amount == 2_500_000


@pytest.mark.parametrize("amount", ["2.500.000,50", "12.5", "dua juta", "-500000", "20000000"])
def test_a_bad_tranche_amount_is_shown_beside_the_field_and_nothing_is_saved(kube, admin_sukabumi, login, amount):
    client = login(admin_sukabumi)
    response = client.post(
        reverse("kube:tranche-add", args=[kube.pk]),
        {"amount": amount, "transferred_on": "2026-03-01", "bank_reference": "TRF-9"},
    )
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    assert not StimulusTranche.objects.exists()


def test_a_tksk_cannot_open_the_tranche_form(kube, tksk_kabandungan, login):
    assert login(tksk_kabandungan).get(reverse("kube:tranche-add", args=[kube.pk])).status_code == 403


def test_the_lpj_flow_through_the_pages_with_a_photo_receipt(
    kube, tksk_kabandungan, admin_sukabumi, login, tmp_path, settings
):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    money.tranche_add(
        actor=admin_sukabumi, kube=kube, amount=3_000_000, transferred_on=D(2026, 3, 1), bank_reference="TRF"
    )
    client = login(tksk_kabandungan)
    buffer = io.BytesIO()
    Image.new("RGB", (50, 40), "white").save(buffer, "PNG")
    photo = SimpleUploadedFile("nota.png", buffer.getvalue(), content_type="image/png")
    url = reverse("kube:lpj", args=[kube.pk])
    response = client.post(
        url, {"spent_on": "2026-03-03", "description": "Bibit domba", "amount": "2.750.000", "receipt": photo}
    )
    assert response.status_code == 302
    line = LpjLine.objects.get()
    assert line.amount == 2_750_000 and line.receipt.content_type == "image/jpeg"
    download = client.get(reverse("kube:attachment-download", args=[kube.pk, line.receipt_id]))
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"

    bad = client.post(
        url,
        {
            "spent_on": "2026-03-03",
            "description": "Palsu",
            "amount": "1000",
            "receipt": SimpleUploadedFile("nota.pdf", b"not a pdf", content_type="application/pdf"),
        },
    )
    assert bad.status_code == 200 and "receipt" in bad.context["form"].errors and LpjLine.objects.count() == 1

    assert client.post(reverse("kube:lpj-submit", args=[kube.pk])).status_code == 302
    assert Lpj.objects.get().state == LpjState.DIAJUKAN
    assert client.get(reverse("kube:lpj-decide", args=[kube.pk])).status_code == 403

    client = login(admin_sukabumi)
    response = client.post(reverse("kube:lpj-decide", args=[kube.pk]), {"verified": "0", "note": ""})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    response = client.post(reverse("kube:lpj-decide", args=[kube.pk]), {"verified": "1", "note": "lengkap"})
    assert response.status_code == 302 and Lpj.objects.get().state == LpjState.DIVERIFIKASI
    printed = client.get(reverse("kube:lpj-print", args=[kube.pk])).content.decode()
    assert "Bibit domba" in printed and "Rp2.750.000" in printed and "Rp3.000.000" in printed


def test_an_lpj_over_what_was_received_stays_unsubmitted_with_both_totals_shown(kube, tksk_kabandungan, login):
    money.lpj_line_add(actor=tksk_kabandungan, kube=kube, spent_on=D(2026, 3, 2), description="Kandang", amount=500)
    client = login(tksk_kabandungan)
    response = client.post(reverse("kube:lpj-submit", args=[kube.pk]), follow=True)
    assert Lpj.objects.get().state == LpjState.BELUM
    shown = [str(m) for m in response.context["messages"]]
    assert any("Rp500" in m and "Rp0" in m for m in shown)


def test_a_line_is_removed_through_its_page(kube, tksk_kabandungan, login):
    line = money.lpj_line_add(actor=tksk_kabandungan, kube=kube, spent_on=D(2026, 3, 2), description="X", amount=5)
    client = login(tksk_kabandungan)
    response = client.post(reverse("kube:lpj-line-remove", args=[kube.pk, line.pk]), {"reason": "dobel"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.removed_at is not None


def test_the_bendahara_adds_an_entry_from_the_quick_form(kube, tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    url = reverse("kube:cashbook", args=[kube.pk])
    response = client.post(
        url,
        {
            "entry_date": "2026-03-05",
            "direction": "in",
            "category": "penjualan",
            "amount": "125.000",
            "description": "Jual 5 kg",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    assert CashEntry.objects.get().amount == 125_000
    page = client.get(url)
    assert page.context["balance"] == 125_000 and b"Rp125.000" in page.content


def test_a_cash_entry_before_the_group_was_formed_is_refused_on_the_page(kube, tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    response = client.post(
        reverse("kube:cashbook", args=[kube.pk]),
        {"entry_date": "2025-12-01", "direction": "out", "category": "upah", "amount": "1000"},
    )
    assert response.status_code == 200 and "entry_date" in response.context["form"].errors
    assert not CashEntry.objects.exists()


def test_an_entry_is_corrected_through_its_page(kube, tksk_kabandungan, login):
    add_entries(tksk_kabandungan, kube, 1)
    wrong = CashEntry.objects.get()
    client = login(tksk_kabandungan)
    url = reverse("kube:cash-reverse", args=[kube.pk, wrong.pk])
    response = client.post(url, {"entry_date": "2026-03-01", "reason": "salah"})
    assert response.status_code == 302
    assert CashEntry.objects.get(reverses=wrong).amount == wrong.amount
    again = client.post(url, {"entry_date": "2026-03-01", "reason": "salah lagi"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert CashEntry.objects.count() == 2


def test_the_cash_book_page_queries_do_not_grow_with_the_number_of_entries(kube, tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    url = reverse("kube:cashbook", args=[kube.pk])
    add_entries(tksk_kabandungan, kube, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_entries(tksk_kabandungan, kube, 40, start=3)
    money.cash_entry_reverse(actor=tksk_kabandungan, entry=CashEntry.objects.first(), reason="salah")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["page"].object_list) == 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_cash_book_export_is_audited_and_holds_the_running_balance(kube, tksk_kabandungan, login):
    from openpyxl import load_workbook

    add_entries(tksk_kabandungan, kube, 4)
    client = login(tksk_kabandungan)
    response = client.get(reverse("kube:cash-export", args=[kube.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    assert [row[6] for row in rows] == [-10_000, 1, 10_003, 0]
    event = AuditEvent.objects.get(action="kube.cashbook.export")
    assert event.changes["rows"]["after"] == 4 and event.area_code == kube.desa_id


def test_the_money_pages_of_kabandungan_are_404_for_the_tksk_of_kalapanunggal(
    kube, tksk_kabandungan, tksk_kalapanunggal, login
):
    add_entries(tksk_kabandungan, kube, 1)
    entry = CashEntry.objects.get()
    client = login(tksk_kalapanunggal)
    for name, args in [
        ("kube:stimulus", [kube.pk]),
        ("kube:stimulus-print", [kube.pk]),
        ("kube:lpj", [kube.pk]),
        ("kube:lpj-print", [kube.pk]),
        ("kube:cashbook", [kube.pk]),
        ("kube:cash-monthly", [kube.pk]),
        ("kube:cash-export", [kube.pk]),
        ("kube:cash-reverse", [kube.pk, entry.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    response = client.post(
        reverse("kube:cashbook", args=[kube.pk]),
        {"entry_date": "2026-03-05", "direction": "in", "category": "penjualan", "amount": "1"},
    )
    assert response.status_code == 404 and CashEntry.objects.count() == 1


def test_a_pengamat_reads_the_cash_book_but_cannot_write_to_it(kube, tksk_kabandungan, pengamat_sukabumi, login):
    add_entries(tksk_kabandungan, kube, 1)
    client = login(pengamat_sukabumi)
    url = reverse("kube:cashbook", args=[kube.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["balance"] == -10_000 and not page.context["can_record"]
    response = client.post(url, {"entry_date": "2026-03-05", "direction": "in", "category": "penjualan", "amount": "1"})
    assert response.status_code == 403 and CashEntry.objects.count() == 1
    assert client.post(reverse("kube:lpj-submit", args=[kube.pk])).status_code == 403
