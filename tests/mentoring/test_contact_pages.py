"""The contact log through the pages: recording a visit on the form (with attendance, tasks, a photo), a bad form
that keeps what was typed, a double submit that records once, the list and its filters, scoping and permissions."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.mentoring.models import Attendance, Contact, FollowUpTask
from tests.kube.helpers import formed_kube, make_kube
from tests.mentoring.helpers import record
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db

CREATE = "mentoring:contact-create"


def _key(response) -> str:
    return re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', response.content).group(1).decode()


def _visit(kube, key: str, **values) -> dict:
    data = {
        "idempotency_key": key,
        "contact_date": "2026-06-10",
        "target_kind": "kube",
        "kube": str(kube.pk),
        "method": "groupwork",
        "roles": ["enabler", "expert"],
        "tks_roles": ["03"],
        "welfare_function": "pengembangan",
        "intervention_kind": "edukatif",
        "service_type": "sosialisasi",
        "what_done": "Pertemuan kelompok bulanan",
        "agreements": "Ketua menyiapkan buku kas",
        "attendance_shown": "1",
    }
    data.update(values)
    return data


def test_a_visit_with_attendance_and_a_task_is_recorded_through_the_form(
    tksk_kabandungan, fasilitator_cipeuteuy, login
):
    kube = formed_kube(tksk_kabandungan)
    members = list(kube.members.order_by("pk"))
    client = login(tksk_kabandungan)
    page = client.get(reverse(CREATE), {"kube": kube.pk})
    assert page.status_code == 200
    for member in members:  # the form offers the group's members to tick
        assert f'name="attendance" value="{member.pk}"'.encode() in page.content
    key = _key(page)
    response = client.post(
        reverse(CREATE),
        _visit(
            kube,
            key,
            attendance=[str(m.pk) for m in members[:3]],
            task_title_1="Menyiapkan buku kas",
            task_assignee_1=str(fasilitator_cipeuteuy.pk),
            task_due_1="2026-06-20",
            latitude="-6.75",
            longitude="106.6",
        ),
    )
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "mentoring:contact-detail", args=[contact.pk]
    )
    assert contact.kube == kube and contact.method == "groupwork" and contact.idempotency_key == key
    assert set(Attendance.objects.filter(contact=contact, present=True).values_list("member_id", flat=True)) == {
        m.pk for m in members[:3]
    }
    assert Attendance.objects.filter(contact=contact, present=False).count() == 2
    task = FollowUpTask.objects.get()
    assert task.assignee == fasilitator_cipeuteuy and str(task.due_on) == "2026-06-20" and task.kube == kube
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert f'data-keep-clear="{key}"'.encode() in detail.content  # the script drops the kept draft
    assert b'data-role="enabler"' in detail.content and b'data-tks-role="03"' in detail.content
    assert detail.content.count(b'data-present="1"') == 3


def test_choosing_a_kube_loads_its_members_to_tick(tksk_kabandungan, login):
    kube = formed_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    response = client.get(reverse("mentoring:contact-members"), {"kube": kube.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"<html" not in response.content
    assert response.content.count(b'name="attendance"') == 5
    assert b'name="attendance_shown"' in response.content


def test_a_bad_form_keeps_what_was_typed_and_names_the_field(tksk_kabandungan, login):
    kube = formed_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    key = _key(client.get(reverse(CREATE)))
    response = client.post(reverse(CREATE), _visit(kube, key, roles=[], what_done="Kunjungan rumah ketua"))
    assert response.status_code == 200 and Contact.objects.count() == 0
    assert "roles" in response.context["form"].errors
    assert b"Kunjungan rumah ketua" in response.content
    assert _key(response) == key  # the same key: a resend after fixing is still one contact
    no_date = client.post(reverse(CREATE), _visit(kube, key, contact_date=""))
    assert "contact_date" in no_date.context["form"].errors and Contact.objects.count() == 0


def test_a_double_submit_records_one_contact_and_both_land_on_it(tksk_kabandungan, login):
    kube = formed_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    key = _key(client.get(reverse(CREATE)))
    first = client.post(reverse(CREATE), _visit(kube, key))
    second = client.post(reverse(CREATE), _visit(kube, key, what_done="dikirim ulang"))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Contact.objects.count() == 1 and Contact.objects.get().what_done == "Pertemuan kelompok bulanan"
    fresh = _key(client.get(reverse(CREATE)))
    assert fresh != key
    client.post(reverse(CREATE), _visit(kube, fresh))
    assert Contact.objects.count() == 2


def test_a_visit_to_a_household_is_found_by_its_no_kk_and_a_person_by_nik(tksk_kabandungan, login):
    household = make_household(tksk_kabandungan, serial=50)
    head = household.members.get()
    client = login(tksk_kabandungan)
    page = client.get(reverse(CREATE), {"household": household.pk})
    assert household.no_kk.encode() in page.content
    base = {
        "contact_date": "2026-06-11",
        "method": "casework",
        "roles": ["advocate"],
        "what_done": "Kunjungan rumah",
        "idempotency_key": _key(page),
    }
    client.post(reverse(CREATE), {**base, "target_kind": "household", "number": household.no_kk})
    key = _key(client.get(reverse(CREATE)))
    client.post(reverse(CREATE), {**base, "idempotency_key": key, "target_kind": "person", "number": head.nik})
    contacts = {c.target_kind: c for c in Contact.objects.all()}
    assert contacts["household"].household == household and contacts["household"].person is None
    assert contacts["person"].person == head and contacts["person"].desa_id == household.desa_id
    unknown = client.post(reverse(CREATE), {**base, "idempotency_key": "x1", "target_kind": "person", "number": "1"})
    assert "number" in unknown.context["form"].errors and Contact.objects.count() == 2


def test_a_photo_is_served_only_to_those_who_see_the_contact(
    tksk_kabandungan, tksk_kalapanunggal, login, tmp_path, settings
):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    kube = formed_kube(tksk_kabandungan)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "PNG")
    client = login(tksk_kabandungan)
    key = _key(client.get(reverse(CREATE)))
    photo = SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")
    client.post(reverse(CREATE), {**_visit(kube, key), "photos": photo})
    contact = Contact.objects.get()
    stored = contact.photos.get()
    url = reverse("mentoring:contact-photo", args=[contact.pk, stored.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    assert response["X-Content-Type-Options"] == "nosniff"
    other = login(tksk_kalapanunggal)
    assert other.get(url).status_code == 404


def test_the_tksk_of_another_kecamatan_gets_a_404(tksk_kabandungan, tksk_kalapanunggal, login):
    kube = formed_kube(tksk_kabandungan)
    contact = record(tksk_kabandungan, kube=kube)
    client = login(tksk_kalapanunggal)
    assert client.get(reverse("mentoring:contact-detail", args=[contact.pk])).status_code == 404
    assert client.get(reverse("mentoring:attendance-kube", args=[kube.pk])).status_code == 404
    listed = client.get(reverse("mentoring:contact-list"))
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 0
    # a KUBE of another kecamatan cannot be chosen on the form
    key = _key(client.get(reverse(CREATE)))
    response = client.post(reverse(CREATE), _visit(kube, key))
    assert "kube" in response.context["form"].errors and Contact.objects.count() == 1


def test_a_pengamat_sees_contacts_but_cannot_record_one(tksk_kabandungan, pengamat_sukabumi, login):
    kube = formed_kube(tksk_kabandungan)
    contact = record(tksk_kabandungan, kube=kube)
    client = login(pengamat_sukabumi)
    assert client.get(reverse("mentoring:contact-detail", args=[contact.pk])).status_code == 200
    assert client.get(reverse(CREATE)).status_code == 403
    assert client.post(reverse(CREATE), _visit(kube, "k1")).status_code == 403
    assert Contact.objects.count() == 1


def test_the_list_masks_nik_filters_and_runs_a_fixed_number_of_queries(tksk_kabandungan, login):
    household = make_household(tksk_kabandungan, serial=50)
    head = household.members.get()
    kube = formed_kube(tksk_kabandungan)
    record(
        tksk_kabandungan,
        target_kind="person",
        person=head,
        method="casework",
        roles=["advocate", "broker"],
        tks_roles=["04"],
    )
    client = login(tksk_kabandungan)
    response = client.get(reverse("mentoring:contact-list"))
    assert head.name.encode() in response.content
    assert head.nik.encode() not in response.content and head.nik[:4].encode() in response.content
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mentoring:contact-list"))
    for n in range(6):
        record(
            tksk_kabandungan, kube=kube, attendance={m.pk: True for m in kube.members.all()}, idempotency_key=f"k{n}"
        )
    other = make_kube(tksk_kabandungan, name="KUBE Lain")
    record(tksk_kabandungan, kube=other, method="casework")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("mentoring:contact-list"))
    assert response.context["page"].paginator.count == 8
    assert len(many) == len(few)
    filtered = client.get(reverse("mentoring:contact-list"), {"kube": kube.pk, "method": "groupwork"})
    assert filtered.context["page"].paginator.count == 6
    by_date = client.get(reverse("mentoring:contact-list"), {"date_from": "2026-06-11"})
    assert by_date.context["page"].paginator.count == 0
    by_worker = client.get(reverse("mentoring:contact-list"), {"worker": tksk_kabandungan.pk, "method": "casework"})
    assert by_worker.context["page"].paginator.count == 2


def test_the_form_page_loads_its_scripts_from_static_files(tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    content = client.get(reverse(CREATE)).content
    assert b"keep-form.js" in content and b"geolocate.js" in content and b"data-keep" in content
    assert b"<script>" not in content  # the CSP forbids inline scripts


def test_the_kube_and_household_pages_link_to_the_form(tksk_kabandungan, login):
    kube = formed_kube(tksk_kabandungan)
    household = make_household(tksk_kabandungan, serial=50)
    client = login(tksk_kabandungan)
    link = f"{reverse(CREATE)}?kube={kube.pk}".encode()
    assert link in client.get(reverse("kube:kube-detail", args=[kube.pk])).content
    link = f"{reverse(CREATE)}?household={household.pk}".encode()
    assert link in client.get(reverse("registry:household-detail", args=[household.pk])).content


def test_the_form_records_the_kube_activity_served_or_names_why_not(tksk_kabandungan, login):
    from pendamping.kube.models import ActivityRecord

    kube = formed_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    key = _key(client.get(reverse(CREATE)))
    refused = client.post(reverse(CREATE), _visit(kube, key, activity="T2.1"))  # the group is still in T0
    assert refused.status_code == 200 and "activity" in refused.context["form"].errors
    assert Contact.objects.count() == 0 and ActivityRecord.objects.count() == 0
    assert client.post(reverse(CREATE), _visit(kube, key, activity="T0.4")).status_code == 302
    contact = Contact.objects.get()
    assert contact.activity_record.activity == "T0.4" and ActivityRecord.objects.count() == 1


def test_a_contact_recorded_by_mistake_is_removed_with_its_reason_and_leaves_the_list(
    tksk_kabandungan, tksk_kalapanunggal, pengamat_sukabumi, login
):
    from pendamping.core.models import AuditEvent

    kube = make_kube(tksk_kabandungan)
    contact = record(tksk_kabandungan, kube=kube, what_done="Tercatat dua kali")
    url = reverse("mentoring:contact-remove", args=[contact.pk])
    assert login(tksk_kalapanunggal).get(url).status_code == 404
    assert login(pengamat_sukabumi).get(url).status_code == 403
    client = login(tksk_kabandungan)
    assert url.encode() in client.get(reverse("mentoring:contact-detail", args=[contact.pk])).content
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 200 and missing.context["form"].errors["reason"]
    assert Contact.objects.get(pk=contact.pk).deleted_at is None
    done = client.post(url, {"reason": "tercatat dua kali"})
    assert done.status_code == 302 and done["Location"] == reverse("mentoring:contact-list")
    contact.refresh_from_db()
    assert contact.deleted_at is not None and contact.deleted_reason == "tercatat dua kali"
    assert AuditEvent.objects.filter(action="mentoring.contact_delete", object_id=str(contact.pk)).exists()
    assert "Tercatat dua kali" not in client.get(reverse("mentoring:contact-list")).content.decode()
    kube.refresh_from_db()
    assert kube.last_contact_on is None  # the group's standing forgets it too
