"""The monthly TKSK report through its pages: generate, narrative, submit, acknowledge; the list for the Dinas
Sosial and for the TKSK; scoping (404), the printable page, the audited XLSX and the number of queries."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pendamping.core.models import AuditEvent
from pendamping.mentoring.models import TkskReport
from pendamping.mentoring.services import reports
from tests.conftest import KABANDUNGAN
from tests.kube.helpers import make_kube
from tests.mentoring.helpers import record

pytestmark = pytest.mark.django_db

LIST = "/pendampingan/laporan-tksk/"
JUNE = datetime.date(2026, 6, 1)


@pytest.fixture
def june(tksk_kabandungan, fasilitator_cipeuteuy):
    kube = make_kube(tksk_kabandungan, name="KUBE Sukamaju")
    record(tksk_kabandungan, kube=kube, roles=["enabler", "broker"], tks_roles=["03"])
    record(fasilitator_cipeuteuy, kube=kube, method="casework", roles=["enabler"])
    return kube


def detail(report) -> str:
    return f"{LIST}{report.pk}/"


def test_a_tksk_generates_writes_and_submits_the_report_of_june(june, login, tksk_kabandungan):
    client = login(tksk_kabandungan)
    response = client.get(LIST)
    assert response.status_code == 200 and response.context["generate_form"] is not None
    response = client.post(LIST + "buat/", {"kecamatan": KABANDUNGAN, "month": "2026-06"})
    report = TkskReport.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(report)
    html = client.get(detail(report)).content.decode()
    assert '<tr data-line="method:groupwork"><td>' in html
    assert f'data-kube="{june.pk}"' in html and "KUBE Sukamaju" in html
    assert 'data-line="casework"' in html and 'data-line="referrals"' in html
    response = client.post(detail(report) + "narasi/", {"narrative": "Bulan yang baik.", "version": 1})
    assert response.status_code == 302
    response = client.post(detail(report) + "narasi/", {"narrative": "Versi lama.", "version": 1})
    assert response.status_code == 400 and response.context["narrative_form"].errors
    assert client.post(detail(report) + "ajukan/", {"version": 2}).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.narrative == "Bulan yang baik."
    response = client.get(detail(report))
    assert response.context["narrative_form"] is None and response.context["submit_form"] is None


def test_the_dinas_sosial_lists_and_acknowledges_submitted_reports(june, login, tksk_kabandungan, admin_sukabumi):
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE)
    reports.report_submit(actor=tksk_kabandungan, report=report, expected_version=1)
    client = login(admin_sukabumi)
    response = client.get(LIST, {"status": "submitted", "kecamatan": KABANDUNGAN, "month": "2026-06"})
    assert [r.pk for r in response.context["page"]] == [report.pk]
    assert response.context["generate_form"] is None
    assert list(client.get(LIST, {"status": "draft"}).context["page"]) == []
    response = client.post(detail(report) + "terima/", {"note": "Diterima.", "version": 2})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "acknowledged" and report.acknowledgement_note == "Diterima."


def test_a_tksk_of_another_kecamatan_can_neither_see_nor_write_the_report(
    june, login, tksk_kabandungan, tksk_kalapanunggal
):
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE)
    client = login(tksk_kalapanunggal)
    assert list(client.get(LIST).context["page"]) == []
    for url in ("", "cetak/", "xlsx/"):
        assert client.get(detail(report) + url).status_code == 404
    for url, data in (("narasi/", {"narrative": "x", "version": 1}), ("ajukan/", {"version": 1})):
        assert client.post(detail(report) + url, data).status_code == 404
    response = client.post(LIST + "buat/", {"kecamatan": KABANDUNGAN, "month": "2026-06"})
    assert response.status_code == 400 and TkskReport.objects.count() == 1


def test_a_tksk_cannot_acknowledge_and_a_pengamat_cannot_generate(june, login, tksk_kabandungan, pengamat_sukabumi):
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE)
    reports.report_submit(actor=tksk_kabandungan, report=report, expected_version=1)
    client = login(tksk_kabandungan)
    assert client.post(detail(report) + "terima/", {"note": "", "version": 2}).status_code == 403
    client = login(pengamat_sukabumi)
    assert client.get(detail(report)).status_code == 200
    assert client.post(LIST + "buat/", {"kecamatan": KABANDUNGAN, "month": "2026-06"}).status_code == 403


def test_the_printable_report_and_its_audited_xlsx(june, login, tksk_kabandungan):
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE)
    client = login(tksk_kabandungan)
    response = client.get(detail(report) + "cetak/")
    assert response.status_code == 200 and "Asep Saepudin" in response.content.decode()
    response = client.get(detail(report) + "xlsx/")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    by_code = {(r[1], r[2]): r for r in rows[1:]}
    groupwork = next(r for r in rows[1:] if r[1] == "groupwork")
    casework = next(r for r in rows[1:] if r[1] == "casework" and r[3] is not None)
    assert (groupwork[3], groupwork[4]) == (1, 1) and (casework[3], casework[4]) == (1, 0)
    assert next(r for r in rows[1:] if r[1] == "enabler")[3:5] == (2, 1)
    assert by_code[("T0", "KUBE Sukamaju")][3] == 2
    event = AuditEvent.objects.get(action="mentoring_report.export")
    assert event.area_code == KABANDUNGAN and event.actor == tksk_kabandungan


def test_the_list_and_the_report_take_the_same_number_of_queries_for_more_reports(
    june, login, tksk_kabandungan, admin_sukabumi
):
    report = reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE)
    client = login(admin_sukabumi)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before_list, before_detail = queries(LIST), queries(detail(report))
    for month in (3, 4, 5):
        reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=datetime.date(2026, month, 1))
    for day in range(1, 6):
        record(tksk_kabandungan, kube=june, roles=["expert"], contact_date=datetime.date(2026, 6, day))
    reports.report_generate(actor=tksk_kabandungan, kecamatan_code=KABANDUNGAN, month=JUNE)
    assert queries(LIST) == before_list and queries(detail(report)) == before_detail
