"""Source.copy_items hands the worker processes blocks of whole lines while the file is plain and rows of
plain_lines from the first block that is not (a quote, a lone CR): whatever the file, the rows the workers check
are exactly those plain_lines gives, with the same row numbers (hypothesis, on small blocks)."""

import csv
import datetime
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pendamping.registry import imports
from pendamping.registry.imports import CSV_FIELD_LIMIT, Source, block_rows
from pendamping.registry.models import Household, Person
from pendamping.registry.nik import make_kk, make_nik
from tests.registry.test_import import KABANDUNGAN, rejections, row, run_import, write_csv

HEADER = "kode_desa;no_kk;nik;nama\n"


def source_of(path, encoding="utf-8-sig") -> Source:
    return Source(path, SimpleNamespace(file_format="csv", encoding=encoding, rows_expected=None))


def rows_by_blocks(path, rows_per_item: int, encoding="utf-8-sig") -> list[tuple]:
    with source_of(path, encoding) as source:
        found = []
        for work in source.copy_items(rows_per_item):
            if work[0] == "rows":
                found += work[1]
            else:
                found += block_rows(*work[1:], delimiter=source.delimiter)
        return found


def rows_by_lines(path, encoding="utf-8-sig") -> list[tuple]:
    with source_of(path, encoding) as source:
        return list(source.plain_lines())


plain_line = st.lists(st.text("0123456789 aéb", max_size=8), min_size=1, max_size=5).map(";".join)
odd_line = st.sampled_from(['1;"a;b";c', '2;"dua\nbaris";x', '3;"kutip ""dalam""";y', "4;lone\rcr", '5;"tidak ditutup'])
ending = st.sampled_from(["\n", "\r\n"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.tuples(st.one_of(plain_line, plain_line, plain_line, odd_line, st.just("")), ending), max_size=40
    ),
    trailing=st.booleans(),
    rows_per_item=st.integers(1, 4),
)
def test_the_rows_of_the_blocks_are_the_rows_of_the_lines(tmp_path, lines, trailing, rows_per_item):
    text = HEADER + "".join(line + end for line, end in lines)
    if not trailing:
        text = text.rstrip("\r\n")
    path = tmp_path / "berkas.csv"
    path.write_bytes(text.encode())
    assert rows_by_blocks(path, rows_per_item) == rows_by_lines(path)


def test_a_quote_after_the_first_blocks_goes_on_with_the_csv_reader_at_the_right_row(tmp_path):
    plain = [f"32.02.01.2001;{n:016d};{n:016d};Nama {n}" for n in range(200)]
    path = tmp_path / "berkas.csv"
    path.write_text(HEADER + "\n".join([*plain, '32.02.01.2001;1;2;"Nama; dengan titik koma"', *plain]) + "\n")
    found = rows_by_blocks(path, 2)  # blocks of about 512 bytes: the quote is in the 30th or so
    assert found == rows_by_lines(path)
    assert found[200] == (202, None, ["32.02.01.2001", "1", "2", "Nama; dengan titik koma"], "")
    assert [number for number, *_rest in found] == list(range(2, 403))


def test_a_line_over_the_field_limit_in_a_block_is_parsed_or_rejected_as_by_the_lines(tmp_path):
    many_fields = ";".join(["x" * 1000] * (CSV_FIELD_LIMIT // 1000 + 5))  # long line, each field within the limit
    one_field = "y" * (CSV_FIELD_LIMIT + 10)
    path = tmp_path / "berkas.csv"
    path.write_text(HEADER + f"a;b;c;d\n{many_fields}\n{one_field}\ne;f;g;h\n")
    found = rows_by_blocks(path, 4)
    assert found == rows_by_lines(path)
    assert found[1][2] == next(csv.reader([many_fields], delimiter=";"))
    assert found[2] == (4, None, None, "baris_terlalu_panjang")


def test_windows_1252_blocks_decode_as_the_lines_do(tmp_path):
    path = tmp_path / "berkas.csv"
    path.write_bytes((HEADER + "32.02.01.2001;1;2;Ujang Ruhiyat Sé\r\n" * 50).encode("cp1252"))
    found = rows_by_blocks(path, 1, encoding="cp1252")
    assert found == rows_by_lines(path, encoding="cp1252")
    assert found[0][1] == "32.02.01.2001;1;2;Ujang Ruhiyat Sé\r\n"


def test_an_import_whose_quotes_start_after_some_blocks_takes_every_row_at_its_row_number(
    tmp_path, areas, system, monkeypatch
):
    """A whole import with blocks of about one row (PostgreSQL: blocks, then csv's reader from the first quote);
    on SQLite the same file through its own reader: the same outcome."""
    monkeypatch.setattr(imports, "PARALLEL_CHUNK", 1)
    rows = []
    for k in range(6):
        kk = make_kk(KABANDUNGAN, datetime.date(2020, 1, 1 + k), 10 + k)
        for m in range(3):
            born = datetime.date(1970 + k, 1 + m, 10)
            rows.append(
                row(
                    no_kk=kk,
                    nik=make_nik(KABANDUNGAN, born, "L", 100 + 3 * k + m),
                    nama=f"Warga {k} {m}",
                    tanggal_lahir=born.isoformat(),
                    alamat="Kp. Pasir; RT 003" if k == 3 else "Kp. Pasir",  # csv quotes it: from row 11 on
                    hubungan_keluarga="Kepala Keluarga" if m == 0 else "Anak",
                )
            )
    rows[14]["tanggal_lahir"] = "31-02-1974"  # row 16, after the quotes: rejected at its own number
    path = write_csv(tmp_path, rows)
    assert '"Kp. Pasir; RT 003"' in path.read_text().splitlines()[10]
    run = run_import(path, system)
    assert (run.rows_read, run.rows_created, run.rows_rejected) == (18, 17, 1)
    assert [(number, code) for number, _column, code in rejections(run)] == [(16, "tanggal_tidak_terbaca")]
    assert Household.objects.get(no_kk=rows[9]["no_kk"]).alamat == "Kp. Pasir; RT 003"
    assert Person.objects.count() == 17
