"""The role analytics page shows the groups a page at a time (a kecamatan has hundreds), with totals over all."""

import pytest

from tests.kube.helpers import make_kube
from tests.mentoring.helpers import record

pytestmark = pytest.mark.django_db

URL = "/pendampingan/analitik-peran/"
JUNE = {"date_from": "2026-06-01", "date_to": "2026-06-30"}


def groups_section(html: str) -> str:
    return html[html.index('id="groups-h"') : html.index('id="compare-h"')]


def test_the_groups_come_a_page_at_a_time_with_the_totals_of_all(tksk_kabandungan, admin_sukabumi, login, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "LIST_PAGE_SIZE": 2}
    for name in ("KUBE Satu", "KUBE Dua", "KUBE Tiga"):
        record(tksk_kabandungan, kube=make_kube(tksk_kabandungan, name=name), roles=["enabler"])
    client = login(admin_sukabumi)
    first = groups_section(client.get(URL, JUNE).content.decode())
    second = groups_section(client.get(URL, {**JUNE, "page": 2}).content.decode())
    shown = [name for name in ("KUBE Satu", "KUBE Dua", "KUBE Tiga") if name in first]
    assert len(shown) == 2
    assert [name for name in ("KUBE Satu", "KUBE Dua", "KUBE Tiga") if name in second and name not in shown]
    # the totals row counts the contacts of all three groups on every page
    for section in (first, second):
        total = section[section.index('class="total"') :]
        assert 'data-role="zastrow:enabler" data-count="3"' in total
    assert "page=2" in first and "date_from=2026-06-01" in first  # the pager keeps the filter


def test_the_gaps_of_a_large_area_are_cut_to_the_first_ones_with_their_total(
    tksk_kabandungan, admin_sukabumi, login, monkeypatch
):
    from pendamping.mentoring.views import analytics

    monkeypatch.setattr(analytics, "GAPS_SHOWN", 2)
    for name in ("KUBE Satu", "KUBE Dua"):
        make_kube(tksk_kabandungan, name=name)  # in T0, no contact: each key role of T0 is a gap
    response = login(admin_sukabumi).get(URL)
    assert len(response.context["gaps"]) == 2 and response.context["gaps_total"] == 6
    assert 'id="gaps-more"' in response.content.decode()
    whole = login(admin_sukabumi).get(URL, {"area": "32.02.19.2002"})
    assert whole.context["gaps_total"] == 6  # a desa chosen: the same gaps, counted the same way
