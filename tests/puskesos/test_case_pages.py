"""Case pages through the test client: intake from the NIK check, the list (scoped, masked, paginated, overdue
flags, a fixed number of queries), the case page and its forms, the export."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.core.models import AuditEvent
from pendamping.core.navigation import NAVIGATION
from pendamping.puskesos.models import Case, RegisterProposal
from pendamping.puskesos.services import cases as services
from pendamping.puskesos.vocab import ProblemKind, Sector
from pendamping.registry.models import Person
from pendamping.registry.nik import make_nik
from tests.conftest import KABANDUNGAN
from tests.registry.test_services import make_household

from .helpers import make_case

INTAKE = reverse("puskesos:case-intake")
REQUEST = {
    "channel": "datang_langsung",
    "sector": "kesehatan",
    "problem_kind": "kesehatan",
    "description": "Butuh PBI-JK",
}


def request_data(**extra) -> dict:
    return {**REQUEST, "received_on": timezone.localdate().isoformat(), **extra}


def test_puskesos_is_in_the_navigation():
    assert ("puskesos:case-list", "puskesos.view") in [(name, cap) for name, _label, cap in NAVIGATION]


def test_a_bad_nik_is_refused_with_what_is_wrong(fasilitator_cipeuteuy, login):
    response = login(fasilitator_cipeuteuy).post(INTAKE, {"step": "search", "nik": "3202-1945"})
    errors = response.context["search"].errors.as_data()["nik"]
    assert [e.code for e in errors] == ["nik_bukan_16_digit"]
    assert "320219" in errors[0].messages[0] and "case_form" not in response.context


def test_a_nik_of_the_registry_shows_the_person_and_the_dtks_status_at_once(fasilitator_cipeuteuy, login):
    household = make_household(
        fasilitator_cipeuteuy, id_dtks="DTKS-77", desil=3, desil_period="2026-Q2", sembako=True, pkh_status="aktif"
    )
    response = login(fasilitator_cipeuteuy).post(INTAKE, {"step": "search", "nik": household.head.nik})
    content = response.content.decode()
    assert response.context["person"] == household.head and response.context["step"] == "case"
    assert "DTKS-77" in content and "2026-Q2" in content and 'data-in-dtks="1"' in content
    assert "proposal_reason" not in response.context["case_form"].fields
    assert household.head.nik not in content  # masked


def test_a_walk_in_in_dtks_opens_a_case_without_a_proposal(fasilitator_cipeuteuy, login):
    household = make_household(fasilitator_cipeuteuy, id_dtks="DTKS-77")
    client = login(fasilitator_cipeuteuy)
    response = client.post(INTAKE, request_data(step="case", person=household.head.pk))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("puskesos:case-detail", args=[case.pk])
    assert household.head.nik not in response["Location"]
    assert case.person == household.head and not RegisterProposal.objects.exists()


def test_a_walk_in_not_in_dtks_needs_and_gets_a_proposal(fasilitator_cipeuteuy, login):
    household = make_household(fasilitator_cipeuteuy)
    client = login(fasilitator_cipeuteuy)
    response = client.post(INTAKE, request_data(step="case", person=household.head.pk))
    assert "proposal_reason" in response.context["case_form"].errors and not Case.objects.exists()
    response = client.post(INTAKE, request_data(step="case", person=household.head.pk, proposal_reason="Miskin"))
    assert response.status_code == 302
    assert RegisterProposal.objects.get().case == Case.objects.get()


def test_a_nik_not_in_the_registry_offers_the_new_resident_form_and_registers_them(fasilitator_cipeuteuy, login):
    born = datetime.date(1992, 8, 9)
    nik = make_nik(KABANDUNGAN, born, "P", 12)
    client = login(fasilitator_cipeuteuy)
    response = client.post(INTAKE, {"step": "search", "nik": nik})
    assert response.context["step"] == "new"
    form = response.context["household_form"]
    assert form.initial["head_nik"] == nik and form.initial["head_sex"] == "P"
    data = request_data(
        step="new",
        head_nik=nik,
        head_name="Neng Yuliani",
        head_sex="P",
        head_birth_date=born.isoformat(),
        no_kk="3202190101150012",
        desa_code="32.02.19.2002",
        proposal_reason="Belum terdata",
    )
    response = client.post(INTAKE, data)
    assert response.status_code == 302, response.context and response.context["household_form"].errors
    case = Case.objects.get()
    assert case.person == Person.objects.get(nik=nik) and not case.in_dtks
    assert RegisterProposal.objects.get().household == case.household


def test_a_new_resident_with_a_mismatched_birth_date_is_refused_naming_the_field(fasilitator_cipeuteuy, login):
    born = datetime.date(1992, 8, 9)
    nik = make_nik(KABANDUNGAN, born, "P", 12)
    data = request_data(
        step="new",
        head_nik=nik,
        head_name="Neng Yuliani",
        head_sex="P",
        head_birth_date="1992-08-10",
        no_kk="3202190101150012",
        desa_code="32.02.19.2002",
        proposal_reason="Belum terdata",
    )
    response = login(fasilitator_cipeuteuy).post(INTAKE, data)
    errors = response.context["household_form"].errors.as_data()
    assert "head_nik" in errors or "head_birth_date" in errors
    assert not Case.objects.exists() and not Person.objects.exists()


def test_a_person_of_another_kecamatan_is_not_found_at_intake(fasilitator_cipeuteuy, tksk_kalapanunggal, login):
    household = make_household(fasilitator_cipeuteuy)
    response = login(tksk_kalapanunggal).post(INTAKE, {"step": "search", "nik": household.head.nik})
    assert response.context["step"] == "new" and "person" not in response.context
    assert (
        login(tksk_kalapanunggal).post(INTAKE, request_data(step="case", person=household.head.pk)).status_code == 404
    )


def test_the_list_masks_the_nik_and_flags_overdue_cases(fasilitator_cipeuteuy, login):
    old = make_case(
        fasilitator_cipeuteuy,
        sector=Sector.PERLINDUNGAN,
        problem_kind=ProblemKind.KEKERASAN,
        received_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    fresh = make_case(fasilitator_cipeuteuy, person=old.person)
    client = login(fasilitator_cipeuteuy)
    content = client.get(reverse("puskesos:case-list")).content.decode()
    assert old.number in content and fresh.number in content
    assert old.person.nik not in content and old.person.nik[:4] in content
    assert content.count("data-overdue") == 1
    response = client.get(reverse("puskesos:case-list"), {"overdue": "on"})
    assert [c.number for c in response.context["page"]] == [old.number]
    response = client.get(reverse("puskesos:case-list"), {"sector": "kesehatan"})
    assert [c.number for c in response.context["page"]] == [fresh.number]


def test_the_list_runs_a_fixed_number_of_queries(fasilitator_cipeuteuy, login):
    first = make_case(fasilitator_cipeuteuy)
    make_case(fasilitator_cipeuteuy, person=first.person)
    client = login(fasilitator_cipeuteuy)
    client.get(reverse("puskesos:case-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("puskesos:case-list"))
    for _n in range(6):
        make_case(fasilitator_cipeuteuy)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("puskesos:case-list"))
    assert response.context["page"].paginator.count == 8
    assert len(many) == len(few)


def test_the_case_page_runs_a_fixed_number_of_queries(fasilitator_cipeuteuy, login):
    case = make_case(fasilitator_cipeuteuy)
    services.case_note_add(actor=fasilitator_cipeuteuy, case=case, text="satu")
    client = login(fasilitator_cipeuteuy)
    url = reverse("puskesos:case-detail", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        services.case_note_add(actor=fasilitator_cipeuteuy, case=case, text=f"catatan {n}")
    services.case_status_set(actor=fasilitator_cipeuteuy, case=case, status="asesmen")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_tksk_of_kalapanunggal_gets_404_on_a_case_of_cipeuteuy(fasilitator_cipeuteuy, tksk_kalapanunggal, login):
    case = make_case(fasilitator_cipeuteuy)
    client = login(tksk_kalapanunggal)
    for name in ("case-detail", "case-update", "case-status", "case-return", "case-note-add"):
        assert client.get(reverse(f"puskesos:{name}", args=[case.pk])).status_code == 404, name
    assert case.number not in client.get(reverse("puskesos:case-list")).content.decode()


def test_the_case_page_links_to_recording_a_contact_with_the_household(fasilitator_cipeuteuy, login):
    case = make_case(fasilitator_cipeuteuy)
    content = login(fasilitator_cipeuteuy).get(reverse("puskesos:case-detail", args=[case.pk])).content.decode()
    assert f"{reverse('mentoring:contact-create')}?household={case.household_id}" in content


def test_status_moves_through_the_page_and_closing_without_a_reason_is_refused(fasilitator_cipeuteuy, login):
    case = make_case(fasilitator_cipeuteuy)
    client = login(fasilitator_cipeuteuy)
    url = reverse("puskesos:case-status", args=[case.pk])
    response = client.post(url, {"status": "ditutup", "note": ""})
    assert "note" in response.context["form"].errors
    assert client.post(url, {"status": "asesmen"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "asesmen"
    response = client.post(url, {"status": "selesai"})
    assert "status" in response.context["form"].errors


def test_the_tksk_returns_a_case_and_the_fasilitator_sees_the_note(fasilitator_cipeuteuy, tksk_kabandungan, login):
    case = make_case(fasilitator_cipeuteuy)
    case = services.case_status_set(actor=fasilitator_cipeuteuy, case=case, status="asesmen")
    case = services.case_status_set(actor=fasilitator_cipeuteuy, case=case, status="rencana")
    client = login(tksk_kabandungan)
    response = client.post(
        reverse("puskesos:case-return", args=[case.pk]), {"to_status": "asesmen", "note": "Lengkapi komponen tempat"}
    )
    assert response.status_code == 302
    content = login(fasilitator_cipeuteuy).get(reverse("puskesos:case-detail", args=[case.pk])).content.decode()
    assert "Lengkapi komponen tempat" in content
    assert login(fasilitator_cipeuteuy).get(reverse("puskesos:case-return", args=[case.pk])).status_code == 403


def test_a_stale_casework_save_is_refused_and_the_difference_shown(fasilitator_cipeuteuy, tksk_kabandungan, login):
    case = make_case(fasilitator_cipeuteuy)
    client = login(fasilitator_cipeuteuy)
    url = reverse("puskesos:case-update", args=[case.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    services.case_update(actor=tksk_kabandungan, case=case, expected_version=case.version, plan="Rencana TKSK")
    response = client.post(url, {**data, "plan": "Rencana saya"})
    assert response.status_code == 200
    assert [(mine, theirs) for _label, mine, theirs in response.context["differences"]] == [
        ("Rencana saya", "Rencana TKSK")
    ]
    case.refresh_from_db()
    assert case.plan == "Rencana TKSK"
    response = client.post(url, response.context["form"].data)  # saving again, knowingly
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.plan == "Rencana saya"


def test_the_export_is_audited_and_masks_nothing_it_may_not_show(fasilitator_cipeuteuy, login):
    make_case(fasilitator_cipeuteuy)
    response = login(fasilitator_cipeuteuy).get(reverse("puskesos:case-export"), {"status": "baru"})
    assert response.status_code == 200 and response["Content-Type"].endswith("sheet")
    event = AuditEvent.objects.get(action="puskesos.case.export")
    assert event.changes["rows"]["after"] == 1 and event.area_code == "32.02.19.2002"


def test_the_pengamat_cannot_export_or_take_a_request(pengamat_sukabumi, login):
    client = login(pengamat_sukabumi)
    assert client.get(reverse("puskesos:case-export")).status_code == 403
    assert client.get(INTAKE).status_code == 403
