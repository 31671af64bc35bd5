"""Monthly progress reports with their typology, flags, partnerships and the e-Warung, through the services
(domain.md 4.4)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.kube.models import CashEntry, EWarungMonth, Partnership, ProgressReport, StimulusTranche
from pendamping.kube.selectors import progress as selectors
from pendamping.kube.services import groups
from pendamping.kube.services import progress as services
from pendamping.kube.typology import add_months
from pendamping.kube.vocab import ASSESSED_INDICATORS
from tests.kube.helpers import FORMED, formed_kube, make_kube, pass_t0

pytestmark = pytest.mark.django_db

THIS_MONTH = timezone.localdate().replace(day=1)


def submit(actor, kube, month, **values):
    data = {
        "omzet": 3_000_000,
        "profit": 500_000,
        "capital": 2_000_000,
        "iks_collected": 50_000,
        "iks_used": 0,
        "active_members": 5,
        "business_status": "aktif",
        "assessed": [],
    }
    data.update(values)
    return services.progress_report_submit(actor=actor, kube=kube, month=month, **data)


def old_kube(actor, **values):
    """A formed group whose formation lies a year back, so that months of reports fit."""
    return formed_kube(actor, formed_on=add_months(THIS_MONTH, -12), **values)


def test_a_report_is_stored_with_its_typology_and_audited(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    report = submit(tksk_kabandungan, kube, datetime.date(2026, 2, 17))
    assert report.month == datetime.date(2026, 2, 1) and report.version == 1
    assert report.typology == "belum_tumbuh"
    assert set(report.indicators) == {i for i in report.indicators} and len(report.indicators) == 16
    assert report.indicators["pengurus_lengkap"] == {
        "met": True,
        "computed": True,
        "why": report.indicators["pengurus_lengkap"]["why"],
    }
    assert report.indicators["ada_pendamping"]["met"] is False
    event = AuditEvent.objects.get(action="kube.progress.submit", object_id=str(report.pk))
    assert event.changes["omzet"]["after"] == 3_000_000 and event.area_code == kube.desa_id


def test_a_group_with_every_tumbuh_indicator_is_tumbuh(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    groups.kube_update(actor=tksk_kabandungan, kube=kube, pendamping=tksk_kabandungan)
    StimulusTranche.objects.create(
        kube=kube, number=1, amount=10_000_000, transferred_on=datetime.date(2026, 2, 5), bank_reference="TRX1"
    )
    assessed = ["anggota_terlatih", "papan_nama", "kegiatan_dimulai"]
    report = submit(tksk_kabandungan, kube, datetime.date(2026, 2, 1), assessed=assessed)
    assert report.typology == "tumbuh"
    assert all(report.indicators[code]["met"] for code in ["ada_pendamping", "stimulan_diterima", *assessed])


def test_one_report_per_month_a_second_submission_is_refused_naming_the_month(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    submit(tksk_kabandungan, kube, datetime.date(2026, 2, 1))
    with pytest.raises(ValidationError) as caught:
        submit(tksk_kabandungan, kube, datetime.date(2026, 2, 20), omzet=1)
    assert "month" in caught.value.message_dict
    assert ProgressReport.objects.get().omzet == 3_000_000


def test_changing_a_report_needs_the_version_read_and_a_stale_save_is_refused(tksk_kabandungan, fasilitator_cipeuteuy):
    kube = formed_kube(tksk_kabandungan)
    report = submit(tksk_kabandungan, kube, datetime.date(2026, 2, 1))
    changed = submit(fasilitator_cipeuteuy, kube, report.month, omzet=4_000_000, expected_version=1)
    assert changed.version == 2 and changed.omzet == 4_000_000
    assert changed.submitted_at == report.submitted_at
    with pytest.raises(ValidationError) as caught:
        submit(tksk_kabandungan, kube, report.month, omzet=1, expected_version=1)
    assert caught.value.code == "stale"
    assert ProgressReport.objects.get().omzet == 4_000_000
    event = AuditEvent.objects.get(action="kube.progress.update")
    assert event.changes["omzet"] == {"before": 3_000_000, "after": 4_000_000}


def test_bad_amounts_and_months_are_refused_naming_each_field(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        submit(
            tksk_kabandungan,
            kube,
            datetime.date(2025, 12, 1),
            omzet=-1,
            capital=1.5,
            iks_collected="10",
            iks_used=-5,
            active_members=21,
            business_status="tutup",
            assessed=["ada_pendamping"],
        )
    assert set(caught.value.message_dict) == {
        "month",
        "omzet",
        "capital",
        "iks_collected",
        "iks_used",
        "active_members",
        "business_status",
        "assessed",
    }
    with pytest.raises(ValidationError) as future:
        submit(tksk_kabandungan, kube, add_months(THIS_MONTH, 1))
    assert "month" in future.value.message_dict
    assert not ProgressReport.objects.exists()


def test_a_loss_is_a_negative_profit(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    assert submit(tksk_kabandungan, kube, FORMED, profit=-250_000).profit == -250_000


def test_the_formation_month_itself_may_be_reported(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    assert submit(tksk_kabandungan, kube, FORMED.replace(day=1)).month == datetime.date(2026, 1, 1)


def test_only_assessed_indicators_are_stored_as_assessed(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    report = submit(tksk_kabandungan, kube, FORMED, assessed=list(reversed(ASSESSED_INDICATORS)))
    assert report.assessed == ASSESSED_INDICATORS


def test_a_card_number_in_the_evidence_is_refused(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        submit(tksk_kabandungan, kube, FORMED, evidence="kartu 6013 0112 3456 7890")
    assert "evidence" in caught.value.message_dict


def test_reports_are_scoped_to_the_kecamatan(tksk_kabandungan, tksk_kalapanunggal, pengamat_sukabumi):
    kube = formed_kube(tksk_kabandungan)
    with pytest.raises(NotAllowed):
        submit(tksk_kalapanunggal, kube, FORMED)
    with pytest.raises(NotAllowed):
        submit(pengamat_sukabumi, kube, FORMED)


def test_three_months_of_books_and_timely_reports_make_the_computed_berkembang_and_maju_indicators(
    tksk_kabandungan,
):
    kube = old_kube(tksk_kabandungan)
    months = [add_months(THIS_MONTH, -3 + i) for i in range(3)]
    for month in months:
        CashEntry.objects.create(kube=kube, entry_date=month, direction="in", category="penjualan", amount=100_000)
    CashEntry.objects.create(kube=kube, entry_date=months[-1], direction="in", category="iks", amount=10_000)
    CashEntry.objects.create(kube=kube, entry_date=months[-1], direction="out", category="tabungan", amount=20_000)
    for i, month in enumerate(months):
        report = submit(tksk_kabandungan, kube, month, profit=100_000 * (i + 1), capital=1_000_000 * (i + 1))
    # submitted today: on time only for a month whose due day has not passed; the figures and books hold anyway
    for code in ["berjalan_sesuai_struktur", "keuntungan_dibagi", "laba_modal_tumbuh"]:
        assert report.indicators[code]["met"], code
    assert report.indicators["iks_digunakan"]["met"] is False
    assert report.indicators["kemitraan_aktif"]["met"] is False


def test_a_reversed_cash_entry_does_not_keep_the_book(tksk_kabandungan):
    kube = old_kube(tksk_kabandungan)
    months = [add_months(THIS_MONTH, -3 + i) for i in range(3)]
    entries = [
        CashEntry.objects.create(kube=kube, entry_date=m, direction="in", category="penjualan", amount=100)
        for m in months
    ]
    CashEntry.objects.create(
        kube=kube, entry_date=months[1], direction="out", category="penjualan", amount=100, reverses=entries[1]
    )
    report = submit(tksk_kabandungan, kube, months[-1])
    assert report.indicators["berjalan_sesuai_struktur"]["met"] is False


def test_changing_a_month_recomputes_the_typology_of_the_next_reports(tksk_kabandungan):
    kube = old_kube(tksk_kabandungan)
    months = [add_months(THIS_MONTH, -3 + i) for i in range(3)]
    for i, month in enumerate(months):
        submit(tksk_kabandungan, kube, month, profit=100 * (i + 1), capital=1000 * (i + 1))
    latest = ProgressReport.objects.get(kube=kube, month=months[-1])
    assert latest.indicators["laba_modal_tumbuh"]["met"]
    submit(tksk_kabandungan, kube, months[1], profit=5000, capital=2000, expected_version=1)
    latest.refresh_from_db()
    assert latest.indicators["laba_modal_tumbuh"]["met"] is False
    assert AuditEvent.objects.filter(action="kube.progress.recompute", object_id=str(latest.pk)).exists()


def test_the_gate_to_t3_reads_the_typology_of_the_latest_report(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    submit(tksk_kabandungan, kube, FORMED)
    assert any("berkembang" in message for message in groups.gate_unmet(kube, "T3"))


# -- flags --------------------------------------------------------------------------------------------------------


def past_t0(actor, *, members: bool = True, **values):
    kube = old_kube(actor, **values) if members else make_kube(actor, formed_on=add_months(THIS_MONTH, -12), **values)
    return pass_t0(actor, kube, on=add_months(THIS_MONTH, -12))


def test_a_group_past_t0_without_reports_for_two_months_is_flagged(tksk_kabandungan):
    kube = past_t0(tksk_kabandungan)
    assert selectors.kube_flags(kube=kube) == ["no_report"]
    submit(tksk_kabandungan, kube, add_months(THIS_MONTH, -2))
    assert selectors.kube_flags(kube=kube) == []
    today = timezone.localdate()
    assert selectors.kube_flags(kube=kube, today=add_months(today, 1)) == ["no_report"]


def test_a_group_still_in_t0_or_just_past_it_is_not_flagged_for_missing_reports(tksk_kabandungan):
    kube = old_kube(tksk_kabandungan)
    assert selectors.kube_flags(kube=kube) == []
    pass_t0(tksk_kabandungan, kube, on=add_months(THIS_MONTH, -1))
    assert selectors.kube_flags(kube=kube) == []
    assert selectors.kube_flags(kube=kube, today=add_months(THIS_MONTH, 1)) == ["no_report"]


def test_omzet_falling_in_three_consecutive_reports_is_flagged(tksk_kabandungan):
    kube = past_t0(tksk_kabandungan)
    months = [add_months(THIS_MONTH, -4 + i) for i in range(4)]
    for month, omzet in zip(months, [400, 300, 200, 250], strict=True):
        submit(tksk_kabandungan, kube, month, omzet=omzet)
    assert selectors.kube_flags(kube=kube) == []
    report = ProgressReport.objects.get(kube=kube, month=months[-1])
    submit(tksk_kabandungan, kube, months[-1], omzet=100, expected_version=report.version)
    assert selectors.kube_flags(kube=kube) == ["falling_omzet"]


def test_flagged_groups_lists_only_the_flagged_groups_of_the_users_areas(tksk_kabandungan, tksk_kalapanunggal):
    quiet = past_t0(tksk_kabandungan, members=False, name="KUBE Rajin")
    submit(tksk_kabandungan, quiet, add_months(THIS_MONTH, -1))
    silent = past_t0(tksk_kabandungan, members=False, name="KUBE Diam")
    rows = selectors.flagged_groups(actor=tksk_kabandungan)
    assert [(row.kube.pk, row.flags) for row in rows] == [(silent.pk, ["no_report"])]
    assert selectors.flagged_groups(actor=tksk_kalapanunggal) == []
    assert selectors.flagged_groups(actor=tksk_kabandungan, area="32.02.18") == []


# -- partnerships -------------------------------------------------------------------------------------------------


PDF = b"%PDF-1.4\n%test\n"


def add_partnership(actor, kube, **values):
    data = {
        "partner_name": "Koperasi Sauyunan",
        "partner_kind": "koperasi",
        "kind": "pemasaran",
        "agreement_date": FORMED,
    }
    data.update(values)
    return services.partnership_add(actor=actor, kube=kube, **data)


def test_a_partnership_with_its_document_and_its_status_changes_audited(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    document = SimpleUploadedFile("mou.pdf", PDF, content_type="application/pdf")
    partnership = add_partnership(tksk_kabandungan, kube, document=document)
    assert partnership.status == "dirintis" and partnership.document.content_type == "application/pdf"
    updated = services.partnership_update(
        actor=tksk_kabandungan, partnership=partnership, status="aktif", expected_version=1
    )
    assert updated.status == "aktif" and updated.version == 2
    event = AuditEvent.objects.get(action="kube.partnership.update")
    assert event.changes["status"] == {"before": "dirintis", "after": "aktif"}
    with pytest.raises(ValidationError) as caught:
        services.partnership_update(
            actor=tksk_kabandungan, partnership=partnership, status="berakhir", expected_version=1
        )
    assert caught.value.code == "stale"


def test_an_active_economic_partnership_makes_kemitraan_aktif(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    add_partnership(tksk_kabandungan, kube, status="aktif")
    assert submit(tksk_kabandungan, kube, FORMED).indicators["kemitraan_aktif"]["met"] is True


def test_bad_partnership_fields_are_named(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        add_partnership(
            tksk_kabandungan,
            kube,
            partner_name=" ",
            partner_kind="warung",
            kind="x",
            status="y",
            agreement_date=datetime.date(2025, 1, 1),
        )
    assert set(caught.value.message_dict) == {"partner_name", "partner_kind", "kind", "status", "agreement_date"}
    with pytest.raises(ValidationError) as bad_file:
        add_partnership(tksk_kabandungan, kube, document=SimpleUploadedFile("mou.pdf", b"MZ not a pdf"))
    assert "files" in bad_file.value.message_dict
    assert not Partnership.objects.exists()


def test_partnerships_need_kube_manage(tksk_kabandungan, fasilitator_cipeuteuy):
    kube = formed_kube(tksk_kabandungan)
    with pytest.raises(NotAllowed):
        add_partnership(fasilitator_cipeuteuy, kube)


# -- e-Warung -----------------------------------------------------------------------------------------------------


def open_ewarung(actor, kube, **values):
    data = {
        "name": "e-Warung Mekar",
        "bank_agent": "BNI, Agen46 Bu Entin",
        "opened_on": FORMED,
        "address": "Kp. Cipeuteuy",
    }
    data.update(values)
    return services.ewarung_open(actor=actor, kube=kube, **data)


def test_one_e_warung_per_group(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    open_ewarung(tksk_kabandungan, kube)
    with pytest.raises(ValidationError) as caught:
        open_ewarung(tksk_kabandungan, kube, name="Kedua")
    assert "name" in caught.value.message_dict


def test_monthly_figures_are_one_row_per_month_and_a_change_is_audited(tksk_kabandungan, fasilitator_cipeuteuy):
    kube = formed_kube(tksk_kabandungan)
    outlet = open_ewarung(tksk_kabandungan, kube)
    values = {"kpm_served": 120, "transactions": 300, "transaction_total": 45_000_000}
    services.ewarung_month_record(
        actor=fasilitator_cipeuteuy, ewarung=outlet, month=datetime.date(2026, 2, 9), **values
    )
    values["kpm_served"] = 125
    row = services.ewarung_month_record(
        actor=fasilitator_cipeuteuy, ewarung=outlet, month=datetime.date(2026, 2, 1), **values
    )
    assert EWarungMonth.objects.count() == 1 and row.kpm_served == 125
    event = AuditEvent.objects.filter(action="kube.ewarung.month").order_by("-pk").first()
    assert event.changes == {"kpm_served": {"before": 120, "after": 125}}
    with pytest.raises(ValidationError) as caught:
        services.ewarung_month_record(
            actor=fasilitator_cipeuteuy,
            ewarung=outlet,
            month=datetime.date(2025, 12, 1),
            kpm_served=-1,
            transactions=1,
            transaction_total=-3,
        )
    assert set(caught.value.message_dict) == {"month", "kpm_served", "transaction_total"}


def test_stock_outs_with_reasons_and_their_end(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    outlet = open_ewarung(tksk_kabandungan, kube)
    stockout = services.ewarung_stockout_add(
        actor=tksk_kabandungan, ewarung=outlet, item="Beras", reason="Pasokan Bulog terlambat", started_on=FORMED
    )
    with pytest.raises(ValidationError) as early:
        services.ewarung_stockout_end(
            actor=tksk_kabandungan, stockout=stockout, ended_on=FORMED - datetime.timedelta(1)
        )
    assert "ended_on" in early.value.message_dict
    ended = services.ewarung_stockout_end(
        actor=tksk_kabandungan, stockout=stockout, ended_on=datetime.date(2026, 1, 20)
    )
    assert ended.ended_on == datetime.date(2026, 1, 20)
    with pytest.raises(ValidationError):
        services.ewarung_stockout_end(actor=tksk_kabandungan, stockout=stockout, ended_on=datetime.date(2026, 1, 21))


@pytest.mark.parametrize("text", ["6013011234567890", "6013 0112 3456 7890", "kartu 6013-0112-3456-7890 milik KPM"])
def test_a_card_number_in_any_e_warung_text_is_refused(tksk_kabandungan, text):
    kube = formed_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        open_ewarung(tksk_kabandungan, kube, address=text)
    assert caught.value.message_dict.keys() == {"address"}
    outlet = open_ewarung(tksk_kabandungan, kube)
    with pytest.raises(ValidationError) as stock:
        services.ewarung_stockout_add(
            actor=tksk_kabandungan, ewarung=outlet, item="Beras", reason=text, started_on=FORMED
        )
    assert stock.value.message_dict.keys() == {"reason"}
    with pytest.raises(ValidationError):
        add_partnership(tksk_kabandungan, kube, notes=text)


def test_a_shorter_number_such_as_a_phone_number_is_accepted(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    assert open_ewarung(tksk_kabandungan, kube, address="Kp. Cipeuteuy RT 02, HP 081234567890").pk


def test_e_warung_writes_are_scoped(tksk_kabandungan, tksk_kalapanunggal, fasilitator_cipeuteuy):
    kube = make_kube(tksk_kabandungan)
    with pytest.raises(NotAllowed):
        open_ewarung(tksk_kalapanunggal, kube)
    with pytest.raises(NotAllowed):
        open_ewarung(fasilitator_cipeuteuy, kube)
    outlet = open_ewarung(tksk_kabandungan, kube)
    with pytest.raises(NotAllowed):
        services.ewarung_month_record(
            actor=tksk_kalapanunggal,
            ewarung=outlet,
            month=FORMED,
            kpm_served=1,
            transactions=1,
            transaction_total=1,
        )
