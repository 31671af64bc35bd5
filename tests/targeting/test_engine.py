"""Screening through the database: every rule passes, fails, or is unknown when its data is missing."""

import datetime

import pytest

from pendamping.registry import services as registry
from pendamping.registry.vocab import ChecklistKind, MaritalStatus, PkhStatus, Relation
from pendamping.targeting.engine import rules_of
from pendamping.targeting.models import ScreeningResult
from pendamping.targeting.vocab import Decision, Mechanism
from tests.targeting.helpers import add_member, eligible_household, make_rule_set, screen, screen_one


@pytest.fixture
def rule_set(admin_sukabumi):
    return make_rule_set(admin_sukabumi)


def outcome(result, code):
    return next(rule for rule in rules_of(result) if rule.code == code)


def test_a_married_listed_head_of_productive_age_is_eligible(rule_set, tksk_kabandungan):
    head = eligible_household(tksk_kabandungan).head
    result = screen_one(tksk_kabandungan, rule_set, head)
    assert result.decision == Decision.ELIGIBLE and result.missing_fields == []
    assert all(rule.passed for rule in rules_of(result))


# umur -------------------------------------------------------------------------------------------------------------


def test_age_inside_the_range_passes_and_outside_fails_naming_age_date_and_range(rule_set, tksk_kabandungan):
    young = eligible_household(tksk_kabandungan, serial=1, head={"birth_date": datetime.date(2008, 11, 28)}).head
    sixty = eligible_household(tksk_kabandungan, serial=2, head={"birth_date": datetime.date(1966, 11, 28)}).head
    too_old = eligible_household(tksk_kabandungan, serial=3, head={"birth_date": datetime.date(1963, 11, 28)}).head
    results = screen(tksk_kabandungan, rule_set, [young, sixty, too_old])
    assert (results[young.pk].data_age, results[young.pk].rule_umur) == (18, True)
    assert (results[sixty.pk].data_age, results[sixty.pk].rule_umur) == (60, True)
    assert results[too_old.pk].data_age == 63 and results[too_old.pk].rule_umur is False
    assert outcome(results[too_old.pk], "umur").detail == "Umur 63 tahun pada 28 Nov 2026, di luar rentang 18-60."
    assert results[too_old.pk].decision == Decision.NOT_ELIGIBLE


def test_age_is_counted_to_the_birthday_exactly(rule_set, tksk_kabandungan):
    turns_61_tomorrow = eligible_household(tksk_kabandungan, head={"birth_date": datetime.date(1965, 11, 29)}).head
    result = screen_one(tksk_kabandungan, rule_set, turns_61_tomorrow)
    assert result.data_age == 60 and result.rule_umur is True


def test_an_unknown_age_is_explained_not_passed(rule_set, tksk_kabandungan):
    # the registry requires a birth date, so a stored result never lacks one; the explanation still says it plainly
    result = screen_one(tksk_kabandungan, rule_set, eligible_household(tksk_kabandungan).head)
    result.data_age, result.rule_umur = None, None
    rule = outcome(result, "umur")
    assert rule.passed is None and "tidak dapat dihitung" in rule.detail


# status_kawin -----------------------------------------------------------------------------------------------------


def test_marital_status_passes_when_married_fails_otherwise_and_is_unknown_when_blank(rule_set, tksk_kabandungan):
    married = eligible_household(tksk_kabandungan, serial=1).head
    widowed = eligible_household(tksk_kabandungan, serial=2, head={"marital_status": MaritalStatus.CERAI_MATI}).head
    blank = eligible_household(tksk_kabandungan, serial=3, head={"marital_status": ""}).head
    results = screen(tksk_kabandungan, rule_set, [married, widowed, blank])
    assert results[married.pk].rule_status_kawin is True
    assert results[widowed.pk].rule_status_kawin is False
    assert results[widowed.pk].decision == Decision.NOT_ELIGIBLE
    assert "Cerai mati" in outcome(results[widowed.pk], "status_kawin").detail
    assert results[blank.pk].rule_status_kawin is None
    assert results[blank.pk].decision == Decision.NEEDS_VERIFICATION
    assert results[blank.pk].missing_fields == ["status_kawin"]


# terdaftar_dtks and desil_maks ------------------------------------------------------------------------------------


def checklist(actor, household, kind, count, on=datetime.date(2026, 3, 1)):
    from pendamping.registry.vocab import CHECKLIST_ITEMS

    items = CHECKLIST_ITEMS[ChecklistKind(kind)].values[:count]
    return registry.checklist_record(actor=actor, household=household, kind=kind, items=items, assessed_on=on)


def test_listing_in_dtks_passes_and_makes_an_rtsm_terdaftar(rule_set, tksk_kabandungan):
    head = eligible_household(tksk_kabandungan, desil=None).head  # an ID DTKS alone is a listing
    result = screen_one(tksk_kabandungan, rule_set, head)
    assert result.rule_terdaftar_dtks is True and result.mechanism == Mechanism.RTSM_TERDAFTAR


def test_not_listed_with_a_poor_checklist_passes_as_rtsm_belum_terdaftar(rule_set, tksk_kabandungan):
    household = eligible_household(tksk_kabandungan, id_dtks="", desil=None)
    checklist(tksk_kabandungan, household, ChecklistKind.KEPMENSOS_146, 3, on=datetime.date(2025, 1, 1))
    checklist(tksk_kabandungan, household, ChecklistKind.KEPMENSOS_146, 7)  # the latest counts
    result = screen_one(tksk_kabandungan, rule_set, household.head)
    assert result.rule_terdaftar_dtks is True and result.rule_desil_maks is True
    assert (result.data_k146_count, result.data_k146_date) == (7, datetime.date(2026, 3, 1))
    assert result.mechanism == Mechanism.RTSM_BELUM_TERDAFTAR and result.decision == Decision.ELIGIBLE
    assert "terbukti miskin" in outcome(result, "terdaftar_dtks").detail


def test_not_listed_with_a_checklist_below_the_minimum_fails(rule_set, tksk_kabandungan):
    household = eligible_household(tksk_kabandungan, id_dtks="", desil=None)
    checklist(tksk_kabandungan, household, ChecklistKind.BPS_14, 8)
    result = screen_one(tksk_kabandungan, rule_set, household.head)
    assert result.rule_terdaftar_dtks is False and result.decision == Decision.NOT_ELIGIBLE
    assert (
        "BPS 14" in outcome(result, "terdaftar_dtks").detail
        and "(minimal 9)" in outcome(result, "terdaftar_dtks").detail
    )


def test_not_listed_without_any_checklist_needs_verification_naming_what_is_missing(rule_set, tksk_kabandungan):
    head = eligible_household(tksk_kabandungan, id_dtks="", desil=None).head
    result = screen_one(tksk_kabandungan, rule_set, head)
    assert result.rule_terdaftar_dtks is None and result.rule_desil_maks is None
    assert result.decision == Decision.NEEDS_VERIFICATION
    assert result.missing_fields == ["id_dtks", "ceklis_kemiskinan", "desil"]


def test_desil_up_to_the_maximum_passes_above_fails_and_unknown_when_listed_without_one(rule_set, tksk_kabandungan):
    four = eligible_household(tksk_kabandungan, serial=1, desil=4).head
    five = eligible_household(tksk_kabandungan, serial=2, desil=5).head
    none = eligible_household(tksk_kabandungan, serial=3, desil=None).head
    results = screen(tksk_kabandungan, rule_set, [four, five, none])
    assert results[four.pk].rule_desil_maks is True
    assert results[five.pk].rule_desil_maks is False
    assert outcome(results[five.pk], "desil_maks").detail == "Desil 5, melebihi batas desil 4."
    assert results[none.pk].rule_desil_maks is None and results[none.pk].missing_fields == ["desil"]


# bukan_asn, belum_pernah_kube, kepala_keluarga --------------------------------------------------------------------


def test_a_state_employee_or_pensioner_fails(rule_set, tksk_kabandungan):
    civil = eligible_household(tksk_kabandungan, serial=1).head
    asn = eligible_household(tksk_kabandungan, serial=2, head={"asn_tni_polri_pensiunan": True}).head
    results = screen(tksk_kabandungan, rule_set, [civil, asn])
    assert results[civil.pk].rule_bukan_asn is True
    assert results[asn.pk].rule_bukan_asn is False and results[asn.pk].decision == Decision.NOT_ELIGIBLE


def test_asn_and_kube_aid_unknown_are_explained_as_not_recorded(rule_set, tksk_kabandungan):
    # both are recorded as yes/no by the registry (never blank); the explanation still covers an unknown outcome
    result = screen_one(tksk_kabandungan, rule_set, eligible_household(tksk_kabandungan).head)
    result.rule_bukan_asn = result.rule_belum_pernah_kube = None
    assert "tidak tercatat" in outcome(result, "bukan_asn").detail
    assert "tidak tercatat" in outcome(result, "belum_pernah_kube").detail


def test_a_family_that_had_kube_aid_fails_naming_the_year(rule_set, tksk_kabandungan):
    never = eligible_household(tksk_kabandungan, serial=1).head
    had = eligible_household(tksk_kabandungan, serial=2, kube_aid_year=2019).head
    results = screen(tksk_kabandungan, rule_set, [never, had])
    assert results[never.pk].rule_belum_pernah_kube is True
    assert results[had.pk].rule_belum_pernah_kube is False
    assert "tahun 2019" in outcome(results[had.pk], "belum_pernah_kube").detail


def test_only_the_head_of_family_passes_the_head_rule(rule_set, tksk_kabandungan):
    household = eligible_household(tksk_kabandungan)
    wife = add_member(
        tksk_kabandungan,
        household,
        name="Euis",
        born=datetime.date(1982, 2, 3),
        relation=Relation.SUAMI_ISTRI,
        marital_status=MaritalStatus.KAWIN,
    )
    results = screen(tksk_kabandungan, rule_set, [household.head, wife])
    assert results[household.head.pk].rule_kepala_keluarga is True
    assert results[wife.pk].rule_kepala_keluarga is False
    assert "Suami/istri" in outcome(results[wife.pk], "kepala_keluarga").detail


def test_an_unknown_relation_is_explained_as_missing(rule_set, tksk_kabandungan):
    result = screen_one(tksk_kabandungan, rule_set, eligible_household(tksk_kabandungan).head)
    result.rule_kepala_keluarga = None
    assert outcome(result, "kepala_keluarga").detail == "Hubungan dalam keluarga belum diisi."


# priority, one per KK, determinism --------------------------------------------------------------------------------


def test_priority_puts_pkh_transition_first_then_the_order_of_the_mechanisms(rule_set, tksk_kabandungan):
    cases = [
        ({"pkh_status": PkhStatus.TRANSISI}, Mechanism.PKH_TRANSISI, 1),
        ({"pkh_status": PkhStatus.GRADUASI_ALAMIAH}, Mechanism.PKH_GRADUASI, 2),
        ({"pkh_status": PkhStatus.AKTIF}, Mechanism.PKH_AKTIF_SINERGI, 3),
        ({"purnabina_kat": True}, Mechanism.PURNABINA_KAT, 4),
        ({"purnabina_lain": "Rutilahu 2021"}, Mechanism.PURNABINA_LAIN, 5),
        ({}, Mechanism.RTSM_TERDAFTAR, 6),
    ]
    heads = [
        eligible_household(tksk_kabandungan, serial=i + 1, **values).head for i, (values, _m, _p) in enumerate(cases)
    ]
    results = screen(tksk_kabandungan, rule_set, heads)
    assert [(results[h.pk].mechanism, results[h.pk].priority) for h in heads] == [(m, p) for _v, m, p in cases]
    listed = ScreeningResult.objects.filter(person__in=heads, current=True).order_by("priority")
    assert listed.first().mechanism == Mechanism.PKH_TRANSISI


def test_one_per_kk_keeps_the_first_by_priority_and_names_who_took_the_place(admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi, require_head=False)
    household = eligible_household(tksk_kabandungan)
    wife = add_member(
        tksk_kabandungan,
        household,
        name="Euis Komariah",
        born=datetime.date(1982, 2, 3),
        relation=Relation.SUAMI_ISTRI,
        marital_status=MaritalStatus.KAWIN,
    )
    results = screen(tksk_kabandungan, rule_set, [household.head, wife])
    assert results[household.head.pk].decision == Decision.ELIGIBLE
    assert results[household.head.pk].rule_satu_per_kk is True
    assert results[wife.pk].rule_satu_per_kk is False and results[wife.pk].decision == Decision.NOT_ELIGIBLE
    assert results[wife.pk].data_kk_taken_by_id == household.head.pk
    assert household.head.nik in outcome(results[wife.pk], "satu_per_kk").detail


def test_one_per_kk_does_not_take_the_place_from_an_eligible_member_for_an_ineligible_head(
    admin_sukabumi, tksk_kabandungan
):
    rule_set = make_rule_set(admin_sukabumi, require_head=False)
    household = eligible_household(tksk_kabandungan, head={"asn_tni_polri_pensiunan": True})
    wife = add_member(
        tksk_kabandungan,
        household,
        name="Euis Komariah",
        born=datetime.date(1982, 2, 3),
        relation=Relation.SUAMI_ISTRI,
        marital_status=MaritalStatus.KAWIN,
    )
    results = screen(tksk_kabandungan, rule_set, [household.head, wife])
    assert results[wife.pk].decision == Decision.ELIGIBLE and results[wife.pk].rule_satu_per_kk is True
    assert results[household.head.pk].decision == Decision.NOT_ELIGIBLE


def test_the_same_version_on_the_same_data_gives_the_same_result(rule_set, tksk_kabandungan):
    household = eligible_household(tksk_kabandungan, id_dtks="", desil=None)
    checklist(tksk_kabandungan, household, ChecklistKind.KEPMENSOS_146, 6)
    add_member(tksk_kabandungan, household, name="Neng", born=datetime.date(2012, 3, 4))
    people = list(household.members.all())
    first = screen(tksk_kabandungan, rule_set, people)
    second = screen(tksk_kabandungan, rule_set, people)
    columns = [
        f.attname
        for f in ScreeningResult._meta.concrete_fields
        if f.attname not in ("id", "run_id", "screened_at", "current")
    ]
    for person in people:
        assert [getattr(first[person.pk], c) for c in columns] == [getattr(second[person.pk], c) for c in columns]
    assert ScreeningResult.objects.filter(person__in=people, current=True).count() == len(people)
    assert not ScreeningResult.objects.get(pk=first[people[0].pk].pk).current


def test_a_removed_person_is_not_screened(rule_set, tksk_kabandungan):
    household = eligible_household(tksk_kabandungan)
    child = add_member(tksk_kabandungan, household, name="Neng", born=datetime.date(2012, 3, 4))
    registry.person_delete(actor=tksk_kabandungan, person=child, reason="salah input")
    results = screen(tksk_kabandungan, rule_set, [household.head, child])
    assert set(results) == {household.head.pk}


def test_reference_date_is_the_screening_date_by_default(rule_set, tksk_kabandungan):
    from django.utils import timezone

    from pendamping.targeting import services

    head = eligible_household(tksk_kabandungan).head
    run = services.screening_people(actor=tksk_kabandungan, rule_set=rule_set, person_ids=[head.pk])
    assert run.reference_date == timezone.localdate()
