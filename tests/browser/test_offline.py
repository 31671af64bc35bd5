"""Working without signal in a real Chromium: the service worker keeps the forms page and the worker's data, a visit
with attendance and a progress report are saved on the phone while the browser is offline, they are sent by
themselves once, when the signal returns, and a report changed at the office meanwhile is shown side by side for the
worker to choose."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pendamping.api.models import IdempotencyRecord
from pendamping.core.system import system_actor
from pendamping.kube.models import ProgressReport
from pendamping.kube.services.progress import progress_report_submit
from pendamping.mentoring.models import Attendance, Contact
from tests.kube.helpers import formed_kube
from tests.targeting.helpers import make_rule_set

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "id-ID", "is_mobile": True, "has_touch": True}
SYNC_MS = 30_000  # the online event sends at once; the retry timer (20 s) is the fallback


@pytest.fixture
def browser_context_args() -> dict:
    return PHONE


def wait_until(page, script: str, timeout: float = 15.0):
    """Evaluate an (async) script until it is truthy."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if page.evaluate(script):
            return
        time.sleep(0.2)
    raise AssertionError(f"never true: {script}")


def count(page):
    return page.locator("#offline-count")


def change_at_the_office(actor, kube, month, omzet, version):
    return progress_report_submit(
        actor=actor,
        kube=kube,
        month=month,
        omzet=omzet,
        profit=50_000,
        capital=2_500_000,
        iks_collected=20_000,
        iks_used=5_000,
        active_members=5,
        business_status="aktif",
        evidence="Diubah di kantor",
        expected_version=version,
    )


def fill_report(page, kube, month: str, omzet: int):
    page.select_option("#report-kube", str(kube.pk))
    page.select_option("#report-month", month)
    page.fill("#report-omzet", str(omzet))
    for name, value in (("profit", 100_000), ("capital", 2_000_000), ("iks_collected", 10_000), ("iks_used", 0)):
        page.fill(f"#report-{name}", str(value))
    page.fill("#report-evidence", "Dicatat di kebun tanpa sinyal")
    page.click("#report-save")


def test_visit_and_report_recorded_offline_are_sent_once_and_a_conflict_is_resolved_by_the_worker(
    page, site, console, tksk_kabandungan, log_in, guide_shot
):
    make_rule_set(system_actor())
    kube = formed_kube(tksk_kabandungan)
    members = list(kube.members.order_by("pk"))
    month = timezone.localdate().replace(day=1)
    context = page.context

    log_in(tksk_kabandungan)
    page.goto(f"{site}/pendampingan/luring/")
    wait_until(page, "navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)")
    page.reload()  # now through the worker: the page and the data are kept
    expect(page.locator("#offline-status")).to_have_attribute("data-state", "online")
    wait_until(
        page,
        "caches.open('pendamping-data').then(c => Promise.all(["
        "c.match('/pendampingan/luring/'), c.match('/pendampingan/luring/data.json')])).then(r => r.every(Boolean))",
    )

    # no signal: the page still opens, from the worker's cache
    context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-status")).to_have_attribute("data-state", "offline")
    expect(page.locator(f"#visit-kube option[value='{kube.pk}']")).to_have_count(1)

    page.select_option("#visit-kube", str(kube.pk))
    expect(page.locator("#visit-attendance input[name=present]")).to_have_count(len(members))
    page.uncheck(f"#visit-attendance input[value='{members[0].pk}']")
    page.check("#visit-form input[name=roles][value=enabler]")
    page.fill("#visit-what", "Pertemuan kelompok di kebun")
    guide_shot("luring-kunjungan", at="#visit-form")
    page.click("#visit-save")
    expect(count(page)).to_have_attribute("data-count", "1")

    fill_report(page, kube, f"{month:%Y-%m}", 1_500_000)
    expect(count(page)).to_have_attribute("data-count", "2")
    page.reload()  # still offline: what waits is kept on the phone
    expect(count(page)).to_have_attribute("data-count", "2")
    guide_shot("luring-menunggu", at="body")
    assert Contact.objects.count() == 0 and ProgressReport.objects.count() == 0

    # the signal returns: both are sent by themselves, once
    context.set_offline(False)
    expect(count(page)).to_have_attribute("data-count", "0", timeout=SYNC_MS)
    expect(page.locator("#offline-status")).to_have_attribute("data-state", "online")
    contact = Contact.objects.get()
    assert contact.kube == kube and contact.what_done == "Pertemuan kelompok di kebun"
    assert Attendance.objects.filter(contact=contact, present=True).count() == len(members) - 1
    report = ProgressReport.objects.get()
    assert (report.kube, report.month, report.omzet, report.version) == (kube, month, 1_500_000, 1)
    page.reload()
    expect(count(page)).to_have_attribute("data-count", "0")
    assert Contact.objects.count() == 1 and ProgressReport.objects.count() == 1
    assert IdempotencyRecord.objects.filter(user=tksk_kabandungan).count() == 2

    # a conflict: the office changes the report while the worker, offline, changes their copy (version 1); the
    # page's own refresh after the reload must have landed first, or it would fetch the office's change
    page.wait_for_load_state("networkidle")
    change_at_the_office(tksk_kabandungan, kube, month, 2_222_000, version=1)
    context.set_offline(True)
    page.select_option("#report-kube", str(kube.pk))
    page.select_option("#report-month", f"{month:%Y-%m}")
    expect(page.locator("#report-omzet")).to_have_value("1500000")  # the phone's copy
    expect(page.locator("#report-basis")).to_have_attribute("data-version", "1")
    page.fill("#report-omzet", "3333000")
    page.click("#report-save")
    expect(count(page)).to_have_attribute("data-count", "1")

    context.set_offline(False)
    conflict = page.locator("#offline-conflicts .conflict")
    expect(conflict).to_be_visible(timeout=SYNC_MS)
    omzet = conflict.locator("tr[data-field=omzet]")
    expect(omzet.locator("[data-side=mine]")).to_have_text("3333000")
    expect(omzet.locator("[data-side=theirs]")).to_have_text("2222000")
    expect(count(page)).to_have_attribute("data-count", "1")  # nothing overwritten, nothing dropped
    guide_shot("luring-bentrok", at="#offline-conflicts")
    report.refresh_from_db()
    assert (report.omzet, report.version) == (2_222_000, 2)

    conflict.locator("button[data-action=keep-mine]").click()
    expect(count(page)).to_have_attribute("data-count", "0", timeout=SYNC_MS)
    report.refresh_from_db()
    assert (report.omzet, report.version, report.evidence) == (3_333_000, 3, "Dicatat di kebun tanpa sinyal")

    # and once more, keeping the office's version: the phone's change is dropped, the server keeps its values
    change_at_the_office(tksk_kabandungan, kube, month, 4_444_000, version=3)
    context.set_offline(True)
    page.select_option("#report-month", f"{month:%Y-%m}")
    page.fill("#report-omzet", "5555000")
    page.click("#report-save")
    context.set_offline(False)
    expect(conflict).to_be_visible(timeout=SYNC_MS)
    conflict.locator("button[data-action=keep-theirs]").click()
    expect(count(page)).to_have_attribute("data-count", "0")
    expect(page.locator("#offline-conflicts")).to_be_hidden()
    report.refresh_from_db()
    assert (report.omzet, report.version, report.evidence) == (4_444_000, 4, "Diubah di kantor")
    assert ProgressReport.objects.count() == 1 and Contact.objects.count() == 1
    assert console.csp_violations() == []
