"""Register proposals, PPKS counts and the PSKS register, through the services."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.puskesos.models import Document, RegisterProposal
from pendamping.puskesos.services import register
from pendamping.puskesos.vocab import ProposalState
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def pdf(name="berita-acara.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 minutes", content_type="application/pdf")


def xlsx(name="bnba.xlsx"):
    book = openpyxl.Workbook()
    book.active.append(["NIK", "Nama", "Alamat"])
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile(name, data.getvalue())


@pytest.fixture
def proposal(fasilitator_cipeuteuy, tksk_kabandungan):
    household = make_household(tksk_kabandungan, serial=5)
    return register.proposal_create(actor=fasilitator_cipeuteuy, household=household, reason="Buruh tani, rumah bilik")


def test_a_proposal_goes_through_every_state_to_ditetapkan(
    proposal, fasilitator_cipeuteuy, tksk_kabandungan, admin_sukabumi
):
    assert proposal.state == ProposalState.DRAF
    proposal = register.proposal_musdes(
        actor=fasilitator_cipeuteuy, proposal=proposal, musdes_on=TODAY, minutes=pdf(), bnba=xlsx()
    )
    assert proposal.state == ProposalState.MUSYAWARAH_DESA
    assert proposal.bnba.content_type.endswith("sheet") and proposal.minutes.content_type == "application/pdf"
    proposal = register.proposal_verify(actor=tksk_kabandungan, proposal=proposal, result="layak")
    proposal = register.proposal_advance(actor=tksk_kabandungan, proposal=proposal, to_state="pengesahan")
    proposal = register.proposal_advance(actor=tksk_kabandungan, proposal=proposal, to_state="dikirim")
    proposal = register.proposal_advance(actor=admin_sukabumi, proposal=proposal, to_state="ditetapkan")
    assert proposal.state == ProposalState.DITETAPKAN and proposal.decided_on == TODAY
    states = [
        e.changes["state"]["after"] for e in AuditEvent.objects.filter(action="puskesos.proposal_state").order_by("pk")
    ]
    assert states == ["musyawarah_desa", "verifikasi_validasi", "pengesahan", "dikirim", "ditetapkan"]


def test_a_family_verified_not_eligible_ends_the_proposal(proposal, fasilitator_cipeuteuy, tksk_kabandungan):
    register.proposal_musdes(
        actor=fasilitator_cipeuteuy, proposal=proposal, musdes_on=TODAY, minutes=pdf(), bnba=xlsx()
    )
    with pytest.raises(ValidationError) as caught:
        register.proposal_verify(actor=tksk_kabandungan, proposal=proposal, result="tidak_layak")
    assert "note" in caught.value.message_dict
    proposal = register.proposal_verify(
        actor=tksk_kabandungan, proposal=proposal, result="tidak_layak", note="Memiliki usaha toko besar"
    )
    assert proposal.state == ProposalState.DITOLAK and proposal.decision_note == "Memiliki usaha toko besar"


def test_states_are_not_skipped_and_each_step_has_its_role(proposal, fasilitator_cipeuteuy, tksk_kabandungan):
    with pytest.raises(ValidationError):
        register.proposal_advance(actor=tksk_kabandungan, proposal=proposal, to_state="dikirim")
    register.proposal_musdes(
        actor=fasilitator_cipeuteuy, proposal=proposal, musdes_on=TODAY, minutes=pdf(), bnba=xlsx()
    )
    with pytest.raises(NotAllowed):
        register.proposal_verify(actor=fasilitator_cipeuteuy, proposal=proposal, result="layak")
    proposal = register.proposal_verify(actor=tksk_kabandungan, proposal=proposal, result="layak")
    register.proposal_advance(actor=tksk_kabandungan, proposal=proposal, to_state="pengesahan")
    proposal.refresh_from_db()
    register.proposal_advance(actor=tksk_kabandungan, proposal=proposal, to_state="dikirim")
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed):
        register.proposal_advance(actor=tksk_kabandungan, proposal=proposal, to_state="ditetapkan")


def test_the_musyawarah_needs_its_date_minutes_and_list_and_a_bad_file_is_named(proposal, fasilitator_cipeuteuy):
    with pytest.raises(ValidationError) as caught:
        register.proposal_musdes(
            actor=fasilitator_cipeuteuy, proposal=proposal, musdes_on=None, minutes=None, bnba=None
        )
    assert {"musdes_on", "minutes", "bnba"} <= set(caught.value.message_dict)
    fake = SimpleUploadedFile("bnba.xlsx", b"MZ not a spreadsheet")
    with pytest.raises(ValidationError) as caught:
        register.proposal_musdes(
            actor=fasilitator_cipeuteuy, proposal=proposal, musdes_on=TODAY, minutes=pdf(), bnba=fake
        )
    assert "bnba.xlsx" in " ".join(caught.value.message_dict["bnba"])
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAF and not Document.objects.exists()


def test_one_open_proposal_per_household_and_none_for_a_registered_one(
    proposal, fasilitator_cipeuteuy, tksk_kabandungan
):
    with pytest.raises(ValidationError):
        register.proposal_create(actor=fasilitator_cipeuteuy, household=proposal.household, reason="lagi")
    listed = make_household(tksk_kabandungan, serial=6, id_dtks="DTKS0006")
    with pytest.raises(ValidationError) as caught:
        register.proposal_create(actor=fasilitator_cipeuteuy, household=listed, reason="sudah ada")
    assert "DTKS0006" in caught.value.message_dict["household"][0]
    assert RegisterProposal.objects.count() == 1


def test_a_tksk_of_another_kecamatan_cannot_touch_the_proposal(proposal, tksk_kalapanunggal):
    with pytest.raises(NotAllowed):
        register.proposal_musdes(
            actor=tksk_kalapanunggal, proposal=proposal, musdes_on=TODAY, minutes=pdf(), bnba=xlsx()
        )


def test_ppks_counts_and_psks_are_recorded_by_the_tksk(tksk_kabandungan, fasilitator_cipeuteuy):
    row = register.ppks_count_record(
        actor=tksk_kabandungan, desa_code="32.02.19.2002", category="09", count=14, counted_on=TODAY, source="Musdes"
    )
    assert row.count == 14
    with pytest.raises(ValidationError) as caught:
        register.ppks_count_record(
            actor=tksk_kabandungan, desa_code="32.02.19.2002", category="99", count=-1, counted_on=TODAY, source=""
        )
    assert {"category", "count", "source"} <= set(caught.value.message_dict)
    with pytest.raises(NotAllowed):
        register.ppks_count_record(
            actor=fasilitator_cipeuteuy, desa_code="32.02.19.2002", category="09", count=1, counted_on=TODAY, source="x"
        )
    psks = register.psks_add(
        actor=tksk_kabandungan,
        kind="karang_taruna",
        name="Karang Taruna Tunas Muda",
        desa_code="32.02.19.2002",
        members=25,
    )
    psks = register.psks_update(actor=tksk_kabandungan, psks=psks, expected_version=psks.version, leader="Deden")
    assert psks.leader == "Deden" and psks.version == 2
    with pytest.raises(ValidationError):
        register.psks_update(actor=tksk_kabandungan, psks=psks, expected_version=1, leader="Lain")
