"""Tokens: made with a password (under the login lockout) or on the profile page, shown once, stored as a hash,
revoked or expired at once."""

import datetime
import json

from django.utils import timezone

from pendamping.accounts.models import ApiToken
from pendamping.accounts.services import api_token_create, api_token_hash, api_token_revoke
from pendamping.core.models import AuditEvent
from tests.conftest import PASSWORD

from .conftest import Api


def post_token(client, username, password):
    return client.post(
        "/api/v1/auth/token", json.dumps({"username": username, "password": password}), content_type="application/json"
    )


def test_a_password_gets_a_token_that_reads_the_api_and_only_its_hash_is_kept(client, tksk_kabandungan):
    response = post_token(client, tksk_kabandungan.username, PASSWORD)
    assert response.status_code == 201
    body = response.json()
    assert body["expires_at"] and len(body["token"]) >= 40
    stored = ApiToken.objects.get(user=tksk_kabandungan)
    assert stored.token_hash == api_token_hash(body["token"]) and body["token"] not in stored.token_hash
    assert Api(client, body["token"]).get("/areas/32.02.19").status_code == 200
    event = AuditEvent.objects.get(action="api_token.create")
    assert body["token"] not in json.dumps(event.changes)


def test_a_wrong_password_is_401_json_and_the_lockout_answers_429(client, tksk_kabandungan):
    response = post_token(client, tksk_kabandungan.username, "wrong password")
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"
    for _ in range(5):
        response = post_token(client, tksk_kabandungan.username, "wrong password")
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    locked = post_token(client, tksk_kabandungan.username, PASSWORD)
    assert locked.status_code == 429 and locked["Content-Type"] == "application/json"
    assert not ApiToken.objects.exists()


def test_no_token_or_a_wrong_one_is_401(client, tksk_kabandungan):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer nope"}, {"HTTP_AUTHORIZATION": "Basic abc"}):
        response = client.get("/api/v1/households", **headers)
        assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_revoked_or_expired_token_no_longer_works(client, tksk_kabandungan):
    revoked, revoked_secret = api_token_create(actor=tksk_kabandungan, name="hp lama")
    _expiring, expiring_secret = api_token_create(
        actor=tksk_kabandungan, name="hp", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert Api(client, revoked_secret).get("/households").status_code == 200
    api_token_revoke(actor=tksk_kabandungan, token=revoked)
    assert Api(client, revoked_secret).get("/households").status_code == 401
    ApiToken.objects.filter(name="hp").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Api(client, expiring_secret).get("/households").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(revoked.pk)).exists()


def test_a_token_of_a_deactivated_account_no_longer_works(client, tksk_kabandungan):
    _token, secret = api_token_create(actor=tksk_kabandungan, name="hp")
    tksk_kabandungan.is_active = False
    tksk_kabandungan.save()
    assert Api(client, secret).get("/households").status_code == 401


def test_the_profile_page_makes_a_token_shown_once_and_revokes_it(login, tksk_kabandungan, tksk_kalapanunggal):
    client = login(tksk_kabandungan)
    response = client.post("/akun/profil/token/", {"name": "HP lapangan", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=tksk_kabandungan)
    secret = response.context["new_secret"]
    assert api_token_hash(secret) == token.token_hash and secret in response.content.decode()
    assert secret not in client.get("/akun/profil/").content.decode()
    other, _ = api_token_create(actor=tksk_kalapanunggal, name="bukan milik saya")
    assert client.post(f"/akun/profil/token/{other.pk}/cabut/").status_code == 404
    assert client.post(f"/akun/profil/token/{token.pk}/cabut/").status_code == 302
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None and other.revoked_at is None
