"""Referral services through the database: numbering and due date, the case moved to dirujuk, the status rules,
the overdue flag and scoping."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.puskesos.selectors.referrals import ReferralFilter, referrals_visible
from pendamping.puskesos.services import cases, referrals
from pendamping.puskesos.vocab import ReferralStatus

from .helpers import make_case


def today():
    return timezone.localdate()


@pytest.fixture
def case(fasilitator_cipeuteuy, tksk_kabandungan):
    return make_case(
        fasilitator_cipeuteuy, household_actor=tksk_kabandungan, received_on=today() - datetime.timedelta(days=40)
    )


def refer(actor, case, **values):
    defaults = {"sector": "kesehatan", "office": "Puskesmas Kabandungan", "reason": "Mohon layanan PBI-JK"}
    return referrals.referral_create(actor=actor, case=case, **{**defaults, **values})


def test_a_referral_is_numbered_by_desa_and_year_and_due_in_the_policy_days(case, fasilitator_cipeuteuy, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "PUSKESOS_REFERRAL_DAYS": 10}
    first = refer(fasilitator_cipeuteuy, case)
    second = refer(fasilitator_cipeuteuy, case, sector="adminduk", office="Disdukcapil")
    year = today().year
    assert first.number == f"RJK/3202192002/{year}/0001"
    assert second.number == f"RJK/3202192002/{year}/0002"
    assert first.sent_on == today() and first.due_on == today() + datetime.timedelta(days=10)
    assert first.status == ReferralStatus.DIKIRIM and first.created_by == fasilitator_cipeuteuy
    event = AuditEvent.objects.get(action="puskesos.referral_create", object_id=str(first.pk))
    assert event.area_code == "32.02.19.2002" and event.changes["sector"]["after"] == "kesehatan"


def test_a_referral_of_a_planned_case_moves_the_case_to_dirujuk(case, fasilitator_cipeuteuy):
    cases.case_status_set(actor=fasilitator_cipeuteuy, case=case, status="asesmen")
    cases.case_status_set(actor=fasilitator_cipeuteuy, case=case, status="rencana")
    refer(fasilitator_cipeuteuy, case)
    case.refresh_from_db()
    assert case.status == "dirujuk"
    assert case.status_changes.filter(to_status="dirujuk").exists()


def test_a_new_case_may_be_referred_at_once_and_keeps_its_step(case, fasilitator_cipeuteuy):
    refer(fasilitator_cipeuteuy, case)
    case.refresh_from_db()
    assert case.status == "baru"


def test_a_referral_needs_sector_office_and_what_is_asked(case, fasilitator_cipeuteuy):
    with pytest.raises(ValidationError) as error:
        refer(fasilitator_cipeuteuy, case, sector="bogus", office=" ", reason="")
    assert set(error.value.error_dict) == {"sector", "office", "reason"}
    with pytest.raises(ValidationError) as error:
        refer(fasilitator_cipeuteuy, case, sent_on=today() + datetime.timedelta(days=1))
    assert set(error.value.error_dict) == {"sent_on"}


def test_an_ended_case_cannot_be_referred(case, fasilitator_cipeuteuy):
    cases.case_status_set(actor=fasilitator_cipeuteuy, case=case, status="ditutup", note="pindah domisili")
    with pytest.raises(ValidationError):
        refer(fasilitator_cipeuteuy, case)


def test_a_tksk_of_kalapanunggal_cannot_refer_a_case_of_cipeuteuy(case, tksk_kalapanunggal):
    with pytest.raises(NotAllowed):
        refer(tksk_kalapanunggal, case)


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["diterima", "ditindaklanjuti", "selesai"], None),
        (["ditolak"], None),
        (["diterima", "dikirim"], "dikirim"),
        (["ditindaklanjuti", "ditolak"], "ditolak"),
        (["selesai", "ditindaklanjuti"], "ditindaklanjuti"),
        (["ditolak", "diterima"], "diterima"),
    ],
)
def test_the_status_of_a_referral_moves_only_by_the_transitions(case, fasilitator_cipeuteuy, path, refused):
    referral = refer(fasilitator_cipeuteuy, case)
    for status in path:
        if status == refused:
            with pytest.raises(ValidationError) as error:
                referrals.referral_status_set(
                    actor=fasilitator_cipeuteuy, referral=referral, status=status, response="x"
                )
            assert "status" in error.value.error_dict
            referral.refresh_from_db()
            assert referral.status == path[path.index(status) - 1]
            return
        referral = referrals.referral_status_set(
            actor=fasilitator_cipeuteuy, referral=referral, status=status, response=f"jawaban {status}"
        )
        assert referral.status == status
    assert refused is None
    assert AuditEvent.objects.filter(action="puskesos.referral_status", object_id=str(referral.pk)).count() == len(path)


def test_ending_a_referral_needs_the_office_answer(case, fasilitator_cipeuteuy):
    referral = refer(fasilitator_cipeuteuy, case)
    with pytest.raises(ValidationError) as error:
        referrals.referral_status_set(actor=fasilitator_cipeuteuy, referral=referral, status="selesai")
    assert "response" in error.value.error_dict
    referral = referrals.referral_status_set(
        actor=fasilitator_cipeuteuy, referral=referral, status="selesai", response="KIS terbit", responder_name="Rina"
    )
    assert (referral.status, referral.response, referral.responder_name) == ("selesai", "KIS terbit", "Rina")
    assert referral.responded_on == today() and not referral.responded_through_token


def test_a_stale_form_is_refused(case, fasilitator_cipeuteuy):
    referral = refer(fasilitator_cipeuteuy, case)
    referrals.referral_status_set(actor=fasilitator_cipeuteuy, referral=referral, status="diterima")
    with pytest.raises(ValidationError):
        referrals.referral_status_set(
            actor=fasilitator_cipeuteuy, referral=referral, status="ditindaklanjuti", expected_version=1
        )


def test_open_referrals_past_their_due_date_are_flagged_overdue(case, fasilitator_cipeuteuy, tksk_kabandungan):
    late = refer(fasilitator_cipeuteuy, case, sent_on=today() - datetime.timedelta(days=20))
    answered_late = refer(fasilitator_cipeuteuy, case, sent_on=today() - datetime.timedelta(days=30))
    referrals.referral_status_set(
        actor=fasilitator_cipeuteuy, referral=answered_late, status="selesai", response="sudah"
    )
    due_today = refer(fasilitator_cipeuteuy, case, sent_on=today() - datetime.timedelta(days=14))
    fresh = refer(fasilitator_cipeuteuy, case)
    flags = {r.pk: r.overdue for r in referrals_visible(actor=tksk_kabandungan)}
    assert flags == {late.pk: True, answered_late.pk: False, due_today.pk: False, fresh.pk: False}
    overdue = referrals_visible(actor=tksk_kabandungan, filters=ReferralFilter(overdue=True))
    assert [r.pk for r in overdue] == [late.pk]
    assert referrals.is_overdue(late) and not referrals.is_overdue(due_today)


def test_referrals_of_kabandungan_are_not_listed_in_kalapanunggal(case, fasilitator_cipeuteuy, tksk_kalapanunggal):
    refer(fasilitator_cipeuteuy, case)
    assert not referrals_visible(actor=tksk_kalapanunggal).exists()
