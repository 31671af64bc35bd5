"""Confidential notes and cases: only the author, the supervising TKSK and the admin read them, every read is audited,
and everyone else sees that a confidential note exists but not its text."""

import io

import openpyxl
import pytest
from django.urls import reverse

from pendamping.accounts.vocab import Role
from pendamping.core.models import AuditEvent
from pendamping.puskesos.selectors.cases import may_read_case, may_read_note, notes_for_reader
from pendamping.puskesos.services.cases import case_note_add
from pendamping.puskesos.vocab import ProblemKind, Sector
from tests.conftest import CIPEUTEUY, KABANDUNGAN

from .helpers import make_case

SECRET_NOTE = "Korban menyebut pelaku: paman XYZQ"
SECRET_DESCRIPTION = "Laporan kekerasan dalam rumah tangga QWERTY"


@pytest.fixture
def other_fasilitator(make_user):
    return make_user("fasilitator.dua", Role.FASILITATOR, CIPEUTEUY, "Rina Marlina")


@pytest.fixture
def pendamping_cipeuteuy(make_user):
    return make_user("pendamping.kabandungan", Role.PENDAMPING, KABANDUNGAN, "Ujang Sutisna")


@pytest.fixture
def secret(fasilitator_cipeuteuy):
    case = make_case(
        fasilitator_cipeuteuy,
        problem_kind=ProblemKind.KEKERASAN,
        sector=Sector.PERLINDUNGAN,
        description=SECRET_DESCRIPTION,
    )
    note = case_note_add(actor=fasilitator_cipeuteuy, case=case, text=SECRET_NOTE)
    return case, note


def reads(note) -> int:
    return AuditEvent.objects.filter(action="puskesos.note_read", object_id=str(note.pk)).count()


def test_a_confidential_case_makes_its_notes_confidential_by_default(secret, fasilitator_cipeuteuy):
    case, note = secret
    assert case.confidential and note.confidential
    plain = make_case(fasilitator_cipeuteuy, person=case.person, problem_kind=ProblemKind.EKONOMI)
    assert not case_note_add(actor=fasilitator_cipeuteuy, case=plain, text="Biasa").confidential
    assert case_note_add(actor=fasilitator_cipeuteuy, case=plain, text="Rahasia", confidential=True).confidential


def test_the_rule_lets_the_author_the_supervising_tksk_and_the_admin_read(
    secret,
    fasilitator_cipeuteuy,
    tksk_kabandungan,
    admin_sukabumi,
    other_fasilitator,
    tksk_kalapanunggal,
    pengamat_sukabumi,
    pendamping_cipeuteuy,
):
    case, note = secret
    for reader in (fasilitator_cipeuteuy, tksk_kabandungan, admin_sukabumi):
        assert may_read_note(reader, note) and may_read_case(reader, case), reader.username
    for reader in (other_fasilitator, tksk_kalapanunggal, pengamat_sukabumi, pendamping_cipeuteuy):
        assert not may_read_note(reader, note) and not may_read_case(reader, case), reader.username


def test_a_note_by_the_tksk_is_not_read_by_the_fasilitator_of_the_case(secret, fasilitator_cipeuteuy, tksk_kabandungan):
    case, _note = secret
    tksk_note = case_note_add(actor=tksk_kabandungan, case=case, text="Catatan supervisi")
    views = {view.note.pk: view for view in notes_for_reader(actor=fasilitator_cipeuteuy, case=case)}
    assert views[tksk_note.pk].text is None and not views[tksk_note.pk].readable


@pytest.mark.parametrize("reader", ["fasilitator_cipeuteuy", "tksk_kabandungan", "admin_sukabumi"])
def test_readers_see_the_text_on_the_page_and_each_read_is_audited(secret, login, request, reader):
    case, note = secret
    user = request.getfixturevalue(reader)
    client = login(user)
    for expected in (1, 2):
        content = client.get(reverse("puskesos:case-detail", args=[case.pk])).content.decode()
        assert SECRET_NOTE in content and SECRET_DESCRIPTION in content
        assert reads(note) == expected
    event = AuditEvent.objects.filter(action="puskesos.note_read", object_id=str(note.pk)).last()
    assert (event.actor, event.area_code, event.object_type) == (user, CIPEUTEUY, "puskesos.casenote")
    assert AuditEvent.objects.filter(action="puskesos.case_read", object_id=str(case.pk)).count() == 2


def test_another_fasilitator_of_the_desa_sees_that_a_note_exists_but_not_its_text(secret, login, other_fasilitator):
    case, note = secret
    response = login(other_fasilitator).get(reverse("puskesos:case-detail", args=[case.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert f'data-note="{note.pk}"' in content and "data-confidential-hidden" in content
    assert SECRET_NOTE not in content and SECRET_DESCRIPTION not in content
    assert reads(note) == 0
    assert [view.readable for view in response.context["notes"]] == [False]


def test_another_fasilitator_cannot_open_the_casework_form_of_a_confidential_case(secret, login, other_fasilitator):
    case, _note = secret
    assert login(other_fasilitator).get(reverse("puskesos:case-update", args=[case.pk])).status_code == 403


@pytest.mark.parametrize("reader", ["pengamat_sukabumi", "pendamping_cipeuteuy", "tksk_kalapanunggal"])
def test_the_pengamat_the_pendamping_and_another_tksk_do_not_reach_the_case(secret, login, request, reader):
    case, note = secret
    response = login(request.getfixturevalue(reader)).get(reverse("puskesos:case-detail", args=[case.pk]))
    assert response.status_code == 404
    assert reads(note) == 0


def sheet_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def test_the_export_leaves_out_a_confidential_description_for_those_who_may_not_read_it(
    secret, login, other_fasilitator, tksk_kabandungan
):
    case, _note = secret
    rows = sheet_rows(login(other_fasilitator).get(reverse("puskesos:case-export")))
    assert len(rows) == 2 and rows[1][0] == case.number
    assert SECRET_DESCRIPTION not in rows[1]
    assert not AuditEvent.objects.filter(action="puskesos.case_read").exists()
    rows = sheet_rows(login(tksk_kabandungan).get(reverse("puskesos:case-export")))
    assert SECRET_DESCRIPTION in rows[1]
    event = AuditEvent.objects.get(action="puskesos.case_read")
    assert (event.actor, event.object_id, event.reason) == (tksk_kabandungan, str(case.pk), "export")
    assert AuditEvent.objects.filter(action="puskesos.case.export").count() == 2


def test_the_audit_log_does_not_copy_what_a_confidential_case_says(secret, fasilitator_cipeuteuy):
    case, _note = secret
    intake = AuditEvent.objects.get(action="puskesos.case_intake", object_id=str(case.pk))
    assert SECRET_DESCRIPTION not in str(intake.changes) and intake.changes["problem_kind"]["after"] == "kekerasan"
    from pendamping.puskesos.services.cases import case_update

    case_update(actor=fasilitator_cipeuteuy, case=case, expected_version=case.version, assessment="Rahasia ABCD")
    update = AuditEvent.objects.get(action="puskesos.case_update", object_id=str(case.pk))
    assert "ABCD" not in str(update.changes) and set(update.changes) == {"assessment"}
