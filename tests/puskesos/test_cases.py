"""Case services through the database: intake with the register, numbering, confidentiality by default, the status
rules, the supervisor's review and return, optimistic locking, ageing and scoping."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.puskesos.models import Case, CaseStatusChange, RegisterProposal
from pendamping.puskesos.selectors.cases import CaseFilter, case_ageing, cases_visible
from pendamping.puskesos.services import cases as services
from pendamping.puskesos.vocab import CASE_TRANSITIONS, CaseStatus, ProblemKind, Sector
from pendamping.registry.models import Household, Person
from pendamping.registry.nik import make_nik
from tests.conftest import KABANDUNGAN

from .helpers import make_case

# how to reach each status from baru
PATHS = {
    "baru": [],
    "asesmen": ["asesmen"],
    "rencana": ["asesmen", "rencana"],
    "intervensi": ["asesmen", "rencana", "intervensi"],
    "dirujuk": ["asesmen", "rencana", "dirujuk"],
    "evaluasi": ["asesmen", "rencana", "intervensi", "evaluasi"],
}


def walk(actor, case, statuses):
    for status in statuses:
        case = services.case_status_set(actor=actor, case=case, status=status, note="langkah")
    return case


def new_resident(serial=7, **household):
    born = datetime.date(1990, 3, 4)
    head = {"nik": make_nik(KABANDUNGAN, born, "P", serial), "name": "Siti Aminah", "sex": "P", "birth_date": born}
    values = {"no_kk": f"320219010115{serial:04d}", "desa_code": "32.02.19.2002", **household}
    return values, head


def test_a_case_opened_for_a_family_in_dtks_starts_no_proposal(fasilitator_cipeuteuy, tksk_kabandungan):
    case = make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan)
    assert case.number.startswith("PKS-3202192002-") and case.in_dtks and case.proposal is None
    assert case.desil_at_intake == 2 and case.fasilitator == fasilitator_cipeuteuy
    assert not RegisterProposal.objects.exists()
    assert Case.objects.get().status == CaseStatus.BARU
    assert AuditEvent.objects.filter(action="puskesos.case_intake", object_id=str(case.pk)).count() == 1


def test_a_family_not_in_dtks_gets_a_draft_proposal_with_the_reason_in_the_same_step(fasilitator_cipeuteuy):
    case = make_case(fasilitator_cipeuteuy, in_dtks=False, proposal_reason="Rumah tidak layak huni")
    proposal = RegisterProposal.objects.get()
    assert case.proposal == proposal and not case.in_dtks
    assert (proposal.state, proposal.reason, proposal.case, proposal.household) == (
        "draf",
        "Rumah tidak layak huni",
        case,
        case.household,
    )
    assert proposal.desa_id == case.desa_id


def test_a_family_not_in_dtks_needs_the_reason_of_its_proposal_and_nothing_is_written(fasilitator_cipeuteuy):
    with pytest.raises(ValidationError) as caught:
        make_case(fasilitator_cipeuteuy, in_dtks=False, proposal_reason="  ")
    assert "proposal_reason" in caught.value.error_dict
    assert not Case.objects.exists() and not RegisterProposal.objects.exists()


def test_a_new_resident_is_registered_through_the_registry_with_a_proposal(fasilitator_cipeuteuy):
    values, head = new_resident()
    case = services.case_intake(
        actor=fasilitator_cipeuteuy,
        new_household=values,
        new_head=head,
        channel="kunjungan_rumah",
        sector=Sector.ADMINDUK,
        problem_kind=ProblemKind.ADMINISTRASI,
        description="Belum punya akta kelahiran anak",
        proposal_reason="Keluarga baru pindah, belum terdata",
    )
    person = Person.objects.get(nik=head["nik"])
    assert case.person == person and person.household == case.household and person.relation == "kepala_keluarga"
    assert case.household.no_kk == values["no_kk"] and not case.in_dtks
    assert RegisterProposal.objects.get().case == case
    assert AuditEvent.objects.filter(action="household.create").count() == 1


def test_a_new_resident_with_a_bad_nik_is_refused_naming_it_and_nothing_is_written(fasilitator_cipeuteuy):
    values, head = new_resident()
    head["nik"] = "32021945"
    with pytest.raises(ValidationError) as caught:
        services.case_intake(
            actor=fasilitator_cipeuteuy,
            new_household=values,
            new_head=head,
            channel="datang_langsung",
            sector=Sector.KESEHATAN,
            problem_kind=ProblemKind.KESEHATAN,
            description="Sakit",
            proposal_reason="Miskin",
        )
    assert [e.code for e in caught.value.error_dict["head_nik"]] == ["nik_bukan_16_digit"]
    assert not Household.objects.exists() and not Case.objects.exists()


def test_case_numbers_follow_the_desa_and_year_in_sequence(fasilitator_cipeuteuy):
    year = timezone.localdate().year
    first = make_case(fasilitator_cipeuteuy)
    second = make_case(fasilitator_cipeuteuy, person=first.person)
    assert first.number == f"PKS-3202192002-{year}-0001"
    assert second.number == f"PKS-3202192002-{year}-0002"


@pytest.mark.parametrize(
    ("kind", "confidential"),
    [
        (ProblemKind.KEKERASAN, True),
        (ProblemKind.PERDAGANGAN_ORANG, True),
        (ProblemKind.ANAK, True),
        (ProblemKind.EKONOMI, False),
    ],
)
def test_violence_trafficking_and_children_cases_are_confidential_by_default(fasilitator_cipeuteuy, kind, confidential):
    case = make_case(fasilitator_cipeuteuy, problem_kind=kind, sector=Sector.PERLINDUNGAN)
    assert case.confidential is confidential


def test_a_case_may_be_made_confidential_at_intake(fasilitator_cipeuteuy):
    assert make_case(fasilitator_cipeuteuy, problem_kind=ProblemKind.EKONOMI, confidential=True).confidential


def test_every_allowed_move_is_made_recorded_and_audited(fasilitator_cipeuteuy):
    first = make_case(fasilitator_cipeuteuy)
    moves = 0
    for source, targets in CASE_TRANSITIONS.items():
        if source not in PATHS:
            continue
        for target in targets:
            case = walk(fasilitator_cipeuteuy, make_case(fasilitator_cipeuteuy, person=first.person), PATHS[source])
            case = services.case_status_set(actor=fasilitator_cipeuteuy, case=case, status=target, note="alasan")
            moves += 1
            assert case.status == target
            change = case.status_changes.order_by("pk").last()
            assert (change.from_status, change.to_status, change.actor) == (source, target, fasilitator_cipeuteuy)
            event = (
                AuditEvent.objects.filter(action="puskesos.case_status", object_id=str(case.pk)).order_by("pk").last()
            )
            assert event.changes == {"status": {"before": source, "after": target}}
            assert (case.closed_on is not None) == (target in ("selesai", "ditutup"))
    assert moves == sum(len(t) for t in CASE_TRANSITIONS.values()) == 16


@pytest.mark.parametrize(("source", "target"), [("baru", "selesai"), ("baru", "intervensi"), ("asesmen", "dirujuk")])
def test_a_move_outside_the_rules_is_refused(fasilitator_cipeuteuy, source, target):
    case = walk(fasilitator_cipeuteuy, make_case(fasilitator_cipeuteuy), PATHS[source])
    with pytest.raises(ValidationError) as caught:
        services.case_status_set(actor=fasilitator_cipeuteuy, case=case, status=target, note="x")
    assert [e.code for e in caught.value.error_dict["status"]] == ["transition"]
    case.refresh_from_db()
    assert case.status == source


def test_an_ended_case_moves_no_more(fasilitator_cipeuteuy):
    case = walk(fasilitator_cipeuteuy, make_case(fasilitator_cipeuteuy), PATHS["evaluasi"] + ["selesai"])
    with pytest.raises(ValidationError):
        services.case_status_set(actor=fasilitator_cipeuteuy, case=case, status="ditutup", note="x")


def test_closing_a_case_needs_a_reason_and_keeps_it(fasilitator_cipeuteuy):
    case = make_case(fasilitator_cipeuteuy)
    with pytest.raises(ValidationError) as caught:
        services.case_status_set(actor=fasilitator_cipeuteuy, case=case, status="ditutup", note=" ")
    assert [e.code for e in caught.value.error_dict["note"]] == ["reason_required"]
    case = services.case_status_set(
        actor=fasilitator_cipeuteuy, case=case, status="ditutup", note="Pindah ke luar kabupaten"
    )
    assert (case.closed_reason, case.closed_on) == ("Pindah ke luar kabupaten", timezone.localdate())


def test_the_tksk_returns_a_case_with_a_note_to_an_earlier_step(fasilitator_cipeuteuy, tksk_kabandungan):
    case = walk(fasilitator_cipeuteuy, make_case(fasilitator_cipeuteuy), PATHS["intervensi"])
    case = services.case_review(actor=tksk_kabandungan, case=case)
    assert case.reviewed_by == tksk_kabandungan and case.reviewed_at is not None
    case = services.case_return(actor=tksk_kabandungan, case=case, note="Asesmen belum lengkap", to_status="asesmen")
    assert (case.status, case.returned_note, case.reviewed_at) == ("asesmen", "Asesmen belum lengkap", None)
    change = CaseStatusChange.objects.filter(case=case).order_by("pk").last()
    assert (change.from_status, change.to_status, change.actor) == ("intervensi", "asesmen", tksk_kabandungan)
    assert AuditEvent.objects.filter(action="puskesos.case_return", object_id=str(case.pk)).count() == 1
    with pytest.raises(ValidationError) as caught:  # not forward
        services.case_return(actor=tksk_kabandungan, case=case, note="lagi", to_status="rencana")
    assert "to_status" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.case_return(actor=tksk_kabandungan, case=case, note=" ", to_status="asesmen")
    assert "note" in caught.value.error_dict


def test_a_fasilitator_cannot_review_or_return_a_case(fasilitator_cipeuteuy):
    case = walk(fasilitator_cipeuteuy, make_case(fasilitator_cipeuteuy), PATHS["rencana"])
    with pytest.raises(NotAllowed):
        services.case_return(actor=fasilitator_cipeuteuy, case=case, note="x", to_status="asesmen")
    with pytest.raises(NotAllowed):
        services.case_review(actor=fasilitator_cipeuteuy, case=case)


def test_a_stale_case_edit_is_refused_and_nothing_is_overwritten(fasilitator_cipeuteuy, tksk_kabandungan):
    case = make_case(fasilitator_cipeuteuy)
    read_version = case.version
    services.case_update(actor=tksk_kabandungan, case=case, expected_version=read_version, assessment="Asesmen TKSK")
    with pytest.raises(services.StaleCase) as caught:
        services.case_update(
            actor=fasilitator_cipeuteuy, case=case, expected_version=read_version, assessment="Asesmen lama"
        )
    assert caught.value.code == "stale" and caught.value.current.assessment == "Asesmen TKSK"
    case.refresh_from_db()
    assert (case.assessment, case.version) == ("Asesmen TKSK", read_version + 1)


def test_a_case_edit_is_audited_with_before_and_after(fasilitator_cipeuteuy):
    case = make_case(fasilitator_cipeuteuy)
    services.case_update(actor=fasilitator_cipeuteuy, case=case, expected_version=1, plan="Daftar PBI-JK")
    event = AuditEvent.objects.get(action="puskesos.case_update")
    assert event.changes == {"plan": {"before": "", "after": "Daftar PBI-JK"}}


@override_settings(
    PENDAMPING={
        **__import__("django.conf").conf.settings.PENDAMPING,
        "PUSKESOS_CASE_DAYS": 30,
        "PUSKESOS_CASE_DAYS_BY_SECTOR": {"perlindungan": 7},
    }
)
def test_ageing_counts_days_open_against_the_target_of_the_sector(fasilitator_cipeuteuy):
    today = timezone.localdate()
    ten_days = today - datetime.timedelta(days=10)
    protection = make_case(
        fasilitator_cipeuteuy, sector=Sector.PERLINDUNGAN, problem_kind=ProblemKind.KEKERASAN, received_on=ten_days
    )
    health = make_case(fasilitator_cipeuteuy, person=protection.person, received_on=ten_days)
    assert case_ageing(protection) == case_ageing(protection, today)
    assert (case_ageing(protection).days_open, case_ageing(protection).target_days) == (10, 7)
    assert case_ageing(protection).overdue and not case_ageing(health).overdue
    overdue = cases_visible(actor=fasilitator_cipeuteuy, filters=CaseFilter(overdue=True))
    assert list(overdue) == [protection]
    closed = services.case_status_set(actor=fasilitator_cipeuteuy, case=protection, status="ditutup", note="Selesai")
    assert not case_ageing(closed).overdue and case_ageing(closed).days_open == 10
    assert not cases_visible(actor=fasilitator_cipeuteuy, filters=CaseFilter(overdue=True)).exists()


def test_a_tksk_of_another_kecamatan_cannot_open_or_see_a_case_in_cipeuteuy(fasilitator_cipeuteuy, tksk_kalapanunggal):
    case = make_case(fasilitator_cipeuteuy)
    with pytest.raises(NotAllowed):
        make_case(tksk_kalapanunggal, person=case.person)
    assert not cases_visible(actor=tksk_kalapanunggal).exists()
    with pytest.raises(NotAllowed):
        services.case_status_set(actor=tksk_kalapanunggal, case=case, status="asesmen")
