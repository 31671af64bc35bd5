"""The Puskesos desk in a real Chromium: a walk-in is checked by NIK, a case opened and referred; the office then
answers the referral through the letter's link, without an account, once."""

import pytest
from playwright.sync_api import expect

from pendamping.puskesos.models import Case, Referral
from tests.registry.test_services import make_household

pytestmark = pytest.mark.browser


def test_a_walk_in_is_referred_and_the_office_answers_through_the_letter_link(
    page, site, console, fasilitator_cipeuteuy, tksk_kabandungan, log_in, guide_shot
):
    household = make_household(tksk_kabandungan, serial=12, id_dtks="DTKS-12", desil=2, head={"name": "Cucu Sumarni"})
    log_in(fasilitator_cipeuteuy)
    page.goto(f"{site}/puskesos/kasus/terima/")
    page.fill("input[name=nik]", "1234")  # a NIK that is not one: named, nothing found
    page.click("form:has(input[name=step][value=search]) button[type=submit]")
    expect(page.locator("main .error, main .errors").first).to_be_visible()
    page.fill("input[name=nik]", household.head.nik)
    page.click("form:has(input[name=step][value=search]) button[type=submit]")
    expect(page.locator("main")).to_contain_text("Cucu Sumarni")
    expect(page.locator("main")).to_contain_text("DTKS-12")  # the register status, shown at once
    assert household.head.nik not in page.url
    guide_shot("puskesos-terima")

    page.check("input[name=channel][value=datang_langsung]")
    page.select_option("select[name=sector]", "kesehatan")
    page.select_option("select[name=problem_kind]", "kesehatan")
    page.fill("textarea[name=description]", "Butuh kartu PBI-JK untuk berobat")
    page.click("form:has(input[name=step][value=case]) button[type=submit]")
    page.wait_for_url(lambda url: "/puskesos/kasus/" in url and url.rstrip("/").split("/")[-1].isdigit())
    case = Case.objects.get()
    guide_shot("puskesos-kasus")

    page.goto(f"{site}/puskesos/kasus/{case.pk}/rujuk/")
    page.select_option("select[name=sector]", "kesehatan")
    page.fill("input[name=office]", "Puskesmas Kabandungan")
    page.fill("textarea[name=reason]", "Mohon dibantu pendaftaran PBI-JK")
    guide_shot("puskesos-rujuk")
    page.click("main form button[type=submit].primary")
    page.wait_for_url(lambda url: "/puskesos/rujukan/" in url)
    referral = Referral.objects.get()

    page.goto(f"{site}/puskesos/rujukan/{referral.pk}/surat/")
    page.click("form[action$='/surat/terbitkan/'] button")
    link = page.locator(".answer-link code").inner_text().strip()
    expect(page.locator(".answer-link svg")).to_be_visible()  # the QR code
    guide_shot("rujukan-surat")
    guide_shot("rujukan-surat-qr", at=".answer-link")

    page.context.clear_cookies()  # the office has no account
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Puskesmas Kabandungan")
    page.check("input[name=status][value=selesai]")
    page.fill("textarea[name=response]", "Sudah didaftarkan sebagai peserta PBI-JK")
    page.fill("input[name=responder_name]", "dr. Rina")
    page.fill("input[name=responder_office]", "Puskesmas Kabandungan")
    guide_shot("rujukan-jawaban")
    page.click("main form button[type=submit].primary")
    expect(page.locator("main")).not_to_contain_text("Cucu Sumarni Cucu Sumarni")
    referral.refresh_from_db()
    assert referral.status == "selesai" and referral.responded_through_token and referral.token_used_at
    page.goto(link)  # the link works once
    expect(page.locator("main form button[type=submit]")).to_have_count(0)
    assert console.csp_violations() == []
