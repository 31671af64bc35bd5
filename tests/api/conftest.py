"""API test helpers: tokens made through the service, and a client sending them as a bearer token."""

import json

import pytest

from pendamping.accounts.services import api_token_create


def token_for(user, name: str = "test") -> str:
    return api_token_create(actor=user, name=name)[1]


class Api:
    """The Django test client speaking JSON with a bearer token."""

    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def _headers(self, extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        for name, value in (extra or {}).items():
            headers["HTTP_" + name.upper().replace("-", "_")] = value
        return headers

    def get(self, path: str, params=None, headers=None):
        return self.client.get("/api/v1" + path, params or {}, **self._headers(headers))

    def post(self, path: str, body=None, raw: bytes | str | None = None, headers=None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post("/api/v1" + path, data, content_type="application/json", **self._headers(headers))


@pytest.fixture
def api_as(client):
    """api_as(user): a JSON client holding a fresh token of that user; api_as(None): without a token."""

    def make(user):
        return Api(client, token_for(user) if user is not None else None)

    return make
