"""Screening in a real Chromium: a TKSK screens a desa and opens the explanation of a decision."""

import pytest
from playwright.sync_api import expect

from tests.conftest import CIPEUTEUY
from tests.targeting.helpers import eligible_household, make_rule_set

pytestmark = pytest.mark.browser


def test_tksk_screens_a_desa_and_opens_an_explanation(
    page, site, console, admin_sukabumi, tksk_kabandungan, log_in, guide_shot
):
    make_rule_set(admin_sukabumi)
    eligible_household(tksk_kabandungan, serial=1, head={"name": "Ujang Layak"})
    eligible_household(tksk_kabandungan, serial=2, head={"name": "Dede Terlalu Kaya"}, desil=9)
    log_in(tksk_kabandungan)
    page.goto(f"{site}/seleksi/saring-desa/")
    page.select_option("select[data-level=desa]", CIPEUTEUY)
    expect(page.locator("input[name=desa]")).to_have_value(CIPEUTEUY)
    guide_shot("seleksi-desa")
    page.click("form button[type=submit].primary")
    page.wait_for_url(lambda url: "/seleksi/" in url and f"desa={CIPEUTEUY}" in url)
    table = page.locator("main table")
    expect(table).to_contain_text("Ujang Layak")
    expect(table).to_contain_text("Dede Terlalu Kaya")
    guide_shot("seleksi-hasil")
    page.click("main table a:has-text('Dede Terlalu Kaya')")
    page.wait_for_url(lambda url: "/seleksi/hasil/" in url)
    explanation = page.locator("main")
    expect(explanation).to_contain_text("desil_maks")  # the rule that failed, by its code
    expect(explanation).to_contain_text("9")
    guide_shot("seleksi-penjelasan")
    assert console.csp_violations() == []
