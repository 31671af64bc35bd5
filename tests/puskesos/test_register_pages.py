"""Pages of register proposals, the PPKS mapping and the PSKS register."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.core.models import AuditEvent
from pendamping.puskesos.models import Psks, RegisterProposal
from pendamping.puskesos.services import register
from pendamping.registry.services import person_ppks_add
from tests.puskesos.test_register import pdf, xlsx
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db


def test_a_fasilitator_starts_a_proposal_by_no_kk_and_holds_the_musyawarah(
    fasilitator_cipeuteuy, tksk_kabandungan, login
):
    household = make_household(tksk_kabandungan, serial=7)
    client = login(fasilitator_cipeuteuy)
    response = client.post(reverse("puskesos:proposal-create"), {"number": household.no_kk, "reason": "Rumah bilik"})
    proposal = RegisterProposal.objects.get()
    assert response.status_code == 302 and proposal.household == household
    assert household.no_kk not in response["Location"]
    url = reverse("puskesos:proposal-detail", args=[proposal.pk])
    response = client.post(
        url, {"version": 1, "musdes_on": datetime.date.today().isoformat(), "minutes": pdf(), "bnba": xlsx()}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "musyawarah_desa"
    assert client.get(reverse("puskesos:document-download", args=[proposal.bnba_id])).status_code == 200


def test_an_unknown_no_kk_is_named_beside_the_field(fasilitator_cipeuteuy, login):
    response = login(fasilitator_cipeuteuy).post(
        reverse("puskesos:proposal-create"), {"number": "3202190000000001", "reason": "x"}
    )
    assert response.status_code == 200 and response.context["form"].errors["number"]


def test_the_per_desa_list_counts_states_with_fixed_queries(fasilitator_cipeuteuy, tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    register.proposal_create(
        actor=fasilitator_cipeuteuy, household=make_household(tksk_kabandungan, serial=8), reason="a"
    )
    client.get(reverse("puskesos:proposal-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("puskesos:proposal-list"))
    for serial in range(9, 14):
        register.proposal_create(
            actor=fasilitator_cipeuteuy, household=make_household(tksk_kabandungan, serial=serial), reason="b"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("puskesos:proposal-list"))
    assert len(many) == len(few)
    [row] = response.context["by_desa"]
    assert row["code"] == "32.02.19.2002" and row["states"] == {"draf": 6} and row["total"] == 6


def test_a_proposal_of_kabandungan_is_a_404_in_kalapanunggal_and_the_pengamat_sees_no_desk(
    fasilitator_cipeuteuy, tksk_kabandungan, tksk_kalapanunggal, pengamat_sukabumi, login
):
    proposal = register.proposal_create(
        actor=fasilitator_cipeuteuy, household=make_household(tksk_kabandungan, serial=15), reason="c"
    )
    url = reverse("puskesos:proposal-detail", args=[proposal.pk])
    assert login(tksk_kalapanunggal).get(url).status_code == 404
    assert login(pengamat_sukabumi).get(url).status_code == 404


def test_the_ppks_mapping_shows_the_registry_and_the_hand_count(tksk_kabandungan, login):
    household = make_household(tksk_kabandungan, serial=16)
    person_ppks_add(
        actor=tksk_kabandungan,
        person=household.head,
        category="09",
        assessed_on=datetime.date(2026, 1, 5),
        source="Musdes",
    )
    client = login(tksk_kabandungan)
    response = client.post(
        reverse("puskesos:ppks-mapping") + "?area=32.02.19",
        {
            "desa_code": "32.02.19.2002",
            "category": "09",
            "count": 12,
            "counted_on": "2026-02-01",
            "source": "Pendataan RT",
        },
    )
    assert response.status_code == 302
    rows = client.get(reverse("puskesos:ppks-mapping"), {"area": "32.02.19"}).context["rows"]
    assert [(r["desa"], r["category"], r["registry"], r["count"]) for r in rows] == [("32.02.19.2002", "09", 1, 12)]


def test_the_psks_register_is_kept_and_exported(tksk_kabandungan, login):
    client = login(tksk_kabandungan)
    response = client.post(
        reverse("puskesos:psks-create"),
        {"kind": "tagana", "name": "Tagana Kabandungan", "desa_code": "32.02.19.2001", "members": 12, "active": "on"},
    )
    assert response.status_code == 302 and Psks.objects.get().kind == "tagana"
    assert b"Tagana Kabandungan" in client.get(reverse("puskesos:psks-list")).content
    assert client.get(reverse("puskesos:psks-export")).status_code == 200
    assert AuditEvent.objects.filter(action="psks.export").exists()
