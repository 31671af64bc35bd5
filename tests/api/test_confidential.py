"""A confidential case's description and its referrals' text reach only those the desk's rule allows; each read is
audited."""

import pytest

from pendamping.accounts.vocab import Role
from pendamping.core.models import AuditEvent
from tests.puskesos.helpers import make_case


@pytest.fixture
def secret(fasilitator_cipeuteuy, tksk_kabandungan):
    return make_case(
        fasilitator_cipeuteuy, household_actor=tksk_kabandungan, confidential=True, description="Rahasia keluarga"
    )


def test_another_fasilitator_of_the_desa_sees_the_case_but_not_its_description(api_as, make_user, secret):
    other = make_user("fasilitator.dua", Role.FASILITATOR, "32.02.19.2002")
    [item] = api_as(other).get("/cases").json()["items"]
    assert item["id"] == secret.pk and item["confidential"] is True and item["description"] is None
    assert not AuditEvent.objects.filter(action="puskesos.case_read").exists()


def test_the_supervising_tksk_reads_it_and_the_read_is_audited(api_as, tksk_kabandungan, secret):
    [item] = api_as(tksk_kabandungan).get("/cases").json()["items"]
    assert item["description"] == secret.description
    assert AuditEvent.objects.filter(action="puskesos.case_read", object_id=str(secret.pk)).count() == 1


def test_a_pendamping_has_no_puskesos_access(api_as, make_user, secret):
    pendamping = make_user("pendamping.kab", Role.PENDAMPING, "32.02.19")
    assert api_as(pendamping).get("/cases").json()["count"] == 0
    assert api_as(pendamping).get("/referrals").json()["count"] == 0
