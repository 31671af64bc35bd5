"""Special cases by proposal: proposed in the field with documents, decided by the Dinas Sosial of the kabupaten,
and, approved, screened as kasus_khusus with the DTKS listing and desil rules replaced and every other rule kept."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.targeting import services
from pendamping.targeting.engine import as_json, rules_of
from pendamping.targeting.models import ScreeningResult, SpecialCaseProposal
from pendamping.targeting.vocab import Decision, Mechanism, SpecialCaseKind, SpecialCaseStatus
from tests.conftest import CIPEUTEUY, KABANDUNGAN
from tests.targeting.helpers import REFERENCE, eligible_household, make_rule_set, screen_one

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="surat-desa.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def propose(actor, people, *, area=CIPEUTEUY, documents=None, kind=SpecialCaseKind.BENCANA_ALAM):
    return services.special_case_propose(
        actor=actor,
        area_code=area,
        kind=kind,
        reason="Banjir bandang 3 Oktober 2026, rumah dan sawah rusak.",
        person_ids=[p.pk for p in people],
        documents=[pdf()] if documents is None else documents,
    )


def current_result(person, rule_set):
    return ScreeningResult.objects.select_related("rule_set", "special_case").get(
        person=person, rule_set=rule_set, current=True
    )


def outcome(result, code):
    return next(rule for rule in rules_of(result) if rule.code == code)


def test_a_tksk_proposes_named_people_with_documents_and_it_is_audited(tksk_kabandungan):
    head = eligible_household(tksk_kabandungan).head
    proposal = propose(tksk_kabandungan, [head], documents=[pdf(), SimpleUploadedFile("foto.png", PNG)])
    assert proposal.status == SpecialCaseStatus.DIAJUKAN and proposal.proposed_by == tksk_kabandungan
    assert list(proposal.people.all()) == [head]
    assert [(d.content_type, d.size) for d in proposal.documents.all()] == [
        ("application/pdf", len(PDF)),
        ("image/png", len(PNG)),
    ]
    assert all(not d.file.name.endswith(("surat-desa.pdf", "foto.png")) for d in proposal.documents.all())
    event = AuditEvent.objects.get(action="special_case.propose")
    assert event.area_code == CIPEUTEUY and event.changes["people"]["after"] == [head.pk]


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused_whatever_its_name(tksk_kabandungan):
    head = eligible_household(tksk_kabandungan).head
    with pytest.raises(ValidationError) as caught:
        propose(tksk_kabandungan, [head], documents=[pdf("surat.pdf", b"MZ\x90\x00 not a pdf")])
    assert "documents" in caught.value.error_dict
    assert not SpecialCaseProposal.objects.exists()


def test_a_document_over_the_size_limit_or_none_at_all_is_refused(tksk_kabandungan, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "TARGETING_DOCUMENT_MAX_BYTES": 20}
    head = eligible_household(tksk_kabandungan).head
    with pytest.raises(ValidationError) as too_big:
        propose(tksk_kabandungan, [head])
    assert "documents" in too_big.value.error_dict
    with pytest.raises(ValidationError) as none:
        propose(tksk_kabandungan, [head], documents=[])
    assert "documents" in none.value.error_dict


def test_proposals_stay_inside_the_proposers_areas(tksk_kalapanunggal, tksk_kabandungan, fasilitator_cipeuteuy):
    head = eligible_household(tksk_kabandungan).head
    with pytest.raises(NotAllowed):
        propose(tksk_kalapanunggal, [head])
    with pytest.raises(NotAllowed):
        propose(fasilitator_cipeuteuy, [head], area=KABANDUNGAN)  # a desa fasilitator: their desa only
    assert propose(fasilitator_cipeuteuy, [head]).area_code == CIPEUTEUY
    elsewhere = eligible_household(tksk_kabandungan, serial=2, desa="32.02.19.2003").head
    with pytest.raises(ValidationError) as caught:
        propose(tksk_kabandungan, [elsewhere])  # proposed for Cipeuteuy, lives in another desa
    assert elsewhere.nik in str(caught.value)


def test_only_the_dinas_sosial_admin_of_the_kabupaten_decides(tksk_kabandungan, admin_bogor, admin_sukabumi):
    proposal = propose(tksk_kabandungan, [eligible_household(tksk_kabandungan).head])
    with pytest.raises(NotAllowed):
        services.special_case_decide(actor=tksk_kabandungan, proposal=proposal, approve=True)
    with pytest.raises(NotAllowed):
        services.special_case_decide(actor=admin_bogor, proposal=proposal, approve=True)
    decided = services.special_case_decide(actor=admin_sukabumi, proposal=proposal, approve=True, rescreen=False)
    assert decided.status == SpecialCaseStatus.DISETUJUI and decided.decided_by == admin_sukabumi
    assert AuditEvent.objects.filter(action="special_case.approve", object_id=str(proposal.pk)).exists()
    with pytest.raises(ValidationError):
        services.special_case_decide(actor=admin_sukabumi, proposal=proposal, approve=False, reason="salah")


def test_a_rejection_needs_a_reason_and_nobody_decides_their_own_proposal(admin_sukabumi, make_user):
    from pendamping.accounts.vocab import Role

    head = eligible_household(admin_sukabumi).head
    proposal = propose(admin_sukabumi, [head])
    with pytest.raises(ValidationError):
        services.special_case_decide(actor=admin_sukabumi, proposal=proposal, approve=True)
    other = make_user("admin.dua", Role.ADMIN, "32.02")
    with pytest.raises(ValidationError) as caught:
        services.special_case_decide(actor=other, proposal=proposal, approve=False, reason="  ")
    assert "reason" in caught.value.error_dict
    rejected = services.special_case_decide(actor=other, proposal=proposal, approve=False, reason="Bukan korban")
    assert (rejected.status, rejected.decision_reason) == (SpecialCaseStatus.DITOLAK, "Bukan korban")


def test_an_approved_case_admits_a_family_above_the_desil_as_kasus_khusus(admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    head = eligible_household(tksk_kabandungan, desil=7).head
    assert screen_one(tksk_kabandungan, rule_set, head).decision == Decision.NOT_ELIGIBLE
    proposal = propose(tksk_kabandungan, [head])
    services.special_case_decide(actor=admin_sukabumi, proposal=proposal, approve=True, reference_date=REFERENCE)
    result = current_result(head, rule_set)
    assert (result.decision, result.mechanism, result.special_case_id) == (
        Decision.ELIGIBLE,
        Mechanism.KASUS_KHUSUS,
        proposal.pk,
    )
    assert result.rule_desil_maks is False  # the data is kept as it is; the rule is replaced, not faked
    assert outcome(result, "kasus_khusus").passed is True
    assert outcome(result, "desil_maks").applied is False
    codes = [rule["code"] for rule in as_json(result)["rules"]]
    assert "kasus_khusus" in codes and "desil_maks" not in codes and "terdaftar_dtks" not in codes


def test_an_approved_case_admits_a_family_not_listed_and_without_a_checklist(admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    head = eligible_household(tksk_kabandungan, id_dtks="", desil=None).head
    assert screen_one(tksk_kabandungan, rule_set, head).decision == Decision.NEEDS_VERIFICATION
    services.special_case_decide(
        actor=admin_sukabumi, proposal=propose(tksk_kabandungan, [head]), approve=True, reference_date=REFERENCE
    )
    result = current_result(head, rule_set)
    assert result.decision == Decision.ELIGIBLE and result.missing_fields == []


def test_a_special_case_keeps_every_other_rule(admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    asn = eligible_household(tksk_kabandungan, serial=1, desil=8, head={"asn_tni_polri_pensiunan": True}).head
    aided = eligible_household(tksk_kabandungan, serial=2, desil=8, kube_aid_year=2020).head
    services.special_case_decide(
        actor=admin_sukabumi, proposal=propose(tksk_kabandungan, [asn, aided]), approve=True, reference_date=REFERENCE
    )
    for person, rule in ((asn, "rule_bukan_asn"), (aided, "rule_belum_pernah_kube")):
        result = current_result(person, rule_set)
        assert result.mechanism == Mechanism.KASUS_KHUSUS and getattr(result, rule) is False
        assert result.decision == Decision.NOT_ELIGIBLE


def test_a_pending_or_rejected_proposal_changes_no_screening(admin_sukabumi, tksk_kabandungan, make_user):
    rule_set = make_rule_set(admin_sukabumi)
    pending = eligible_household(tksk_kabandungan, serial=1, desil=7).head
    rejected = eligible_household(tksk_kabandungan, serial=2, desil=7).head
    propose(tksk_kabandungan, [pending])
    services.special_case_decide(
        actor=admin_sukabumi, proposal=propose(tksk_kabandungan, [rejected]), approve=False, reason="bukan korban"
    )
    for person in (pending, rejected):
        result = screen_one(tksk_kabandungan, rule_set, person)
        assert result.decision == Decision.NOT_ELIGIBLE and result.mechanism == Mechanism.RTSM_TERDAFTAR


# pages ------------------------------------------------------------------------------------------------------------


def test_a_tksk_proposes_on_the_page_and_the_admin_approves_on_the_detail(login, admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    head = eligible_household(tksk_kabandungan, desil=9).head
    client = login(tksk_kabandungan)
    assert client.get("/seleksi/kasus-khusus/baru/").status_code == 200
    response = client.post(
        "/seleksi/kasus-khusus/baru/",
        {
            "area_code": CIPEUTEUY,
            "kind": SpecialCaseKind.KRISIS_EKONOMI,
            "reason": "PHK massal pabrik garmen",
            "niks": head.nik,
            "documents": [pdf()],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    proposal = SpecialCaseProposal.objects.get()
    page = client.get(response["Location"])
    assert page.context["can_decide"] is False and b"/putuskan/" not in page.content
    document = proposal.documents.get()
    download = client.get(f"/seleksi/kasus-khusus/{proposal.pk}/dokumen/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    admin = login(admin_sukabumi)
    assert admin.get(f"/seleksi/kasus-khusus/{proposal.pk}/").context["can_decide"] is True
    decided = admin.post(f"/seleksi/kasus-khusus/{proposal.pk}/putuskan/", {"decision": "approve", "reason": ""})
    assert decided.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == SpecialCaseStatus.DISETUJUI
    result = ScreeningResult.objects.get(person=head, rule_set=rule_set, current=True)
    assert result.mechanism == Mechanism.KASUS_KHUSUS
    explanation = admin.get(f"/seleksi/hasil/{result.pk}/")
    shown = {rule.code: rule for rule in explanation.context["rules"]}
    assert shown["kasus_khusus"].passed is True and shown["desil_maks"].applied is False
    assert f"/seleksi/kasus-khusus/{proposal.pk}/" in explanation.content.decode()
    listing = admin.get("/seleksi/kasus-khusus/", {"status": SpecialCaseStatus.DISETUJUI})
    assert [p.pk for p in listing.context["page"]] == [proposal.pk]


def test_the_page_names_a_nik_not_found_in_the_proposers_areas(login, tksk_kabandungan, tksk_kalapanunggal):
    head = eligible_household(tksk_kabandungan).head
    client = login(tksk_kalapanunggal)
    response = client.post(
        "/seleksi/kasus-khusus/baru/",
        {"area_code": "32.02.18", "kind": "bencana_alam", "reason": "x", "niks": head.nik, "documents": [pdf()]},
    )
    assert response.status_code == 200 and head.nik in str(response.context["form"].errors["niks"])
    assert not SpecialCaseProposal.objects.exists()


def test_a_proposal_and_its_documents_are_404_outside_the_users_areas(login, tksk_kabandungan, tksk_kalapanunggal):
    proposal = propose(tksk_kabandungan, [eligible_household(tksk_kabandungan).head])
    document = proposal.documents.get()
    client = login(tksk_kalapanunggal)
    assert client.get(f"/seleksi/kasus-khusus/{proposal.pk}/").status_code == 404
    assert client.get(f"/seleksi/kasus-khusus/{proposal.pk}/dokumen/{document.pk}/").status_code == 404
    assert client.post(f"/seleksi/kasus-khusus/{proposal.pk}/putuskan/", {"decision": "approve"}).status_code == 404
    assert list(client.get("/seleksi/kasus-khusus/").context["page"]) == []


def test_a_tksk_cannot_decide_through_the_page(login, tksk_kabandungan):
    proposal = propose(tksk_kabandungan, [eligible_household(tksk_kabandungan).head])
    response = login(tksk_kabandungan).post(f"/seleksi/kasus-khusus/{proposal.pk}/putuskan/", {"decision": "approve"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == SpecialCaseStatus.DIAJUKAN
