"""Searches by id (NIK, KK, KUBE) and by predicate, with pagination, scoping, records and audit."""

import pytest

from pendamping.core.models import AuditEvent
from pendamping.dci.models import DciTransaction
from tests.conftest import CIPEUTEUY, KABANDUNGAN, KALAPANUNGGAL
from tests.dci.conftest import by_id, predicate, request_
from tests.kube.helpers import formed_kube, make_kube


def _nik(record) -> str:
    return record["identifier"][0]["identifier_value"]


def _kk(record) -> str:
    return record["group_identifier"][0]["identifier_value"]


def test_a_nik_finds_the_person_as_a_member_record(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    [answer] = dci.results(by_id("NIK", registry["wife"].nik))
    assert answer["status"] == "succ" and answer["reference_id"] == "R-1"
    [record] = answer["data"]["reg_records"]
    assert _nik(record) == registry["wife"].nik and record["sex"] == "female"
    assert record["birth_date"] == "1985-03-02" and record["address"][0]["region_code"] == CIPEUTEUY
    assert answer["pagination"] == {"page_size": 20, "page_number": 1, "total_count": 1}


def test_a_nik_asked_as_a_group_finds_the_household_with_head_and_members(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    [answer] = dci.results(by_id("nik", registry["daughter"].nik, response_entity="Group"))
    [group] = answer["data"]["reg_records"]
    assert _kk(group) == registry["a"].no_kk and group["group_type"] == "family"
    assert group["group_size"] == 3 and group["poverty_score"] == 2
    assert group["group_head_info"]["member_identifier"][0]["identifier_value"] == registry["a"].head.nik
    niks = [m["member_identifier"][0]["identifier_value"] for m in group["member_list"]]
    assert niks[0] == registry["a"].head.nik and set(niks) == {
        registry["a"].head.nik,
        registry["wife"].nik,
        registry["daughter"].nik,
    }


def test_a_kk_finds_the_household_and_as_members_everyone_on_the_card(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    group, members = dci.results(
        by_id("KK", registry["a"].no_kk),
        {**by_id("KK", registry["a"].no_kk, response_entity="Member"), "reference_id": "R-2"},
    )
    assert [_kk(g) for g in group["data"]["reg_records"]] == [registry["a"].no_kk]
    assert members["pagination"]["total_count"] == 3
    assert {_nik(m) for m in members["data"]["reg_records"]} == {
        registry["a"].head.nik,
        registry["wife"].nik,
        registry["daughter"].nik,
    }


def test_a_kube_id_finds_the_group_with_its_chair_and_members(dci_as, tksk_kabandungan, areas):
    kube = formed_kube(tksk_kabandungan, members=5)
    dci = dci_as(KABANDUNGAN)
    group_answer, member_answer = dci.results(
        by_id("KUBE", str(kube.pk)), {**by_id("KUBE", kube.pk, response_entity="Member"), "reference_id": "R-2"}
    )
    [group] = group_answer["data"]["reg_records"]
    assert group["group_type"] == "kube" and group["group_size"] == 5 and len(group["member_list"]) == 5
    assert group["group_identifier"][0] == {
        "@type": "Identifier",
        "identifier_type": "KUBE",
        "identifier_value": str(kube.pk),
    }
    chair = kube.members.get(role="ketua").person
    assert group["group_head_info"]["member_identifier"][0]["identifier_value"] == chair.nik
    assert member_answer["pagination"]["total_count"] == 5


def test_a_client_of_kabandungan_finds_nothing_of_kalapanunggal(dci_as, registry, tksk_kalapanunggal):
    dci = dci_as(KABANDUNGAN)
    d = registry["d"]
    answers = dci.results(
        by_id("NIK", d.head.nik, reference_id="x"),
        {**by_id("KK", d.no_kk), "reference_id": "R-2"},
        {**predicate(("area_code", "eq", KALAPANUNGGAL)), "reference_id": "R-3"},
        {**predicate(("poverty_score", "eq", 1)), "reference_id": "R-4"},
    )
    for answer in answers:
        assert answer["status"] == "succ" and answer["data"]["reg_records"] == []
        assert answer["pagination"]["total_count"] == 0
    kube = make_kube(tksk_kalapanunggal, desa=d.desa_id, name="KUBE Lain")
    [answer] = dci.results(by_id("KUBE", kube.pk))
    assert answer["status"] == "succ" and answer["data"]["reg_records"] == []
    # and the client of Kalapanunggal does find them
    other = dci_as(KALAPANUNGGAL)
    person, group = other.results(by_id("NIK", d.head.nik), {**by_id("KUBE", kube.pk), "reference_id": "R-2"})
    assert [_nik(r) for r in person["data"]["reg_records"]] == [d.head.nik]
    assert group["pagination"]["total_count"] == 1


def test_a_client_with_two_areas_sees_both(dci_as, registry):
    dci = dci_as(KABANDUNGAN, KALAPANUNGGAL)
    [answer] = dci.results(predicate(("group_size", "ge", 1)))
    assert answer["pagination"]["total_count"] == 4


@pytest.mark.parametrize(
    ("expressions", "expected"),
    [
        ([("area_code", "eq", CIPEUTEUY)], {"a", "b", "c"}),
        ([("area_code", "in", [CIPEUTEUY, "32.02.18"])], {"a", "b", "c"}),
        ([("poverty_score", "le", 2)], {"a"}),
        ([("desil", "in", [2, 5])], {"a", "b"}),
        ([("group_size", "eq", 1)], {"b"}),
        ([("group_size", "gt", 1)], {"a", "c"}),
        ([("sex", "eq", "female")], {"b"}),
        ([("age", "ge", 60)], {"b"}),
        ([("age", "lt", 60)], {"a", "c"}),
        ([("group_size", "ge", 2), ("poverty_score", "eq", 2)], {"a"}),
    ],
)
def test_a_predicate_finds_the_households_that_match(dci_as, registry, expressions, expected):
    dci = dci_as(KABANDUNGAN)
    [answer] = dci.results(predicate(*expressions))
    assert answer["status"] == "succ", answer
    found = {_kk(g) for g in answer["data"]["reg_records"]}
    assert found == {registry[key].no_kk for key in expected}


def test_predicates_combine_with_or_and_not(dci_as, registry):
    dci = dci_as(KABANDUNGAN)

    def expression(name, op, value):
        return {"attribute_name": name, "operator": op, "attribute_value": value}

    either = {
        "seq_num": 1,
        "expression1": expression("desil", "eq", 5),
        "condition": "or",
        "expression2": expression("group_size", "eq", 2),
    }
    but_not = {
        "seq_num": 1,
        "expression1": expression("group_size", "ge", 1),
        "condition": "not",
        "expression2": expression("desil", "eq", 2),
    }
    chained = [
        {"seq_num": 1, "expression1": expression("desil", "eq", 2), "condition": "or"},
        {"seq_num": 2, "expression1": expression("sex", "eq", "female")},
    ]
    answers = dci.results(
        predicate(either, reference_id="x"),
        {**predicate(but_not), "reference_id": "R-2"},
        {**predicate(*chained), "reference_id": "R-3"},
    )
    found = [{_kk(g) for g in answer["data"]["reg_records"]} for answer in answers]
    assert found == [
        {registry["b"].no_kk, registry["c"].no_kk},
        {registry["b"].no_kk, registry["c"].no_kk},
        {registry["a"].no_kk, registry["b"].no_kk},
    ]


def test_a_predicate_for_members_filters_people_by_sex_and_age(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    answers = dci.results(
        predicate(("sex", "eq", "female"), entity="Member"),
        {**predicate(("age", "eq", 20), entity="Member"), "reference_id": "R-2"},
        {**predicate(("age", "le", 10), ("area_code", "eq", KABANDUNGAN), entity="Member"), "reference_id": "R-3"},
    )
    found = [{_nik(p) for p in answer["data"]["reg_records"]} for answer in answers]
    assert found == [
        {registry["wife"].nik, registry["daughter"].nik, registry["b"].head.nik},
        {registry["son"].nik},
        {registry["daughter"].nik},
    ]


def test_pages_of_a_predicate_search_hold_every_match_once(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    pages = [
        dci.results(predicate(("area_code", "eq", KABANDUNGAN), entity="Member", page_size=2, page_number=n))[0]
        for n in (1, 2, 3, 4)
    ]
    assert [p["pagination"]["total_count"] for p in pages] == [6, 6, 6, 6]
    assert [len(p["data"]["reg_records"]) for p in pages] == [2, 2, 2, 0]
    niks = [_nik(r) for p in pages for r in p["data"]["reg_records"]]
    assert len(set(niks)) == 6


def test_sort_orders_the_records(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    [answer] = dci.results(
        predicate(("group_size", "ge", 1), sort=[{"attribute_name": "group_size", "sort_order": "desc"}])
    )
    assert [g["group_size"] for g in answer["data"]["reg_records"]] == [3, 2, 1]


def test_a_kube_predicate_searches_groups_by_area_and_size(dci_as, tksk_kabandungan, areas):
    kube = formed_kube(tksk_kabandungan, members=5)
    dci = dci_as(KABANDUNGAN)
    [answer] = dci.results(predicate(("group_type", "eq", "kube"), ("group_size", "ge", 5)))
    assert [g["group_identifier"][0]["identifier_value"] for g in answer["data"]["reg_records"]] == [str(kube.pk)]
    [answer] = dci.results(predicate(("group_type", "eq", "kube"), ("group_size", "gt", 5)))
    assert answer["data"]["reg_records"] == []


def test_the_samples_shape_is_accepted_predicates_under_expression_and_counts_as_strings(dci_as, registry):
    """The spec's own sample: query_type "expression" holding a predicate list, reg_event_type "SEARCH",
    total_count and pagination sent as strings."""
    dci = dci_as(KABANDUNGAN)
    item = request_(
        reg_event_type="SEARCH",
        query_type="expression",
        query=[
            {
                "seq_num": "",
                "expression1": {"attribute_name": "UIN", "operator": "eq", "attribute_value": "1"},
                "condition": "",
                "expression2": "",
            }
        ],
    )
    item["search_criteria"]["query"][0]["expression1"] = {
        "attribute_name": "poverty_score",
        "operator": "eq",
        "attribute_value": "5",
    }
    item["search_criteria"]["pagination"] = {"page_size": "10", "page_number": "1"}
    item["search_criteria"]["response_entity"] = "Household"
    [answer] = dci.results(item, total_count="1")
    assert [_kk(g) for g in answer["data"]["reg_records"]] == [registry["b"].no_kk]


def test_the_specs_expression_example_is_read(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    query = {
        "type": "ns:org:QueryType:NoSql",
        "value": {
            "expression": {
                "collection": "Group",
                "query": {
                    "$and": [
                        {"poverty_score": {"$lt": 5}},
                        {"location": {"$eq": CIPEUTEUY}},
                        {"group_size": {"$lt": 5}},
                    ]
                },
            }
        },
    }
    [answer] = dci.results(request_(query_type="expression", query=query))
    assert [_kk(g) for g in answer["data"]["reg_records"]] == [registry["a"].no_kk]


def test_every_search_is_kept_and_audited_without_personal_data(dci_as, registry):
    dci = dci_as(KABANDUNGAN)
    dci.results(by_id("NIK", registry["wife"].nik), {**by_id("KK", "123"), "reference_id": "R-2"})
    txn = DciTransaction.objects.get(action="search")
    assert [(r["reference_id"], r["status"], r["found"]) for r in txn.requests] == [
        ("R-1", "succ", 1),
        ("R-2", "rjct", 0),
    ]
    event = AuditEvent.objects.get(action="dci.search")
    text = str([event.reason, event.changes, event.object_repr])
    assert "1 succ, 1 rjct" in event.reason
    for secret in (registry["wife"].nik, registry["wife"].name, registry["a"].no_kk):
        assert secret not in text and secret not in str(txn.requests)


def test_a_page_of_groups_costs_the_same_queries_whatever_its_length(dci_as, registry):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dci = dci_as(KABANDUNGAN)
    counts = []
    for size in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            [answer] = dci.results(predicate(("group_size", "ge", 1), page_size=size))
        assert len(answer["data"]["reg_records"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
