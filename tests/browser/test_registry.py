"""The registry in a real Chromium: finding a family as you type, and importing a file with bad rows."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.registry.test_import import family, row, write_csv
from tests.registry.test_services import make_household

pytestmark = pytest.mark.browser

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_tksk_finds_a_family_by_name_ignoring_case_and_accents(
    page, site, console, tksk_kabandungan, log_in, guide_shot
):
    make_household(tksk_kabandungan, serial=1, head={"name": "Éncep Suryadi"})
    make_household(tksk_kabandungan, serial=2, head={"name": "Ujang Hermawan"})
    log_in(tksk_kabandungan)
    page.goto(f"{site}/registri/")
    results = page.locator("#results")
    assert "Hermawan" in results.inner_text()
    page.fill("input[name=q]", "ENCEP")
    expect(results).not_to_contain_text("Hermawan")
    expect(results).to_contain_text("Suryadi")
    guide_shot("registri-cari", full_page=True)
    assert "ENCEP" not in page.url  # a name typed in the search never goes into the address
    assert console.csp_violations() == []


def test_an_upload_with_bad_rows_shows_them_and_the_rejection_report_downloads(
    page, site, console, settings, tmp_path, tksk_kabandungan, log_in, guide_shot
):
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path, [*family(), row(nik="320219", nama="Salah NIK")], name="keluarga.csv")
    log_in(tksk_kabandungan)
    page.goto(f"{site}/registri/impor/")
    page.set_input_files("input[name=file]", str(path))
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/registri/impor/" in url and url.rstrip("/").split("/")[-1].isdigit())
    page.wait_for_selector("text=nik_bukan_16_digit")
    guide_shot("impor-ditolak", at=".card:has(a[href$='ditolak.csv'])")
    with page.expect_download() as info:
        page.click("a[href$='ditolak.csv']")
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == ["baris", "kolom", "kode", "pesan", "jenis"]
    assert [line[2] for line in lines[1:]] == ["nik_bukan_16_digit"]
    assert console.csp_violations() == []
