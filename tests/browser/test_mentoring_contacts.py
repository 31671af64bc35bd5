"""Recording a visit with attendance in a real Chromium on a 360 px phone screen: the members are loaded when the KUBE
is chosen, what was typed survives a reload (with its idempotency key), and the draft is dropped once saved."""

import pytest
from playwright.sync_api import expect

from pendamping.core.system import system_actor
from pendamping.mentoring.models import Attendance, Contact
from tests.kube.helpers import formed_kube
from tests.targeting.helpers import make_rule_set

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "id-ID", "is_mobile": True, "has_touch": True}


@pytest.fixture
def browser_context_args() -> dict:
    return PHONE


def test_a_visit_with_attendance_is_recorded_on_a_phone_and_survives_a_reload(
    page, site, console, tksk_kabandungan, log_in, guide_shot
):
    make_rule_set(system_actor())
    kube = formed_kube(tksk_kabandungan)
    members = list(kube.members.order_by("pk"))
    log_in(tksk_kabandungan)
    page.goto(f"{site}/pendampingan/catat/")
    page.check("input[name=target_kind][value=kube]")
    page.select_option("select[name=kube]", str(kube.pk))
    expect(page.locator("input[name=attendance]")).to_have_count(5)  # loaded by htmx
    for member in members[:3]:
        page.check(f"input[name=attendance][value='{member.pk}']")
    page.check("input[name=method][value=groupwork]")
    page.check("input[name=roles][value=enabler]")
    page.check("input[name=roles][value=broker]")
    page.fill("textarea[name=what_done]", "Pertemuan kelompok di rumah ketua")
    key = page.input_value("input[name=idempotency_key]")
    guide_shot("kunjungan-catat")
    guide_shot("kunjungan-kehadiran", at="#attendance")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.reload()  # as after a send that failed: what was typed comes back, with the same key
    expect(page.locator("textarea[name=what_done]")).to_have_value("Pertemuan kelompok di rumah ketua")
    assert page.input_value("input[name=idempotency_key]") == key
    assert page.is_checked("input[name=roles][value=broker]")
    expect(page.locator("input[name=attendance]:checked")).to_have_count(3)  # the members again, as ticked

    page.click("main form button[type=submit].primary")
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    contact = Contact.objects.get()
    assert contact.idempotency_key == key and contact.kube == kube
    assert Attendance.objects.filter(contact=contact, present=True).count() == 3
    guide_shot("kunjungan-tersimpan")
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('keep')).length") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # and the visit is found in the role matrix of the kecamatan: the worker's broker cell counts it
    page.goto(f"{site}/pendampingan/analitik-peran/?area=32.02.19")
    cell = page.locator(f"tr[data-row='{tksk_kabandungan.pk}'] [data-role='zastrow:broker']").first
    expect(cell).to_have_attribute("data-count", "1")
    expect(page.locator("main svg").first).to_be_visible()
    guide_shot("analitik-peran")
    guide_shot("analitik-peran-matriks", at="#workers-h")
    assert console.csp_violations() == []
