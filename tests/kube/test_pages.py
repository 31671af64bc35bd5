"""The pages of groups: what a TKSK sees and does through the browser's forms, scoping, and the list's queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.core.models import AuditEvent
from pendamping.kube.models import GateOverride, Kube, KubeMember
from pendamping.kube.vocab import Stage
from tests.kube.helpers import FORMED, business_type, eligible_people, formed_kube, make_kube

pytestmark = pytest.mark.django_db


def test_a_tksk_registers_a_group_through_the_form(tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    assert client.get(reverse("kube:kube-create")).status_code == 200
    response = client.post(
        reverse("kube:kube-create"),
        {
            "name": "KUBE Sauyunan",
            "kind": "produksi",
            "business_type": business_type("gula_aren").pk,
            "desa_code": "32.02.19.2002",
            "funding_source": "apbd",
            "budget_year": 2026,
            "formed_on": "2026-02-01",
        },
    )
    kube = Kube.objects.get(name="KUBE Sauyunan")
    assert response.status_code == 302 and response["Location"] == reverse("kube:kube-detail", args=[kube.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"KUBE Sauyunan" in page.content


def test_a_bad_form_names_the_field_and_saves_nothing(tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    response = client.post(reverse("kube:kube-create"), {"name": "", "budget_year": "dua ribu"})
    assert response.status_code == 200 and not Kube.objects.exists()
    assert response.context["form"].errors.keys() >= {"name", "budget_year", "desa_code"}


def test_every_page_of_a_group_opens(tksk_kabandungan, login):
    kube = formed_kube(tksk_kabandungan)
    member = kube.members.first()
    client = login(tksk_kabandungan)
    for name, args in [
        ("kube:kube-list", []),
        ("kube:override-list", []),
        ("kube:kube-detail", [kube.pk]),
        ("kube:kube-update", [kube.pk]),
        ("kube:kube-status", [kube.pk]),
        ("kube:kube-stages", [kube.pk]),
        ("kube:stage-advance", [kube.pk]),
        ("kube:activity-record", [kube.pk, "T0.7"]),
        ("kube:member-list", [kube.pk]),
        ("kube:member-print", [kube.pk]),
        ("kube:member-add", [kube.pk]),
        ("kube:member-leave", [kube.pk, member.pk]),
        ("kube:member-role", [kube.pk, member.pk]),
        ("kube:member-override", [kube.pk, member.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name


def test_a_group_of_kabandungan_is_a_404_for_the_tksk_of_kalapanunggal(tksk_kabandungan, tksk_kalapanunggal, login):
    kube = make_kube(tksk_kabandungan)
    client = login(tksk_kalapanunggal)
    assert client.get(reverse("kube:kube-detail", args=[kube.pk])).status_code == 404
    assert client.get(reverse("kube:member-add", args=[kube.pk])).status_code == 404
    assert b"KUBE Mekar Jaya" not in client.get(reverse("kube:kube-list")).content


def test_a_pengamat_reads_but_cannot_add_members(tksk_kabandungan, pengamat_sukabumi, login):
    kube = make_kube(tksk_kabandungan)
    client = login(pengamat_sukabumi)
    assert client.get(reverse("kube:kube-detail", args=[kube.pk])).status_code == 200
    assert client.get(reverse("kube:member-add", args=[kube.pk])).status_code == 403


def test_adding_a_member_by_nik_and_a_refusal_shown_beside_the_nik(tksk_kabandungan, login):
    kube = make_kube(tksk_kabandungan)
    [person] = eligible_people(tksk_kabandungan, 1)
    client = login(tksk_kabandungan)
    url = reverse("kube:member-add", args=[kube.pk])
    response = client.post(url, {"nik": person.nik, "role": "ketua", "joined_on": FORMED.isoformat()})
    assert response.status_code == 302 and KubeMember.objects.get().person == person
    again = client.post(url, {"nik": person.nik, "role": "anggota", "joined_on": FORMED.isoformat()})
    assert again.status_code == 200 and again.context["form"].errors["nik"]
    unknown = client.post(url, {"nik": "3202190000000000", "role": "anggota", "joined_on": FORMED.isoformat()})
    assert unknown.context["form"].errors["nik"] and KubeMember.objects.count() == 1


def test_opening_a_stage_by_override_through_the_page(tksk_kabandungan, login):
    kube = make_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    url = reverse("kube:stage-advance", args=[kube.pk])
    refused = client.post(url, {"on": FORMED.isoformat()})
    assert refused.status_code == 200 and refused.context["form"].errors["override_reason"]
    response = client.post(
        url, {"on": FORMED.isoformat(), "override_reason": "Evaluasi di musdes, berita acara menyusul"}
    )
    assert response.status_code == 302
    kube.refresh_from_db()
    assert kube.stage == Stage.T1 and GateOverride.objects.get(kube=kube).reason.startswith("Evaluasi")
    assert b"Evaluasi di musdes" in client.get(reverse("kube:override-list")).content


def test_the_list_runs_a_fixed_number_of_queries(tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    for n in range(2):
        make_kube(tksk_kabandungan, name=f"KUBE {n}")
    client.get(reverse("kube:kube-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("kube:kube-list"))
    for n in range(2, 8):
        make_kube(tksk_kabandungan, name=f"KUBE {n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("kube:kube-list")).status_code == 200
    assert len(many) == len(few)


def test_the_export_holds_the_groups_of_the_list_and_is_audited(tksk_kabandungan, login):
    make_kube(tksk_kabandungan)
    client = login(tksk_kabandungan)
    response = client.get(reverse("kube:kube-export"), {"stage": "T0"})
    assert response.status_code == 200 and response["Content-Type"].endswith("sheet")
    event = AuditEvent.objects.get(action="kube.export")
    assert event.changes["rows"]["after"] == 1


def test_the_stages_page_lists_all_23_activities(tksk_kabandungan, login):
    kube = make_kube(tksk_kabandungan)
    content = login(tksk_kabandungan).get(reverse("kube:kube-stages", args=[kube.pk])).content.decode()
    for code in ["T0.1", "T0.7", "T1.6", "T2.3", "T3.6"]:
        assert f"<strong>{code}</strong>" in content
    assert content.count("<strong>T") >= 23


def test_member_detail_pages_of_a_person_keep_nik_masked_in_the_list(tksk_kabandungan, login):
    kube = formed_kube(tksk_kabandungan)
    member = kube.members.select_related("person").first()
    content = login(tksk_kabandungan).get(reverse("kube:member-list", args=[kube.pk])).content.decode()
    assert member.person.name in content and member.person.nik not in content


def test_inclusion_and_exclusion_errors_of_the_kecamatan(tksk_kabandungan, login):
    from pendamping.kube.services import groups
    from tests.registry.test_services import make_household

    kube = formed_kube(tksk_kabandungan)  # five eligible members, screened against the active rule set
    left_out = eligible_people(tksk_kabandungan, 1, first_serial=30)[0]
    old = make_household(tksk_kabandungan, serial=60, head={"birth_date": datetime.date(1950, 1, 1)}).head
    member = groups.kube_member_add(
        actor=tksk_kabandungan, kube=kube, person=old, joined_on=FORMED, eligibility_override="usulan desa"
    )
    client = login(tksk_kabandungan)
    response = client.get(reverse("kube:targeting-errors"), {"area": "32.02.19"})
    assert response.status_code == 200
    assert [m.pk for m in response.context["inclusion"]] == [member.pk]  # never screened against the rule set
    assert [r.person_id for r in response.context["exclusion"]] == [left_out.pk]


def test_the_errors_page_of_another_kecamatan_shows_nothing(tksk_kalapanunggal, tksk_kabandungan, login):
    formed_kube(tksk_kabandungan)
    response = login(tksk_kalapanunggal).get(reverse("kube:targeting-errors"), {"area": "32.02.19"})
    assert response.status_code == 200 and response.context["area"] is None


def test_candidates_selected_on_the_candidate_list_are_proposed_for_a_group(tksk_kabandungan, login):
    kube = make_kube(tksk_kabandungan)
    people = eligible_people(tksk_kabandungan, 3)
    other = make_kube(tksk_kabandungan, name="KUBE Lain")
    from pendamping.kube.services import groups

    groups.kube_member_add(actor=tksk_kabandungan, kube=other, person=people[2], joined_on=FORMED)
    client = login(tksk_kabandungan)
    page = client.get(reverse("targeting:candidate-list"), {"area": "32.02.19"})
    assert page.status_code == 200 and reverse("kube:member-propose").encode() in page.content
    response = client.post(
        reverse("kube:member-propose"), {"kube": kube.pk, "person": [p.pk for p in people]}, follow=True
    )
    assert response.status_code == 200
    assert set(kube.members.values_list("person_id", flat=True)) == {people[0].pk, people[1].pk}
    assert any(people[2].name in str(m) for m in response.context["messages"])


def test_proposing_for_a_group_of_another_kecamatan_is_a_404(tksk_kabandungan, tksk_kalapanunggal, login):
    kube = make_kube(tksk_kabandungan)
    response = login(tksk_kalapanunggal).post(reverse("kube:member-propose"), {"kube": kube.pk, "person": [1]})
    assert response.status_code == 404


def test_the_dinas_sosial_extends_the_business_types_of_its_kabupaten(admin_sukabumi, tksk_kabandungan, login):
    from pendamping.kube.models import BusinessType

    client = login(admin_sukabumi)
    response = client.post(reverse("kube:business-type-list"), {"name": "Kopi robusta", "kind": "produksi"})
    assert response.status_code == 302
    assert BusinessType.objects.get(name="Kopi robusta").area_code == "32.02"
    again = client.post(reverse("kube:business-type-list"), {"name": "Kopi robusta", "kind": "produksi"})
    assert again.status_code == 200 and again.context["form"].errors["name"]
    tksk = login(tksk_kabandungan)
    assert b"Kopi robusta" in tksk.get(reverse("kube:business-type-list")).content
    assert tksk.post(reverse("kube:business-type-list"), {"name": "Batik", "kind": "produksi"}).status_code == 403


def test_the_members_export_holds_the_members_of_the_listed_groups_with_their_nik(tksk_kabandungan, login):
    import io

    import openpyxl

    kube = formed_kube(tksk_kabandungan)
    make_kube(tksk_kabandungan, name="KUBE Kosong")
    response = login(tksk_kabandungan).get(reverse("kube:member-export"), {"q": "Mekar"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    niks = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert niks == set(kube.members.values_list("person__nik", flat=True))
    assert AuditEvent.objects.get(action="kube_member.export").changes["rows"]["after"] == 5


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_member_list_override_report_and_errors_pages_do_not_grow_with_their_rows(tksk_kabandungan, login):
    from pendamping.kube.services import groups

    kube = formed_kube(tksk_kabandungan, members=3)
    groups.stage_advance(actor=tksk_kabandungan, kube=kube, on=FORMED, override_reason="lisan")
    client = login(tksk_kabandungan)
    members_url = reverse("kube:member-list", args=[kube.pk])
    urls = [
        (members_url, {}),
        (reverse("kube:override-list"), {}),
        (reverse("kube:targeting-errors"), {"area": "32.02.19"}),
    ]
    few = [_queries(client, url, **params) for url, params in urls]
    people = eligible_people(tksk_kabandungan, 6, first_serial=20)
    add_members = [
        groups.kube_member_add(actor=tksk_kabandungan, kube=kube, person=p, joined_on=FORMED) for p in people[:4]
    ]
    assert add_members
    other = make_kube(tksk_kabandungan, name="KUBE Kedua")
    groups.stage_advance(actor=tksk_kabandungan, kube=other, on=FORMED, override_reason="lisan")
    many = [_queries(client, url, **params) for url, params in urls]
    assert many == few
