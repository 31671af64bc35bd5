"""Page weight over the wire, as Chromium counts it (encodedDataLength of every response: compressed bodies and
headers): the first load of every main page (cache disabled, service worker bypassed, so the stylesheet, htmx and
icons count too) stays under 100 KB, and an htmx partial under 20 KB; pages are sent compressed. The API's Swagger
page is a documented exception (developers only).

Static files: the test server serves them itself, uncompressed, before any middleware; in production WhiteNoise
sends the gzip files that collectstatic made (CompressedStaticFilesStorage). So a static file is counted at its gzip
size (level 9, as WhiteNoise compresses) plus its headers."""

import gzip
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

from pendamping.mentoring.services import contacts
from tests.kube.helpers import formed_kube
from tests.mentoring.helpers import record
from tests.puskesos.helpers import make_case
from tests.registry.test_services import make_household

pytestmark = pytest.mark.browser

FIRST_LOAD_LIMIT = 100 * 1024
PARTIAL_LIMIT = 20 * 1024


class Meter:
    """Bytes received per request, from the DevTools protocol, with the browser cache off."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.requests: dict[str, tuple[str, str]] = {}
        self.received: dict[str, int] = {}
        self.encoding: dict[str, str] = {}
        self.header_bytes: dict[str, int] = {}
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.loadingFinished", self._finished)
        self.session.on("Network.responseReceived", self._received)
        self.session.send("Network.enable")
        self.session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        # a first load: nothing from the service worker's cache either
        self.session.send("Network.setBypassServiceWorker", {"bypass": True})

    def _sent(self, event):
        self.requests[event["requestId"]] = (event["request"]["method"], event["request"]["url"])

    def _received(self, event):
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        self.encoding[event["requestId"]] = headers.get("content-encoding", "")
        self.header_bytes[event["requestId"]] = sum(len(k) + len(v) + 4 for k, v in headers.items()) + 20

    def uncompressed(self) -> list[str]:
        """The responses of the application (not the test server's static files) sent without compression."""
        return [
            url
            for rid, (_method, url) in self.requests.items()
            if rid in self.received and self.received[rid] > 1024 and "/static/" not in url
            and self.encoding.get(rid) not in ("gzip", "br", "zstd")
        ]  # fmt: skip

    def _finished(self, event):
        self.received[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self):
        self.header_bytes.clear()
        self.encoding.clear()
        self.requests.clear()
        self.received.clear()

    def size(self, rid: str) -> int:
        method, url = self.requests.get(rid, ("?", "?"))
        path = urlsplit(url).path
        if path.startswith("/static/") and not self.encoding.get(rid):
            found = finders.find(path.removeprefix("/static/"))
            if found:
                with open(found, "rb") as handle:
                    return len(gzip.compress(handle.read(), 9)) + self.header_bytes.get(rid, 0)
        return self.received[rid]

    def total(self) -> int:
        return sum(self.size(rid) for rid in self.received)

    def detail(self) -> str:
        rows = sorted(((self.size(rid), self.requests.get(rid, ("?", "?"))) for rid in self.received), reverse=True)
        return "\n".join(f"{size:>8} {method} {url}" for size, (method, url) in rows)


@pytest.fixture
def world(site, admin_sukabumi, tksk_kabandungan, fasilitator_cipeuteuy):
    household = make_household(tksk_kabandungan, serial=60)
    kube = formed_kube(tksk_kabandungan)
    record(tksk_kabandungan, kube=kube)
    contacts.task_add(actor=tksk_kabandungan, desa_code=kube.desa_id, title="Kunjungi", assignee=tksk_kabandungan,
                      due_on=kube.formed_on)  # fmt: skip
    case = make_case(fasilitator_cipeuteuy, household_actor=tksk_kabandungan)
    return {"household": household, "kube": kube, "case": case}


def settle(page, meter):
    """Wait until every request the page made has finished (the service worker may keep the network busy, so
    Playwright's networkidle is not used)."""
    for _ in range(100):
        page.wait_for_timeout(50)
        if set(meter.requests) <= set(meter.received):
            return


def weigh(page, meter, url) -> int:
    meter.reset()
    response = page.goto(url, wait_until="load")
    assert response.status == 200, (url, response.status)
    settle(page, meter)
    return meter.total()


def test_every_main_page_first_load_is_under_100_kb(page, site, world, log_in, admin_sukabumi, tksk_kabandungan,
                                                    fasilitator_cipeuteuy):  # fmt: skip
    kube, household, case = world["kube"], world["household"], world["case"]
    by_user = {
        tksk_kabandungan: [
            "/",
            "/dasbor/",
            "/registri/",
            "/registri/individu/",
            f"/registri/keluarga/{household.pk}/",
            "/seleksi/",
            "/seleksi/calon/",
            "/kube/",
            f"/kube/{kube.pk}/",
            f"/kube/{kube.pk}/anggota/",
            f"/kube/{kube.pk}/tahapan/",
            f"/kube/{kube.pk}/stimulan/",
            f"/kube/{kube.pk}/lpj/",
            f"/kube/{kube.pk}/kas/",
            f"/kube/{kube.pk}/perkembangan/",
            f"/kube/{kube.pk}/kemitraan/",
            "/pendampingan/",
            "/pendampingan/catat/",
            "/pendampingan/analitik-peran/",
            "/pendampingan/tugas/",
        ],
        fasilitator_cipeuteuy: [
            "/puskesos/kasus/",
            "/puskesos/kasus/terima/",
            f"/puskesos/kasus/{case.pk}/",
            "/puskesos/rujukan/",
            "/puskesos/usulan/",
        ],
        admin_sukabumi: ["/akun/pengguna/", "/audit/", "/dasbor/"],
    }
    heavy = []
    for user, paths in by_user.items():
        log_in(user)
        meter = Meter(page)
        for path in paths:
            size = weigh(page, meter, site + path)
            assert len(meter.received) > 1 and size > 2000, f"{path}: nothing measured\n{meter.detail()}"
            assert not meter.uncompressed(), f"{path}: sent without compression: {meter.uncompressed()}"
            if size > FIRST_LOAD_LIMIT:
                heavy.append(f"{path} as {user.username}: {size} bytes\n{meter.detail()}")
        meter.session.detach()
        page.context.clear_cookies()
    assert not heavy, "first loads above 100 KB:\n" + "\n".join(heavy)


def test_htmx_partials_are_under_20_kb(page, site, world, log_in, tksk_kabandungan):
    kube = world["kube"]
    log_in(tksk_kabandungan)
    page.goto(site + "/registri/")
    meter = Meter(page)
    sizes = {}
    with page.expect_response(lambda r: r.request.method == "POST" and "/registri/" in r.url):
        page.fill("input[name=q]", "Asep")
    settle(page, meter)
    sizes["registry search results"] = meter.total()
    for name, path in {
        "area picker": "/wilayah/pilih/?pick=32.02.19",
        "KUBE members of the visit form": f"/pendampingan/catat/anggota/?kube={kube.pk}",
    }.items():
        meter.reset()
        answer = page.request.get(site + path, headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
        assert answer.status == 200, path
        body = answer.body()
        assert b"<html" not in body[:500].lower(), f"{path} answered a whole page, not a partial"
        sizes[name] = (
            len(body)
            if answer.headers.get("content-encoding") != "gzip"
            else int(answer.headers.get("content-length", len(body)))
        )
    heavy = {name: size for name, size in sizes.items() if size > PARTIAL_LIMIT or size == 0}
    assert not heavy, f"partials above 20 KB (or not measured): {heavy}"
