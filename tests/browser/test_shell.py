"""The main flows of the shell in a real Chromium: logging in, the language, the htmx area picker, scoping, phones.

These assert on structure (URLs, attributes, names of people and areas), never on translated words, so they hold
whether or not the Indonesian catalogue is compiled.
"""

import re

import pytest

from pendamping.accounts.models import User
from tests.conftest import CIPEUTEUY, KABANDUNGAN, KALAPANUNGGAL

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Cipeuteuy-Desa-2026"


def assert_no_csp_violations(console):
    assert console.csp_violations() == [], f"Content-Security-Policy violations in the console: {console.errors}"


def assert_assets_loaded(page):
    """The stylesheet and htmx came from the app's own static files (no CDN)."""
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    assert page.evaluate("[...document.styleSheets].some(sheet => sheet.cssRules.length > 0)"), "app.css did not load"


def html_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


@pytest.mark.browser
def test_tksk_logs_in_and_sees_their_kecamatan_on_the_home_page(
    page, site, console, tksk_kabandungan, log_in, guide_shot
):
    log_in(tksk_kabandungan)

    assert page.url == f"{site}/"
    assert html_lang(page) == "id"
    assert_assets_loaded(page)
    main = page.locator("main")
    assert "Asep" in page.locator("nav.usermenu").inner_text()
    assert "Kabandungan" in main.inner_text()
    assert KABANDUNGAN in main.inner_text()
    # The role links to the kecamatan's own page.
    assert page.locator(f'main a[href="/wilayah/{KABANDUNGAN}/"]').count() >= 1
    guide_shot("beranda-tksk")
    assert_no_csp_violations(console)


@pytest.mark.browser
def test_wrong_password_shows_an_error_and_stays_on_the_login_page(page, site, console, tksk_kabandungan, log_in):
    page.goto(f"{site}/akun/masuk/")
    page.fill("input[name=username]", tksk_kabandungan.username)
    page.fill("input[name=password]", "not-the-password-2026")
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state()

    assert page.url.startswith(f"{site}/akun/masuk/")
    error = page.locator("main .errors[role=alert]")
    error.wait_for(state="visible")
    assert error.inner_text().strip() != ""
    assert page.locator("nav.usermenu").count() == 0  # nobody is logged in
    assert page.input_value("input[name=username]") == tksk_kabandungan.username
    assert_no_csp_violations(console)


@pytest.mark.browser
def test_changing_the_language_to_english_holds_on_the_next_page(page, site, console, tksk_kabandungan, log_in):
    page.goto(f"{site}/akun/masuk/")
    assert html_lang(page) == "id"

    page.select_option("footer form.langform select[name=language]", "en")
    with page.expect_navigation():
        page.click("footer form.langform button[type=submit]")
    assert page.url.startswith(f"{site}/akun/masuk/")  # back where the user was
    assert html_lang(page) == "en"
    assert page.input_value("footer select[name=language]") == "en"

    log_in(tksk_kabandungan)  # the next page, after the login, stays in English
    assert page.url == f"{site}/"
    assert html_lang(page) == "en"
    page.goto(f"{site}/wilayah/{KABANDUNGAN}/")
    assert html_lang(page) == "en"
    assert "Kabandungan" in page.locator("main").inner_text()
    assert_no_csp_violations(console)


@pytest.mark.browser
def test_admin_picks_a_desa_with_the_area_picker_and_creates_a_user_there(
    page, site, console, admin_sukabumi, log_in, guide_shot
):
    log_in(admin_sukabumi)
    page.goto(f"{site}/akun/pengguna/baru/")
    assert_assets_loaded(page)

    # The only province and kabupaten of a Sukabumi admin are chosen for them; the kecamatan is theirs to choose.
    assert page.locator('select[data-level="provinsi"] option:checked').get_attribute("value") == "32"
    assert page.locator('select[data-level="kabupaten"] option:checked').get_attribute("value") == "32.02"
    kecamatan = page.locator('select[data-level="kecamatan"]')
    assert "Kalapanunggal" in kecamatan.inner_text()
    assert page.locator('select[data-level="desa"]').count() == 0

    kecamatan.select_option(label="Kabandungan")
    desa = page.locator('select[data-level="desa"]')
    desa.wait_for(state="visible")
    assert "Cipeuteuy" in [name.strip() for name in desa.locator("option").all_inner_texts()]
    assert page.input_value("input[name=area_code]") == KABANDUNGAN

    desa.select_option(label="Cipeuteuy")
    page.wait_for_function("code => document.querySelector('input[name=area_code]').value === code", arg=CIPEUTEUY)
    assert page.input_value("input[name=area_code]") == CIPEUTEUY
    assert page.locator('select[data-level="desa"] option:checked').get_attribute("value") == CIPEUTEUY
    assert "Cipeuteuy" in page.locator(".area-picker .picked").inner_text()
    guide_shot("pengguna-wilayah", at=".area-picker")

    page.fill("input[name=username]", "fasilitator.baru")
    page.fill("input[name=full_name]", "Nining Suryani")
    page.select_option("select[name=role]", "fasilitator")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")

    user = User.objects.get(username="fasilitator.baru")
    assert re.fullmatch(rf"{re.escape(site)}/akun/pengguna/{user.pk}/", page.url), page.url
    assert "Nining Suryani" in page.locator("main").inner_text()
    assert "Cipeuteuy" in page.locator("main").inner_text()
    assert user.check_password(NEW_PASSWORD)
    guide_shot("pengguna-rincian")
    assert_no_csp_violations(console)


@pytest.mark.browser
def test_tksk_opening_another_kecamatan_gets_the_not_found_page(
    page, site, console, tksk_kabandungan, tksk_kalapanunggal, log_in
):
    log_in(tksk_kabandungan)

    response = page.goto(f"{site}/wilayah/{KALAPANUNGGAL}/")

    assert response.status == 404
    assert "Kalapanunggal" not in page.content()
    assert "Dadang" not in page.content()  # nor who works there
    # Their own kecamatan still opens.
    assert page.goto(f"{site}/wilayah/{KABANDUNGAN}/").status == 200
    assert_no_csp_violations(console)


@pytest.mark.browser
@pytest.mark.parametrize("browser_context_args", [{"viewport": {"width": 360, "height": 740}, "locale": "id-ID"}])
def test_login_and_home_pages_fit_a_360_px_phone(page, site, console, tksk_kabandungan, log_in):
    page.goto(f"{site}/akun/masuk/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    log_in(tksk_kabandungan)
    assert page.url == f"{site}/"
    assert_assets_loaded(page)
    assert page.evaluate("window.innerWidth") == 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_csp_violations(console)


@pytest.mark.browser
def test_the_content_security_policy_blocks_an_inline_script(page, site, console, tksk_kabandungan, log_in):
    """The console check of the other tests can fail: an inline script is refused and reported."""
    log_in(tksk_kabandungan)
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'document.body.dataset.injected = "yes"';
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("document.body.dataset.injected") is None
    assert console.csp_violations(), console.errors
