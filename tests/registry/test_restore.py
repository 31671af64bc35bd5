"""Removed households and people: listed for those who may edit their desa, shown on their pages, and restored through
a service that is audited; a merged record is not restored, and a removed household is otherwise left alone."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.core.errors import NotAllowed
from pendamping.registry import services
from pendamping.registry.models import Household, Person
from pendamping.registry.vocab import KkChangeReason
from tests.registry.test_dedup import EUIS_BORN
from tests.registry.test_services import KALAPANUNGGAL_DESA, add_member, events, kk_number, make_household


@pytest.fixture
def family(tksk_kabandungan):
    """Asep's household with Neng (removed earlier, on her own) and Rizky, then the whole household removed."""
    household = make_household(tksk_kabandungan)
    head = household.head
    neng = add_member(tksk_kabandungan, household, name="Neng Rosita", born=datetime.date(2010, 8, 9))
    rizky = add_member(tksk_kabandungan, household, name="Rizky Hidayat", born=datetime.date(2014, 3, 2), sex="L")
    services.person_delete(actor=tksk_kabandungan, person=neng, reason="pindah ke Bogor")
    services.household_delete(actor=tksk_kabandungan, household=household, reason="KK ganda")
    household.refresh_from_db()
    return household, head, neng, rizky


def test_restoring_a_household_brings_back_the_members_removed_with_it_and_is_audited(tksk_kabandungan, family):
    household, head, neng, rizky = family
    with pytest.raises(ValidationError) as caught:
        services.household_restore(actor=tksk_kabandungan, household=household, reason=" ")
    assert "reason" in caught.value.error_dict
    services.household_restore(actor=tksk_kabandungan, household=household, reason="bukan KK ganda, salah cek")
    household.refresh_from_db()
    assert household.deleted_at is None and household.deleted_reason == "" and household.version == 2
    assert set(Person.objects.live().filter(household=household)) == {head, rizky}
    neng.refresh_from_db()
    assert neng.deleted_at is not None and neng.deleted_reason == "pindah ke Bogor"  # removed on her own: stays
    [event] = events("household.restore", household)
    assert event.reason == "bukan KK ganda, salah cek" and event.changes["deleted_at"]["after"] is None
    assert event.changes["deleted_reason"] == {"before": "KK ganda", "after": ""}
    assert event.changes["members_restored"]["after"] == [f"{head.pk} {head.nik}", f"{rizky.pk} {rizky.nik}"]
    assert [e.reason for e in events("person.restore", rizky)] == ["bukan KK ganda, salah cek"]
    with pytest.raises(ValidationError) as caught:
        services.household_restore(actor=tksk_kabandungan, household=household, reason="lagi")
    assert caught.value.code == "not_removed"


def test_a_household_is_not_restored_onto_a_no_kk_that_another_household_now_has(tksk_kabandungan, family):
    household, *_ = family
    make_household(tksk_kabandungan, serial=2, no_kk=household.no_kk)  # registered again after the removal
    with pytest.raises(ValidationError) as caught:
        services.household_restore(actor=tksk_kabandungan, household=household, reason="salah hapus")
    assert caught.value.code == "kk_ganda" and household.no_kk in caught.value.messages[0]
    household.refresh_from_db()
    assert household.deleted_at is not None


def test_restoring_a_person_is_audited_and_needs_a_reason(tksk_kabandungan):
    household = make_household(tksk_kabandungan)
    neng = add_member(tksk_kabandungan, household, name="Neng Rosita", born=datetime.date(2010, 8, 9))
    with pytest.raises(ValidationError) as caught:
        services.person_restore(actor=tksk_kabandungan, person=neng, reason="salah")
    assert caught.value.code == "not_removed"
    services.person_delete(actor=tksk_kabandungan, person=neng, reason="meninggal")
    with pytest.raises(ValidationError) as caught:
        services.person_restore(actor=tksk_kabandungan, person=neng, reason="")
    assert "reason" in caught.value.error_dict
    restored = services.person_restore(actor=tksk_kabandungan, person=neng, reason="salah orang, masih hidup")
    assert restored.deleted_at is None and restored.deleted_reason == "" and restored.version == 3
    assert Person.objects.live().filter(pk=neng.pk).exists()
    [event] = events("person.restore", neng)
    assert event.reason == "salah orang, masih hidup"
    assert event.changes["deleted_reason"] == {"before": "meninggal", "after": ""}


def test_a_merged_person_is_not_restored_and_the_message_names_the_person_kept(tksk_kabandungan):
    one = make_household(tksk_kabandungan, serial=1)
    two = make_household(tksk_kabandungan, serial=2)
    euis = add_member(tksk_kabandungan, one, name="Euis Komariah", born=EUIS_BORN, serial=1)
    again = add_member(tksk_kabandungan, two, name="Euis Komariah", born=EUIS_BORN, serial=2)
    services.person_merge(actor=tksk_kabandungan, keep=euis, duplicate=again, reason="orang yang sama")
    with pytest.raises(ValidationError) as caught:
        services.person_restore(actor=tksk_kabandungan, person=again, reason="salah gabung")
    assert caught.value.code == "merged"
    assert "Euis Komariah" in caught.value.messages[0] and euis.nik in caught.value.messages[0]
    again.refresh_from_db()
    assert again.deleted_at is not None and again.merged_into == euis
    assert not events("person.restore", again)


def test_a_member_of_a_removed_household_is_restored_with_the_household_not_alone(tksk_kabandungan, family):
    household, _head, _neng, rizky = family
    with pytest.raises(ValidationError) as caught:
        services.person_restore(actor=tksk_kabandungan, person=rizky, reason="salah hapus")
    assert caught.value.code == "household_removed" and household.no_kk in caught.value.messages[0]
    assert not Person.objects.live().exists()


def test_restoring_outside_ones_area_or_without_edit_is_refused(
    tksk_kabandungan, tksk_kalapanunggal, pengamat_sukabumi, login, family
):
    household, _head, neng, _rizky = family
    for actor in (tksk_kalapanunggal, pengamat_sukabumi):
        with pytest.raises(NotAllowed):
            services.household_restore(actor=actor, household=household, reason="salah hapus")
        with pytest.raises(NotAllowed):
            services.person_restore(actor=actor, person=neng, reason="salah hapus")
    assert not Household.objects.live().exists()
    for actor in (tksk_kalapanunggal, pengamat_sukabumi):
        client = login(actor)
        assert client.get(reverse("registry:household-detail", args=[household.pk])).status_code == 404
        assert client.get(reverse("registry:household-restore", args=[household.pk])).status_code == 404
        assert client.post(reverse("registry:person-restore", args=[neng.pk]), {"reason": "x"}).status_code == 404
    assert login(pengamat_sukabumi).get(reverse("registry:removed-list")).status_code == 403
    assert list(login(tksk_kalapanunggal).get(reverse("registry:removed-list")).context["page"]) == []
    assert not Household.objects.live().exists()


def test_a_removed_household_is_neither_changed_nor_removed_again(tksk_kabandungan, family):
    household, *_ = family
    with pytest.raises(ValidationError) as caught:
        services.household_delete(actor=tksk_kabandungan, household=household, reason="lagi")
    assert caught.value.code == "removed" and household.no_kk in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        services.household_update(actor=tksk_kabandungan, household=household, dusun="Cibeber")
    assert caught.value.code == "removed" and household.no_kk in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        services.household_kk_change(
            actor=tksk_kabandungan,
            household=household,
            no_kk=kk_number(9),
            change_reason=KkChangeReason.PINDAH,
            changed_on=datetime.date(2026, 1, 5),
        )
    assert caught.value.code == "removed"
    household.refresh_from_db()
    assert household.dusun == "" and household.version == 1 and household.deleted_reason == "KK ganda"
    assert len(events("household.delete", household)) == 1 and not events("household.update", household)


def test_the_removed_list_shows_households_and_people_removed_on_their_own_in_ones_areas(
    login, tksk_kabandungan, tksk_kalapanunggal, family
):
    household, head, neng, rizky = family
    theirs = make_household(tksk_kalapanunggal, serial=5, desa=KALAPANUNGGAL_DESA)
    services.household_delete(actor=tksk_kalapanunggal, household=theirs, reason="salah desa")
    client = login(tksk_kabandungan)
    households = client.get(reverse("registry:removed-list"))
    assert households.status_code == 200
    [shown] = households.context["page"]
    assert shown == household and shown.member_count == 2  # Asep and Rizky come back with it; Neng does not
    html = households.content.decode()
    assert reverse("registry:household-detail", args=[household.pk]) in html and household.no_kk not in html
    people = client.get(reverse("registry:removed-list") + "?jenis=individu")
    assert list(people.context["page"]) == [neng]  # not the members removed with the household
    assert neng.nik not in people.content.decode() and "Neng Rosita" in people.content.decode()
    assert reverse("registry:removed-list") in client.get(reverse("registry:household-list")).content.decode()


def test_the_removed_list_costs_the_same_queries_for_many_records(login, tksk_kabandungan):
    def count(kind: str) -> int:
        client = login(tksk_kabandungan)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("registry:removed-list") + f"?jenis={kind}").status_code == 200
        return len(queries)

    def remove(serial: int):
        household = make_household(tksk_kabandungan, serial=serial)
        child = add_member(tksk_kabandungan, household, name="Anak", born=datetime.date(2012, 1, serial), serial=serial)
        services.person_delete(actor=tksk_kabandungan, person=child, reason="pindah")
        services.household_delete(actor=tksk_kabandungan, household=household, reason="KK ganda")

    remove(1)
    few = (count("keluarga"), count("individu"))
    for serial in range(2, 7):
        remove(serial)
    assert (count("keluarga"), count("individu")) == few


def test_a_removed_household_opens_for_an_editor_with_restore_and_the_form_brings_it_back(
    login, tksk_kabandungan, family
):
    household, head, neng, rizky = family
    client = login(tksk_kabandungan)
    detail = reverse("registry:household-detail", args=[household.pk])
    page = client.get(detail)
    html = page.content.decode()
    assert page.status_code == 200 and page.context["removed"]
    assert reverse("registry:household-restore", args=[household.pk]) in html and "KK ganda" in html
    assert reverse("registry:household-update", args=[household.pk]) not in html  # only restore is offered
    assert {p.pk for p in page.context["members"]} == {head.pk, rizky.pk}
    assert client.get(reverse("registry:household-update", args=[household.pk])).status_code == 404
    member_page = client.get(reverse("registry:person-detail", args=[rizky.pk]))
    assert member_page.status_code == 200 and member_page.context["household_removed"]
    assert reverse("registry:person-restore", args=[rizky.pk]) not in member_page.content.decode()

    restore = reverse("registry:household-restore", args=[household.pk])
    refused = client.post(restore, {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    response = client.post(restore, {"reason": "salah hapus"})
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail)
    assert not page.context["removed"] and reverse("registry:household-update", args=[household.pk]) in (
        page.content.decode()
    )
    assert client.get(restore).status_code == 404  # nothing left to restore


def test_a_person_removed_on_their_own_is_restored_from_their_page(login, tksk_kabandungan):
    household = make_household(tksk_kabandungan)
    neng = add_member(tksk_kabandungan, household, name="Neng Rosita", born=datetime.date(2010, 8, 9))
    services.person_delete(actor=tksk_kabandungan, person=neng, reason="meninggal")
    client = login(tksk_kabandungan)
    page = client.get(reverse("registry:person-detail", args=[neng.pk]))
    restore = reverse("registry:person-restore", args=[neng.pk])
    assert page.status_code == 200 and page.context["removed"] and restore in page.content.decode()
    assert reverse("registry:person-update", args=[neng.pk]) not in page.content.decode()
    response = client.post(restore, {"reason": "salah orang"})
    assert response.status_code == 302 and response["Location"] == reverse("registry:person-detail", args=[neng.pk])
    assert Person.objects.live().filter(pk=neng.pk).exists()
    assert neng in client.get(reverse("registry:household-detail", args=[household.pk])).context["members"]


def test_a_removed_record_takes_no_new_member_ppks_checklist_or_edit_until_restored(tksk_kabandungan, family):
    household, asep, *_ = family
    with pytest.raises(ValidationError) as caught:
        services.person_update(actor=tksk_kabandungan, person=asep, occupation="Petani")
    assert caught.value.code == "removed" and asep.nik in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        services.person_ppks_add(
            actor=tksk_kabandungan, person=asep, category="24", assessed_on=datetime.date(2026, 1, 5), source="musdes"
        )
    assert caught.value.code == "removed"
    with pytest.raises(ValidationError) as caught:
        services.checklist_record(
            actor=tksk_kabandungan,
            household=household,
            kind="bps_14",
            items=["01"],
            assessed_on=datetime.date(2026, 1, 5),
        )
    assert caught.value.code == "removed" and household.no_kk in caught.value.messages[0]
    asep.refresh_from_db()
    assert asep.occupation != "Petani" and not asep.ppks.exists() and not household.checklists.exists()
