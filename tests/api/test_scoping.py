"""Every route reads and writes exactly what the pages would: a token of the TKSK of Kabandungan reads nothing of
Kalapanunggal (404 for an object, an empty list for a filter) and writes nothing there."""

import datetime

import pytest

from tests.conftest import CIPEUTEUY, KABANDUNGAN, KALAPANUNGGAL

from .data import KALAPANUNGGAL_DESA, kabandungan_side, kalapanunggal_side


@pytest.fixture
def sides(tksk_kabandungan, tksk_kalapanunggal, fasilitator_cipeuteuy):
    return kabandungan_side(tksk_kabandungan, fasilitator_cipeuteuy), kalapanunggal_side(tksk_kalapanunggal)


def detail_routes(side, kecamatan):
    return {
        "area": f"/areas/{kecamatan}",
        "household": f"/households/{side.household.pk}",
        "person": f"/people/{side.person.pk}",
        "kube": f"/kube/{side.kube.pk}",
    }


def list_routes(side, desa):
    """(path, params, id expected in the items) of every list route, filtered to the side's desa."""
    return [
        ("/households", {"desa": desa}, side.household.pk),
        ("/people", {"nik": side.person.nik}, side.person.pk),
        ("/people", {"desa": desa}, side.person.pk),
        ("/kube", {"desa": desa}, side.kube.pk),
        ("/visits", {"kube": side.kube.pk}, side.contact.pk),
        ("/cases", {"desa": desa}, side.case.pk),
        ("/referrals", {"desa": desa}, side.referral.pk),
    ]


def test_the_tksk_reads_every_route_of_his_own_kecamatan(api_as, tksk_kabandungan, sides):
    mine, _other = sides
    api = api_as(tksk_kabandungan)
    for name, path in detail_routes(mine, KABANDUNGAN).items():
        response = api.get(path)
        assert response.status_code == 200, (name, response.content)
    assert api.get(f"/households/{mine.household.pk}").json()["members"][0]["nik"] == mine.person.nik
    kube = api.get(f"/kube/{mine.kube.pk}").json()
    assert len(kube["members"]) == 5 and {"ketua", "sekretaris", "bendahara"} <= {m["role"] for m in kube["members"]}
    assert kube["stage"] == mine.kube.stage
    for path, params, expected in list_routes(mine, CIPEUTEUY):
        body = api.get(path, params).json()
        assert expected in [item["id"] for item in body["items"]], (path, params, body)
        assert body["count"] >= 1


def test_the_tksk_of_kabandungan_reads_nothing_of_kalapanunggal(api_as, tksk_kabandungan, sides):
    _mine, other = sides
    api = api_as(tksk_kabandungan)
    for name, path in detail_routes(other, KALAPANUNGGAL).items():
        response = api.get(path)
        assert response.status_code == 404, (name, response.content)
        assert response.json()["code"] == "not_found"
    for path, params, _expected in list_routes(other, KALAPANUNGGAL_DESA):
        body = api.get(path, params).json()
        assert (body["count"], body["items"]) == (0, []), (path, params, body)
    unfiltered = {
        "/households": other.household.pk,
        "/people": other.person.pk,
        "/kube": other.kube.pk,
        "/visits": other.contact.pk,
        "/cases": other.case.pk,
        "/referrals": other.referral.pk,
    }
    for path, other_id in unfiltered.items():
        ids = [item["id"] for item in api.get(path, {"limit": 100}).json()["items"]]
        assert ids and other_id not in ids, (path, ids)


def test_the_tksk_of_kabandungan_writes_nothing_in_kalapanunggal(api_as, tksk_kabandungan, sides):
    mine, other = sides
    api = api_as(tksk_kabandungan)
    member = api.post(
        f"/kube/{other.kube.pk}/members", {"nik": mine.person.nik, "role": "anggota", "joined_on": "2026-02-01"}
    )
    report = api.post(
        f"/kube/{other.kube.pk}/progress-reports",
        {
            "month": "2026-02",
            "omzet": 1,
            "profit": 1,
            "capital": 1,
            "iks_collected": 0,
            "iks_used": 0,
            "active_members": 5,
            "business_status": "aktif",
        },
    )
    visit = api.post("/visits", visit_body(kube_id=other.kube.pk))
    assert [r.status_code for r in (member, report, visit)] == [404, 404, 404]
    community = api.post("/visits", visit_body(target_kind="community", method="cocd", desa_code=KALAPANUNGGAL_DESA))
    assert community.status_code == 403 and community.json()["code"] == "not_allowed"
    assert other.kube.members.count() == 0 and other.kube.contacts.count() == 1


def visit_body(**values):
    return {
        "contact_date": datetime.date(2026, 6, 10).isoformat(),
        "target_kind": "kube",
        "method": "groupwork",
        "what_done": "Pertemuan kelompok",
        "roles": ["enabler"],
        **values,
    }
