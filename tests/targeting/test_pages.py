"""Pages of targeting through the test client: screening a desa, the results by priority, the explanation."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from pendamping.targeting.models import ScreeningResult
from pendamping.targeting.vocab import Decision
from tests.conftest import CIPEUTEUY
from tests.targeting.helpers import eligible_household, make_rule_set, screen_one

RESULTS = "/seleksi/"


def test_a_tksk_screens_a_desa_and_sees_the_results_with_counts(login, admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    eligible_household(tksk_kabandungan, serial=1)
    eligible_household(tksk_kabandungan, serial=2, head={"asn_tni_polri_pensiunan": True})
    client = login(tksk_kabandungan)
    assert client.get("/seleksi/saring-desa/").status_code == 200
    response = client.post("/seleksi/saring-desa/", {"desa": CIPEUTEUY, "rule_set": rule_set.pk})
    assert response.status_code == 302
    page = client.get(response["Location"])
    counts = {value: n for _label, value, n in page.context["counts"]}
    assert counts[Decision.ELIGIBLE] == 1 and counts[Decision.NOT_ELIGIBLE] == 1
    only = client.get(RESULTS, {"desa": CIPEUTEUY, "rule_set": rule_set.pk, "decision": Decision.NOT_ELIGIBLE})
    assert [r.decision for r in only.context["page"]] == [Decision.NOT_ELIGIBLE]


def test_the_explanation_page_shows_why_a_rule_failed(login, admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    head = eligible_household(tksk_kabandungan, head={"birth_date": datetime.date(1963, 1, 5)}).head
    result = screen_one(tksk_kabandungan, rule_set, head)
    page = login(tksk_kabandungan).get(f"/seleksi/hasil/{result.pk}/")
    html = page.content.decode()
    assert "Umur 63 tahun pada 28 Nov 2026, di luar rentang 18-60." in html
    assert f"/registri/individu/{head.pk}/" in html
    assert "<script" not in html.split("</head>")[1] and "style=" not in html


def test_a_tksk_of_kalapanunggal_gets_404_on_a_kabandungan_result(
    login, admin_sukabumi, tksk_kabandungan, tksk_kalapanunggal
):
    rule_set = make_rule_set(admin_sukabumi)
    result = screen_one(tksk_kabandungan, rule_set, eligible_household(tksk_kabandungan).head)
    client = login(tksk_kalapanunggal)
    assert client.get(f"/seleksi/hasil/{result.pk}/").status_code == 404
    assert list(client.get(RESULTS).context["page"]) == []


def test_a_rule_set_of_sukabumi_is_404_in_bogor(login, admin_sukabumi, admin_bogor):
    rule_set = make_rule_set(admin_sukabumi)
    assert login(admin_bogor).get(f"/seleksi/aturan/{rule_set.pk}/").status_code == 404


def test_the_admin_makes_a_new_version_from_the_page(login, admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    screen_one(tksk_kabandungan, rule_set, eligible_household(tksk_kabandungan).head)
    client = login(admin_sukabumi)
    data = {**{k: v for k, v in rule_set.parameters().items() if v is not False}, "name": rule_set.name}
    data.update(age_max=55, reason="juknis 2026")
    response = client.post(f"/seleksi/aturan/{rule_set.pk}/versi-baru/", data)
    assert response.status_code == 302
    assert client.get(response["Location"]).context["rule_set"].version == 2
    assert login(tksk_kabandungan).get("/seleksi/aturan/baru/").status_code == 403


def test_results_page_queries_do_not_grow_with_rows(
    login, admin_sukabumi, tksk_kabandungan, django_assert_max_num_queries
):
    rule_set = make_rule_set(admin_sukabumi)
    eligible_household(tksk_kabandungan, serial=1)
    client = login(tksk_kabandungan)
    client.post("/seleksi/saring-desa/", {"desa": CIPEUTEUY, "rule_set": rule_set.pk})
    query = {"desa": CIPEUTEUY, "rule_set": rule_set.pk}
    client.get(RESULTS, query)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(RESULTS, query)
    few_queries = len(few.captured_queries)  # read now: the next request empties Django's query log
    for serial in range(2, 12):
        eligible_household(tksk_kabandungan, serial=serial)
    client.post("/seleksi/saring-desa/", {"desa": CIPEUTEUY, "rule_set": rule_set.pk})
    with django_assert_max_num_queries(few_queries):
        response = client.get(RESULTS, query)
    assert len(response.context["page"]) == 11


def test_the_command_prints_one_json_object_for_a_nik(admin_sukabumi, tksk_kabandungan):
    rule_set = make_rule_set(admin_sukabumi)
    head = eligible_household(tksk_kabandungan).head
    out = StringIO()
    call_command("screen", head.nik, "--rules", str(rule_set.pk), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"nik", "decision", "mechanism", "priority", "rule_set", "rules"} <= set(data)
    assert data["nik"] == head.nik and data["decision"] == "eligible" and data["priority"] == 6
    assert data["rules"][0] == {"code": "umur", "passed": True, "detail": data["rules"][0]["detail"]}
    assert {rule["code"] for rule in data["rules"]} >= {"umur", "terdaftar_dtks", "satu_per_kk"}


def test_the_command_screens_a_desa_with_the_active_rule_set_and_counts(admin_sukabumi, tksk_kabandungan, settings):
    from django.utils import timezone

    make_rule_set(admin_sukabumi)
    eligible_household(tksk_kabandungan)
    out = StringIO()
    if timezone.localdate().year != 2026:
        pytest.skip("the helper's rule set is for 2026")
    call_command("screen", "--desa", CIPEUTEUY, stdout=out)
    assert "Layak: 1" in out.getvalue()
    assert ScreeningResult.objects.filter(desa_code=CIPEUTEUY).count() == 1


def test_the_command_names_what_is_missing_without_an_active_rule_set(tksk_kabandungan):
    from django.core.management.base import CommandError

    eligible_household(tksk_kabandungan)
    with pytest.raises(CommandError, match="Tidak ada aturan seleksi yang aktif"):
        call_command("screen", "--desa", CIPEUTEUY)
