"""Idempotency-Key: the same key twice does the work once and answers the same; another body with it is 409."""

import pytest

from pendamping.api.models import IdempotencyRecord
from pendamping.kube.models import ProgressReport
from pendamping.mentoring.models import Contact

from .data import kabandungan_side

REPORT = {
    "month": "2026-02",
    "omzet": 1_500_000,
    "profit": 300_000,
    "capital": 2_000_000,
    "iks_collected": 30_000,
    "iks_used": 0,
    "active_members": 5,
    "business_status": "aktif",
}


@pytest.fixture
def side(tksk_kabandungan, fasilitator_cipeuteuy):
    return kabandungan_side(tksk_kabandungan, fasilitator_cipeuteuy)


def test_a_progress_report_sent_twice_with_one_key_is_recorded_once(api_as, tksk_kabandungan, side):
    api = api_as(tksk_kabandungan)
    path = f"/kube/{side.kube.pk}/progress-reports"
    first = api.post(path, REPORT, headers={"Idempotency-Key": "abc-1"})
    again = api.post(path, REPORT, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert ProgressReport.objects.filter(kube=side.kube).count() == 1
    other = api.post(path, {**REPORT, "omzet": 9}, headers={"Idempotency-Key": "abc-1"})
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    without_key = api.post(path, REPORT)
    assert without_key.status_code == 422  # the month is already reported: the work was really done once


def test_a_visit_with_attendance_sent_twice_is_one_contact(api_as, tksk_kabandungan, side):
    api = api_as(tksk_kabandungan)
    members = list(side.kube.members.values_list("pk", flat=True))
    body = {
        "contact_date": "2026-06-11",
        "target_kind": "kube",
        "kube_id": side.kube.pk,
        "method": "groupwork",
        "what_done": "Pertemuan bulanan",
        "roles": ["enabler", "broker"],
        "attendance": [{"member_id": pk, "present": index != 0} for index, pk in enumerate(members)],
    }
    before = Contact.objects.count()
    first = api.post("/visits", body, headers={"Idempotency-Key": "visit-7"})
    again = api.post("/visits", body, headers={"Idempotency-Key": "visit-7"})
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json()
    assert Contact.objects.count() == before + 1
    assert sum(a["present"] for a in first.json()["attendance"]) == len(members) - 1


def test_keys_are_per_user(api_as, tksk_kabandungan, make_user, side):
    from pendamping.accounts.vocab import Role

    pendamping = make_user("pendamping.kab", Role.PENDAMPING, "32.02.19")
    body = {
        "contact_date": "2026-06-11",
        "target_kind": "community",
        "desa_code": "32.02.19.2002",
        "method": "cocd",
        "what_done": "Sosialisasi",
        "roles": ["enabler"],
    }
    assert api_as(tksk_kabandungan).post("/visits", body, headers={"Idempotency-Key": "k"}).status_code == 201
    assert api_as(pendamping).post("/visits", body, headers={"Idempotency-Key": "k"}).status_code == 201
    assert IdempotencyRecord.objects.filter(key="k").count() == 2


def test_a_refused_request_is_not_remembered(api_as, tksk_kabandungan, side):
    api = api_as(tksk_kabandungan)
    path = f"/kube/{side.kube.pk}/progress-reports"
    refused = api.post(path, {**REPORT, "business_status": "x"}, headers={"Idempotency-Key": "r"})
    assert refused.status_code == 422
    assert api.post(path, REPORT, headers={"Idempotency-Key": "r"}).status_code == 201
