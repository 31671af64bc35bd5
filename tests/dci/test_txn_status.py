from pendamping.core.models import AuditEvent
from tests.conftest import KABANDUNGAN
from tests.dci.conftest import by_id


def _status(dci, attribute_type, value, **header):
    body = {
        "header": {
            "version": "1.0.0",
            "message_id": header.pop("message_id", f"S-{attribute_type}"),
            "message_ts": "2026-07-19T12:15:04Z",
            "action": "txn-status",
            "sender_id": "spmis.example.org",
            "total_count": 1,
            **header,
        },
        "message": {
            "transaction_id": "S-T",
            "txnstatus_request": {
                "reference_id": "Q-1",
                "txn_type": "search",
                "attribute_type": attribute_type,
                "attribute_value": value,
            },
        },
    }
    return dci.post("/registry/sync/txn/status", body, kind="txn-status")


def test_the_status_of_an_earlier_search_is_found_by_transaction_correlation_or_reference_ids(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    response = dci.search(by_id("NIK", registry["wife"].nik), {**by_id("PASSPORT", "1"), "reference_id": "R-2"})
    correlation_id = response.json()["message"]["correlation_id"]
    for attribute_type, value in (("transaction_id", "T-1"), ("correlation_id", correlation_id)):
        answer = _status(dci, attribute_type, value).json()
        status = answer["message"]["txnstatus_response"]["txn_status"]
        assert status["correlation_id"] == correlation_id and status["transaction_id"] == "T-1"
        assert [(s["reference_id"], s["status"]) for s in status["search_response"]] == [
            ("R-1", "succ"),
            ("R-2", "rjct"),
        ]
        assert status["search_response"][1]["status_reason_code"] == "rjct.filter.invalid"
        assert answer["header"]["action"] == "txn-on-status"
    answer = _status(dci, "reference_id_list", ["R-2", "R-9"]).json()
    items = answer["message"]["txnstatus_response"]["txn_status"]["search_response"]
    assert [(s["reference_id"], s["status"], s.get("status_reason_code")) for s in items] == [
        ("R-2", "rjct", "rjct.filter.invalid"),
        ("R-9", "rjct", "rjct.reference_id.invalid"),
    ]
    assert AuditEvent.objects.filter(action="dci.txn_status").count() == 3


def test_another_clients_transactions_are_not_found(dci_as, registry):
    dci_as(KABANDUNGAN).search(by_id("NIK", registry["wife"].nik))
    other = dci_as(KABANDUNGAN)
    status = _status(other, "transaction_id", "T-1").json()["message"]["txnstatus_response"]["txn_status"]
    assert status["search_response"] == [] and status["correlation_id"] == ""


def test_a_bad_status_request_gets_a_4xx(dci_as, areas):
    dci = dci_as(KABANDUNGAN)
    assert _status(dci, "phone", "1").status_code == 400
    assert _status(dci, "reference_id_list", "R-1", message_id="x2").status_code == 400
    response = _status(dci, "transaction_id", "T-1", action="search", message_id="x3")
    assert response.json()["header"]["status_reason_code"] == "rjct.action.invalid"
    assert dci.post("/registry/sync/txn/status", raw="{").status_code == 400
