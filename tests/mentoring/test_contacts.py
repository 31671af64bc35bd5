"""Recording contacts through the service: targets, roles, attendance, the KUBE activity served, tasks, idempotency,
bad input and scoping."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.kube.models import ActivityRecord
from pendamping.mentoring.models import Attendance, Contact, ContactRole, FollowUpTask
from pendamping.mentoring.services import contacts
from tests.kube.helpers import formed_kube
from tests.mentoring.helpers import record
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db


def test_a_group_session_records_roles_and_the_attendance_of_every_active_member(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    members = list(kube.members.all())
    contact = record(
        tksk_kabandungan,
        kube=kube,
        roles=["enabler", "broker"],
        tks_roles=["03", "04"],
        attendance={m.pk: i < 4 for i, m in enumerate(members)},
    )
    assert contact.desa_id == kube.desa_id and contact.worker == tksk_kabandungan
    assert set(ContactRole.objects.filter(contact=contact).values_list("scheme", "code")) == {
        ("zastrow", "enabler"),
        ("zastrow", "broker"),
        ("tks", "03"),
        ("tks", "04"),
    }
    assert Attendance.objects.filter(contact=contact).count() == 5
    assert Attendance.objects.filter(contact=contact, present=True).count() == 4
    assert AuditEvent.objects.get(action="mentoring.contact", object_id=str(contact.pk)).area_code == kube.desa_id


def test_the_same_idempotency_key_records_one_contact(tksk_kabandungan):
    first = record(tksk_kabandungan, idempotency_key="abc-123")
    again = record(tksk_kabandungan, idempotency_key="abc-123", what_done="dikirim ulang")
    assert again.pk == first.pk and Contact.objects.count() == 1
    assert record(tksk_kabandungan, idempotency_key="abc-124").pk != first.pk


def test_a_visit_can_record_the_kube_activity_it_served(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    contact = record(tksk_kabandungan, kube=kube, activity="T0.4", contact_date=datetime.date(2026, 2, 3))
    assert contact.activity_record.activity == "T0.4" and contact.activity_record.kube == kube
    with pytest.raises(ValidationError) as caught:
        record(tksk_kabandungan, kube=kube, activity="T2.1")  # the group is still in T0
    assert "activity" in caught.value.message_dict
    assert ActivityRecord.objects.count() == 1 and Contact.objects.count() == 1


def test_agreements_become_follow_up_tasks(tksk_kabandungan, fasilitator_cipeuteuy):
    contact = record(
        tksk_kabandungan,
        agreements="Fasilitator mendata ulang PMKS",
        tasks=[
            {"title": "Mendata ulang PMKS", "assignee": fasilitator_cipeuteuy, "due_on": datetime.date(2026, 6, 30)}
        ],
    )
    task = FollowUpTask.objects.get(contact=contact)
    assert task.assignee == fasilitator_cipeuteuy and task.status == "open" and task.desa_id == "32.02.19.2002"
    contacts.task_set_status(actor=fasilitator_cipeuteuy, task=task, status="done")
    task.refresh_from_db()
    assert task.status == "done" and task.done_on is not None


def test_bad_input_is_named_and_nothing_is_saved(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    with pytest.raises(ValidationError) as caught:
        record(
            tksk_kabandungan,
            kube=kube,
            method="ngobrol",
            roles=["pahlawan"],
            tks_roles=["99"],
            what_done=" ",
            contact_date=datetime.date.today() + datetime.timedelta(days=2),
            latitude="abc",
            attendance={999999: True},
        )
    assert {"method", "roles", "tks_roles", "what_done", "contact_date", "latitude", "attendance"} <= set(
        caught.value.message_dict
    )
    assert not Contact.objects.exists()


def test_a_contact_needs_a_social_work_role(tksk_kabandungan):
    with pytest.raises(ValidationError) as caught:
        record(tksk_kabandungan, roles=[])
    assert "roles" in caught.value.message_dict


def test_attendance_only_for_a_group_session(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    member = kube.members.first()
    with pytest.raises(ValidationError) as caught:
        record(tksk_kabandungan, kube=kube, method="casework", attendance={member.pk: True})
    assert "attendance" in caught.value.message_dict


def test_a_tksk_cannot_record_a_contact_in_another_kecamatan(tksk_kalapanunggal, tksk_kabandungan):
    with pytest.raises(NotAllowed):
        record(tksk_kalapanunggal)
    household = make_household(tksk_kabandungan, serial=3)
    with pytest.raises(NotAllowed):
        record(tksk_kalapanunggal, target_kind="household", household=household, method="casework")


def test_a_person_contact_is_placed_in_the_desa_of_their_household(tksk_kabandungan):
    person = make_household(tksk_kabandungan, serial=4, desa="32.02.19.2003").head
    contact = record(tksk_kabandungan, target_kind="person", person=person, method="casework")
    assert contact.desa_id == "32.02.19.2003" and contact.household == person.household


def test_a_photo_that_is_not_a_photo_is_refused(tksk_kabandungan):
    fake = SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        record(tksk_kabandungan, photos=[fake])
    assert "foto.jpg" in " ".join(caught.value.message_dict["photos"])
    assert not Contact.objects.exists()


def test_a_removed_contact_keeps_its_reason(tksk_kabandungan):
    contact = record(tksk_kabandungan)
    contacts.contact_delete(actor=tksk_kabandungan, contact=contact, reason="tercatat dua kali")
    contact.refresh_from_db()
    assert contact.deleted_at is not None and contact.deleted_reason == "tercatat dua kali"
