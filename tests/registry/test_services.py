"""Registry services through the database: every write is checked, scoped, validated and audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pendamping.accounts.vocab import Role
from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.registry import services
from pendamping.registry.models import Household, KkHistory, Person, PersonPpks
from pendamping.registry.nik import make_kk, make_nik
from pendamping.registry.services import StaleEdit
from pendamping.registry.vocab import ChecklistKind, KkChangeReason, PovertyClass, Ppks, Relation
from tests.conftest import CIPEUTEUY, KABANDUNGAN, KALAPANUNGGAL

KALAPANUNGGAL_DESA = KALAPANUNGGAL + ".2001"
HEAD_BORN = datetime.date(1980, 5, 17)


def kk_number(serial: int, kecamatan: str = KABANDUNGAN) -> str:
    return make_kk(kecamatan, datetime.date(2015, 11, 1), serial)


def head_born(serial: int) -> datetime.date:
    """Heads are born a day apart, so that two households' heads are never probable duplicates of each other."""
    return HEAD_BORN - datetime.timedelta(days=serial - 1)


def make_household(actor, *, serial: int = 1, desa: str = CIPEUTEUY, head: dict | None = None, **values) -> Household:
    """A household registered with its head through the service (the head: Asep Saepudin, born 17 May 1980 for
    serial 1, a day earlier for each next serial)."""
    kecamatan = desa.rsplit(".", 1)[0]
    born = (head or {}).get("birth_date", head_born(serial))
    head_values = {
        "nik": make_nik(kecamatan, born, "L", serial),
        "name": "Asep Saepudin",
        "sex": "L",
        "birth_date": born,
        "birth_place": "Sukabumi",
        **(head or {}),
    }
    values = {"no_kk": kk_number(serial, kecamatan), "desa_code": desa, **values}
    return services.household_create_with_head(actor=actor, head=head_values, reason="uji", **values)


def add_member(actor, household, *, name: str, born: datetime.date, sex: str = "P", serial: int = 1, **values):
    kecamatan = household.desa_id.rsplit(".", 1)[0]
    return services.person_add(
        actor=actor,
        household=household,
        nik=make_nik(kecamatan, born, sex, serial),
        name=name,
        sex=sex,
        birth_date=born,
        relation=values.pop("relation", Relation.ANAK),
        **values,
    )


def events(action: str, obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).order_by("at", "pk"))


def test_registering_a_household_keeps_its_first_kk_and_audits_every_field(tksk_kabandungan):
    household = make_household(tksk_kabandungan, monthly_income=1_200_000, basic_needs_cost=3_000_000)
    assert household.poverty_class == PovertyClass.FAKIR
    assert household.head.relation == Relation.KEPALA_KELUARGA and household.members.get() == household.head
    [first] = household.kk_history.all()
    assert (first.no_kk, first.reason, first.valid_to) == (household.no_kk, KkChangeReason.PERTAMA, None)
    [created] = events("household.create", household)
    assert created.actor == tksk_kabandungan and created.area_code == CIPEUTEUY and created.reason == "uji"
    assert created.changes["no_kk"] == {"before": None, "after": household.no_kk}
    assert created.changes["poverty_class"]["after"] == "fakir"
    assert events("person.create", household.head)[0].changes["nik"]["after"] == household.head.nik


def test_a_household_and_its_head_are_checked_together_and_nothing_is_saved_on_error(tksk_kabandungan):
    with pytest.raises(ValidationError) as caught:
        make_household(
            tksk_kabandungan,
            no_kk="320219011115",
            desil=11,
            head={"sex": "P"},  # the NIK says laki-laki
        )
    errors = caught.value.error_dict
    assert {"no_kk", "desil", "head_nik"} <= set(errors)
    assert [e.code for e in errors["head_nik"]] == ["nik_jenis_kelamin_tidak_cocok"]
    assert (
        not Household.objects.exists()
        and not Person.objects.exists()
        and not AuditEvent.objects.filter(object_type__startswith="registry.").exists()
    )


def test_a_head_refused_after_the_household_passed_leaves_no_household(tksk_kabandungan):
    first = make_household(tksk_kabandungan, serial=1)
    with pytest.raises(ValidationError) as caught:
        make_household(
            tksk_kabandungan, serial=2, head={"nik": first.head.nik, "birth_date": HEAD_BORN}
        )  # the NIK is taken
    assert [e.code for e in caught.value.error_dict["head_nik"]] == ["nik_ganda"]
    assert Household.objects.count() == 1


def test_updating_a_household_recomputes_poverty_and_audits_before_and_after(tksk_kabandungan):
    household = make_household(tksk_kabandungan, monthly_income=1_200_000, basic_needs_cost=3_000_000)
    updated = services.household_update(
        actor=tksk_kabandungan,
        household=household,
        expected_version=1,
        monthly_income=2_000_000,
        rt="7",
        reason="verifikasi lapangan",
    )
    assert (updated.poverty_class, updated.rt, updated.version) == (PovertyClass.MISKIN, "007", 2)
    [event] = events("household.update", household)
    assert event.changes == {
        "monthly_income": {"before": 1_200_000, "after": 2_000_000},
        "poverty_class": {"before": "fakir", "after": "miskin"},
        "rt": {"before": "", "after": "007"},
    }
    assert event.reason == "verifikasi lapangan"


def test_a_save_against_an_old_version_is_refused_and_overwrites_nothing(tksk_kabandungan, fasilitator_cipeuteuy):
    household = make_household(tksk_kabandungan)
    services.household_update(actor=fasilitator_cipeuteuy, household=household, expected_version=1, dusun="Cisarua")
    with pytest.raises(StaleEdit):
        services.household_update(actor=tksk_kabandungan, household=household, expected_version=1, dusun="Babakan")
    household.refresh_from_db()
    assert (household.dusun, household.version) == ("Cisarua", 2)
    person = household.members.get()
    services.person_update(actor=fasilitator_cipeuteuy, person=person, expected_version=1, occupation="Petani")
    with pytest.raises(StaleEdit):
        services.person_update(actor=tksk_kabandungan, person=person, expected_version=1, occupation="Ojek")
    person.refresh_from_db()
    assert person.occupation == "Petani"


def test_a_new_kk_keeps_the_old_number_in_the_history(tksk_kabandungan):
    household = services.household_create_with_head(
        actor=tksk_kabandungan,
        head={"nik": make_nik(KABANDUNGAN, HEAD_BORN, "L", 1), "name": "Asep", "sex": "L", "birth_date": HEAD_BORN},
        no_kk=kk_number(1),
        desa_code=CIPEUTEUY,
        kk_since=datetime.date(2015, 11, 1),
    )
    old = household.no_kk
    new = kk_number(77)
    services.household_kk_change(
        actor=tksk_kabandungan,
        household=household,
        no_kk=new,
        change_reason=KkChangeReason.PISAH_KK,
        changed_on=datetime.date(2026, 3, 1),
        reason="anak pisah KK",
    )
    household.refresh_from_db()
    assert household.no_kk == new and household.version == 2
    history = list(KkHistory.objects.filter(household=household).order_by("valid_from"))
    assert [(h.no_kk, h.valid_from, h.valid_to) for h in history] == [
        (old, datetime.date(2015, 11, 1), datetime.date(2026, 3, 1)),
        (new, datetime.date(2026, 3, 1), None),
    ]
    [event] = events("household.kk_change", household)
    assert event.changes["no_kk"] == {"before": old, "after": new}


def test_a_kk_change_needs_a_reason_a_free_number_and_a_date_after_the_current_card(tksk_kabandungan):
    household = make_household(tksk_kabandungan, serial=1)
    other = make_household(tksk_kabandungan, serial=2)
    with pytest.raises(ValidationError) as caught:
        services.household_kk_change(
            actor=tksk_kabandungan,
            household=household,
            no_kk=other.no_kk,
            change_reason=KkChangeReason.PINDAH,
            changed_on=datetime.date(2026, 3, 1),
        )
    assert "no_kk" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.household_kk_change(
            actor=tksk_kabandungan,
            household=household,
            no_kk=kk_number(9),
            change_reason=KkChangeReason.PERTAMA,
            changed_on=datetime.date(2026, 3, 1),
        )
    assert "change_reason" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:  # the current card is valid from today: no new one before it
        services.household_kk_change(
            actor=tksk_kabandungan,
            household=household,
            no_kk=kk_number(9),
            change_reason=KkChangeReason.PINDAH,
            changed_on=datetime.date(2020, 1, 1),
        )
    assert [e.code for e in caught.value.error_dict["changed_on"]] == ["before_current"]
    assert KkHistory.objects.get(household=household).valid_to is None


def test_a_person_whose_nik_disagrees_is_refused_with_the_field_named(tksk_kabandungan):
    household = make_household(tksk_kabandungan)
    nik = make_nik(KABANDUNGAN, datetime.date(2010, 8, 9), "P", 1)
    with pytest.raises(ValidationError) as caught:
        services.person_add(
            actor=tksk_kabandungan,
            household=household,
            nik=nik,
            name="Neng Rosita",
            sex="L",
            birth_date=datetime.date(2010, 9, 8),
            relation=Relation.ANAK,
        )
    errors = caught.value.error_dict
    assert list(errors) == ["nik"]
    assert [e.code for e in errors["nik"]] == ["nik_jenis_kelamin_tidak_cocok", "nik_tanggal_lahir_tidak_cocok"]
    assert nik in errors["nik"][0].messages[0]
    assert household.members.count() == 1


def test_a_nik_from_an_unknown_kecamatan_is_taken_with_a_warning(tksk_kabandungan):
    household = make_household(tksk_kabandungan)
    born = datetime.date(2012, 1, 30)
    person = services.person_add(
        actor=tksk_kabandungan,
        household=household,
        nik=make_nik("32.02.99", born, "P", 1),
        name="Euis Komariah",
        sex="P",
        birth_date=born,
        relation=Relation.ANAK,
    )
    assert person.pk and len(person.warnings) == 1 and "32.02.99" in person.warnings[0]


def test_a_name_is_kept_as_typed_and_searched_normalised(tksk_kabandungan):
    household = make_household(tksk_kabandungan, head={"name": "  Ëlis   Núrhayati "})
    assert (household.head.name, household.head.name_normalized) == ("Ëlis Núrhayati", "elis nurhayati")


def test_removing_a_household_hides_it_and_its_members_but_keeps_them(tksk_kabandungan):
    household = make_household(tksk_kabandungan)
    add_member(tksk_kabandungan, household, name="Neng Rosita", born=datetime.date(2010, 8, 9))
    with pytest.raises(ValidationError):
        services.household_delete(actor=tksk_kabandungan, household=household, reason="  ")
    services.household_delete(actor=tksk_kabandungan, household=household, reason="KK ganda dengan data lama")
    assert not Household.objects.live().exists() and not Person.objects.live().exists()
    assert Household.objects.count() == 1 and Person.objects.count() == 2
    [event] = events("household.delete", household)
    assert event.reason == "KK ganda dengan data lama"


def test_removing_a_person_needs_a_reason_and_is_audited(tksk_kabandungan):
    household = make_household(tksk_kabandungan)
    child = add_member(tksk_kabandungan, household, name="Neng Rosita", born=datetime.date(2010, 8, 9))
    with pytest.raises(ValidationError) as caught:
        services.person_delete(actor=tksk_kabandungan, person=child, reason="")
    assert "reason" in caught.value.error_dict
    services.person_delete(actor=tksk_kabandungan, person=child, reason="pindah ke Bogor", expected_version=1)
    child.refresh_from_db()
    assert child.deleted_at is not None and child.deleted_reason == "pindah ke Bogor" and child.version == 2
    assert events("person.delete", child)[0].reason == "pindah ke Bogor"
    with pytest.raises(ValidationError):
        services.person_delete(actor=tksk_kabandungan, person=child, reason="lagi")


def test_a_tksk_cannot_write_outside_their_kecamatan(tksk_kabandungan, tksk_kalapanunggal):
    with pytest.raises(NotAllowed):
        make_household(tksk_kabandungan, desa=KALAPANUNGGAL_DESA)
    theirs = make_household(tksk_kalapanunggal, desa=KALAPANUNGGAL_DESA)
    with pytest.raises(NotAllowed):
        services.household_update(actor=tksk_kabandungan, household=theirs, dusun="Cibeber")
    with pytest.raises(NotAllowed):
        add_member(tksk_kabandungan, theirs, name="Neng Rosita", born=datetime.date(2010, 8, 9))
    with pytest.raises(NotAllowed):
        services.household_delete(actor=tksk_kabandungan, household=theirs, reason="salah")
    mine = make_household(tksk_kabandungan, serial=2)
    with pytest.raises(NotAllowed):  # moving a family out of one's area is writing there too
        services.household_update(actor=tksk_kabandungan, household=mine, desa_code=KALAPANUNGGAL_DESA)
    assert not AuditEvent.objects.filter(actor=tksk_kabandungan, area_code__startswith=KALAPANUNGGAL).exists()


def test_a_pengamat_and_a_pendamping_only_read(tksk_kabandungan, pengamat_sukabumi, make_user):
    pendamping = make_user("pendamping.agus", Role.PENDAMPING, KABANDUNGAN)
    household = make_household(tksk_kabandungan)
    for reader in (pengamat_sukabumi, pendamping):
        with pytest.raises(NotAllowed):
            services.household_update(actor=reader, household=household, dusun="Cibeber")
        with pytest.raises(NotAllowed):
            make_household(reader, serial=5)


def test_a_fasilitator_registers_only_in_their_desa(fasilitator_cipeuteuy):
    assert make_household(fasilitator_cipeuteuy).desa_id == CIPEUTEUY
    with pytest.raises(NotAllowed):
        make_household(fasilitator_cipeuteuy, serial=2, desa=KABANDUNGAN + ".2001")


def test_a_checklist_counts_its_criteria_and_is_audited(tksk_kabandungan):
    household = make_household(tksk_kabandungan)
    checklist = services.checklist_record(
        actor=tksk_kabandungan,
        household=household,
        kind=ChecklistKind.BPS_14,
        items=["01", "02", "03", "05", "06", "07", "08", "10", "14"],
        assessed_on=datetime.date(2026, 11, 2),
    )
    assert (checklist.count, checklist.threshold, checklist.is_poor) == (9, 9, True)
    assert checklist.assessor_name == "Asep Saepudin"
    assert events("household.checklist", household)[0].changes == {
        "bps_14": {"before": None, "after": "9/14 (2026-11-02)"}
    }
    with pytest.raises(ValidationError) as caught:
        services.checklist_record(
            actor=tksk_kabandungan,
            household=household,
            kind=ChecklistKind.KEPMENSOS_146,
            items=["12"],
            assessed_on=datetime.date(2026, 11, 2),
        )
    assert "items" in caught.value.error_dict


def test_a_ppks_category_is_dated_with_its_source_and_audited(tksk_kabandungan):
    person = make_household(tksk_kabandungan).head
    services.person_ppks_add(
        actor=tksk_kabandungan,
        person=person,
        category=Ppks.P24,
        assessed_on=datetime.date(2026, 10, 1),
        source="Kunjungan rumah TKSK",
    )
    assert PersonPpks.objects.get(person=person).get_category_display() == "Fakir Miskin"
    assert events("person.ppks_add", person)[0].changes["ppks"]["after"] == "24 2026-10-01 (Kunjungan rumah TKSK)"
    with pytest.raises(ValidationError) as caught:
        services.person_ppks_add(
            actor=tksk_kabandungan, person=person, category=Ppks.P08, assessed_on=datetime.date(2026, 10, 1), source=""
        )
    assert "source" in caught.value.error_dict
