"""Money of a group through the services: the stimulus and its tranches, the LPJ and its states, the cash book with
its reversing entries, running balance and monthly summary, and who may do what (domain.md 4.4)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.kube.models import Attachment, CashEntry, Lpj, LpjLine, StimulusTranche
from pendamping.kube.selectors import groups as group_selectors
from pendamping.kube.selectors import money as selectors
from pendamping.kube.services import groups, money
from pendamping.kube.vocab import CashCategory, CashDirection, LpjState, Stage
from tests.kube.helpers import FORMED, complete_t1, formed_kube, make_kube, pass_t0

pytestmark = pytest.mark.django_db

D = datetime.date


def with_bank(actor, kube):
    return groups.kube_update(actor=actor, kube=kube, bank_name="BRI", bank_account_number="0123456789")


@pytest.fixture
def kube(tksk_kabandungan):
    """Five active members at Rp2.000.000: Rp10.000.000 due; the bank account recorded."""
    return with_bank(tksk_kabandungan, formed_kube(tksk_kabandungan))


def tranche(actor, kube, amount, on=D(2026, 3, 5), reference="TRF-1"):
    return money.tranche_add(actor=actor, kube=kube, amount=amount, transferred_on=on, bank_reference=reference)


def line(actor, kube, amount, description="Bibit domba", on=D(2026, 3, 10), receipt=None):
    return money.lpj_line_add(
        actor=actor, kube=kube, spent_on=on, description=description, amount=amount, receipt=receipt
    )


def entry(actor, kube, amount, direction=CashDirection.IN, category=CashCategory.PENJUALAN, on=D(2026, 3, 1)):
    return money.cash_entry_add(
        actor=actor, kube=kube, entry_date=on, direction=direction, category=category, amount=amount
    )


def pdf(name="kuitansi.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


# -- stimulus -----------------------------------------------------------------------------------------------------


def test_the_amount_due_is_the_rate_per_member_times_the_active_members(kube, tksk_kabandungan):
    stimulus = selectors.kube_stimulus(kube=kube)
    assert (stimulus.per_member, stimulus.members, stimulus.due, stimulus.received) == (2_000_000, 5, 10_000_000, 0)
    member = kube.members.filter(role="anggota").first()
    groups.kube_member_leave(actor=tksk_kabandungan, member=member, left_on=D(2026, 2, 1), leave_reason="pindah")
    assert money.stimulus_due(kube) == 8_000_000


def test_the_dinas_sosial_records_numbered_tranches_and_each_is_audited(kube, admin_sukabumi):
    first = tranche(admin_sukabumi, kube, 6_000_000)
    second = tranche(admin_sukabumi, kube, 4_000_000, reference="TRF-2")
    assert (first.number, second.number) == (1, 2)
    assert selectors.kube_stimulus(kube=kube).received == 10_000_000
    event = AuditEvent.objects.get(action="kube.tranche_add", object_id=str(second.pk))
    assert event.changes["amount"]["after"] == 4_000_000 and event.area_code == kube.desa_id
    assert event.actor_username == "admin.sukabumi"


def test_tranches_may_not_exceed_the_amount_due_and_the_refusal_names_both_figures(kube, admin_sukabumi):
    tranche(admin_sukabumi, kube, 6_000_000)
    with pytest.raises(ValidationError) as caught:
        tranche(admin_sukabumi, kube, 5_000_000)
    message = caught.value.message_dict["amount"][0]
    assert "Rp11.000.000" in message and "Rp10.000.000" in message and "Rp4.000.000" in message
    assert StimulusTranche.objects.filter(kube=kube).count() == 1


def test_a_tranche_needs_the_groups_bank_account(tksk_kabandungan, admin_sukabumi):
    kube = formed_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        tranche(admin_sukabumi, kube, 1_000_000)
    assert caught.value.code == "no_bank_account"
    assert not StimulusTranche.objects.exists()


@pytest.mark.parametrize("amount", [-500_000, 0, 1_000_000.5, "1000000", None, True])
def test_a_negative_zero_or_non_integer_tranche_is_refused_naming_the_amount(kube, admin_sukabumi, amount):
    with pytest.raises(ValidationError) as caught:
        tranche(admin_sukabumi, kube, amount)
    assert "amount" in caught.value.message_dict
    assert not StimulusTranche.objects.exists() and not AuditEvent.objects.filter(action="kube.tranche_add").exists()


def test_a_tranche_needs_a_date_in_the_groups_life_and_a_bank_reference(kube, admin_sukabumi):
    with pytest.raises(ValidationError) as caught:
        tranche(admin_sukabumi, kube, 1_000_000, on=FORMED - datetime.timedelta(days=1))
    assert "transferred_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        tranche(admin_sukabumi, kube, 1_000_000, reference="  ")
    assert "bank_reference" in caught.value.message_dict


def test_only_the_dinas_sosial_records_tranches(kube, tksk_kabandungan, pengamat_sukabumi, tksk_kalapanunggal):
    for actor in (tksk_kabandungan, pengamat_sukabumi, tksk_kalapanunggal):
        with pytest.raises(NotAllowed):
            tranche(actor, kube, 1_000_000)
    assert not StimulusTranche.objects.exists()


# -- LPJ ----------------------------------------------------------------------------------------------------------


def test_the_lpj_is_made_on_its_first_line_with_a_pdf_receipt(kube, tksk_kabandungan, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    assert selectors.kube_lpj(kube=kube).lpj is None
    added = line(tksk_kabandungan, kube, 2_500_000, receipt=pdf())
    assert added.lpj.state == LpjState.BELUM and added.receipt.content_type == "application/pdf"
    assert added.receipt.original_name == "kuitansi.pdf" and added.receipt.kube == kube
    view = selectors.kube_lpj(kube=kube)
    assert (view.spent, view.received, [x.pk for x in view.lines]) == (2_500_000, 0, [added.pk])
    assert AuditEvent.objects.filter(action="kube.lpj_line_add", object_id=str(added.pk)).exists()


def test_a_receipt_that_is_no_photo_or_pdf_or_too_big_is_refused_and_nothing_is_saved(
    kube, tksk_kabandungan, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("nota.jpg", b"MZ\x90\x00 an exe", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        line(tksk_kabandungan, kube, 100_000, receipt=fake)
    assert "nota.jpg" in caught.value.message_dict["receipt"][0]
    assert caught.value.error_dict["receipt"][0].code == "bad_type"
    settings.PENDAMPING = {**settings.PENDAMPING, "KUBE_ATTACHMENT_MAX_BYTES": 1000}
    with pytest.raises(ValidationError) as caught:
        line(tksk_kabandungan, kube, 100_000, receipt=pdf("besar.pdf", size=2000))
    assert "besar.pdf" in caught.value.message_dict["receipt"][0]
    assert caught.value.error_dict["receipt"][0].code == "too_big"
    assert not LpjLine.objects.exists() and not Attachment.objects.exists() and not Lpj.objects.exists()


@pytest.mark.parametrize("amount", [-1, 0, 99.9])
def test_an_lpj_line_with_a_bad_amount_is_refused(kube, tksk_kabandungan, amount):
    with pytest.raises(ValidationError) as caught:
        line(tksk_kabandungan, kube, amount)
    assert "amount" in caught.value.message_dict and not LpjLine.objects.exists()


def test_an_lpj_line_dated_before_the_group_was_formed_is_refused(kube, tksk_kabandungan):
    with pytest.raises(ValidationError) as caught:
        line(tksk_kabandungan, kube, 100_000, on=D(2025, 12, 31))
    assert "spent_on" in caught.value.message_dict


def test_an_lpj_without_lines_cannot_be_submitted(kube, tksk_kabandungan):
    with pytest.raises(ValidationError) as caught:
        money.lpj_submit(actor=tksk_kabandungan, kube=kube)
    assert caught.value.code == "no_lines"


def test_an_lpj_spending_more_than_was_received_is_refused_naming_both_totals(kube, tksk_kabandungan, admin_sukabumi):
    tranche(admin_sukabumi, kube, 5_000_000)
    line(tksk_kabandungan, kube, 3_000_000)
    line(tksk_kabandungan, kube, 2_500_000, description="Kandang")
    with pytest.raises(ValidationError) as caught:
        money.lpj_submit(actor=tksk_kabandungan, kube=kube)
    assert caught.value.code == "over_received"
    assert "Rp5.500.000" in caught.value.messages[0] and "Rp5.000.000" in caught.value.messages[0]
    assert Lpj.objects.get(kube=kube).state == LpjState.BELUM


def test_the_lpj_goes_through_submission_return_correction_and_verification(kube, tksk_kabandungan, admin_sukabumi):
    tranche(admin_sukabumi, kube, 10_000_000)
    wrong = line(tksk_kabandungan, kube, 4_000_000, description="Salah catat")
    line(tksk_kabandungan, kube, 6_000_000)
    lpj = money.lpj_submit(actor=tksk_kabandungan, kube=kube)
    assert lpj.state == LpjState.DIAJUKAN and lpj.submitted_by == tksk_kabandungan and lpj.submitted_at

    # while submitted, lines neither come nor go
    with pytest.raises(ValidationError) as caught:
        line(tksk_kabandungan, kube, 1_000)
    assert caught.value.code == "lpj_locked"
    with pytest.raises(ValidationError) as caught:
        money.lpj_line_remove(actor=tksk_kabandungan, line=wrong)
    assert caught.value.code == "lpj_locked"

    # only the Dinas Sosial decides, and a return needs its note
    with pytest.raises(NotAllowed):
        money.lpj_decide(actor=tksk_kabandungan, kube=kube, verified=True)
    with pytest.raises(ValidationError) as caught:
        money.lpj_decide(actor=admin_sukabumi, kube=kube, verified=False, note=" ")
    assert "note" in caught.value.message_dict
    lpj = money.lpj_decide(actor=admin_sukabumi, kube=kube, verified=False, note="Nota 4 juta tidak sah")
    assert (lpj.state, lpj.decided_by, lpj.decision_note) == (
        LpjState.DIKEMBALIKAN,
        admin_sukabumi,
        "Nota 4 juta tidak sah",
    )

    # returned: corrected and submitted again
    removed = money.lpj_line_remove(actor=tksk_kabandungan, line=wrong, reason="salah catat")
    assert removed.removed_at is not None and LpjLine.objects.filter(pk=wrong.pk).exists()
    assert selectors.kube_lpj(kube=kube).spent == 6_000_000
    with pytest.raises(ValidationError) as caught:
        money.lpj_line_remove(actor=tksk_kabandungan, line=removed)
    assert caught.value.code == "removed"
    assert money.lpj_submit(actor=tksk_kabandungan, kube=kube).state == LpjState.DIAJUKAN
    lpj = money.lpj_decide(actor=admin_sukabumi, kube=kube, verified=True)
    assert lpj.state == LpjState.DIVERIFIKASI
    with pytest.raises(ValidationError) as caught:
        money.lpj_decide(actor=admin_sukabumi, kube=kube, verified=False, note="lagi")
    assert caught.value.code == "not_submitted"
    with pytest.raises(ValidationError) as caught:
        money.lpj_submit(actor=tksk_kabandungan, kube=kube)
    assert caught.value.code == "lpj_locked"
    actions = list(
        AuditEvent.objects.filter(action__in=["kube.lpj_submit", "kube.lpj_decide"])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["kube.lpj_submit", "kube.lpj_decide", "kube.lpj_submit", "kube.lpj_decide"]


def test_an_lpj_not_submitted_cannot_be_decided(kube, admin_sukabumi):
    with pytest.raises(ValidationError) as caught:
        money.lpj_decide(actor=admin_sukabumi, kube=kube, verified=True)
    assert caught.value.code == "not_submitted"


def test_a_verified_lpj_opens_stage_t2(tksk_kabandungan, admin_sukabumi):
    kube = complete_t1(tksk_kabandungan, pass_t0(tksk_kabandungan, formed_kube(tksk_kabandungan)))
    with pytest.raises(ValidationError):
        groups.stage_advance(actor=tksk_kabandungan, kube=kube, on=D(2026, 5, 1))
    tranche(admin_sukabumi, kube, 10_000_000, on=D(2026, 3, 5))
    line(tksk_kabandungan, kube, 9_500_000)
    money.lpj_submit(actor=tksk_kabandungan, kube=kube)
    money.lpj_decide(actor=admin_sukabumi, kube=kube, verified=True)
    assert groups.stage_advance(actor=tksk_kabandungan, kube=kube, on=D(2026, 5, 1)).stage == Stage.T2


def test_lpj_writes_are_scoped(kube, tksk_kalapanunggal, pengamat_sukabumi):
    for actor in (tksk_kalapanunggal, pengamat_sukabumi):
        with pytest.raises(NotAllowed):
            line(actor, kube, 100_000)
        with pytest.raises(NotAllowed):
            money.lpj_submit(actor=actor, kube=kube)
    assert not Lpj.objects.exists()


# -- cash book ----------------------------------------------------------------------------------------------------


def test_the_running_balance_follows_the_dates_whatever_the_order_of_entry(kube, tksk_kabandungan):
    entry(tksk_kabandungan, kube, 500_000, on=D(2026, 3, 10))
    entry(tksk_kabandungan, kube, 2_000_000, category=CashCategory.MODAL_BANTUAN, on=D(2026, 3, 1))
    entry(tksk_kabandungan, kube, 300_000, CashDirection.OUT, CashCategory.PEMBELIAN_BAHAN, on=D(2026, 3, 5))
    rows = [(e.entry_date, e.balance) for e in selectors.cash_entries(kube=kube)]
    assert rows == [(D(2026, 3, 10), 2_200_000), (D(2026, 3, 5), 1_700_000), (D(2026, 3, 1), 2_000_000)]
    assert selectors.cash_balance(kube=kube) == 2_200_000
    assert selectors.cash_balance(kube=kube, until=D(2026, 3, 6)) == 1_700_000
    # the latest entries alone still carry the balance of the whole book
    assert [e.balance for e in selectors.cash_entries(kube=kube)[:1]] == [2_200_000]


def test_an_empty_cash_book_has_a_zero_balance(kube):
    assert selectors.cash_balance(kube=kube) == 0 and selectors.cash_monthly(kube=kube) == []


def test_a_cash_entry_is_audited(kube, tksk_kabandungan):
    added = entry(tksk_kabandungan, kube, 75_000)
    event = AuditEvent.objects.get(action="kube.cash_add", object_id=str(added.pk))
    assert event.changes["amount"]["after"] == 75_000 and event.changes["direction"]["after"] == "in"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": -50_000}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": 12_500.5}, "amount"),
        ({"amount": "50000"}, "amount"),
        ({"on": D(2026, 1, 14)}, "entry_date"),
        ({"on": D(2099, 1, 1)}, "entry_date"),
        ({"direction": "sideways"}, "direction"),
        ({"category": "judi"}, "category"),
    ],
)
def test_a_bad_cash_entry_is_refused_naming_the_field_and_nothing_is_saved(kube, tksk_kabandungan, values, field):
    arguments = {"amount": 50_000, **values}
    with pytest.raises(ValidationError) as caught:
        entry(tksk_kabandungan, kube, **arguments)
    assert field in caught.value.message_dict
    assert not CashEntry.objects.exists() and not AuditEvent.objects.filter(action="kube.cash_add").exists()


def test_a_mistake_is_corrected_by_a_reversing_entry_only_once(kube, tksk_kabandungan):
    entry(tksk_kabandungan, kube, 1_000_000, category=CashCategory.MODAL_BANTUAN)
    wrong = entry(tksk_kabandungan, kube, 450_000, CashDirection.OUT, CashCategory.UPAH, on=D(2026, 3, 2))
    reversal = money.cash_entry_reverse(
        actor=tksk_kabandungan, entry=wrong, reason="dicatat dua kali", entry_date=D(2026, 3, 3)
    )
    assert (reversal.direction, reversal.category, reversal.amount, reversal.reverses) == (
        CashDirection.IN,
        CashCategory.UPAH,
        450_000,
        wrong,
    )
    assert selectors.cash_balance(kube=kube) == 1_000_000
    wrong.refresh_from_db()
    assert wrong.amount == 450_000 and wrong.direction == CashDirection.OUT  # the mistake stays as written
    assert [e.is_reversed for e in selectors.cash_entries(kube=kube)] == [False, True, False]
    event = AuditEvent.objects.get(action="kube.cash_reverse", object_id=str(reversal.pk))
    assert event.reason == "dicatat dua kali" and event.changes["reverses"]["after"] == wrong.pk

    with pytest.raises(ValidationError) as caught:
        money.cash_entry_reverse(actor=tksk_kabandungan, entry=wrong, reason="lagi")
    assert caught.value.code == "already_reversed"
    with pytest.raises(ValidationError) as caught:
        money.cash_entry_reverse(actor=tksk_kabandungan, entry=reversal, reason="batal koreksi")
    assert caught.value.code == "is_reversal"
    assert CashEntry.objects.count() == 3


def test_a_reversal_needs_a_reason_and_a_date_not_before_the_entry(kube, tksk_kabandungan):
    wrong = entry(tksk_kabandungan, kube, 10_000, on=D(2026, 3, 5))
    with pytest.raises(ValidationError) as caught:
        money.cash_entry_reverse(actor=tksk_kabandungan, entry=wrong, reason=" ")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        money.cash_entry_reverse(actor=tksk_kabandungan, entry=wrong, reason="salah", entry_date=D(2026, 3, 4))
    assert "entry_date" in caught.value.message_dict
    assert CashEntry.objects.count() == 1


def test_the_monthly_summary_gives_in_out_categories_and_closing_balance(kube, tksk_kabandungan):
    entry(tksk_kabandungan, kube, 2_000_000, category=CashCategory.MODAL_BANTUAN, on=D(2026, 2, 3))
    entry(tksk_kabandungan, kube, 800_000, CashDirection.OUT, CashCategory.PEMBELIAN_BAHAN, on=D(2026, 2, 10))
    entry(tksk_kabandungan, kube, 600_000, on=D(2026, 3, 4))
    entry(tksk_kabandungan, kube, 50_000, CashDirection.OUT, CashCategory.IKS, on=D(2026, 3, 20))
    wrong = entry(tksk_kabandungan, kube, 99_000, CashDirection.OUT, CashCategory.UPAH, on=D(2026, 3, 21))
    money.cash_entry_reverse(actor=tksk_kabandungan, entry=wrong, reason="salah", entry_date=D(2026, 3, 22))
    february, march = selectors.cash_monthly(kube=kube)
    assert (february.month, february.money_in, february.money_out, february.closing) == (
        D(2026, 2, 1),
        2_000_000,
        800_000,
        1_200_000,
    )
    assert (march.month, march.money_in, march.money_out, march.closing) == (D(2026, 3, 1), 600_000, 50_000, 1_750_000)
    assert {code: (i, o) for code, _label, i, o in march.category_rows()} == {
        "penjualan": (600_000, 0),
        "iks": (0, 50_000),
        "upah": (0, 0),
    }
    assert march.closing == selectors.cash_balance(kube=kube)


def test_cash_book_writes_and_reads_are_scoped(kube, tksk_kabandungan, tksk_kalapanunggal, pengamat_sukabumi):
    added = entry(tksk_kabandungan, kube, 10_000)
    for actor in (tksk_kalapanunggal, pengamat_sukabumi):
        with pytest.raises(NotAllowed):
            entry(actor, kube, 10_000)
        with pytest.raises(NotAllowed):
            money.cash_entry_reverse(actor=actor, entry=added, reason="x")
    with pytest.raises(Http404):
        group_selectors.kube_get(actor=tksk_kalapanunggal, pk=kube.pk)
    assert group_selectors.kube_get(actor=pengamat_sukabumi, pk=kube.pk) == kube
    assert CashEntry.objects.count() == 1


def test_an_entry_of_another_group_is_not_found_through_this_group(kube, tksk_kabandungan):
    other = make_kube(tksk_kabandungan, name="KUBE Lain")
    foreign = entry(tksk_kabandungan, other, 10_000)
    with pytest.raises(Http404):
        selectors.cash_entry_get(kube=kube, pk=foreign.pk)


def test_the_stimulus_due_is_fixed_by_the_members_on_the_day_of_the_first_tranche(tksk_kabandungan, admin_sukabumi):
    import datetime as dt

    from pendamping.kube.services import groups as group_services
    from pendamping.kube.services.money import stimulus_due, tranche_add
    from tests.kube.helpers import eligible_people, formed_kube

    kube = formed_kube(tksk_kabandungan)
    kube = group_services.kube_update(actor=tksk_kabandungan, kube=kube, bank_name="BRI", bank_account_number="123")
    assert stimulus_due(kube) == 5 * kube.stimulus_per_member
    tranche_add(
        actor=admin_sukabumi, kube=kube, amount=1_000_000, transferred_on=dt.date(2026, 3, 1), bank_reference="a"
    )
    [late] = eligible_people(tksk_kabandungan, 1, first_serial=90)
    group_services.kube_member_add(actor=tksk_kabandungan, kube=kube, person=late, joined_on=dt.date(2026, 4, 1))
    assert stimulus_due(kube) == 5 * kube.stimulus_per_member
