"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Chromium is found through CHROMIUM_PATH, else `chromium` or `chromium-browser` on the PATH. Where none is found,
every test marked `browser` is skipped with a visible reason; with REQUIRE_BROWSER=1 (CI) they fail instead.
Never run `playwright install`: the browser comes from the Debian package `chromium`.

The tests also take the screenshots of the user guide (docs/panduan/): with GUIDE_SCREENSHOTS=1 every
`guide_shot(name)` in them saves what the page shows to docs/panduan/img/<name>.png; without it they do nothing.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.conftest import PASSWORD


class OneAtATimeWSGIServer(WSGIServer):
    """The live server answering one request at a time. With SQLite's in-memory test database the server's threads
    share the test's one connection, and requests in parallel (a page, its service worker, a background refresh)
    locked its tables ("database table is locked: django_session"). Django's server closes each connection when it
    is not threaded, so a browser's keep-alive never blocks it."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # LiveServerThread.run() already gave its thread the connections


LiveServerThread.server_class = OneAtATimeWSGIServer

# Playwright's sync API keeps an asyncio event loop marked as running in the main thread, so Django's ORM (fixtures,
# assertions on the database) would otherwise refuse to run with SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SKIP_REASON = "Chromium not found: browser tests skipped (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
GUIDE_IMG = Path(__file__).resolve().parents[2] / "docs" / "panduan" / "img"
GUIDE_VIEWPORT = {"width": 360, "height": 740}  # a phone: the guide's pictures are as the field workers see them
GUIDE_MAX_HEIGHT = 1600  # a full-page picture is cut there, to keep the PNG small


def find_chromium() -> str | None:
    """The Chromium executable: CHROMIUM_PATH if set (and it exists), else chromium or chromium-browser on the PATH."""
    explicit = os.environ.get("CHROMIUM_PATH", "").strip()
    if explicit:
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def pytest_collection_modifyitems(config, items):
    if find_chromium() or browser_required():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        where = (
            f"CHROMIUM_PATH={os.environ['CHROMIUM_PATH']!r} is not an executable"
            if os.environ.get("CHROMIUM_PATH")
            else "no chromium or chromium-browser on the PATH"
        )
        if browser_required():
            pytest.fail(
                f"REQUIRE_BROWSER=1 but Chromium was not found ({where}); apt-get install chromium", pytrace=False
            )
        pytest.skip(SKIP_REASON)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class ConsoleLog:
    """The console errors and uncaught page errors seen by a page."""

    def __init__(self):
        self.errors: list[str] = []

    def csp_violations(self) -> list[str]:
        return [text for text in self.errors if "content security policy" in text.lower()]


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def browser_context_args() -> dict:
    """Override in a test module (or parametrize indirectly) for another viewport."""
    return {"viewport": {"width": 1280, "height": 800}, "locale": "id-ID"}


@pytest.fixture
def page(browser, browser_context_args, console):
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda message: console.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's base URL; the data fixtures of tests/conftest.py need transactional_db with it."""
    return live_server.url


@pytest.fixture
def log_in(page, site):
    """log_in(user): fill the real login form in the browser and wait to leave the login page."""

    def do(user, password: str = PASSWORD):
        page.context.clear_cookies(name="sessionid")  # a fresh login: no earlier session can race with it
        page.goto(f"{site}/akun/masuk/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_url(lambda url: "/akun/masuk/" not in url)
        return page

    return do


def guide_screenshots_on() -> bool:
    return os.environ.get("GUIDE_SCREENSHOTS", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.fixture
def guide_shot(page):
    """guide_shot(name, at=None, full_page=False): with GUIDE_SCREENSHOTS=1, save the page as the user guide's picture
    docs/panduan/img/<name>.png; otherwise do nothing (normal runs and CI never touch the repository).

    The picture is a phone's screen (360 px): a page open on a wider screen is narrowed for the picture and given its
    size back after it. `at` (a selector) scrolls that element to the top of the screen first; `full_page` takes the
    whole page, cut at GUIDE_MAX_HEIGHT px. Taking a picture clicks and types nothing, so the test goes on as before.
    """

    def shoot(name: str, *, at: str | None = None, full_page: bool = False) -> None:
        if not guide_screenshots_on():
            return
        GUIDE_IMG.mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        narrowed = size is not None and size["width"] > GUIDE_VIEWPORT["width"]
        if narrowed:
            page.set_viewport_size(GUIDE_VIEWPORT)
        try:
            if at:
                page.locator(at).first.evaluate("element => element.scrollIntoView({block: 'start'})")
            options = {"path": str(GUIDE_IMG / f"{name}.png"), "animations": "disabled"}
            if full_page:
                width = page.viewport_size["width"]
                height = min(page.evaluate("document.documentElement.scrollHeight"), GUIDE_MAX_HEIGHT)
                options.update(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
            page.screenshot(**options)
        finally:
            if narrowed:
                page.set_viewport_size(size)

    return shoot
