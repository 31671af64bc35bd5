"""Reject codes per request, header rejects, transport errors: always JSON in the spec's shapes, never a 500."""

import pytest

from tests.conftest import KABANDUNGAN
from tests.dci.conftest import by_id, envelope, predicate, request_

SEARCH = "/registry/sync/search"


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (request_(query_type="sql", query="SELECT 1"), "rjct.search_criteria.invalid"),
        (request_(query_type="predicate"), "rjct.search_criteria.invalid"),
        (by_id("NIK", "3202190000000001", response_entity="Household2"), "rjct.search_criteria.invalid"),
        (by_id("NIK", "3202190000000001", reg_type="ns:org:RegistryType:Civil"), "rjct.search_criteria.invalid"),
        (by_id("NIK", "3202190000000001", reg_event_type="DEATH"), "rjct.search_criteria.invalid"),
        (by_id("NIK", "3202190000000001", version="2.0.0"), "rjct.search_criteria.invalid"),
        (by_id("PASSPORT", "A123"), "rjct.filter.invalid"),
        (by_id("NIK", "12345"), "rjct.filter.invalid"),
        (by_id("KUBE", "abc"), "rjct.filter.invalid"),
        (by_id("NIK", {"x": 1}), "rjct.filter.invalid"),
        (predicate(("income", "eq", 1)), "rjct.filter.invalid"),
        (predicate(("age", "like", 1)), "rjct.filter.invalid"),
        (predicate(("age", "ge", "old")), "rjct.filter.invalid"),
        (predicate(("sex", "eq", "x")), "rjct.filter.invalid"),
        (predicate(("area_code", "eq", "32.02.19; DROP")), "rjct.filter.invalid"),
        (predicate(("area_code", "gt", "32.02")), "rjct.filter.invalid"),
        (predicate(("group_type", "eq", "kube"), ("poverty_score", "eq", 2)), "rjct.filter.invalid"),
        (predicate(("desil", "eq", 2), page_size=0), "rjct.pagination.invalid"),
        (predicate(("desil", "eq", 2), page_size=1000), "rjct.pagination.invalid"),
        (predicate(("desil", "eq", 2), page_number=-1), "rjct.pagination.invalid"),
        (predicate(("desil", "eq", 2), sort=[{"attribute_name": "nik", "sort_order": "asc"}]), "rjct.sort.invalid"),
        (predicate(("desil", "eq", 2), sort=[{"attribute_name": "desil", "sort_order": "up"}]), "rjct.sort.invalid"),
        ({**by_id("NIK", "3202190000000001"), "reference_id": ""}, "rjct.reference_id.invalid"),
        ({**by_id("NIK", "3202190000000001"), "timestamp": "yesterday"}, "rjct.timestamp.invalid"),
        ({"reference_id": "R-1", "search_criteria": "all"}, "rjct.search_criteria.invalid"),
        ("not an object", "rjct.search_criteria.invalid"),
    ],
)
def test_a_request_that_cannot_be_run_is_rejected_with_its_code(dci_as, areas, item, code):
    dci = dci_as(KABANDUNGAN)
    [answer] = dci.results(item)
    assert answer["status"] == "rjct" and answer["status_reason_code"] == code
    assert answer["status_reason_message"] and "data" not in answer


def test_a_rejected_request_does_not_stop_the_others_and_duplicates_are_named(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    answers = dci.results(by_id("NIK", registry["wife"].nik), by_id("NIK", registry["son"].nik), by_id("PASSPORT", "1"))
    assert [a["status"] for a in answers] == ["succ", "rjct", "rjct"]
    assert answers[1]["status_reason_code"] == "rjct.reference_id.duplicate"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ({"action": "subscribe"}, "rjct.action.invalid"),
        ({"version": "2.0.0"}, "rjct.version.invalid"),
        ({"message_ts": "not a time"}, "rjct.message_ts.invalid"),
        ({"total_count": 3}, "rjct.total_count.invalid"),
    ],
)
def test_a_header_that_cannot_be_accepted_is_rejected_as_a_whole(dci_as, areas, header, code):
    dci = dci_as(KABANDUNGAN)
    response = dci.search(by_id("NIK", "3202190000000001"), **header)
    assert response.status_code == 400
    body = response.json()
    assert body["header"]["status"] == "rjct" and body["header"]["status_reason_code"] == code
    assert "message" not in body


def test_too_many_requests_in_one_message_are_refused(dci_as, areas, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "DCI_MAX_REQUESTS": 2}
    dci = dci_as(KABANDUNGAN)
    items = [{**by_id("NIK", "3202190000000001"), "reference_id": f"R-{n}"} for n in range(3)]
    response = dci.search(*items)
    assert response.json()["header"]["status_reason_code"] == "rjct.total_count.limit_exceeded"


def test_a_message_id_sent_twice_is_refused_the_second_time(dci_as, areas):
    dci = dci_as(KABANDUNGAN)
    assert dci.search(by_id("NIK", "3202190000000001"), message_id="M-1").status_code == 200
    second = dci.search(by_id("NIK", "3202190000000001"), message_id="M-1")
    assert second.status_code == 400 and second.json()["header"]["status_reason_code"] == "rjct.message_id.duplicate"


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        "",
        "[]",
        "null",
        '{"header": "x", "message": {}}',
        '{"header": {"message_id": "1", "action": "search"}}',
        '{"header": {"action": "search", "message_ts": "2026-01-01T00:00:00Z"}, "message": {"search_request": []}}',
        '{"header": {"message_id": "1", "action": "search", "message_ts": "2026-01-01T00:00:00Z"}, '
        '"message": {"search_request": {}}}',
        '{"header": {"message_id": {"a": 1}}, "message": {"search_request": [{}]}}',
        '{"header": {"message_id": "1", "is_msg_encrypted": true}, "message": {"ciphertext": "x"}}',
        "\udcff".encode("utf-8", "surrogatepass").decode("latin-1"),
    ],
)
def test_malformed_bodies_get_a_400_in_the_error_shape(dci_as, areas, raw):
    dci = dci_as(KABANDUNGAN)
    response = dci.post(SEARCH, raw=raw)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"].startswith("err.") and error["message"]


def test_no_or_a_wrong_token_gets_401_and_nothing_else(dci_as, client, areas, registry):
    dci = dci_as(KABANDUNGAN)
    for token in ("", "wrong"):
        response = client.post(
            "/dci" + SEARCH,
            envelope(by_id("NIK", registry["wife"].nik)),
            content_type="application/json",
            **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}),
        )
        assert response.status_code == 401 and response.json()["errors"][0]["code"] == "err.request.unauthorized"
    assert dci.client.get("/dci" + SEARCH).status_code == 405
