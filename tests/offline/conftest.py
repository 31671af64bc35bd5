"""The offline forms' server side: a browser session (with CSRF enforced, as in a real browser) speaking JSON."""

import json

import pytest
from django.test import Client

from tests.api.data import kabandungan_side, kalapanunggal_side


class Browser:
    """A client holding a logged-in session and the CSRF token given by data.json, like the offline page."""

    def __init__(self, user):
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.csrf = self.client.get("/pendampingan/luring/data.json").json()["csrf"]

    def post(self, path: str, body: dict, key: str | None = None, csrf: bool = True):
        headers = {"HTTP_X_CSRFTOKEN": self.csrf} if csrf else {}
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post("/api/v1" + path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def side(tksk_kabandungan, fasilitator_cipeuteuy):
    return kabandungan_side(tksk_kabandungan, fasilitator_cipeuteuy)


@pytest.fixture
def other_side(tksk_kalapanunggal):
    return kalapanunggal_side(tksk_kalapanunggal)


@pytest.fixture
def browser_of():
    return Browser
