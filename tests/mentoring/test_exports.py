"""Export of the contact list in both formats: the rows the list shows, under scope, NIK masked, audited."""

import pytest

from pendamping.core.models import AuditEvent
from tests.core.test_exports import column, download
from tests.mentoring.helpers import record
from tests.registry.test_services import KALAPANUNGGAL_DESA

CONTACT_EXPORT = "/pendampingan/unduh/"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_contact_export_holds_the_contacts_the_list_shows(fmt, login, tksk_kabandungan, tksk_kalapanunggal):
    record(tksk_kabandungan, method="cocd", what_done="Rembuk warga")
    record(tksk_kabandungan, method="cocd", what_done="Rembuk kedua")
    record(tksk_kalapanunggal, desa_code=KALAPANUNGGAL_DESA)
    client = login(tksk_kabandungan)
    shown = list(client.get("/pendampingan/").context["page"])
    rows = download(client, CONTACT_EXPORT, fmt)
    assert len(rows) - 1 == len(shown) == 2
    assert set(column(rows, rows[0][6])) == {"32.02.19.2002"}  # the desa code: none of Kalapanunggal
    event = AuditEvent.objects.get(action="contact.export")
    assert event.changes["rows"]["after"] == 2 and event.changes["format"]["after"] == fmt
    other = download(login(tksk_kalapanunggal), CONTACT_EXPORT, fmt)
    assert column(other, other[0][6]) == [KALAPANUNGGAL_DESA]


def test_the_contact_list_links_both_exports_for_those_who_may_export(login, tksk_kabandungan, pengamat_sukabumi):
    record(tksk_kabandungan)
    assert "/pendampingan/unduh/?format=csv" in login(tksk_kabandungan).get("/pendampingan/").content.decode()
    client = login(pengamat_sukabumi)
    assert "/pendampingan/unduh/" not in client.get("/pendampingan/").content.decode()
    assert client.get(CONTACT_EXPORT).status_code == 403
