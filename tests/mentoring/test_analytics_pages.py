"""The role analytics page and its export through the test client: the heat maps and tables, the gaps, the
comparison, the filter, the audited XLSX, scoping and the number of queries."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pendamping.core.models import AuditEvent
from tests.kube.helpers import make_kube
from tests.mentoring.helpers import record

pytestmark = pytest.mark.django_db

URL = "/pendampingan/analitik-peran/"
JUNE = {"date_from": "2026-06-01", "date_to": "2026-06-30"}


@pytest.fixture
def june(tksk_kabandungan, fasilitator_cipeuteuy):
    kube = make_kube(tksk_kabandungan, name="KUBE Sukamaju")
    record(tksk_kabandungan, kube=kube, roles=["enabler", "broker"], tks_roles=["03"])
    record(fasilitator_cipeuteuy, kube=kube, roles=["enabler"])
    record(fasilitator_cipeuteuy, roles=["social_planner"], tks_roles=["06"])
    return kube


def test_the_page_draws_both_heat_maps_and_their_tables_without_inline_styles(june, login, admin_sukabumi):
    response = login(admin_sukabumi).get(URL, JUNE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="heatmap"') == 2
    assert "style=" not in html and "<script>" not in html
    assert "Asep Saepudin" in html and "Dede Rosita" in html and "KUBE Sukamaju" in html
    # the tables carry each cell's count and share
    assert 'data-role="zastrow:enabler" data-count="2" data-share="100.0"' in html  # the group: 2 of 2 contacts
    assert 'data-role="zastrow:broker" data-count="1" data-share="50.0"' in html
    assert 'data-role="tks:06" data-count="1" data-share="50.0"' in html  # the fasilitator: 1 of 2
    assert 'id="comparison"' in html and 'class="note"' in html


def test_the_page_defaults_to_the_last_90_days_and_names_the_gaps(june, login, admin_sukabumi):
    response = login(admin_sukabumi).get(URL)
    assert response.status_code == 200
    period = response.context["period"]
    assert (period.date_to - period.date_from).days == 89
    gaps = response.context["gaps"]  # the group in T0, its contacts in June: every key role of T0 is a gap
    assert {g.role for g in gaps} == {"enabler", "social_planner", "expert"}
    html = response.content.decode()
    assert f'data-kube="{june.pk}" data-role="social_planner"' in html
    assert gaps[0].message in html


def test_a_bad_period_is_explained_and_the_default_is_shown(login, admin_sukabumi):
    response = login(admin_sukabumi).get(URL, {"date_from": "2026-06-30", "date_to": "2026-06-01"})
    assert response.status_code == 200 and response.context["form"].errors["date_to"]


def test_a_tksk_of_another_kecamatan_sees_no_contact_of_kabandungan(june, login, tksk_kalapanunggal):
    response = login(tksk_kalapanunggal).get(URL, JUNE)
    assert response.status_code == 200
    assert "KUBE Sukamaju" not in response.content.decode()
    assert response.context["worker_rows"] == [] and response.context["gaps"] == []


def test_the_page_takes_the_same_number_of_queries_for_more_contacts(june, login, admin_sukabumi, tksk_kabandungan):
    client = login(admin_sukabumi)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, JUNE).status_code == 200
        return len(captured)

    before = queries()
    other = make_kube(tksk_kabandungan, name="KUBE Lain")
    for day in range(1, 8):
        record(tksk_kabandungan, kube=other, roles=["expert"], contact_date=datetime.date(2026, 6, day))
    assert queries() == before


def test_the_export_holds_the_matrices_and_is_audited(june, login, admin_sukabumi):
    response = login(admin_sukabumi).get(URL + "xlsx/", {**JUNE, "area": "32.02.19"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_row = {(r[0], r[1]): r for r in rows[1:]}
    group = next(r for key, r in by_row.items() if key[1] == "KUBE Sukamaju")
    assert group[3] == 2
    assert group[header.index("Enabler (n)")] == 2 and group[header.index("Enabler (%)")] == 100
    assert group[header.index("Broker (n)")] == 1 and group[header.index("Broker (%)")] == 50
    worker = next(r for key, r in by_row.items() if key[1] == "Dede Rosita")
    assert worker[3] == 2 and worker[header.index("6 (n)")] == 1
    event = AuditEvent.objects.get(action="mentoring_roles.export")
    assert event.area_code == "32.02.19" and event.actor == admin_sukabumi


def test_a_pengamat_reads_the_page_but_cannot_export(june, login, pengamat_sukabumi):
    client = login(pengamat_sukabumi)
    assert client.get(URL, JUNE).status_code == 200
    assert client.get(URL + "xlsx/", JUNE).status_code == 403
    assert not AuditEvent.objects.filter(action="mentoring_roles.export").exists()
