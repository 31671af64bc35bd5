"""The counts a page of the KUBE list shows per group, computed for that page's rows only."""

import datetime

import pytest

from pendamping.kube.selectors.groups import kubes_visible
from pendamping.kube.services.groups import kube_member_leave
from tests.kube.helpers import formed_kube, make_kube

pytestmark = pytest.mark.django_db


def test_the_list_counts_only_the_members_who_have_not_left(tksk_kabandungan):
    kube = formed_kube(tksk_kabandungan)
    make_kube(tksk_kabandungan, name="KUBE Tanpa Anggota")
    leaver = kube.members.filter(role="anggota").first()
    kube_member_leave(actor=tksk_kabandungan, member=leaver, left_on=datetime.date(2026, 3, 1), leave_reason="pindah")
    counts = {k.name: k.member_count for k in kubes_visible(actor=tksk_kabandungan)}
    assert counts == {kube.name: 4, "KUBE Tanpa Anggota": 0}
