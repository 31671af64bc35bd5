"""Exports of the screening results and the candidate list in both formats: the same rows as the list, under scope,
NIK masked as the page shows it, audited with the format."""

import pytest

from pendamping.core.models import AuditEvent
from pendamping.targeting.vocab import Decision
from tests.conftest import CIPEUTEUY, KABANDUNGAN
from tests.core.test_exports import column, download
from tests.targeting.helpers import eligible_household, make_rule_set, screen_one
from tests.targeting.test_candidates import screened  # noqa: F401 -- a fixture

RESULTS_EXPORT = "/seleksi/hasil/unduh/"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_results_export_holds_what_the_results_list_shows(fmt, screened, login, tksk_kabandungan):  # noqa: F811
    _rule_set, people = screened
    client = login(tksk_kabandungan)
    filters = {"desa": CIPEUTEUY, "decision": Decision.ELIGIBLE}
    shown = list(client.get("/seleksi/", filters).context["page"])
    rows = download(client, RESULTS_EXPORT, fmt, filters)
    assert len(rows) - 1 == len(shown) == 3
    assert column(rows, rows[0][1]) == [r.person.name for r in shown]  # same rows, same order
    assert people["desil1"].nik not in {str(value) for row in rows for value in row}  # masked, as on the page
    event = AuditEvent.objects.get(action="screening_result.export")
    assert event.changes["rows"]["after"] == 3 and event.changes["format"]["after"] == fmt
    assert event.area_code == CIPEUTEUY


def test_the_tksk_of_kalapanunggal_exports_no_result_of_kabandungan(
    login, admin_sukabumi, tksk_kabandungan, tksk_kalapanunggal
):
    screen_one(tksk_kabandungan, make_rule_set(admin_sukabumi), eligible_household(tksk_kabandungan).head)
    client = login(tksk_kalapanunggal)
    for fmt in ("xlsx", "csv"):
        assert len(download(client, RESULTS_EXPORT, fmt)) == 1  # the header only
    assert [e.changes["rows"]["after"] for e in AuditEvent.objects.filter(action="screening_result.export")] == [0, 0]


def test_a_pengamat_cannot_export_results(login, pengamat_sukabumi):
    assert login(pengamat_sukabumi).get(RESULTS_EXPORT, {"format": "csv"}).status_code == 403


def test_the_candidate_list_exports_as_csv_too(screened, login, tksk_kabandungan):  # noqa: F811
    client = login(tksk_kabandungan)
    filters = {"area": KABANDUNGAN, "decision": Decision.ELIGIBLE, "desa": CIPEUTEUY}
    page = client.get("/seleksi/calon/", filters).content.decode()
    assert 'name="format" value="csv"' in page
    as_csv = download(client, "/seleksi/calon/unduh/", "csv", filters, post=True)
    as_xlsx = download(client, "/seleksi/calon/unduh/", "xlsx", filters, post=True)
    assert len(as_csv) == 1 + 3 and column(as_csv, as_csv[0][1]) == column(as_xlsx, as_xlsx[0][1])
    formats = [
        e.changes["format"]["after"] for e in AuditEvent.objects.filter(action="candidate.export").order_by("pk")
    ]
    assert formats == ["csv", "xlsx"]
