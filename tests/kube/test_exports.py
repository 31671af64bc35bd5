"""Exports of the KUBE lists in both formats: the flagged list, the group and member lists, under scope, audited."""

import pytest

from pendamping.core.models import AuditEvent
from pendamping.kube.typology import add_months
from tests.core.test_exports import column, download
from tests.kube.helpers import make_kube
from tests.kube.test_progress import THIS_MONTH, past_t0, submit
from tests.registry.test_services import KALAPANUNGGAL_DESA

FLAGGED_EXPORT = "/kube/perlu-perhatian/unduh/"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_flagged_export_holds_the_flagged_groups_of_the_users_areas(
    fmt, login, tksk_kabandungan, tksk_kalapanunggal
):
    quiet = past_t0(tksk_kabandungan, members=False, name="KUBE Rajin")
    submit(tksk_kabandungan, quiet, add_months(THIS_MONTH, -1))
    silent = past_t0(tksk_kabandungan, members=False, name="@KUBE Diam")
    past_t0(tksk_kalapanunggal, members=False, name="KUBE Jauh", desa=KALAPANUNGGAL_DESA)
    client = login(tksk_kabandungan)
    shown = [row.kube.pk for row in client.get("/kube/perlu-perhatian/").context["rows"]]
    assert shown == [silent.pk]
    rows = download(client, FLAGGED_EXPORT, fmt)
    assert column(rows, rows[0][0]) == ["'@KUBE Diam"]  # neutralised
    assert column(rows, rows[0][7]) == ["no_report"]
    event = AuditEvent.objects.get(action="kube_flagged.export")
    assert event.changes["rows"]["after"] == 1 and event.changes["format"]["after"] == fmt
    other = download(login(tksk_kalapanunggal), FLAGGED_EXPORT, fmt)
    assert column(other, other[0][0]) == ["KUBE Jauh"]


def test_a_pengamat_cannot_export_the_flagged_list(login, pengamat_sukabumi):
    assert login(pengamat_sukabumi).get(FLAGGED_EXPORT).status_code == 403


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_group_export_of_kalapanunggal_holds_none_of_kabandungan(fmt, login, tksk_kabandungan, tksk_kalapanunggal):
    make_kube(tksk_kabandungan, name="KUBE Kabandungan")
    make_kube(tksk_kalapanunggal, name="=KUBE Kalapanunggal", desa=KALAPANUNGGAL_DESA)
    rows = download(login(tksk_kalapanunggal), "/kube/ekspor/", fmt)
    assert column(rows, rows[0][0]) == ["'=KUBE Kalapanunggal"]
    event = AuditEvent.objects.get(action="kube.export")
    assert event.changes["rows"]["after"] == 1 and event.changes["format"]["after"] == fmt
