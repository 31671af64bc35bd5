"""Every error is JSON with a stable code; garbage never gets a 500."""

import json

import pytest

from .data import kabandungan_side


@pytest.fixture
def side(tksk_kabandungan, fasilitator_cipeuteuy):
    return kabandungan_side(tksk_kabandungan, fasilitator_cipeuteuy)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["message"]
    return body


def test_malformed_json_is_400(api_as, tksk_kabandungan, side):
    api = api_as(tksk_kabandungan)
    for raw in ("{bad", "[1,", "\xff", "null garbage"):
        assert_error(api.post(f"/kube/{side.kube.pk}/members", raw=raw), 400, "malformed_json")


def test_unknown_fields_and_wrong_types_are_422_with_the_fields_named(api_as, tksk_kabandungan, side):
    api = api_as(tksk_kabandungan)
    path = f"/kube/{side.kube.pk}/members"
    body = assert_error(
        api.post(path, {"nik": side.person.nik, "joined_on": "2026-02-01", "admin": True}), 422, "validation_error"
    )
    assert "admin" in body["fields"]
    body = assert_error(api.post(path, {"nik": 12, "joined_on": "kemarin"}), 422, "validation_error")
    assert {"nik", "joined_on"} <= set(body["fields"])
    body = assert_error(api.get("/households", {"limit": 100000, "desil": "x"}), 422, "validation_error")
    assert {"limit", "desil"} <= set(body["fields"])


@pytest.mark.parametrize(
    "body",
    [[], "text", 5, None, {"month": "2026-13"}, {"assessed": "x"}, {"omzet": "1e999"}, {"roles": [{"a": 1}]}],
)
def test_garbage_on_every_write_is_a_4xx(api_as, tksk_kabandungan, side, body):
    api = api_as(tksk_kabandungan)
    for path in (f"/kube/{side.kube.pk}/members", f"/kube/{side.kube.pk}/progress-reports", "/visits"):
        response = api.post(path, raw=json.dumps(body))
        assert 400 <= response.status_code < 500, (path, response.content)
        assert response.json()["code"] in {"malformed_json", "validation_error"}


def test_a_service_refusal_is_422_with_its_field_messages(api_as, tksk_kabandungan, side):
    api = api_as(tksk_kabandungan)
    member_nik = side.kube.members.first().person.nik
    already = api.post(f"/kube/{side.kube.pk}/members", {"nik": member_nik, "joined_on": "2026-02-01"})
    body = assert_error(already, 422, "validation_error")
    assert "person" in body["fields"]
    unknown = assert_error(
        api.post(f"/kube/{side.kube.pk}/members", {"nik": "3202190000000000", "joined_on": "2026-02-01"}),
        422,
        "validation_error",
    )
    assert "nik" in unknown["fields"]


def test_an_oversized_body_is_413(api_as, tksk_kabandungan, side, settings):
    settings.API_MAX_BODY_BYTES = 1000
    api = api_as(tksk_kabandungan)
    response = api.post("/visits", {"what_done": "x" * 2000})
    assert_error(response, 413, "body_too_large")


def test_a_pengamat_may_read_but_not_write(api_as, make_user, side):
    from pendamping.accounts.vocab import Role

    pengamat = make_user("pengamat.kab", Role.PENGAMAT, "32.02.19")
    api = api_as(pengamat)
    assert api.get(f"/kube/{side.kube.pk}").status_code == 200
    body = {"month": "2026-02", "omzet": 1, "profit": 1, "capital": 1, "iks_collected": 0, "iks_used": 0}
    response = api.post(
        f"/kube/{side.kube.pk}/progress-reports", {**body, "active_members": 5, "business_status": "aktif"}
    )
    assert_error(response, 403, "not_allowed")


def test_an_unknown_object_or_area_is_404(api_as, tksk_kabandungan):
    api = api_as(tksk_kabandungan)
    assert_error(api.get("/households/999999"), 404, "not_found")
    assert_error(api.get("/areas/99.99"), 404, "not_found")


def test_an_unknown_path_and_a_wrong_method_are_json_too(api_as, tksk_kabandungan):
    api = api_as(tksk_kabandungan)
    assert_error(api.get("/nope"), 404, "not_found")
    assert_error(api.get("/households/1/nope/"), 404, "not_found")
    refused = assert_error(api.post("/households", {}), 405, "method_not_allowed")
    assert "GET" in refused["message"]
    assert api.post("/households", {})["Allow"] == "GET"
    assert_error(api.client.delete("/api/v1/kube", **api._headers(None)), 405, "method_not_allowed")
    assert api.get("/households").status_code == 200  # the real routes are untouched
