"""A KUBE from T0 to T2 in a real Chromium on a 360 px phone screen: the TKSK forms the group and adds its members
by NIK, records the activities, opens the stages; the Dinas Sosial transfers the stimulus and verifies the LPJ."""

import datetime

import pytest
from playwright.sync_api import expect

from pendamping.core.system import system_actor
from pendamping.kube.models import Kube
from tests.kube.helpers import business_type, eligible_people
from tests.targeting.helpers import make_rule_set

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "id-ID", "is_mobile": True, "has_touch": True}


@pytest.fixture
def browser_context_args() -> dict:
    return PHONE


def submit(page) -> None:
    page.click("main form button[type=submit].primary")


def record(page, site, kube, code: str, result: str = "") -> None:
    page.goto(f"{site}/kube/{kube.pk}/kegiatan/{code}/")
    if result:
        page.select_option("select[name=result]", result)
    submit(page)
    page.wait_for_url(f"{site}/kube/{kube.pk}/tahapan/")


def open_next_stage(page, site, kube) -> None:
    page.goto(f"{site}/kube/{kube.pk}/tahapan/maju/")
    submit(page)
    page.wait_for_url(f"{site}/kube/{kube.pk}/tahapan/")


def test_a_group_goes_from_t0_to_t2_on_a_phone(
    page, site, console, admin_sukabumi, tksk_kabandungan, log_in, browser, guide_shot
):
    make_rule_set(system_actor())
    business_type("gula_aren")  # the migration's rows are gone when an earlier live-server test flushed the tables
    people = eligible_people(tksk_kabandungan, 5)
    formed = datetime.date.today() - datetime.timedelta(days=90)

    log_in(tksk_kabandungan)
    page.goto(f"{site}/kube/baru/")
    page.fill("input[name=name]", "KUBE Sauyunan Tani")
    page.select_option("select[name=business_type]", label="Gula aren")
    page.select_option("select[name=desa_code]", "32.02.19.2002")
    page.fill("input[name=formed_on]", formed.isoformat())
    guide_shot("kube-baru")
    submit(page)
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    kube = Kube.objects.get(name="KUBE Sauyunan Tani")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone

    for person, role in zip(people, ["ketua", "sekretaris", "bendahara", "anggota", "anggota"], strict=True):
        page.goto(f"{site}/kube/{kube.pk}/anggota/tambah/")
        page.fill("input[name=nik]", person.nik)
        page.select_option("select[name=role]", role)
        submit(page)
        page.wait_for_url(f"{site}/kube/{kube.pk}/anggota/")
    expect(page.locator("main table")).to_contain_text(people[4].name)
    guide_shot("kube-anggota")

    record(page, site, kube, "T0.7", "passed")
    open_next_stage(page, site, kube)
    expect(page.locator("main h1 + p")).to_contain_text("T1")
    guide_shot("kube-tahap-t1")

    page.goto(f"{site}/kube/{kube.pk}/ubah/")
    page.fill("input[name=bank_name]", "BRI Unit Kabandungan")
    page.fill("input[name=bank_account_number]", "340201000123501")
    page.fill("input[name=sk_number]", "460/77/Dinsos/2026")
    page.fill("input[name=sk_date]", formed.isoformat())
    submit(page)
    page.wait_for_url(f"{site}/kube/{kube.pk}/")
    for code in ("T1.2", "T1.6"):
        record(page, site, kube, code)
    record(page, site, kube, "T1.7", "passed")

    page.context.clear_cookies()
    log_in(admin_sukabumi)
    page.goto(f"{site}/kube/{kube.pk}/stimulan/tahap/")
    page.fill("input[name=amount]", "10000000")
    page.fill("input[name=transferred_on]", datetime.date.today().isoformat())
    page.fill("input[name=bank_reference]", "BRI-2026-0001")
    guide_shot("stimulan-termin")
    submit(page)
    page.wait_for_url(f"{site}/kube/{kube.pk}/stimulan/")

    page.context.clear_cookies()
    log_in(tksk_kabandungan)
    page.goto(f"{site}/kube/{kube.pk}/lpj/")
    page.fill("input[name=spent_on]", datetime.date.today().isoformat())
    page.fill("input[name=description]", "Wajan dan tungku")
    page.fill("input[name=amount]", "9500000")
    page.click("main form[enctype] button[type=submit]")
    expect(page.locator("main")).to_contain_text("Wajan dan tungku")
    guide_shot("lpj-ajukan")
    page.click(f"form[action='/kube/{kube.pk}/lpj/ajukan/'] button")
    page.wait_for_url(f"{site}/kube/{kube.pk}/lpj/")

    page.context.clear_cookies()
    log_in(admin_sukabumi)
    page.goto(f"{site}/kube/{kube.pk}/lpj/putusan/")
    page.check("input[name=verified][value='1']")
    guide_shot("lpj-putusan")
    submit(page)
    page.wait_for_url(f"{site}/kube/{kube.pk}/lpj/")

    page.context.clear_cookies()
    log_in(tksk_kabandungan)
    open_next_stage(page, site, kube)
    kube.refresh_from_db()
    assert kube.stage == "T2" and not kube.overrides.exists()
    expect(page.locator("main h1 + p")).to_contain_text("T2")
    guide_shot("kube-tahap-t2")
    assert console.csp_violations() == []
