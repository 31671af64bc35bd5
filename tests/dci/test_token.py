import base64

from pendamping.core.models import AuditEvent
from pendamping.dci.services import dci_client_revoke

TOKEN_URL = "/dci/oauth2/client/token"


def _form(client_id, secret, grant_type="client_credentials"):
    return {"grant_type": grant_type, "client_id": client_id, "client_secret": secret}


def test_a_registered_client_gets_a_bearer_token_by_form_json_or_basic(client, make_dci_client):
    dci_client, secret = make_dci_client("32.02.19")
    by_form = client.post(TOKEN_URL, _form(dci_client.client_id, secret))
    assert by_form.status_code == 200 and by_form["Cache-Control"] == "no-store"
    body = by_form.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and len(body["access_token"]) > 30
    by_json = client.post(TOKEN_URL, _form(dci_client.client_id, secret), content_type="application/json")
    assert by_json.status_code == 200 and by_json.json()["access_token"] != body["access_token"]
    basic = base64.b64encode(f"{dci_client.client_id}:{secret}".encode()).decode()
    by_basic = client.post(TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert by_basic.status_code == 200
    issued = AuditEvent.objects.filter(action="dci.token", object_id=str(dci_client.pk))
    assert issued.count() == 3 and secret not in str(list(issued.values()))


def test_a_wrong_secret_or_unknown_client_gets_invalid_client_and_no_token(client, make_dci_client):
    dci_client, secret = make_dci_client("32.02.19")
    for data in (
        _form(dci_client.client_id, secret + "x"),
        _form("dci-unknown", secret),
        _form(dci_client.client_id, ""),
    ):
        response = client.post(TOKEN_URL, data)
        assert response.status_code == 401 and response.json()["error"] == "invalid_client"
        assert "access_token" not in response.json()
    refused = AuditEvent.objects.filter(action="dci.token.refused")
    assert refused.count() == 3 and not refused.filter(reason__contains=secret).exists()


def test_a_revoked_client_gets_no_token_and_its_tokens_stop_working(client, make_dci_client, admin_sukabumi):
    from tests.dci.conftest import envelope, token_of

    dci_client, secret = make_dci_client("32.02.19")
    token = token_of(client, dci_client.client_id, secret)
    dci_client_revoke(actor=admin_sukabumi, client=dci_client, reason="replaced")
    assert client.post(TOKEN_URL, _form(dci_client.client_id, secret)).json()["error"] == "invalid_client"
    response = client.post(
        "/dci/registry/sync/search", envelope(), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == "err.request.unauthorized"


def test_other_grant_types_and_bodies_are_refused_in_the_oauth_error_shape(client, make_dci_client):
    dci_client, secret = make_dci_client("32.02.19")
    response = client.post(TOKEN_URL, _form(dci_client.client_id, secret, grant_type="password"))
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"
    assert client.post(TOKEN_URL, {"client_id": "x"}).json()["error"] == "invalid_request"
    for raw in ("{not json", "[1, 2]", '"text"'):
        response = client.post(TOKEN_URL, raw, content_type="application/json")
        assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    response = client.post(TOKEN_URL, _form(dci_client.client_id, 5), content_type="application/json")
    assert response.status_code == 401
    assert client.get(TOKEN_URL).status_code == 405


def test_token_requests_are_limited_per_address_and_minute(client, make_dci_client, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "DCI_TOKEN_RATE_PER_MINUTE": 3}
    dci_client, secret = make_dci_client("32.02.19")
    for _ in range(3):
        assert client.post(TOKEN_URL, _form(dci_client.client_id, secret + "x")).status_code == 401
    refused = client.post(TOKEN_URL, _form(dci_client.client_id, secret))
    assert refused.status_code == 429 and refused.json()["error"] == "slow_down" and refused["Retry-After"] == "60"
    assert AuditEvent.objects.filter(action="dci.token.refused").count() == 3  # the flood writes nothing more
    other = client.post(TOKEN_URL, _form(dci_client.client_id, secret), REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 200  # another address is not held up
