"""What the offline page sends: through the API with the browser's session and CSRF token, once per
Idempotency-Key, and a progress report based on an old version is refused with the server's current values."""

from django.test import Client

from pendamping.api.models import IdempotencyRecord
from pendamping.kube.models import ProgressReport
from pendamping.mentoring.models import Attendance, Contact

from .test_data import report

MONTH = "2026-03"
REPORT = {
    "month": MONTH,
    "omzet": 1_500_000,
    "profit": 300_000,
    "capital": 2_000_000,
    "iks_collected": 30_000,
    "iks_used": 0,
    "active_members": 5,
    "business_status": "aktif",
    "assessed": [],
    "evidence": "Catatan lapangan",
}


def visit(kube):
    members = list(kube.members.values_list("pk", flat=True))
    return {
        "contact_date": "2026-06-11",
        "target_kind": "kube",
        "kube_id": kube.pk,
        "method": "groupwork",
        "roles": ["enabler"],
        "what_done": "Pertemuan bulanan di kebun",
        "problems": "",
        "agreements": "",
        "attendance": [{"member_id": pk, "present": i != 0} for i, pk in enumerate(members)],
    }


def test_a_session_write_without_the_csrf_token_is_refused_and_records_nothing(browser_of, tksk_kabandungan, side):
    browser = browser_of(tksk_kabandungan)
    before = Contact.objects.count()
    response = browser.post("/visits", visit(side.kube), key="k-1", csrf=False)
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert Contact.objects.count() == before


def test_without_a_session_or_a_token_the_api_still_answers_401(side):
    response = Client(enforce_csrf_checks=True).post("/api/v1/visits", "{}", content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_visit_sent_twice_after_a_dropped_connection_is_one_contact_with_its_attendance(
    browser_of, tksk_kabandungan, side
):
    browser = browser_of(tksk_kabandungan)
    body = visit(side.kube)
    before = Contact.objects.count()
    first = browser.post("/visits", body, key="offline-visit-1")
    again = browser.post("/visits", body, key="offline-visit-1")
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Contact.objects.count() == before + 1
    contact = Contact.objects.get(pk=first.json()["id"])
    assert contact.recorded_by == tksk_kabandungan
    assert Attendance.objects.filter(contact=contact, present=True).count() == len(body["attendance"]) - 1


def test_a_new_report_sent_twice_is_one_report(browser_of, tksk_kabandungan, side):
    browser = browser_of(tksk_kabandungan)
    path = f"/kube/{side.kube.pk}/progress-reports"
    body = {**REPORT, "expected_version": 0}
    first = browser.post(path, body, key="offline-report-1")
    again = browser.post(path, body, key="offline-report-1")
    assert first.status_code == again.status_code == 201, first.content
    assert first.json()["version"] == 1 and first.json()["evidence"] == "Catatan lapangan"
    assert ProgressReport.objects.filter(kube=side.kube).count() == 1
    assert IdempotencyRecord.objects.filter(user=tksk_kabandungan, key="offline-report-1").count() == 1


def test_a_report_changed_on_the_server_since_the_copy_is_refused_with_the_current_values(
    browser_of, tksk_kabandungan, side
):
    import datetime

    month = datetime.date(2026, 3, 1)
    report(tksk_kabandungan, side.kube, month, omzet=1_000_000)  # version 1: the copy the phone took
    report(tksk_kabandungan, side.kube, month, omzet=2_222_000, expected_version=1)  # changed at the office: 2
    browser = browser_of(tksk_kabandungan)
    path = f"/kube/{side.kube.pk}/progress-reports"

    stale = browser.post(path, {**REPORT, "expected_version": 1}, key="offline-report-2")

    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale"
    assert body["current"]["omzet"] == 2_222_000 and body["current"]["version"] == 2
    assert body["current"]["month"] == MONTH
    saved = ProgressReport.objects.get(kube=side.kube, month=month)
    assert (saved.omzet, saved.version) == (2_222_000, 2)  # nothing overwritten

    # the worker keeps theirs: the same record is sent again on top of version 2, with the same key
    kept = browser.post(path, {**REPORT, "expected_version": 2}, key="offline-report-2")
    assert kept.status_code == 201, kept.content
    saved.refresh_from_db()
    assert (saved.omzet, saved.version, saved.evidence) == (1_500_000, 3, "Catatan lapangan")


def test_a_report_made_offline_for_a_month_reported_meanwhile_is_a_conflict_not_an_overwrite(
    browser_of, tksk_kabandungan, side
):
    import datetime

    report(tksk_kabandungan, side.kube, datetime.date(2026, 3, 1), omzet=999_000)
    browser = browser_of(tksk_kabandungan)
    response = browser.post(f"/kube/{side.kube.pk}/progress-reports", {**REPORT, "expected_version": 0}, key="x-3")
    assert response.status_code == 409 and response.json()["code"] == "stale"
    assert response.json()["current"]["omzet"] == 999_000
    assert ProgressReport.objects.get(kube=side.kube).omzet == 999_000


def test_a_change_to_a_report_no_longer_there_is_a_conflict_with_no_current_report(browser_of, tksk_kabandungan, side):
    browser = browser_of(tksk_kabandungan)
    response = browser.post(f"/kube/{side.kube.pk}/progress-reports", {**REPORT, "expected_version": 4}, key="x-4")
    assert response.status_code == 409
    assert response.json()["code"] == "stale" and response.json()["current"] is None
    assert not ProgressReport.objects.filter(kube=side.kube).exists()


def test_a_refused_report_is_not_a_conflict(browser_of, tksk_kabandungan, side):
    browser = browser_of(tksk_kabandungan)
    bad = {**REPORT, "expected_version": 0, "business_status": "entah"}
    response = browser.post(f"/kube/{side.kube.pk}/progress-reports", bad, key="x-5")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert "business_status" in response.json()["fields"]


def test_a_session_write_keeps_the_api_scope(browser_of, tksk_kabandungan, side, other_side):
    browser = browser_of(tksk_kabandungan)
    response = browser.post(f"/kube/{other_side.kube.pk}/progress-reports", {**REPORT, "expected_version": 0})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not ProgressReport.objects.filter(kube=other_side.kube).exists()
