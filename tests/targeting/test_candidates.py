"""Candidate lists of a kecamatan or desa: current results by priority, desil and name, filtered, paginated,
selectable, exported to XLSX (audited), and the same for the KUBE app through selectors.candidates."""

import io

import openpyxl
import pytest

from pendamping.core.models import AuditEvent
from pendamping.registry.vocab import PkhStatus
from pendamping.targeting import selectors, services
from pendamping.targeting.vocab import Decision, Mechanism
from tests.conftest import CIPEUTEUY, KABANDUNGAN
from tests.targeting.helpers import REFERENCE, eligible_household, make_rule_set

CIHAMERANG = "32.02.19.2003"
CANDIDATES = "/seleksi/calon/"


@pytest.fixture
def screened(admin_sukabumi, tksk_kabandungan):
    """Five heads in two desa of Kabandungan, screened: one not eligible (ASN)."""
    rule_set = make_rule_set(admin_sukabumi)
    people = {
        "desil3": eligible_household(tksk_kabandungan, serial=1, desil=3).head,
        "desil1": eligible_household(tksk_kabandungan, serial=2, desil=1).head,
        "transisi": eligible_household(tksk_kabandungan, serial=3, desil=4, pkh_status=PkhStatus.TRANSISI).head,
        "asn": eligible_household(tksk_kabandungan, serial=4, head={"asn_tni_polri_pensiunan": True}).head,
        "cihamerang": eligible_household(tksk_kabandungan, serial=5, desa=CIHAMERANG, desil=2).head,
    }
    for desa in (CIPEUTEUY, CIHAMERANG):
        services.screening_desa(actor=tksk_kabandungan, rule_set=rule_set, desa_code=desa, reference_date=REFERENCE)
    return rule_set, people


def test_candidates_of_a_kecamatan_come_by_priority_then_desil(screened, tksk_kabandungan):
    rule_set, people = screened
    rows = list(selectors.candidates(tksk_kabandungan, area_code=KABANDUNGAN, rule_set=rule_set))
    assert [r.person_id for r in rows] == [
        people["transisi"].pk,  # PKH transition first, whatever its desil
        people["desil1"].pk,
        people["asn"].pk,  # desil 2, as Cihamerang's head: same name (the helper's), so by id
        people["cihamerang"].pk,
        people["desil3"].pk,
    ]
    eligible = selectors.candidates(tksk_kabandungan, area_code=KABANDUNGAN, decision=Decision.ELIGIBLE)
    assert people["asn"].pk not in {r.person_id for r in eligible}
    assert eligible[0].mechanism == Mechanism.PKH_TRANSISI
    ordered = [(r.priority, r.data_desil) for r in eligible]
    assert ordered == sorted(ordered)


def test_candidates_of_a_desa_and_filters(screened, tksk_kabandungan):
    rule_set, people = screened
    desa = selectors.candidates(tksk_kabandungan, area_code=CIHAMERANG)
    assert [r.person_id for r in desa] == [people["cihamerang"].pk]
    in_one_desa = selectors.candidates(tksk_kabandungan, area_code=KABANDUNGAN, desa=CIPEUTEUY)
    assert people["cihamerang"].pk not in {r.person_id for r in in_one_desa}
    transisi = selectors.candidates(tksk_kabandungan, area_code=KABANDUNGAN, mechanism=Mechanism.PKH_TRANSISI)
    assert [r.person_id for r in transisi] == [people["transisi"].pk]


def test_candidates_outside_the_users_areas_are_not_given(screened, tksk_kalapanunggal, fasilitator_cipeuteuy, login):
    assert list(selectors.candidates(tksk_kalapanunggal, area_code=KABANDUNGAN)) == []
    only_own = selectors.candidates(fasilitator_cipeuteuy, area_code=KABANDUNGAN)
    assert {r.desa_code for r in only_own} == {CIPEUTEUY}
    assert login(tksk_kalapanunggal).get(CANDIDATES, {"area": KABANDUNGAN}).status_code == 404


def test_the_page_lists_eligible_candidates_with_masked_nik_and_selectable_rows(screened, login, tksk_kabandungan):
    _rule_set, people = screened
    client = login(tksk_kabandungan)
    page = client.get(CANDIDATES)  # a TKSK's list opens on their kecamatan, eligible people
    assert page.status_code == 200
    rows = list(page.context["page"])
    assert {r.decision for r in rows} == {Decision.ELIGIBLE} and len(rows) == 4
    html = page.content.decode()
    head = people["desil1"]
    assert head.nik not in html and head.nik[:4] in html
    assert f'name="person" value="{head.pk}"' in html and 'id="candidate-select"' in html
    everyone = client.get(CANDIDATES, {"area": KABANDUNGAN, "decision": ""})
    assert len(everyone.context["page"]) == 5


def test_the_export_is_the_filtered_list_as_xlsx_and_is_audited(screened, login, tksk_kabandungan):
    _rule_set, people = screened
    client = login(tksk_kabandungan)
    response = client.post(
        "/seleksi/calon/unduh/", {"area": KABANDUNGAN, "decision": Decision.ELIGIBLE, "desa": CIPEUTEUY}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert len(values) == 1 + 3  # header and the three eligible of Cipeuteuy
    assert all(people["desil1"].nik != cell for row in values for cell in row)
    event = AuditEvent.objects.get(action="candidate.export")
    assert event.area_code == KABANDUNGAN and event.changes["rows"]["after"] == 3


def test_a_pengamat_cannot_export_candidates(screened, login, pengamat_sukabumi):
    response = login(pengamat_sukabumi).post("/seleksi/calon/unduh/", {"area": KABANDUNGAN})
    assert response.status_code == 403


def test_candidate_page_queries_do_not_grow_with_rows(admin_sukabumi, tksk_kabandungan, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rule_set = make_rule_set(admin_sukabumi)
    eligible_household(tksk_kabandungan, serial=1)
    services.screening_desa(actor=tksk_kabandungan, rule_set=rule_set, desa_code=CIPEUTEUY)
    client = login(tksk_kabandungan)
    client.get(CANDIDATES, {"area": KABANDUNGAN})
    with CaptureQueriesContext(connection) as few:
        client.get(CANDIDATES, {"area": KABANDUNGAN})
    few_queries = len(few.captured_queries)
    for serial in range(2, 12):
        eligible_household(tksk_kabandungan, serial=serial)
    services.screening_desa(actor=tksk_kabandungan, rule_set=rule_set, desa_code=CIPEUTEUY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(CANDIDATES, {"area": KABANDUNGAN})
    assert len(response.context["page"]) == 11
    assert len(many.captured_queries) <= few_queries
