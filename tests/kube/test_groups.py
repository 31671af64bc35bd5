"""Groups, members, activities, gates and overrides, through the services (domain.md 4, 4.2, 4.3)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.kube.models import ActivityRecord, GateOverride, KubeMember, Lpj, ProgressReport
from pendamping.kube.services import groups
from pendamping.kube.vocab import Activity, ActivityResult, Gate, KubeStatus, LeaveReason, LpjState, MemberRole, Stage
from tests.conftest import KALAPANUNGGAL
from tests.kube.helpers import (
    FORMED,
    add_members,
    complete_t1,
    eligible_people,
    formed_kube,
    make_kube,
    pass_t0,
)
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> dict:
    return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}


def test_a_new_group_starts_in_t0_with_the_stimulus_rate_of_the_setting_and_is_audited(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    assert (kube.stage, kube.status, kube.kecamatan_id) == (Stage.T0, KubeStatus.AKTIF, "32.02.19")
    assert kube.stimulus_per_member == 2_000_000
    event = AuditEvent.objects.get(action="kube.create", object_id=str(kube.pk))
    assert event.changes["name"]["after"] == "KUBE Mekar Jaya" and event.area_code == kube.desa_id


def test_a_tksk_cannot_form_a_group_in_another_kecamatan(tksk_kalapanunggal):
    with pytest.raises(NotAllowed):
        make_kube(tksk_kalapanunggal)


def test_a_group_in_a_desa_of_kalapanunggal_is_refused_to_the_tksk_of_kabandungan(tksk_kabandungan):
    with pytest.raises(NotAllowed):
        make_kube(tksk_kabandungan, desa=KALAPANUNGGAL + ".2001")


def test_bad_group_fields_are_each_named(tksk_kabandungan):
    with pytest.raises(ValidationError) as caught:
        make_kube(tksk_kabandungan, name=" ", budget_year=1999, formed_on=timezone.localdate() + datetime.timedelta(1))
    assert {"name", "budget_year", "formed_on"} <= set(caught.value.message_dict)


def test_the_twenty_first_member_is_refused_and_nothing_is_saved(tksk_kabandungan, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "KUBE_MAX_MEMBERS": 3}
    kube = make_kube(tksk_kabandungan)
    people = eligible_people(tksk_kabandungan, 4)
    add_members(tksk_kabandungan, kube, people[:3])
    with pytest.raises(ValidationError) as caught:
        groups.kube_member_add(actor=tksk_kabandungan, kube=kube, person=people[3], joined_on=FORMED)
    assert "3" in codes(caught.value)["person"][0]
    assert kube.members.count() == 3


def test_a_member_from_another_kecamatan_is_refused(tksk_kabandungan, make_user):
    admin = make_user("admin.x", "admin_dinsos", "32.02")
    outsider = make_household(admin, serial=50, desa=KALAPANUNGGAL + ".2001").head
    kube = make_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        groups.kube_member_add(actor=tksk_kabandungan, kube=kube, person=outsider, joined_on=FORMED)
    assert KALAPANUNGGAL + ".2001" in codes(caught.value)["person"][0]
    assert not kube.members.exists()


def test_a_person_is_in_one_active_kube_and_may_join_another_after_leaving(tksk_kabandungan):
    first = make_kube(tksk_kabandungan, name="KUBE Satu")
    second = make_kube(tksk_kabandungan, name="KUBE Dua")
    [person] = eligible_people(tksk_kabandungan, 1)
    member = groups.kube_member_add(actor=tksk_kabandungan, kube=first, person=person, joined_on=FORMED)
    with pytest.raises(ValidationError) as caught:
        groups.kube_member_add(actor=tksk_kabandungan, kube=second, person=person, joined_on=FORMED)
    assert "KUBE Satu" in codes(caught.value)["person"][0]
    groups.kube_member_leave(
        actor=tksk_kabandungan, member=member, left_on=datetime.date(2026, 2, 1), leave_reason=LeaveReason.PINDAH
    )
    assert groups.kube_member_add(actor=tksk_kabandungan, kube=second, person=person, joined_on=FORMED).kube == second


def test_one_member_per_kk(tksk_kabandungan):
    from tests.registry.test_services import add_member

    kube = make_kube(tksk_kabandungan)
    household = make_household(tksk_kabandungan, serial=7)
    wife = add_member(tksk_kabandungan, household, name="Siti", born=datetime.date(1985, 3, 1), serial=8)
    groups.kube_member_add(actor=tksk_kabandungan, kube=kube, person=household.head, joined_on=FORMED)
    with pytest.raises(ValidationError) as caught:
        groups.kube_member_add(actor=tksk_kabandungan, kube=kube, person=wife, joined_on=FORMED)
    assert household.head.name in codes(caught.value)["person"][0]


def test_the_three_offices_are_held_by_three_different_members(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    people = eligible_people(tksk_kabandungan, 2)
    first = groups.kube_member_add(
        actor=tksk_kabandungan, kube=kube, person=people[0], joined_on=FORMED, role=MemberRole.KETUA
    )
    with pytest.raises(ValidationError) as caught:
        groups.kube_member_add(
            actor=tksk_kabandungan, kube=kube, person=people[1], joined_on=FORMED, role=MemberRole.KETUA
        )
    assert people[0].name in codes(caught.value)["role"][0]
    second = groups.kube_member_add(actor=tksk_kabandungan, kube=kube, person=people[1], joined_on=FORMED)
    with pytest.raises(ValidationError):
        groups.kube_member_role_set(actor=tksk_kabandungan, member=second, role=MemberRole.KETUA)
    groups.kube_member_role_set(actor=tksk_kabandungan, member=first, role=MemberRole.BENDAHARA)
    assert groups.kube_member_role_set(actor=tksk_kabandungan, member=second, role=MemberRole.KETUA).role == "ketua"


def test_a_member_keeps_the_screening_they_were_admitted_on(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    [person] = eligible_people(tksk_kabandungan, 1)
    member = groups.kube_member_add(actor=tksk_kabandungan, kube=kube, person=person, joined_on=FORMED)
    assert member.screening is not None and member.screening.decision == "eligible"


def test_joining_before_the_group_was_formed_is_refused(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    [person] = eligible_people(tksk_kabandungan, 1)
    with pytest.raises(ValidationError) as caught:
        groups.kube_member_add(
            actor=tksk_kabandungan, kube=kube, person=person, joined_on=FORMED - datetime.timedelta(days=1)
        )
    assert "joined_on" in caught.value.message_dict


def test_an_activity_dated_before_the_group_existed_is_refused(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        groups.activity_record(
            actor=tksk_kabandungan, kube=kube, activity=Activity.T0_1, done_on=datetime.date(2025, 12, 31)
        )
    assert "done_on" in caught.value.message_dict
    assert not ActivityRecord.objects.exists()


def test_an_evaluation_needs_a_result_and_other_activities_have_none(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        groups.activity_record(actor=tksk_kabandungan, kube=kube, activity=Activity.T0_7, done_on=FORMED)
    assert "result" in caught.value.message_dict
    with pytest.raises(ValidationError):
        groups.activity_record(
            actor=tksk_kabandungan, kube=kube, activity=Activity.T0_1, done_on=FORMED, result=ActivityResult.PASSED
        )


def test_an_activity_of_a_later_stage_waits_for_its_stage(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        groups.activity_record(actor=tksk_kabandungan, kube=kube, activity=Activity.T1_3, done_on=FORMED)
    assert "activity" in caught.value.message_dict


def test_t1_opens_only_after_a_passing_t0_7(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        groups.stage_advance(actor=tksk_kabandungan, kube=kube, on=FORMED)
    assert "override_reason" in caught.value.message_dict
    groups.activity_record(
        actor=tksk_kabandungan, kube=kube, activity=Activity.T0_7, done_on=FORMED, result=ActivityResult.NOT_PASSED
    )
    with pytest.raises(ValidationError):
        groups.stage_advance(actor=tksk_kabandungan, kube=kube, on=FORMED)
    kube = pass_t0(tksk_kabandungan, kube, on=FORMED)
    assert kube.stage == Stage.T1 and kube.stage_changes.get().override is None


def test_an_authorised_user_passes_a_closed_gate_with_a_written_reason(tksk_kabandungan):
    kube = make_kube(tksk_kabandungan)
    kube = groups.stage_advance(
        actor=tksk_kabandungan, kube=kube, on=FORMED, override_reason="Evaluasi dilakukan lisan di musyawarah desa"
    )
    assert kube.stage == Stage.T1
    override = GateOverride.objects.get(kube=kube)
    assert override.gate == Gate.T1 and override.unmet and override.actor == tksk_kabandungan
    assert kube.stage_changes.get().override == override
    assert AuditEvent.objects.filter(action="kube.gate_override", object_id=str(kube.pk), reason=override.reason)


def test_a_fasilitator_may_record_but_not_override_a_gate(tksk_kabandungan, fasilitator_cipeuteuy):
    kube = make_kube(tksk_kabandungan)
    groups.activity_record(actor=fasilitator_cipeuteuy, kube=kube, activity=Activity.T0_1, done_on=FORMED)
    kube = pass_t0(tksk_kabandungan, kube)
    with pytest.raises(NotAllowed):
        groups.activity_record(
            actor=fasilitator_cipeuteuy, kube=kube, activity=Activity.T1_2, done_on=FORMED, override_reason="mendesak"
        )
    assert not GateOverride.objects.exists()


def test_t1_2_needs_five_screened_members_and_three_officers(tksk_kabandungan):
    kube = pass_t0(tksk_kabandungan, make_kube(tksk_kabandungan))
    people = eligible_people(tksk_kabandungan, 5)
    add_members(tksk_kabandungan, kube, people[:4])
    with pytest.raises(ValidationError) as caught:
        groups.activity_record(actor=tksk_kabandungan, kube=kube, activity=Activity.T1_2, done_on=FORMED)
    assert "4" in " ".join(caught.value.message_dict["override_reason"])
    add_members(tksk_kabandungan, kube, people[4:], officers=False)
    assert groups.activity_record(actor=tksk_kabandungan, kube=kube, activity=Activity.T1_2, done_on=FORMED)


def test_t1_2_without_officers_is_refused(tksk_kabandungan):
    kube = pass_t0(tksk_kabandungan, make_kube(tksk_kabandungan))
    add_members(tksk_kabandungan, kube, eligible_people(tksk_kabandungan, 5), officers=False)
    assert gate_has(kube, Gate.T1_2, MemberRole.KETUA.label)


def gate_has(kube, gate, text) -> bool:
    return any(str(text) in item for item in groups.gate_unmet(kube, gate))


def test_t1_6_needs_the_bank_account_the_sk_and_every_member_eligible_or_overridden(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    unmet = groups.gate_unmet(kube, Gate.T1_6)
    assert len(unmet) == 2  # no bank account, no SK; every member screened eligible
    kube = groups.kube_update(
        actor=tksk_kabandungan,
        kube=kube,
        bank_name="BRI",
        bank_account_number="0123456789",
        sk_number="460/1",
        sk_date=FORMED,
    )
    assert groups.gate_unmet(kube, Gate.T1_6) == []
    # a member screened not eligible (too old) blocks the gate until overridden
    old = make_household(tksk_kabandungan, serial=40, head={"birth_date": datetime.date(1950, 1, 1)}).head
    member = groups.kube_member_add(actor=tksk_kabandungan, kube=kube, person=old, joined_on=FORMED)
    assert gate_has(kube, Gate.T1_6, old.name)
    groups.kube_member_override_set(actor=tksk_kabandungan, member=member, reason="Purnabina KAT, usulan desa")
    assert groups.gate_unmet(kube, Gate.T1_6) == []


def test_t2_opens_after_t1_7_and_a_verified_lpj(tksk_kabandungan):
    kube = pass_t0(tksk_kabandungan, formed_kube(tksk_kabandungan))
    kube = complete_t1(tksk_kabandungan, kube)
    assert gate_has(kube, Gate.T2, "LPJ")
    Lpj.objects.create(kube=kube, state=LpjState.DIVERIFIKASI)
    assert groups.stage_advance(actor=tksk_kabandungan, kube=kube).stage == Stage.T2


def test_t3_opens_after_t2_3_with_a_typology_of_at_least_berkembang(tksk_kabandungan):
    kube = pass_t0(tksk_kabandungan, formed_kube(tksk_kabandungan))
    kube = complete_t1(tksk_kabandungan, kube)
    Lpj.objects.create(kube=kube, state=LpjState.DIVERIFIKASI)
    kube = groups.stage_advance(actor=tksk_kabandungan, kube=kube)
    groups.activity_record(
        actor=tksk_kabandungan, kube=kube, activity=Activity.T2_3, done_on=timezone.localdate(), result="passed"
    )
    report = ProgressReport.objects.create(
        kube=kube,
        month=datetime.date(2026, 10, 1),
        omzet=1,
        profit=1,
        capital=1,
        iks_collected=0,
        iks_used=0,
        active_members=5,
        business_status="aktif",
        typology="tumbuh",
        submitted_at=timezone.now(),
    )
    assert gate_has(kube, Gate.T3, "berkembang")
    report.typology = "berkembang"
    report.save()
    assert groups.stage_advance(actor=tksk_kabandungan, kube=kube).stage == Stage.T3


def test_dissolving_a_group_lets_its_members_go(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    groups.kube_status_set(actor=tksk_kabandungan, kube=kube, status=KubeStatus.BUBAR, reason="Usaha berhenti")
    assert not KubeMember.objects.filter(kube=kube, left_on__isnull=True).exists()
    assert set(KubeMember.objects.values_list("leave_reason", flat=True)) == {LeaveReason.KELOMPOK_BUBAR}


def test_an_activity_photo_is_shrunk_and_a_non_image_is_refused(tksk_kabandungan, tmp_path, settings):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    kube = make_kube(tksk_kabandungan)
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), "green").save(buffer, "PNG")
    photo = SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")
    record = groups.activity_record(
        actor=tksk_kabandungan, kube=kube, activity=Activity.T0_1, done_on=FORMED, files=[photo]
    )
    [attachment] = record.attachments.all()
    with Image.open(attachment.file.path) as stored:
        assert max(stored.size) == 1280 and stored.format == "JPEG"
    fake = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        groups.activity_record(actor=tksk_kabandungan, kube=kube, activity=Activity.T0_2, done_on=FORMED, files=[fake])
    assert "foto.jpg" in caught.value.message_dict["files"][0]
    assert not ActivityRecord.objects.filter(activity=Activity.T0_2).exists()


def test_an_oversized_attachment_is_refused_naming_the_file(tksk_kabandungan, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "KUBE_ATTACHMENT_MAX_BYTES": 1000}
    kube = make_kube(tksk_kabandungan)
    big = SimpleUploadedFile("laporan.pdf", b"%PDF-1.4 " + b"x" * 2000, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        groups.activity_record(actor=tksk_kabandungan, kube=kube, activity=Activity.T0_3, done_on=FORMED, files=[big])
    assert "laporan.pdf" in caught.value.message_dict["files"][0]
