"""The counts a page of the contacts list shows per contact, computed for that page's rows only."""

import pytest

from pendamping.mentoring.selectors.contacts import contacts_visible
from tests.kube.helpers import formed_kube
from tests.mentoring.helpers import record

pytestmark = pytest.mark.django_db


def test_the_list_counts_the_members_present_at_each_session(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    members = list(kube.members.order_by("pk"))
    record(tksk_kabandungan, kube=kube, attendance={m.pk: i < 3 for i, m in enumerate(members)})
    record(tksk_kabandungan, desa_code="32.02.19.2002")
    counts = sorted(c.present_count for c in contacts_visible(actor=tksk_kabandungan))
    assert counts == [0, 3]
