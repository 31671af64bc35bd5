"""The admin's page of DCI clients: register (secret shown once), list, revoke; scoped and audited."""

import pytest
from django.core.exceptions import ValidationError

from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.dci.models import DciClient
from pendamping.dci.services import dci_client_create
from tests.conftest import BOGOR, KABANDUNGAN, KALAPANUNGGAL


def test_the_admin_registers_a_client_on_two_areas_and_sees_its_secret_once(login, admin_sukabumi):
    client = login(admin_sukabumi)
    response = client.post("/dci/klien/", {"name": "SIKS-NG", "area_codes": f"{KABANDUNGAN}, {KALAPANUNGGAL}"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    dci_client = DciClient.objects.get()
    assert sorted(dci_client.areas.values_list("code", flat=True)) == [KALAPANUNGGAL, KABANDUNGAN]
    secret = response.context["secret"]
    assert secret in response.content.decode() and dci_client.secret_hash != secret
    again = client.get("/dci/klien/")
    assert secret not in again.content.decode() and dci_client.client_id in again.content.decode()
    event = AuditEvent.objects.get(action="dci.client.create")
    assert secret not in str(event.changes) and event.changes["areas"]["after"] == [KALAPANUNGGAL, KABANDUNGAN]


def test_the_admin_revokes_a_client(login, admin_sukabumi):
    dci_client, _secret = dci_client_create(actor=admin_sukabumi, name="X", area_codes=[KABANDUNGAN])
    client = login(admin_sukabumi)
    response = client.post(f"/dci/klien/{dci_client.pk}/cabut/", {"reason": "no longer used"})
    assert response.status_code == 302
    dci_client.refresh_from_db()
    assert dci_client.revoked_at is not None
    assert AuditEvent.objects.get(action="dci.client.revoke").reason == "no longer used"


def test_an_admin_manages_only_clients_of_their_own_areas(login, admin_sukabumi, admin_bogor):
    with pytest.raises(NotAllowed):
        dci_client_create(actor=admin_sukabumi, name="X", area_codes=[BOGOR])
    theirs, _secret = dci_client_create(actor=admin_bogor, name="Bogor", area_codes=[BOGOR])
    client = login(admin_sukabumi)
    assert "Bogor" not in client.get("/dci/klien/").content.decode()
    assert client.post(f"/dci/klien/{theirs.pk}/cabut/").status_code == 404
    with pytest.raises(ValidationError):
        dci_client_create(actor=admin_sukabumi, name="X", area_codes=["99.99"])


def test_a_tksk_may_not_open_the_page(login, tksk_kabandungan):
    assert login(tksk_kabandungan).get("/dci/klien/").status_code == 403
