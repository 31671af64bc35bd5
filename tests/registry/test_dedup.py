"""Probable duplicates: found by name and birth date in one kabupaten or by name on one card, listed within one's
areas, and merged so that nothing is lost and both histories stay visible."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pendamping.accounts.vocab import Role
from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.registry import services
from pendamping.registry.dedup import SAME_NAME_AND_BIRTH_DATE, SAME_NAME_IN_HOUSEHOLD, duplicate_candidates
from pendamping.registry.models import DuplicateDismissal, Person, PersonPpks
from pendamping.registry.nik import make_nik
from pendamping.registry.vocab import Ppks, Relation
from tests.conftest import BOGOR, CIPEUTEUY, KABANDUNGAN
from tests.registry.test_services import KALAPANUNGGAL_DESA, add_member, make_household

EUIS_BORN = datetime.date(1968, 4, 12)


def pairs(actor) -> set[tuple[frozenset, str]]:
    return {(frozenset((c.first.pk, c.second.pk)), c.rule) for c in duplicate_candidates(actor=actor)}


@pytest.fixture
def euis_twice(tksk_kabandungan):
    """Euis Komariah, registered in Cipeuteuy and again (as "EUIS  KOMARIAH", another NIK) in Kabandungan desa."""
    first = make_household(tksk_kabandungan, serial=1, desa=CIPEUTEUY)
    second = make_household(tksk_kabandungan, serial=2, desa=KABANDUNGAN + ".2001")
    euis = add_member(
        tksk_kabandungan, first, name="Euis Komariah", born=EUIS_BORN, serial=1, relation=Relation.ORANG_TUA
    )
    again = services.person_add(
        actor=tksk_kabandungan,
        household=second,
        nik=make_nik("32.02.18", EUIS_BORN, "P", 7),
        name="EUIS  KOMARIAH",
        sex="P",
        birth_date=EUIS_BORN,
        relation=Relation.FAMILI_LAIN,
    )
    return euis, again


def test_the_same_name_and_birth_date_in_one_kabupaten_under_two_niks_is_a_probable_duplicate(
    tksk_kabandungan, euis_twice
):
    euis, again = euis_twice
    assert pairs(tksk_kabandungan) == {(frozenset((euis.pk, again.pk)), SAME_NAME_AND_BIRTH_DATE)}


def test_the_same_name_twice_on_one_card_is_a_probable_duplicate(tksk_kabandungan):
    household = make_household(tksk_kabandungan)
    first = add_member(tksk_kabandungan, household, name="Rizky Hidayat", born=datetime.date(2014, 3, 2), sex="L")
    second = add_member(
        tksk_kabandungan, household, name="Rizky  hidayat", born=datetime.date(2013, 3, 2), sex="L", serial=2
    )
    assert pairs(tksk_kabandungan) == {(frozenset((first.pk, second.pk)), SAME_NAME_IN_HOUSEHOLD)}


def test_namesakes_born_on_other_days_or_in_another_kabupaten_are_not_duplicates(tksk_kabandungan, make_user, system):
    one = make_household(tksk_kabandungan, serial=1)
    two = make_household(tksk_kabandungan, serial=2)
    add_member(tksk_kabandungan, one, name="Ujang Saepudin", born=datetime.date(1990, 1, 1), sex="L")
    add_member(tksk_kabandungan, two, name="Ujang Saepudin", born=datetime.date(1991, 1, 1), sex="L")
    admin_bogor = make_user("admin.bogor", Role.ADMIN, BOGOR)
    bogor = make_household(admin_bogor, serial=3, desa="32.01.01.1001")
    add_member(admin_bogor, bogor, name="Euis Komariah", born=EUIS_BORN, serial=3)
    add_member(tksk_kabandungan, one, name="Euis Komariah", born=EUIS_BORN, serial=4)
    assert duplicate_candidates(actor=system) == []


def test_a_pair_across_kecamatan_is_listed_for_the_kabupaten_not_for_the_tksk(
    tksk_kabandungan, tksk_kalapanunggal, admin_sukabumi
):
    here = make_household(tksk_kabandungan, serial=1)
    there = make_household(tksk_kalapanunggal, serial=2, desa=KALAPANUNGGAL_DESA)
    euis = add_member(tksk_kabandungan, here, name="Euis Komariah", born=EUIS_BORN, serial=1)
    twin = add_member(tksk_kalapanunggal, there, name="Euis Komariah", born=EUIS_BORN, serial=2)
    assert pairs(tksk_kabandungan) == set() and pairs(tksk_kalapanunggal) == set()
    assert pairs(admin_sukabumi) == {(frozenset((euis.pk, twin.pk)), SAME_NAME_AND_BIRTH_DATE)}


def test_a_merge_closes_the_duplicate_copies_its_ppks_and_is_audited_on_both(tksk_kabandungan, euis_twice):
    euis, again = euis_twice
    services.person_ppks_add(
        actor=tksk_kabandungan,
        person=again,
        category=Ppks.P08,
        assessed_on=datetime.date(2026, 6, 1),
        source="Asesmen Puskesos",
    )
    kept = services.person_merge(actor=tksk_kabandungan, keep=euis, duplicate=again, reason="orang yang sama, NIK lama")
    again.refresh_from_db()
    assert again.deleted_at is not None and again.merged_into == kept and again.deleted_reason.startswith("orang")
    assert Person.objects.filter(pk=again.pk).exists()  # nothing destroyed
    assert list(PersonPpks.objects.filter(person=kept).values_list("category", "source")) == [
        ("08", "Asesmen Puskesos")
    ]
    assert PersonPpks.objects.filter(person=again).count() == 1  # the duplicate keeps its own record
    on_duplicate = AuditEvent.objects.get(action="person.merge", object_id=str(again.pk))
    on_kept = AuditEvent.objects.get(action="person.merge", object_id=str(kept.pk))
    assert on_duplicate.changes["merged_into"]["after"] == f"{kept.pk} {kept.nik}"
    assert on_kept.changes["merged_from"]["after"] == f"{again.pk} {again.nik}"
    assert on_kept.changes["ppks"]["after"] == ["08 2026-06-01 (Asesmen Puskesos)"]
    assert on_kept.reason == on_duplicate.reason == "orang yang sama, NIK lama"
    assert duplicate_candidates(actor=tksk_kabandungan) == []


def test_the_kept_persons_page_shows_the_merged_record_and_its_history(login, tksk_kabandungan, euis_twice):
    euis, again = euis_twice
    client = login(tksk_kabandungan)
    response = client.post(
        f"/registri/individu/{euis.pk}/gabung/{again.pk}/", {"keep": str(euis.pk), "reason": "orang yang sama"}
    )
    assert response.status_code == 302 and response["Location"] == f"/registri/individu/{euis.pk}/"
    page = client.get(response["Location"])
    [merged] = page.context["merged"]
    assert merged["person"] == again
    assert [e.action for e in merged["events"]] == ["person.merge", "person.create"]
    assert [e.action for e in page.context["events"]] == ["person.merge", "person.create"]
    html = page.content.decode()
    assert again.nik in html and "EUIS KOMARIAH" in html
    assert client.get(f"/registri/individu/{again.pk}/").status_code == 404  # gone from the lists, not the database


def test_a_merge_needs_a_reason_and_two_live_records(tksk_kabandungan, euis_twice):
    euis, again = euis_twice
    with pytest.raises(ValidationError) as caught:
        services.person_merge(actor=tksk_kabandungan, keep=euis, duplicate=again, reason=" ")
    assert "reason" in caught.value.error_dict
    with pytest.raises(ValidationError):
        services.person_merge(actor=tksk_kabandungan, keep=euis, duplicate=euis, reason="sama")
    services.person_merge(actor=tksk_kabandungan, keep=euis, duplicate=again, reason="sama")
    with pytest.raises(ValidationError):
        services.person_merge(actor=tksk_kabandungan, keep=again, duplicate=euis, reason="lagi")


def test_a_merge_outside_ones_area_or_without_the_capability_is_refused(
    tksk_kabandungan, tksk_kalapanunggal, fasilitator_cipeuteuy, pengamat_sukabumi, login, euis_twice
):
    euis, again = euis_twice
    there = make_household(tksk_kalapanunggal, serial=3, desa=KALAPANUNGGAL_DESA)
    twin = add_member(tksk_kalapanunggal, there, name="Euis Komariah", born=EUIS_BORN, serial=3)
    with pytest.raises(NotAllowed):
        services.person_merge(actor=tksk_kabandungan, keep=euis, duplicate=twin, reason="sama")
    with pytest.raises(NotAllowed):
        services.person_merge(actor=fasilitator_cipeuteuy, keep=euis, duplicate=again, reason="sama")
    assert Person.objects.live().filter(pk__in=[euis.pk, again.pk, twin.pk]).count() == 3
    assert login(tksk_kabandungan).get(f"/registri/individu/{euis.pk}/gabung/{twin.pk}/").status_code == 404
    merge_page = f"/registri/individu/{euis.pk}/gabung/{again.pk}/"
    assert login(fasilitator_cipeuteuy).get(merge_page).status_code == 404  # the twin lies outside her desa
    assert login(pengamat_sukabumi).get(merge_page).status_code == 403  # sees both, may merge neither
    assert login(pengamat_sukabumi).post(merge_page, {"keep": str(euis.pk), "reason": "sama"}).status_code == 403
    assert Person.objects.live().filter(pk__in=[euis.pk, again.pk]).count() == 2


def test_the_duplicate_page_lists_pairs_with_masked_numbers(login, tksk_kabandungan, euis_twice):
    euis, again = euis_twice
    response = login(tksk_kabandungan).get("/registri/duplikat/")
    [candidate] = list(response.context["page"])
    assert {candidate.first, candidate.second} == {euis, again}
    html = response.content.decode()
    assert euis.nik not in html and again.nik not in html and "Euis Komariah" in html
    assert f"/registri/individu/{euis.pk}/gabung/{again.pk}/" in html


def test_a_pair_marked_as_two_people_leaves_the_list_and_the_decision_is_audited_on_both(
    login, tksk_kabandungan, admin_sukabumi, euis_twice
):
    euis, again = euis_twice
    dismissal = services.duplicate_dismiss(
        actor=tksk_kabandungan, first=again, second=euis, reason="  kembar, orang tua berbeda di KK  "
    )
    assert (dismissal.person_a, dismissal.person_b) == (euis, again)  # stored once, the lower key first
    assert dismissal.decided_by == tksk_kabandungan and dismissal.reason == "kembar, orang tua berbeda di KK"
    assert pairs(tksk_kabandungan) == set() and pairs(admin_sukabumi) == set()
    response = login(tksk_kabandungan).get("/registri/duplikat/")
    assert list(response.context["page"]) == []
    for person, other in ((euis, again), (again, euis)):
        [event] = AuditEvent.objects.filter(action="person.duplicate_dismiss", object_id=str(person.pk))
        assert event.changes["not_a_duplicate_of"]["after"] == f"{other.pk} {other.nik}"
        assert event.reason == "kembar, orang tua berbeda di KK" and event.actor == tksk_kabandungan
    assert Person.objects.live().filter(pk__in=[euis.pk, again.pk]).count() == 2  # both records untouched
    with pytest.raises(ValidationError) as caught:
        services.duplicate_dismiss(actor=tksk_kabandungan, first=euis, second=again, reason="lagi")
    assert caught.value.code == "already_dismissed"


def test_a_dismissed_pair_does_not_hide_a_third_record_of_the_same_name(tksk_kabandungan, euis_twice):
    euis, again = euis_twice
    household = make_household(tksk_kabandungan, serial=3)
    third = add_member(tksk_kabandungan, household, name="Euis Komariah", born=EUIS_BORN, serial=3)
    services.duplicate_dismiss(actor=tksk_kabandungan, first=euis, second=again, reason="dua orang")
    assert pairs(tksk_kabandungan) == {
        (frozenset((euis.pk, third.pk)), SAME_NAME_AND_BIRTH_DATE),
        (frozenset((again.pk, third.pk)), SAME_NAME_AND_BIRTH_DATE),
    }


def test_not_a_duplicate_needs_a_reason(tksk_kabandungan, euis_twice):
    euis, again = euis_twice
    with pytest.raises(ValidationError) as caught:
        services.duplicate_dismiss(actor=tksk_kabandungan, first=euis, second=again, reason="   ")
    assert "reason" in caught.value.error_dict
    with pytest.raises(ValidationError):
        services.duplicate_dismiss(actor=tksk_kabandungan, first=euis, second=euis, reason="sama")
    assert not DuplicateDismissal.objects.exists()
    assert not AuditEvent.objects.filter(action="person.duplicate_dismiss").exists()
    assert len(pairs(tksk_kabandungan)) == 1


def test_not_a_duplicate_outside_ones_area_or_without_the_merge_capability_is_refused(
    tksk_kabandungan, tksk_kalapanunggal, fasilitator_cipeuteuy, pengamat_sukabumi, login, euis_twice
):
    euis, again = euis_twice
    there = make_household(tksk_kalapanunggal, serial=3, desa=KALAPANUNGGAL_DESA)
    twin = add_member(tksk_kalapanunggal, there, name="Euis Komariah", born=EUIS_BORN, serial=3)
    with pytest.raises(NotAllowed):
        services.duplicate_dismiss(actor=tksk_kabandungan, first=euis, second=twin, reason="dua orang")
    with pytest.raises(NotAllowed):  # a fasilitator may edit her desa but not merge or dismiss
        services.duplicate_dismiss(actor=fasilitator_cipeuteuy, first=euis, second=again, reason="dua orang")
    with pytest.raises(NotAllowed):
        services.duplicate_dismiss(actor=pengamat_sukabumi, first=euis, second=again, reason="dua orang")
    assert not DuplicateDismissal.objects.exists()
    assert login(tksk_kabandungan).get(f"/registri/individu/{euis.pk}/bukan-duplikat/{twin.pk}/").status_code == 404
    page = f"/registri/individu/{euis.pk}/bukan-duplikat/{again.pk}/"
    assert login(fasilitator_cipeuteuy).get(page).status_code == 404  # the twin lies outside her desa
    assert login(pengamat_sukabumi).get(page).status_code == 403  # sees both, may decide on neither
    assert login(pengamat_sukabumi).post(page, {"reason": "dua orang"}).status_code == 403
    assert not DuplicateDismissal.objects.exists()


def test_the_duplicate_page_offers_not_a_duplicate_next_to_merge_and_the_form_removes_the_pair(
    login, tksk_kabandungan, euis_twice
):
    euis, again = euis_twice
    client = login(tksk_kabandungan)
    page = f"/registri/individu/{euis.pk}/bukan-duplikat/{again.pk}/"
    assert page in client.get("/registri/duplikat/").content.decode()
    form = client.get(page)
    assert form.status_code == 200 and "EUIS KOMARIAH" in form.content.decode()
    refused = client.post(page, {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert not DuplicateDismissal.objects.exists()
    response = client.post(page, {"reason": "kembar"})
    assert response.status_code == 302 and response["Location"] == "/registri/duplikat/"
    listing = client.get("/registri/duplikat/")
    assert list(listing.context["page"]) == [] and page not in listing.content.decode()
    assert DuplicateDismissal.objects.get().reason == "kembar"
