"""Take the screenshots of the user guide (docs/panduan/img/) from a running demo server, in a phone's width.

    VAR_DIR=/tmp/demo pendamping setup && VAR_DIR=/tmp/demo pendamping runserver 127.0.0.1:8765 --noreload &
    .venv/bin/python docs/screenshots.py http://127.0.0.1:8765

Uses Debian's Chromium through Playwright (never `playwright install`).
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent / "panduan" / "img"
PASSWORD = "Halimun-Salak-2026"


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="id-ID")

        def shot(name: str, full: bool = False) -> None:
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)

        page.goto(f"{base}/akun/masuk/")
        shot("masuk")
        page.fill("input[name=username]", "tksk.kabandungan")
        page.fill("input[name=password]", PASSWORD)
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_url(f"{base}/")
        shot("beranda", full=True)
        page.goto(f"{base}/wilayah/32.02.19/")
        shot("wilayah")
        page.goto(f"{base}/registri/")
        shot("registri")
        page.locator("#results a[href^='/registri/keluarga/']").first.click()
        page.wait_for_load_state()
        shot("keluarga")
        page.goto(f"{base}/registri/impor/")
        shot("impor")
        page.goto(f"{base}/kube/")
        shot("kube")
        page.locator("main table a:has-text('KUBE Mekar Jaya')").first.click()
        page.wait_for_load_state()
        shot("kube-ringkasan", full=True)
        page.click("nav.tabs a[href$='/tahapan/']")
        page.wait_for_load_state()
        shot("kube-tahapan")
        page.click("nav.tabs a[href$='/kas/']")
        page.wait_for_load_state()
        shot("kube-kas", full=True)
        page.click("nav.tabs a[href$='/perkembangan/']")
        page.wait_for_load_state()
        shot("kube-perkembangan", full=True)
        page.context.clear_cookies()
        page.goto(f"{base}/akun/masuk/")
        page.fill("input[name=username]", "admin.sukabumi")
        page.fill("input[name=password]", PASSWORD)
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/akun/pengguna/baru/")
        page.select_option("select[data-level=kecamatan]", "32.02.19")
        page.wait_for_selector("select[data-level=desa]")
        page.select_option("select[data-level=desa]", "32.02.19.2002")
        page.wait_for_selector("text=Desa Cipeuteuy")
        shot("pengguna-baru", full=True)
        page.goto(f"{base}/audit/")
        shot("audit")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765")
