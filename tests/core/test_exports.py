"""Exports of lists to XLSX and CSV: one way in (`table_export`), what the list shows under the user's scope, text that
a spreadsheet would run as a formula neutralised in both formats, every export audited with its format and rows, and a
large CSV streamed rather than built in memory."""

import codecs
import csv
import datetime
import io

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from pendamping.accounts.vocab import Role
from pendamping.core.exports import Column, csv_value, neutralise, table_export
from pendamping.core.models import AuditEvent
from pendamping.kube.typology import add_months
from tests.conftest import CIPEUTEUY, KABANDUNGAN, KALAPANUNGGAL
from tests.kube.test_progress import THIS_MONTH, past_t0
from tests.mentoring.helpers import record
from tests.registry.test_pages import read_xlsx
from tests.registry.test_services import KALAPANUNGGAL_DESA, make_household
from tests.targeting.helpers import eligible_household, make_rule_set, screen_one

FORMULAS = ['=HYPERLINK("http://x","y")', "+6281234567", "-1", "@SUM(A1)"]


def read_csv(response) -> list[list[str]]:
    """The rows of a downloaded CSV as a spreadsheet would split them (UTF-8 with BOM, semicolons)."""
    content = b"".join(response.streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def download(client, url: str, fmt: str, data: dict | None = None, *, post: bool = False) -> list[list]:
    data = {**(data or {}), "format": fmt}
    response = client.post(url, data) if post else client.get(url, data)
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].rstrip('"').endswith(f".{fmt}")
    return read_csv(response) if fmt == "csv" else read_xlsx(response)


def column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# -- the rule of neutralising and the CSV cells -------------------------------------------------------------------


@pytest.mark.parametrize("text", [*FORMULAS, "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text
    assert csv_value(text) == "'" + text


@pytest.mark.parametrize("text", ["Asep", "0812-3456", "a=b", "", "'=already quoted"])
def test_ordinary_text_is_left_as_it_is(text):
    assert neutralise(text) == text


def test_csv_cells_are_plain_numbers_iso_dates_ya_tidak_and_empty_for_none():
    at = datetime.datetime(2026, 11, 28, 3, 0, tzinfo=datetime.UTC)
    values = [1250000, -1, 2.5, datetime.date(2026, 11, 28), at, True, False, None, "3201010101010001"]
    assert [csv_value(value) for value in values] == [
        "1250000",
        "-1",  # a number stays a number: only text is neutralised
        "2.5",
        "2026-11-28",
        "2026-11-28T10:00:00+07:00",  # Asia/Jakarta
        "ya",
        "tidak",
        "",
        "3201010101010001",
    ]


def test_a_csv_keeps_separators_quotes_and_line_breaks_inside_a_cell(tksk_kabandungan):
    rows = [("a;b", 'say "hi"', "line 1\nline 2", 7)]
    response = table_export(
        actor=tksk_kabandungan,
        thing="test",
        object_type="test",
        filename_stem="t",
        columns=[Column("x"), Column("y"), Column("z"), Column("n")],
        rows=iter(rows),
        filters={},
        fmt="csv",
        count=1,
    )
    assert read_csv(response) == [["x", "y", "z", "n"], ["a;b", 'say "hi"', "line 1\nline 2", "7"]]


def test_an_unknown_format_is_refused(tksk_kabandungan):
    with pytest.raises(ValueError):
        table_export(
            actor=tksk_kabandungan,
            thing="t",
            object_type="t",
            filename_stem="t",
            columns=[],
            rows=[],
            filters={},
            fmt="pdf",
        )


# -- streaming and the audit event --------------------------------------------------------------------------------


def test_a_large_csv_streams_and_its_audit_event_exists_before_the_first_byte(tksk_kabandungan):
    produced = 0

    def rows():
        nonlocal produced
        for n in range(5000):
            produced += 1
            yield (n, f"=cell {n}", datetime.date(2026, 1, 1))

    response = table_export(
        actor=tksk_kabandungan,
        thing="bulk",
        object_type="test.bulk",
        filename_stem="besar",
        columns=[Column("n"), Column("text"), Column("date")],
        rows=rows(),
        filters={"area": KABANDUNGAN},
        area_code=KABANDUNGAN,
        fmt="csv",
        count=lambda: 5000,
    )
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert not isinstance(response, FileResponse)  # not spooled to a file first
    assert produced == 0  # nothing read yet: the rows are read as the client takes them
    event = AuditEvent.objects.get(action="bulk.export")  # recorded even if the client goes away now
    assert event.changes["rows"]["after"] == 5000 and event.changes["format"]["after"] == "csv"
    assert event.changes["filter"]["after"] == {"area": KABANDUNGAN} and event.area_code == KABANDUNGAN
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)  # the byte order mark, then the first chunk of lines
    assert 0 < produced < 5000
    rest = b"".join(chunks)
    assert produced == 5000 and rest.endswith(b"4999;'=cell 4999;2026-01-01\r\n")


def test_a_csv_without_a_count_is_counted_exactly_while_written_to_a_temporary_file(tksk_kabandungan):
    response = table_export(
        actor=tksk_kabandungan,
        thing="small",
        object_type="test.small",
        filename_stem="kecil",
        columns=[Column("n")],
        rows=((n,) for n in range(3)),
        filters={},
        fmt="csv",
    )
    assert response.streaming
    assert read_csv(response) == [["n"], ["0"], ["1"], ["2"]]
    assert AuditEvent.objects.get(action="small.export").changes["rows"]["after"] == 3


def test_the_xlsx_export_records_its_format_and_rows(tksk_kabandungan):
    response = table_export(
        actor=tksk_kabandungan,
        thing="book",
        object_type="test.book",
        filename_stem="buku",
        columns=[Column("name")],
        rows=[(name,) for name in FORMULAS],
        filters={},
    )
    assert response.streaming and response["Content-Disposition"].rstrip('"').endswith("buku.xlsx")
    assert read_xlsx(response) == [["name"], *[["'" + name] for name in FORMULAS]]
    event = AuditEvent.objects.get(action="book.export")
    assert (event.changes["rows"]["after"], event.changes["format"]["after"]) == (4, "xlsx")


# -- the registry lists: scope and formulas in both formats -------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_tksk_of_kalapanunggal_exports_no_household_of_kabandungan(
    fmt, login, tksk_kabandungan, tksk_kalapanunggal
):
    ours = [make_household(tksk_kalapanunggal, serial=n, desa=KALAPANUNGGAL_DESA) for n in (1, 2)]
    make_household(tksk_kabandungan, serial=3, desa=CIPEUTEUY)
    client = login(tksk_kalapanunggal)
    rows = download(client, "/registri/keluarga/ekspor/", fmt, post=True)
    assert sorted(column(rows, "no_kk")) == sorted(h.no_kk for h in ours)
    assert set(column(rows, "kode_desa")) == {KALAPANUNGGAL_DESA}
    shown = client.get("/registri/").context["page"]
    assert sorted(column(rows, "no_kk")) == sorted(h.no_kk for h in shown)  # exactly what the list shows
    event = AuditEvent.objects.get(action="household.export")
    assert (event.changes["rows"]["after"], event.changes["format"]["after"]) == (2, fmt)
    assert event.area_code == KALAPANUNGGAL and event.actor == tksk_kalapanunggal


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_names_that_a_spreadsheet_would_run_are_neutralised_in_both_formats(fmt, login, tksk_kabandungan):
    for serial, name in enumerate(FORMULAS, start=1):
        make_household(tksk_kabandungan, serial=serial, head={"name": name})
    client = login(tksk_kabandungan)
    expected = sorted("'" + name for name in FORMULAS)
    households = download(client, "/registri/keluarga/ekspor/", fmt, post=True)
    assert sorted(column(households, "nama_kepala_keluarga")) == expected
    people = download(client, "/registri/individu/ekspor/", fmt, post=True)
    assert sorted(column(people, "nama")) == expected
    numbers = column(households, "jumlah_anggota")
    assert numbers == ([1] * 4 if fmt == "xlsx" else ["1"] * 4)  # numbers stay plain numbers


def test_the_csv_of_a_filtered_list_holds_the_filtered_rows_in_the_xlsx_order(login, tksk_kabandungan):
    for serial in (1, 2, 3):
        make_household(tksk_kabandungan, serial=serial, desil=serial)
    client = login(tksk_kabandungan)
    as_csv = download(client, "/registri/keluarga/ekspor/", "csv", {"desil": "2"}, post=True)
    as_xlsx = download(client, "/registri/keluarga/ekspor/", "xlsx", {"desil": "2"}, post=True)
    assert as_csv[0] == as_xlsx[0]
    assert column(as_csv, "no_kk") == column(as_xlsx, "no_kk") and len(as_csv) == 2
    assert column(as_csv, "desil") == ["2"]


def test_an_unknown_format_in_the_request_is_a_404_and_not_audited(login, tksk_kabandungan):
    response = login(tksk_kabandungan).post("/registri/keluarga/ekspor/", {"format": "pdf"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action__endswith=".export").exists()


# -- every list with an export offers both formats ----------------------------------------------------------------

LIST_EXPORTS = [
    ("kube:kube-list", "kube:kube-export"),
    ("kube:kube-list", "kube:member-export"),
    ("kube:flagged-list", "kube:flagged-export"),
    ("mentoring:contact-list", "mentoring:contact-export"),
    ("mentoring:role-analytics", "mentoring:role-analytics-export"),
    ("puskesos:case-list", "puskesos:case-export"),
    ("puskesos:referral-list", "puskesos:referral-export"),
    ("puskesos:proposal-list", "puskesos:proposal-export"),
    ("puskesos:psks-list", "puskesos:psks-export"),
    ("puskesos:report", "puskesos:report-export"),
    ("targeting:result-list", "targeting:result-export"),
    ("core:audit-list", "core:audit-export"),
    ("accounts:user-list", "accounts:user-export"),
]


@pytest.mark.parametrize(("list_name", "export_name"), LIST_EXPORTS)
def test_each_list_links_its_xlsx_and_csv_exports_and_both_are_audited(
    list_name, export_name, login, admin_sukabumi, tksk_kabandungan
):
    # something on every list, so that the buttons show
    make_household(tksk_kabandungan, serial=1)
    kube = past_t0(tksk_kabandungan, members=False, name="KUBE Diam")
    record(tksk_kabandungan, kube=kube, contact_date=add_months(THIS_MONTH, -1))
    rule_set = make_rule_set(admin_sukabumi)
    screen_one(admin_sukabumi, rule_set, eligible_household(tksk_kabandungan, serial=2).head)
    client = login(admin_sukabumi)
    url = reverse(export_name)
    page = client.get(reverse(list_name)).content.decode()
    assert f'href="{url}' in page and f"{url}?format=csv" in page.replace("&amp;", "&")
    for fmt in ("xlsx", "csv"):
        response = client.get(url, {"format": fmt})
        assert response.status_code == 200 and response.streaming
        assert response["Cache-Control"] == "private, no-store"
        event = AuditEvent.objects.filter(action__endswith=".export").order_by("-pk").first()
        assert event.actor == admin_sukabumi and event.changes["format"]["after"] == fmt
        rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
        assert len(rows) - 1 == event.changes["rows"]["after"]


# -- the new exports: audit log and users, admin only, under their scope -------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_audit_log_export_holds_the_events_of_the_admins_kabupaten_only(
    fmt, login, admin_sukabumi, admin_bogor, tksk_kabandungan
):
    client = login(admin_sukabumi)
    rows = download(client, "/audit/unduh/", fmt, {"action": "user."})
    expected = client.get("/audit/", {"action": "user."}).context["page"].paginator.count
    assert len(rows) - 1 == expected > 0
    assert "admin.bogor" not in {str(value) for value in column(rows, rows[0][5])}  # the object column
    assert all(action.startswith("user.") for action in column(rows, rows[0][2]))
    event = AuditEvent.objects.get(action="audit.export")
    assert event.changes["rows"]["after"] == expected and event.changes["format"]["after"] == fmt
    assert event.changes["filter"]["after"] == {"action": "user."}


def test_only_an_admin_exports_the_audit_log_and_the_users(login, tksk_kabandungan):
    client = login(tksk_kabandungan)
    assert client.get("/audit/unduh/", {"format": "csv"}).status_code == 403
    assert client.get("/akun/pengguna/unduh/", {"format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(action__endswith=".export").exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_users_export_holds_the_users_the_list_shows(fmt, login, admin_sukabumi, admin_bogor, make_user):
    make_user("fasilitator.rumus", Role.FASILITATOR, CIPEUTEUY, full_name="=cmd|' /C calc'!A0")
    client = login(admin_sukabumi)
    rows = download(client, "/akun/pengguna/unduh/", fmt)
    shown = [u.username for u in client.get("/akun/pengguna/").context["page"]]
    assert column(rows, rows[0][0]) == shown and "admin.bogor" not in shown
    assert "'=cmd|' /C calc'!A0" in column(rows, rows[0][1])
    event = AuditEvent.objects.get(action="user.export")
    assert event.changes["rows"]["after"] == len(shown) and event.changes["format"]["after"] == fmt
