"""DCI test helpers: households, people and a KUBE in Kabandungan and Kalapanunggal, clients made through the
service, and a client posting DCI envelopes with its bearer token. Every response is checked against the spec."""

import datetime
import json
import uuid

import pytest

from pendamping.areas.models import Area
from pendamping.dci.services import dci_client_create
from pendamping.registry.nik import make_nik
from pendamping.registry.vocab import Relation
from tests.conftest import CIPEUTEUY, KABANDUNGAN, KALAPANUNGGAL
from tests.dci import spec
from tests.registry.test_services import add_member, make_household

TODAY = datetime.date.today()


def years_ago(years: int, days: int = 0) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28)) - datetime.timedelta(days=days)


def envelope(*requests, action: str = "search", message_id: str | None = None, **header) -> dict:
    return {
        "signature": "",
        "header": {
            "version": "1.0.0",
            "message_id": message_id or str(uuid.uuid4()),
            "message_ts": "2026-07-19T12:15:04.555Z",
            "action": action,
            "sender_id": "spmis.example.org",
            "receiver_id": "pendamping",
            "total_count": len(requests),
            "is_msg_encrypted": False,
            **header,
        },
        "message": {"transaction_id": "T-1", "search_request": list(requests)},
    }


def request_(reference_id: str = "R-1", **criteria) -> dict:
    return {
        "reference_id": reference_id,
        "timestamp": "2026-07-19T12:15:04+07:00",
        "search_criteria": {"version": "1.0.0", "reg_event_type": "REGISTER", **criteria},
    }


def by_id(id_type: str, value, **criteria) -> dict:
    return request_(query_type="idtype-value", query={"type": id_type, "value": value}, **criteria)


def predicate(*expressions, entity: str = "Group", page_size: int = 10, page_number: int = 1, **criteria) -> dict:
    items = []
    for index, expression in enumerate(expressions, 1):
        if isinstance(expression, tuple):
            name, operator, value = expression
            expression = {
                "seq_num": index,
                "expression1": {"attribute_name": name, "operator": operator, "attribute_value": value},
            }
        items.append(expression)
    return request_(
        query_type="predicate",
        query=items,
        response_entity=entity,
        pagination={"page_size": page_size, "page_number": page_number},
        **criteria,
    )


class Dci:
    """The test client speaking DCI with a client's bearer token; every answer is validated against the spec."""

    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def post(self, path: str, body=None, raw: str | None = None, kind: str = "search", token: str | None = None):
        headers = {}
        token = token if token is not None else self.token
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = raw if raw is not None else json.dumps(body)
        response = self.client.post("/dci" + path, data, content_type="application/json", **headers)
        assert response.status_code != 500
        payload = response.json()
        if "errors" in payload:
            spec.assert_valid_response(payload, "http-error")
        else:
            spec.assert_valid_response(payload, kind)
        return response

    def search(self, *requests, **header):
        return self.post("/registry/sync/search", envelope(*requests, **header))

    def results(self, *requests, **header) -> list[dict]:
        response = self.search(*requests, **header)
        assert response.status_code == 200, response.json()
        return response.json()["message"]["search_response"]


def token_of(client, client_id: str, secret: str) -> str:
    response = client.post(
        "/dci/oauth2/client/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def make_dci_client(admin_sukabumi):
    def make(*area_codes: str, name: str = "SIKS-NG"):
        return dci_client_create(actor=admin_sukabumi, name=name, area_codes=list(area_codes))

    return make


@pytest.fixture
def dci_as(client, make_dci_client):
    """dci_as("32.02.19"): a DCI client of those areas with a fresh access token."""

    def make(*area_codes: str):
        dci_client, secret = make_dci_client(*area_codes)
        return Dci(client, token_of(client, dci_client.client_id, secret))

    return make


def kalapanunggal_desa() -> str:
    return Area.objects.filter(parent_id=KALAPANUNGGAL, level="desa").order_by("code").values_list("code", flat=True)[0]


@pytest.fixture
def registry(tksk_kabandungan, tksk_kalapanunggal):
    """Three households in Cipeuteuy (Kabandungan) and one in Kalapanunggal.

    - A (serial 1): desil 2, head male born 1980, wife born 1985, a daughter of 10 → 3 people
    - B (serial 2): desil 5, head female aged 70 → 1 person
    - C (serial 3): no desil, head male, son aged 20 → 2 people
    - D (serial 4, Kalapanunggal): desil 1, head male → 1 person
    """
    a = make_household(tksk_kabandungan, serial=1, desil=2)
    wife = add_member(
        tksk_kabandungan,
        a,
        name="Siti Aminah",
        born=datetime.date(1985, 3, 2),
        relation=Relation.SUAMI_ISTRI,
        serial=11,
    )
    daughter = add_member(tksk_kabandungan, a, name="Nur Aisyah", born=years_ago(10), serial=12)
    b = make_household(
        tksk_kabandungan,
        serial=2,
        desil=5,
        head={
            "name": "Enok Rohaeti",
            "sex": "P",
            "birth_date": years_ago(70, days=3),
            "nik": make_nik(KABANDUNGAN, years_ago(70, days=3), "P", 2),
        },
    )
    c = make_household(tksk_kabandungan, serial=3)
    son = add_member(tksk_kabandungan, c, name="Ujang Permana", born=years_ago(20, days=5), sex="L", serial=13)
    d = make_household(tksk_kalapanunggal, serial=4, desa=kalapanunggal_desa(), desil=1)
    return {"a": a, "b": b, "c": c, "d": d, "wife": wife, "daughter": daughter, "son": son}


__all__ = ["CIPEUTEUY", "KABANDUNGAN", "KALAPANUNGGAL"]
