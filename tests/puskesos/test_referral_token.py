"""The letter's answer link: single use, expiry, wrong and tampered tokens, one referral per token, reissue, rate
limit, no login, nothing of another referral, headers; answered through the public page."""

import datetime
import hashlib
import secrets

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pendamping.core.models import AuditEvent
from pendamping.puskesos.models import Referral
from pendamping.puskesos.services import referrals

from .helpers import make_case


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def referral(fasilitator_cipeuteuy, tksk_kabandungan):
    case = make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan)
    return referrals.referral_create(
        actor=fasilitator_cipeuteuy, case=case, sector="kesehatan", office="Puskesmas Kabandungan", reason="PBI-JK"
    )


@pytest.fixture
def other_referral(fasilitator_cipeuteuy, tksk_kabandungan):
    case = make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan, description="Akta kelahiran")
    case.person.name = "Siti Maemunah"
    case.person.save(update_fields=["name"])
    return referrals.referral_create(
        actor=fasilitator_cipeuteuy, case=case, sector="adminduk", office="Disdukcapil", reason="Akta kelahiran"
    )


def url(token: str) -> str:
    return reverse("puskesos:referral-answer", kwargs={"token": token})


def answer(client, token, **values):
    data = {"status": "diterima", "response": "Berkas diterima", "responder_name": "Rina", "responder_office": "TU"}
    return client.post(url(token), {**data, **values})


def test_the_token_keeps_only_its_hash_and_carries_no_personal_data(referral, fasilitator_cipeuteuy):
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    referral.refresh_from_db()
    pk, secret = signing.TimestampSigner(salt=referrals.TOKEN_SALT).unsign(token).split(":", 1)
    assert int(pk) == referral.pk and len(secret) >= 43
    assert referral.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(Referral.objects.values()))
    assert secret not in str(list(AuditEvent.objects.values()))
    assert referral.case.person.nik not in token and referral.case.person.name not in token
    expires = referral.token_expires_at - timezone.now()
    assert datetime.timedelta(days=29, hours=23) < expires <= datetime.timedelta(days=30)


def test_the_office_answers_once_without_logging_in(referral, fasilitator_cipeuteuy):
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    client = Client()
    page = client.get(url(token))
    assert page.status_code == 200
    assert referral.number in page.content.decode() and referral.office in page.content.decode()
    assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "same-origin"
    done = answer(client, token, status="ditindaklanjuti", response="Dalam proses KIS", responder_name="dr. Rina")
    assert done.status_code == 200
    referral.refresh_from_db()
    assert (referral.status, referral.response) == ("ditindaklanjuti", "Dalam proses KIS")
    assert referral.responder_name == "dr. Rina, TU" and referral.responded_through_token
    assert referral.token_used_at is not None and referral.responded_on == timezone.localdate()
    event = AuditEvent.objects.get(action="puskesos.referral_answer")
    assert event.actor is None and event.object_id == str(referral.pk) and "dr. Rina" in event.reason
    assert event.changes["status"] == {"before": "dikirim", "after": "ditindaklanjuti"}
    # the second use is refused, the answer stays as it was
    again = client.get(url(token))
    assert again.status_code == 410 and b'data-refusal="used"' in again.content
    second = answer(client, token, status="selesai", response="Selesai")
    assert second.status_code == 410
    referral.refresh_from_db()
    assert referral.status == "ditindaklanjuti"
    with pytest.raises(referrals.TokenRefused) as refusal:
        referrals.referral_answer(token=token, status="selesai", response="x", responder_name="x", responder_office="x")
    assert refusal.value.code == "used"


def test_an_answer_names_each_missing_field_and_keeps_the_token(referral, fasilitator_cipeuteuy):
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    page = answer(Client(), token, response="", responder_name="")
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"response", "responder_name"}
    referral.refresh_from_db()
    assert referral.token_used_at is None and referral.status == "dikirim"


def test_a_status_the_transitions_do_not_allow_is_not_offered(referral, fasilitator_cipeuteuy):
    referrals.referral_status_set(actor=fasilitator_cipeuteuy, referral=referral, status="ditindaklanjuti")
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    page = Client().get(url(token))
    assert [value for value, _label in page.context["form"].fields["status"].choices] == ["selesai"]
    refused = answer(Client(), token, status="diterima")
    assert refused.status_code == 200 and "status" in refused.context["form"].errors


def test_an_expired_link_gets_a_clear_page(referral, fasilitator_cipeuteuy):
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    Referral.objects.filter(pk=referral.pk).update(token_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    page = Client().get(url(token))
    assert page.status_code == 410 and b'data-refusal="expired"' in page.content
    assert answer(Client(), token).status_code == 410
    referral.refresh_from_db()
    assert referral.status == "dikirim"


def test_a_signature_older_than_the_token_days_is_expired_before_the_database(referral, settings, monkeypatch):
    signer = signing.TimestampSigner(salt=referrals.TOKEN_SALT)
    monkeypatch.setattr(signer, "timestamp", lambda: signing.b62_encode(int(timezone.now().timestamp()) - 31 * 86400))
    old = signer.sign(f"{referral.pk}:whatever")
    with pytest.raises(referrals.TokenRefused) as refusal:
        referrals._parse(old)
    assert refusal.value.code == "expired"


def test_a_wrong_or_tampered_token_is_refused_before_the_database(
    referral, fasilitator_cipeuteuy, django_assert_num_queries
):
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    forged_pk = token.replace(f"{referral.pk}:", f"{referral.pk + 1}:", 1)
    for bad in (secrets.token_urlsafe(40), tampered, forged_pk, "x", f"{referral.pk}:abc:def"):
        with django_assert_num_queries(0), pytest.raises(referrals.TokenRefused) as refusal:
            referrals.token_check(bad)
        assert refusal.value.code == "invalid"
        page = Client().get(url(bad))
        assert page.status_code == 404 and b'data-refusal="invalid"' in page.content


def test_a_token_opens_only_its_own_referral(referral, other_referral, fasilitator_cipeuteuy):
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    other_token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=other_referral)
    page = Client().get(url(token)).content.decode()
    assert referral.number in page and other_referral.number not in page
    assert "Siti Maemunah" not in page and "Disdukcapil" not in page
    assert other_referral.case.person.nik not in page and referral.case.person.nik not in page  # NIK masked
    # the secret of one referral signed for another (only the server can sign) still opens nothing
    secret = signing.TimestampSigner(salt=referrals.TOKEN_SALT).unsign(token).split(":", 1)[1]
    crossed = signing.TimestampSigner(salt=referrals.TOKEN_SALT).sign(f"{other_referral.pk}:{secret}")
    assert Client().get(url(crossed)).status_code == 410
    answer(Client(), token, status="ditolak", response="Bukan wewenang kami")
    other_referral.refresh_from_db()
    assert other_referral.status == "dikirim" and other_referral.token_used_at is None
    assert Client().get(url(other_token)).status_code == 200


def test_a_reprinted_letter_invalidates_the_earlier_link(referral, fasilitator_cipeuteuy):
    old = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    new = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    assert old != new
    page = Client().get(url(old))
    assert page.status_code == 410 and b'data-refusal="replaced"' in page.content
    assert answer(Client(), old).status_code == 410
    assert answer(Client(), new).status_code == 200
    assert AuditEvent.objects.filter(action="puskesos.referral_token_issue").count() == 2


def test_an_ended_referral_gives_no_new_link_and_its_old_link_is_closed(referral, fasilitator_cipeuteuy):
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    referrals.referral_status_set(actor=fasilitator_cipeuteuy, referral=referral, status="selesai", response="ok")
    page = Client().get(url(token))
    assert page.status_code == 410 and b'data-refusal="closed"' in page.content
    with pytest.raises(referrals.ValidationError):
        referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)


def test_the_answer_page_is_rate_limited_per_token(referral, fasilitator_cipeuteuy, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "PUSKESOS_TOKEN_RATE_PER_MINUTE": 3}
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    statuses = [Client(REMOTE_ADDR=f"10.0.0.{n}").get(url(token)).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = Client(REMOTE_ADDR="10.0.0.9").get(url(token))
    assert limited.status_code == 429 and b'data-refusal="rate"' in limited.content
    assert limited["Cache-Control"] == "no-store"


def test_the_answer_page_is_rate_limited_per_client_address(referral, fasilitator_cipeuteuy, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "PUSKESOS_TOKEN_RATE_PER_MINUTE": 3}
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    guesser = Client(REMOTE_ADDR="10.0.0.66")
    assert [guesser.get(url(secrets.token_urlsafe(20))).status_code for _n in range(3)] == [404, 404, 404]
    assert guesser.get(url(token)).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.67").get(url(token)).status_code == 200


def test_the_answer_form_is_csrf_protected(referral, fasilitator_cipeuteuy):
    token = referrals.referral_token_issue(actor=fasilitator_cipeuteuy, referral=referral)
    client = Client(enforce_csrf_checks=True)
    assert answer(client, token).status_code == 403
    referral.refresh_from_db()
    assert referral.token_used_at is None
    page = client.get(url(token))
    csrf = page.cookies["csrftoken"].value
    assert answer(client, token, csrfmiddlewaretoken=csrf).status_code == 200
