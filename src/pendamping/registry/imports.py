# ruff: noqa: S608 -- SQL here is built only from identifiers defined in this module; every value is a parameter
"""Registry import: a CSV or XLSX file of the canonical columns (domain.md section 3) into households and people.

How a run goes (`import_run_create`, then `import_run_execute`, by the command or by the background task):

1. **Inspect** the file once while it is hashed (SHA-256): format (XLSX by its zip signature, else CSV), encoding
   (UTF-8 with or without BOM; Windows-1252 when the bytes are not UTF-8; Latin-1 when they are not even that) and
   the number of lines, for the progress bar.
2. **Check** every row as it streams (lines of a text stream, csv.reader for quoted records, openpyxl read_only
   rows; never the whole file in memory), with the same rules as the forms (`rules.household_problems`,
   `rules.person_problems`, `nik`) in `RowChecker`. A CSV row whose every value is already in its plainest form
   (16-digit NIK and No. KK with a known kecamatan prefix, the birth date and sex the NIK gives, a stored value of
   each fixed list, plain digits, a desa of the actor's areas...) is staged by `FastPath` without RowChecker; any
   other row goes through RowChecker, which alone writes reasons. FastPath can only say "plainly valid": a row it
   is unsure of costs time, never a wrong verdict; `tests/registry/test_import_fast.py` checks on random rows near
   every rule's edges (hypothesis) that what it stages RowChecker takes, staged alike. On PostgreSQL the rows
   (staged or rejected) stream into a temporary staging table through `COPY` in text format, 50,000 rows per COPY
   statement, checked in worker processes for large files (`copy_work`: while the file is plain, with no quote
   character, a worker takes a block of whole lines as bytes and splits it itself, so that the parent process only
   reads the file and feeds COPY); elsewhere in batches (`executemany`). The household values of a row are staged
   with their signature (`household_signature`, a short digest), by which the rows of one No. KK are compared.
   Rejections go to `ImportRejection` between COPY statements / batches. The run record and its rejections are
   written outside the data transaction, so they survive a failure.
3. **Match**, set-based on the staging table: the same NIK on two rows of the file (all those rows rejected), a NIK
   or a No. KK already registered outside the actor's areas, a NIK of a deleted or merged person, then household
   fields that differ between the rows (still taken) of one No. KK (all rows of that KK rejected). The last check
   keeps each No. KK with the row its household values come from (`Stage.households`): the writers' households.
4. **Write**, all of it in one `transaction.atomic`: households by live No. KK (a new KK is a new household with
   its first KkHistory entry), people by NIK (upsert; changed fields only; moved to the row's household when its
   KK differs). On PostgreSQL set-based SQL from the staging table (`SqlWriter`: one INSERT ... SELECT or
   UPDATE ... FROM per table, new people straight from the staging table; new households numbered in No. KK order,
   new people inserted in NIK order so that the indexes grow at their ends, or as a bulk load, see Speed;
   `synchronous_commit` off for this transaction only);
   elsewhere the ORM in batches (`OrmWriter`): `bulk_create`, `bulk_update`. A dry run stops before writing and
   reports what would happen.
   Audit: one `registry.import` event per run with the totals; one `household.update` / `person.update` event per
   updated record with before and after (bulk inserted); created records are covered by the run's event.

Decisions:
- **Columns.** Required: kode_desa, no_kk, nik, nama, tanggal_lahir, jenis_kelamin, hubungan_keluarga. The others
  are optional: a column that is absent leaves that field as it is on existing records (a new record gets it
  blank); a column that is present with an empty cell sets the field blank. penghasilan_bulanan and
  kebutuhan_dasar_bulanan come together (the poverty class is computed from both). Missing required columns or a
  duplicate header refuse the whole file; unknown columns are kept nowhere and named once in the run's messages.
- **Formula cells.** A cell that starts with "=" is a spreadsheet formula (or a formula-injection attempt): the row
  is rejected (`sel_formula`) and the message asks for the value instead; nothing is ever evaluated. Cells that
  start with + - @ are ordinary text (or numbers) and are stored as text; the rejection report escapes any cell that
  starts with = + - @ so that it opens safely in a spreadsheet.
- **Same NIK twice** in one file: every row with that NIK is rejected (`nik_ganda_dalam_berkas`), even when the
  rows are identical, because the file does not say which is right.
- **Household fields differ** between the rows of one No. KK (desa, address, desil, PKH, income...): every row of
  that KK is rejected (`kk_tidak_konsisten`) naming the columns that differ; nothing is guessed.
- **Blank rows** are skipped and counted in the messages; they are not "read".
- Rows are numbered as a spreadsheet user sees them: the header is row 1, the first data row is row 2.
- **Speed** (issue 3; figures in bench/RESULTS.md, "Registry import"). Most of a large import's time is
  PostgreSQL's: inserting into the indexed person and household tables and checking the foreign keys of every new
  row (deferred to COMMIT). An import that adds many people (at least IMPORT_BULK_MIN_ROWS, 50,000, and at least
  half as many as are registered) is written as a bulk load (`BulkLoad`): the registry tables are locked for the
  write (registry pages wait, about 8 s for a million new people), their secondary indexes and the foreign keys
  between them are dropped and built again before COMMIT, all in the one transaction. Smaller imports keep the
  indexes and lock nothing beyond their rows. The session runs without JIT and with IMPORT_WORK_MEM (256 MB) for
  its sorts while the run lasts. What else a million rows taught (each measured on them): new people go into the
  person table straight from the staging table (a work table of every row cost 1.5 s more); each household is
  taken from one row of its No. KK, found by the consistency check (the least of every household column over
  all rows cost 1 s more); the rows of a No. KK are compared by a short digest of their household values, not by
  the values (100 bytes less to stage per row); while the file is plain the worker processes split its lines
  themselves. Unchanged rows are counted, not copied into the writer's work table. A NUL character in a cell that
  RowChecker takes still stops the import on PostgreSQL (text cannot hold it), as before.
  Tried and left: checking the canonical forms set-based in SQL on a raw text copy of the file (about 20 µs a row in
  PostgreSQL, more than the Python fast path costs, and on the database's one core); dropping the household's
  foreign key to its desa in a bulk load (PostgreSQL would lock the areas table, which every page reads, so its
  300,000 checks, about 1 s, stay); 1 GB of temp_buffers so that the staging table stays in memory, MIN(... COLLATE
  "C") for the household aggregates, parallel query on an unlogged staging table (no gain, or slower).
"""

import codecs
import csv
import datetime
import functools
import hashlib
import io
import itertools
import logging
import operator
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel, covers
from pendamping.core.audit import audit_record, changes_between, json_value
from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from pendamping.core.scoping import get_in_scope_or_404, scope_codes, scoped

from . import counts, poverty, rules
from . import nik as nik_rules
from .models import (
    Household,
    ImportPhase,
    ImportRejection,
    ImportRun,
    ImportStatus,
    KkHistory,
    Person,
)
from .nik import Problem, kecamatan_code_of
from .services import _clean_household_values, _clean_person_values
from .text import normalize_name
from .vocab import Education, KkChangeReason, MaritalStatus, PkhStatus, PovertyClass, Relation, Sex

CAPABILITY = "registry.import"
logger = logging.getLogger(__name__)

# --- columns ---------------------------------------------------------------------------------------------------
COLUMNS = (
    "id_dtks",
    "kode_desa",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "no_kk",
    "nik",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan_keluarga",
    "status_kawin",
    "pendidikan",
    "pekerjaan",
    "desil",
    "status_pkh",
    "penghasilan_bulanan",
    "kebutuhan_dasar_bulanan",
)
REQUIRED = ("kode_desa", "no_kk", "nik", "nama", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga")
TOGETHER = (("penghasilan_bulanan", "kebutuhan_dasar_bulanan"),)

# household columns → (Household field, staging column); person columns likewise
HOUSEHOLD_COLUMNS = {
    "kode_desa": ("desa", "desa_code"),
    "alamat": ("alamat", "alamat"),
    "dusun": ("dusun", "dusun"),
    "rt": ("rt", "rt"),
    "rw": ("rw", "rw"),
    "id_dtks": ("id_dtks", "id_dtks"),
    "desil": ("desil", "desil"),
    "status_pkh": ("pkh_status", "pkh_status"),
    "penghasilan_bulanan": ("monthly_income", "monthly_income"),
    "kebutuhan_dasar_bulanan": ("basic_needs_cost", "basic_needs_cost"),
}
PERSON_COLUMNS = {
    "nama": ("name", "name"),
    "tempat_lahir": ("birth_place", "birth_place"),
    "tanggal_lahir": ("birth_date", "birth_date"),
    "jenis_kelamin": ("sex", "sex"),
    "hubungan_keluarga": ("relation", "relation"),
    "status_kawin": ("marital_status", "marital_status"),
    "pendidikan": ("education", "education"),
    "pekerjaan": ("occupation", "occupation"),
}
# the field names of rules.py (and the services) → the column a user sees in the file
FIELD_COLUMN = {
    "no_kk": "no_kk",
    "desa_code": "kode_desa",
    "rt": "rt",
    "rw": "rw",
    "desil": "desil",
    "pkh_status": "status_pkh",
    "monthly_income": "penghasilan_bulanan",
    "basic_needs_cost": "kebutuhan_dasar_bulanan",
    "nik": "nik",
    "name": "nama",
    "sex": "jenis_kelamin",
    "birth_date": "tanggal_lahir",
    "relation": "hubungan_keluarga",
    "marital_status": "status_kawin",
    "education": "pendidikan",
}
# free-text columns with the length their field allows (nama: rules.nama_terlalu_panjang)
TEXT_LIMITS = {"alamat": 200, "dusun": 100, "id_dtks": 50, "tempat_lahir": 100, "pekerjaan": 100}

# Reason codes of this module; the others come from rules.py and nik.py (the same codes as the forms).
IMPORT_CODES = {
    "tanggal_tidak_terbaca": "tanggal tidak dalam bentuk YYYY-MM-DD atau DD-MM-YYYY",
    "angka_tidak_terbaca": "angka (desil, Rupiah) tidak terbaca sebagai bilangan bulat",
    "nik_ganda_dalam_berkas": "NIK yang sama pada lebih dari satu baris berkas: semua baris itu ditolak",
    "kk_tidak_konsisten": "data keluarga berbeda antarbaris No. KK yang sama: semua baris KK itu ditolak",
    "di_luar_wilayah": "desa, NIK atau No. KK di luar wilayah pengimpor",
    "nik_terhapus": "NIK milik data yang sudah dihapus atau digabungkan",
    "teks_terlalu_panjang": "teks lebih panjang dari yang dapat disimpan kolom itu",
    "kolom_berlebih": "baris memiliki lebih banyak sel daripada kolom judul",
    "baris_terlalu_panjang": "sel CSV melebihi batas panjang (atau tanda kutip tidak ditutup)",
    "sel_formula": "sel berisi rumus spreadsheet (diawali '='), bukan nilai",
    "karakter_nul": "sel berisi karakter NUL (berkas rusak atau bukan teks)",
}

# The staging table: one row per data row of the file (rejected rows keep only row_no and nik, for the NIK check).
STAGE = "pendamping_import_rows"
STAGE_REJECTED = "pendamping_import_rejected"
STAGE_KK = "pendamping_import_kk"  # each No. KK of the rows taken: its signature(s) and the row its values come from
STAGE_COLUMNS = (
    ("row_no", "integer NOT NULL"),
    ("ok", "boolean NOT NULL"),
    ("nik", "text"),
    ("no_kk", "text"),
    ("hh_sig", "text"),
    ("desa_code", "text"),
    ("alamat", "text"),
    ("dusun", "text"),
    ("rt", "text"),
    ("rw", "text"),
    ("id_dtks", "text"),
    ("desil", "integer"),
    ("pkh_status", "text"),
    ("monthly_income", "bigint"),
    ("basic_needs_cost", "bigint"),
    ("poverty_class", "text"),
    ("name", "text"),
    ("name_normalized", "text"),
    ("sex", "text"),
    ("birth_place", "text"),
    ("birth_date", "date"),
    ("relation", "text"),
    ("marital_status", "text"),
    ("education", "text"),
    ("occupation", "text"),
)
STAGE_NAMES = tuple(name for name, _type in STAGE_COLUMNS)
HH_STAGE = (
    "desa_code",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "id_dtks",
    "desil",
    "pkh_status",
    "monthly_income",
    "basic_needs_cost",
    "poverty_class",
)
PERSON_STAGE = (
    "name",
    "name_normalized",
    "sex",
    "birth_place",
    "birth_date",
    "relation",
    "marital_status",
    "education",
    "occupation",
)
WARNING_LIMIT = 10_000
CSV_FIELD_LIMIT = csv.field_size_limit()
XLSX_SIGNATURE = b"PK\x03\x04"


def policy(name: str, default: Any) -> Any:
    return settings.PENDAMPING.get(name, default)


class ImportRefused(Exception):
    """The whole file is refused (unreadable, missing or duplicate columns); nothing is written."""


# --- reading values ----------------------------------------------------------------------------------------------
BAD = object()  # a value that could not be read
_PLAIN_INT = re.compile(r"^-?\d+$")
_GROUPED_INT = re.compile(r"^-?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")


def cell_text(value) -> str:
    """A cell as text: strings stripped, whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def parse_int(value):
    """A whole number from a cell: 3, "3", "1.250.000", "Rp1.250.000", 1250000.0; None when empty; BAD otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return BAD
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else BAD
    text = str(value).strip()
    if text[:2].lower() == "rp":
        text = text[2:].strip()
    text = text.replace(" ", "")
    if _PLAIN_INT.match(text):
        return int(text)
    if _GROUPED_INT.match(text):
        return int(text.replace(".", "").replace(",", ""))
    return BAD


@functools.lru_cache(maxsize=65536)
def _parse_date_text(text: str):
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DMY_DATE.match(text)
        if not match:
            return BAD
        day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return BAD


def parse_date(value):
    """YYYY-MM-DD or DD-MM-YYYY (also with "/"), or a spreadsheet date; None when empty; BAD otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return BAD
    return _parse_date_text(value.strip())


def _key(text: str) -> str:
    return re.sub(r"[\s_/\-.]+", "_", text.strip().lower()).strip("_")


EXTRA_ALIASES = {
    "sex": {"laki": "L", "lk": "L", "pria": "L", "pr": "P", "wanita": "P"},
    "relation": {"suami": "suami_istri", "istri": "suami_istri", "kk": "kepala_keluarga", "kepala": "kepala_keluarga"},
    "education": {
        "sltp": "smp",
        "slta": "sma",
        "smk": "sma",
        "d1": "diploma",
        "d2": "diploma",
        "d3": "diploma",
        "d4": "s1",
        "s2": "s2_s3",
        "s3": "s2_s3",
        "belum_sekolah": "tidak_sekolah",
        "tidak_belum_sekolah": "tidak_sekolah",
    },
    "pkh_status": {"bukan": "", "tidak": "", "bukan_pkh": ""},
}
VOCABS = {
    "sex": Sex,
    "relation": Relation,
    "marital_status": MaritalStatus,
    "education": Education,
    "pkh_status": PkhStatus,
}


@functools.cache
def _vocab_table(name: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in VOCABS[name].choices:
        texts = {value, str(label)}
        for language in (None, "id", "en"):
            with translation.override(language):
                texts.add(str(label))
        for text in texts:
            if text or value == "":
                table[_key(text)] = value
    table.update(EXTRA_ALIASES.get(name, {}))
    return table


@functools.lru_cache(maxsize=4096)
def vocab_value(name: str, text: str) -> str:
    """The stored value of a fixed-list cell, matched by value or label, case- and spacing-insensitively.

    An unknown text is returned as it is, so that rules.py refuses it with its own reason code."""
    if not text:
        return ""
    return _vocab_table(name).get(_key(text), text)


# --- the file ----------------------------------------------------------------------------------------------------
@dataclass
class FileFacts:
    sha256: str
    size: int
    file_format: str  # csv or xlsx
    encoding: str = ""
    lines: int = 0


def inspect_file(path: Path) -> FileFacts:
    """One streaming pass: the hash, the size, the format, and for CSV the encoding and the number of lines."""
    digest = hashlib.sha256()
    size = lines = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    cp1252 = True
    head = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            if not head:
                head = chunk[:4]
            digest.update(chunk)
            size += len(chunk)
            if head == XLSX_SIGNATURE:
                continue
            lines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if cp1252 and any(byte in chunk for byte in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")):
                cp1252 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    if head == XLSX_SIGNATURE:
        return FileFacts(digest.hexdigest(), size, "xlsx")
    encoding = "utf-8-sig" if utf8 else ("cp1252" if cp1252 else "latin-1")
    return FileFacts(digest.hexdigest(), size, "csv", encoding=encoding, lines=lines)


ENCODING_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}


class Source:
    """The rows of a file: `header` (the cells of row 1), then `rows()` yielding (row number, cells or None, error)."""

    def __init__(self, path: Path, run: ImportRun):
        self.path = path
        self.run = run
        self.header: list = []
        self.description = ""
        self.expected: int | None = None
        self._close: list[Callable] = []

    def __enter__(self):
        if self.run.file_format == "xlsx":
            self._open_xlsx()
        else:
            self._open_csv()
        return self

    def __exit__(self, *exc):
        for close in self._close:
            close()

    def _open_csv(self):
        handle = open(self.path, "rb")  # noqa: SIM115 -- closed in __exit__
        self._close.append(handle.close)
        text = io.TextIOWrapper(handle, encoding=self.run.encoding or "utf-8-sig", newline="")
        first = text.readline()
        if not first.strip():
            raise ImportRefused("Berkas kosong: baris pertama harus berisi judul kolom.")
        unquoted = re.sub(r'"[^"]*"', "", first)
        delimiter = ";" if unquoted.count(";") > unquoted.count(",") else ","
        self.lines = itertools.chain([first], text)
        self.delimiter = delimiter
        self.reader = csv.reader(self.lines, delimiter=delimiter)
        self.header = next(self.reader)
        self.description = (
            f"Berkas CSV, pemisah '{delimiter}', pengodean {ENCODING_NAMES.get(self.run.encoding, self.run.encoding)}."
        )
        self.expected = max(0, (self.run.rows_expected or 0)) or None
        self._rows = self._csv_rows

    def _csv_rows(self) -> Iterator[tuple[int, list | None, str]]:
        number = 1
        while True:
            number += 1
            try:
                cells = next(self.reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "field limit" in str(error):
                    yield number, None, "baris_terlalu_panjang"
                    continue
                raise ImportRefused(f"Berkas CSV rusak di sekitar baris {number}: {error}") from None
            yield number, cells, ""

    def copy_items(self, rows: int) -> Iterator[tuple]:
        """The data rows of a CSV file as work for `copy_work`, about `rows` rows an item, in file order.

        While the file is plain (no quote character, no line break but LF or CR LF) an item is ("block", first row
        number, the bytes of whole lines, encoding): the worker process decodes and splits them, so this process
        only reads. From the first block that is not plain to the end, an item is ("rows", rows of plain_lines):
        a quoted record may span lines, and only csv's reader, in file order, can tell."""
        handle = open(self.path, "rb")  # noqa: SIM115 -- closed in __exit__
        self._close.append(handle.close)
        header = handle.readline()
        if b"\r" in header.rstrip(b"\r\n"):  # a lone CR breaks lines for the text reader: not plain from the start
            yield from self._row_items(self.plain_lines(), rows)
            return
        encoding = "utf-8" if self.run.encoding == "utf-8-sig" else (self.run.encoding or "utf-8")
        size = rows * 256  # bytes: a little more than a row of the canonical columns takes
        number, rest = 2, b""
        while True:
            data = handle.read(size)
            block = rest + data
            if not data:
                rest = b""
            else:
                end = block.rfind(b"\n") + 1
                if not end:
                    rest = block
                    continue
                block, rest = block[:end], block[end:]
            if not block:
                return
            if b'"' in block or (b"\r" in block and block.count(b"\r") != block.count(b"\r\n")):
                handle.seek(-len(block) - len(rest), io.SEEK_CUR)
                text = io.TextIOWrapper(handle, encoding=encoding, newline="")
                yield from self._row_items(self.plain_lines(text, number - 1), rows)
                return
            yield ("block", number, block, encoding)
            number += block.count(b"\n")  # whole lines (only the last block may end without a line break)

    def _row_items(self, lines: Iterator[tuple], rows: int) -> Iterator[tuple]:
        for chunk in _chunks(lines, rows):
            yield ("rows", chunk)

    def plain_lines(self, lines: Iterator[str] | None = None, number: int = 1):
        """The data rows of a CSV file as (row number, line, cells, error): a line without quotes (nor a field over
        csv's limit) comes as it is, for the caller to split; any other record comes parsed by the csv module, as
        rows() gives it (a quoted record may span lines). From the lines after the header, or `lines`, whose first
        is row `number` + 1."""
        feed = _Pushback(self.lines if lines is None else lines)
        reader = csv.reader(feed, delimiter=self.delimiter)
        limit = CSV_FIELD_LIMIT
        for line in feed:
            number += 1
            if '"' not in line and len(line) < limit:
                yield number, line, None, ""
                continue
            feed.back = line
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "field limit" in str(error):
                    yield number, None, None, "baris_terlalu_panjang"
                    continue
                raise ImportRefused(f"Berkas CSV rusak di sekitar baris {number}: {error}") from None
            yield number, None, cells, ""

    def _open_xlsx(self):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=False)
        except Exception as error:  # a broken zip or a file that is not a workbook
            raise ImportRefused(f"Berkas XLSX tidak dapat dibaca: {error}") from None
        self._close.append(workbook.close)
        if not workbook.worksheets:
            raise ImportRefused("Berkas XLSX tidak memiliki lembar kerja.")
        sheet = workbook.worksheets[0]
        self.rows_iter = sheet.iter_rows(min_row=1, values_only=True)
        self.header = list(next(self.rows_iter, None) or [])
        if not any(cell_text(cell) for cell in self.header):
            raise ImportRefused("Lembar pertama kosong: baris pertama harus berisi judul kolom.")
        self.description = f"Berkas XLSX, lembar pertama ({sheet.title})."
        self.expected = (sheet.max_row - 1) if sheet.max_row else None
        self._rows = self._xlsx_rows

    def _xlsx_rows(self) -> Iterator[tuple[int, list | None, str]]:
        for number, cells in enumerate(self.rows_iter, start=2):
            yield number, list(cells), ""

    def rows(self):
        return self._rows()


class _Pushback:
    """An iterator of lines that can be given back one line, for the csv reader to start its record with."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.back: str | None = None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.back is not None:
            line, self.back = self.back, None
            return line
        return next(self.lines)


@dataclass
class Header:
    index: dict[str, int]  # canonical column → position in the row
    unknown: list[str]
    width: int

    @property
    def given(self) -> set[str]:
        return set(self.index)


def read_header(cells: list) -> Header:
    names = [cell_text(cell).lower() for cell in cells]
    seen: dict[str, int] = {}
    duplicates = []
    for position, name in enumerate(names):
        if not name:
            continue
        if name in seen:
            duplicates.append(name)
        seen.setdefault(name, position)
    if duplicates:
        raise ImportRefused(
            "Judul kolom ganda: " + ", ".join(sorted(set(duplicates))) + ". Setiap kolom hanya boleh muncul sekali."
        )
    missing = [column for column in REQUIRED if column not in seen]
    for pair in TOGETHER:
        present = [column for column in pair if column in seen]
        if present and len(present) < len(pair):
            missing += [f"{column} (harus ada bersama {present[0]})" for column in pair if column not in seen]
    if missing:
        raise ImportRefused("Kolom wajib tidak ada: " + ", ".join(missing) + ". Tidak ada data yang diimpor.")
    index = {name: position for name, position in seen.items() if name in COLUMNS}
    unknown = [name for name in seen if name not in COLUMNS]
    return Header(index=index, unknown=unknown, width=len(names))


# --- checking rows -----------------------------------------------------------------------------------------------
@dataclass
class RowResult:
    stage: tuple
    problems: list[tuple[str, Problem]]
    warnings: list[tuple[str, Problem]] = field(default_factory=list)


class RowChecker:
    """Turns the cells of one row into staged values, or into problems, with the rules the forms use."""

    def __init__(self, header: Header, *, actor_codes: list[str] | None, today: datetime.date):
        self.header = header
        self.today = today
        self.actor_codes = actor_codes
        self.desa_codes = frozenset(Area.objects.filter(level=AreaLevel.DESA).values_list("code", flat=True))
        self.kecamatan_codes = frozenset(Area.objects.filter(level=AreaLevel.KECAMATAN).values_list("code", flat=True))
        self.in_scope: dict[str, bool] = {}
        self.width = header.width
        # the position of each column; an absent column reads the empty cell appended after the last column
        self.at = {column: header.index.get(column, self.width) for column in COLUMNS}
        self.known = [(column, header.index[column]) for column in COLUMNS if column in header.index]
        self.limited = [
            (column, header.index[column], TEXT_LIMITS[column]) for column in TEXT_LIMITS if column in header.index
        ]
        self.shortest_limit = min(TEXT_LIMITS.values())
        self.hh_positions = [self.at[column] for column in (*HOUSEHOLD_COLUMNS, "no_kk")]
        self.has_income = "penghasilan_bulanan" in header.index
        self._last_hh_key: tuple | None = None
        self._last_hh: tuple = ()

    def covers(self, desa_code: str) -> bool:
        if self.actor_codes is None:
            return True
        known = self.in_scope.get(desa_code)
        if known is None:
            known = any(covers(code, desa_code) for code in self.actor_codes)
            self.in_scope[desa_code] = known
        return known

    def check(self, cells: list) -> RowResult:
        width = self.width
        problems: list[tuple[str, Problem]] = []
        if len(cells) > width:
            extra = [cell for cell in cells[width:] if cell_text(cell)]
            if extra:
                problems.append(
                    (
                        "",
                        Problem(
                            "kolom_berlebih",
                            f"Baris memiliki {width + len(extra)} sel berisi, lebih banyak dari {width} kolom judul; "
                            "mungkin ada pemisah di dalam teks tanpa tanda kutip",
                        ),
                    )
                )
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        else:
            cells = list(cells)
        cells.append(None)  # the cell that absent columns read
        texts = all(type(cell) is str for cell in cells[:-1])
        joined = "\x00".join(cells[:-1]) if texts else None
        if joined is None or "=" in joined:
            problems += self._formulas(cells)
        problems += self._nul(cells)
        if joined is None or max(map(len, cells[:-1]), default=0) > self.shortest_limit:
            problems += self._lengths(cells)
        hh_key = tuple([cells[position] for position in self.hh_positions])
        if hh_key != self._last_hh_key:
            self._last_hh_key, self._last_hh = hh_key, self._household(cells)
        no_kk, hh_stage, hh_problems, hh_warnings = self._last_hh
        nik, person_stage, person_problems, person_warnings = self._person(cells)
        if hh_problems or person_problems:
            problems += hh_problems + person_problems
        if problems:
            if type(nik) is str and "\x00" in nik:  # a rejected row still stages its NIK: PostgreSQL refuses NUL
                nik = nik.replace("\x00", "")
            return RowResult((False, nik), problems)
        return RowResult((True, nik, no_kk, *hh_stage, *person_stage), problems, hh_warnings + person_warnings)

    def _formulas(self, cells: list) -> list:
        problems = []
        for column, position in self.known:
            value = cells[position]
            if isinstance(value, str) and value.strip().startswith("="):
                value = value.strip()
                shown = value if len(value) <= 40 else value[:40] + "…"
                problems.append(
                    (
                        column,
                        Problem(
                            "sel_formula",
                            f"Kolom {column} berisi rumus {shown!r}; isi dengan nilainya (tempel sebagai nilai)",
                        ),
                    )
                )
        return problems

    def _nul(self, cells: list) -> list:
        """A NUL character cannot be stored (PostgreSQL text refuses it): the row is rejected naming the column."""
        return [
            (column, Problem("karakter_nul", f"Kolom {column} berisi karakter NUL; simpan ulang berkas sebagai teks"))
            for column, position in self.known
            if isinstance(cells[position], str) and "\x00" in cells[position]
        ]

    def _lengths(self, cells: list) -> list:
        problems = []
        for column, position, limit in self.limited:
            length = len(cell_text(cells[position]))
            if length > limit:
                problems.append(
                    (
                        column,
                        Problem(
                            "teks_terlalu_panjang", f"Kolom {column} berisi {length} karakter, paling banyak {limit}"
                        ),
                    )
                )
        return problems

    def _household(self, cells: list):
        problems: list[tuple[str, Problem]] = []
        at = self.at
        raw = {
            "no_kk": cell_text(cells[at["no_kk"]]),
            "desa_code": cell_text(cells[at["kode_desa"]]),
            "alamat": cell_text(cells[at["alamat"]]),
            "dusun": cell_text(cells[at["dusun"]]),
            "rt": cell_text(cells[at["rt"]]),
            "rw": cell_text(cells[at["rw"]]),
            "id_dtks": cell_text(cells[at["id_dtks"]]),
            "pkh_status": vocab_value("pkh_status", cell_text(cells[at["status_pkh"]])),
        }
        for column, name in (
            ("desil", "desil"),
            ("penghasilan_bulanan", "monthly_income"),
            ("kebutuhan_dasar_bulanan", "basic_needs_cost"),
        ):
            number = parse_int(cells[at[column]])
            if number is BAD:
                problems.append(
                    (
                        column,
                        Problem(
                            "angka_tidak_terbaca",
                            f"Kolom {column}: {cell_text(cells[at[column]])!r} bukan bilangan bulat",
                        ),
                    )
                )
                number = None
            raw[name] = number
        values = _clean_household_values(raw)
        rule_problems = rules.household_problems(values, desa_known=self.desa_codes.__contains__)
        problems += [(FIELD_COLUMN.get(name, name), problem) for name, problem in rule_problems]
        desa = values["desa_code"]
        if desa in self.desa_codes and not self.covers(desa):
            problems.append(
                ("kode_desa", Problem("di_luar_wilayah", f"Desa {desa} di luar wilayah Anda; baris tidak diimpor"))
            )
        warnings = []
        if kecamatan_code_of(values["no_kk"]) not in self.kecamatan_codes:  # rare: only then ask for the warning
            kk = rules.nik_rules.check_kk(values["no_kk"], kecamatan_known=self.kecamatan_codes.__contains__)
            warnings = [("no_kk", warning) for warning in kk.warnings]
        poverty_class = ""
        if self.has_income:
            poverty_class = str(
                poverty.classify_by_need(values["monthly_income"], values["basic_needs_cost"]).poverty_class
            )
        stage = (
            desa,
            values["alamat"],
            values["dusun"],
            values["rt"],
            values["rw"],
            values["id_dtks"],
            values["desil"],
            values["pkh_status"],
            values["monthly_income"],
            values["basic_needs_cost"],
            poverty_class,
        )
        return values["no_kk"], (household_signature(stage), *stage), problems, warnings

    def _person(self, cells: list):
        problems: list[tuple[str, Problem]] = []
        at = self.at
        raw_date = cells[at["tanggal_lahir"]]
        birth_date = parse_date(raw_date)
        if birth_date is BAD:
            problems.append(
                (
                    "tanggal_lahir",
                    Problem(
                        "tanggal_tidak_terbaca",
                        f"Tanggal lahir {cell_text(raw_date)!r} tidak terbaca; tulis YYYY-MM-DD atau DD-MM-YYYY",
                    ),
                )
            )
            birth_date = None
        raw_nik = cells[at["nik"]]
        values = _clean_person_values(
            {
                "nik": raw_nik if isinstance(raw_nik, str) else cell_text(raw_nik),
                "name": cell_text(cells[at["nama"]]),
                "birth_place": cell_text(cells[at["tempat_lahir"]]),
                "occupation": cell_text(cells[at["pekerjaan"]]),
                "sex": vocab_value("sex", cell_text(cells[at["jenis_kelamin"]])),
                "relation": vocab_value("relation", cell_text(cells[at["hubungan_keluarga"]])),
                "marital_status": vocab_value("marital_status", cell_text(cells[at["status_kawin"]])),
                "education": vocab_value("education", cell_text(cells[at["pendidikan"]])),
                "birth_date": birth_date,
            }
        )
        errors, warnings = rules.person_problems(
            values, kecamatan_known=self.kecamatan_codes.__contains__, today=self.today
        )
        for name, problem in errors:
            if problem.code == "tanggal_lahir_kosong" and problems:
                continue  # already said: the date is there but unreadable
            problems.append((FIELD_COLUMN.get(name, name), problem))
        stage = (
            values["name"],
            "" if problems else normalized_name(values["name"]),
            values["sex"],
            values["birth_place"],
            values["birth_date"],
            values["relation"],
            values["marital_status"],
            values["education"],
            values["occupation"],
        )
        return values["nik"], stage, problems, [("nik", warning) for _name, warning in warnings]


def household_signature(stage: tuple) -> str:
    """The household values of a staged row (desa to poverty class) in 24 hex characters, for the staging table:
    the rows of one No. KK agree when their signatures do. A 96-bit digest (two different households of one KK
    agreeing by chance is out of reach of any file) keeps each staged row short, where the values themselves would
    add about 100 bytes to every row."""
    joined = "\x1f".join("" if value is None else str(value) for value in stage)
    return hashlib.blake2b(joined.encode(), digest_size=12).hexdigest()


@functools.lru_cache(maxsize=65536)
def normalized_name(name: str) -> str:
    """text.normalize_name, remembered for the names that repeat (most do, in a registry)."""
    return normalize_name(name)


PARALLEL_CHUNK = 2000  # rows per chunk given to a worker process (and per write to an open COPY)
_WORKER_CHECKER: RowChecker | None = None


_WORKER_FAST: "FastPath | None" = None


def _check_chunk(chunk: list[tuple[int, list]]) -> list[tuple[int, RowResult]]:
    """In a worker process: check a chunk of rows with the checker the parent made before the fork."""
    checker, fast = _WORKER_CHECKER, _WORKER_FAST
    return [(number, check_row(fast, checker, cells)) for number, cells in chunk]


def check_row(fast: "FastPath | None", checker: RowChecker, cells: list) -> RowResult:
    """RowChecker.check, with FastPath first (given only for the text cells of a CSV file)."""
    if fast is not None and len(cells) == fast.width:
        cells.append("")  # the cell that absent columns read
        staged = fast.stage(cells)
        cells.pop()
        if staged is not None:
            return RowResult(staged, [])
    return checker.check(cells)


# --- the fast path -----------------------------------------------------------------------------------------------
COPY_ROWS = 50_000  # rows per COPY statement into the staging table (rejections and progress are saved between)
SIMPLE_NAME = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")  # a name that normalize_name only lowers
_DIGITS16 = re.compile(r"[0-9]{16}").fullmatch
_RT = re.compile(r"[0-9]{0,3}").fullmatch
_RUPIAH = re.compile(r"[0-9]{0,12}").fullmatch
_FAST_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{2})-([0-9]{2})-([0-9]{4})").fullmatch
_DESIL = {"": None, **{str(n): n for n in range(1, 11)}}
MAN, WOMAN = Sex.LAKI_LAKI.value, Sex.PEREMPUAN.value


def fast_values(name: str) -> frozenset[str]:
    """The stored values of a fixed list that a cell may hold as they are: vocab_value keeps them and rules.py
    takes them (the relation is required, so not the empty value). Derived from vocab.py, never written twice."""
    values = rules.VALUES[VOCABS[name]]
    return frozenset(v for v in values if vocab_value(name, v) == v and (v or name != "relation"))


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class FastPath:
    """A row in its plainest form, staged without RowChecker (issue 3, Scale).

    `stage(cells)` returns the staged tuple (as RowResult.stage) of a row whose every value is already in its
    canonical form: 16 digits for NIK and No. KK with a known kecamatan prefix and a serial other than 0000, a
    birth date written YYYY-MM-DD or DD-MM-YYYY that is the one the NIK gives (sex too), a desa of the actor's
    areas, a stored value of each fixed list, plain digits for numbers, a name of ASCII letters and single
    spaces, free text within its length and not a formula. For any other row it returns None, and RowChecker
    checks it with nik.py and rules.py: they alone decide what is wrong and say so. The fast path can only say
    "plainly valid"; a row it is unsure of costs time, never a wrong verdict. tests/registry/test_import_fast.py
    checks on random rows near every rule's edges that a row it stages is one RowChecker takes, without a problem
    or a warning, staged with the same values."""

    def __init__(self, header: Header, checker: RowChecker, delimiter: str = ";"):
        at = header.index
        self.width = header.width
        self.delimiter = delimiter
        self.today = checker.today
        self.oldest_year = checker.today.year - nik_rules.MAX_AGE + 1  # well inside 0-110 years: the edge is Python's
        self.kecamatan = frozenset(
            code.replace(".", "") for code in checker.kecamatan_codes if re.fullmatch(r"\d\d\.\d\d\.\d\d", code)
        )
        self.desa = frozenset(code for code in checker.desa_codes if checker.covers(code))
        self.values = {name: fast_values(name) for name in VOCABS}
        self.has_income = "penghasilan_bulanan" in at
        self.fakir = int(poverty.policy("POVERTY_FAKIR_BELOW_PERCENT"))
        self.miskin = int(poverty.policy("POVERTY_MISKIN_UP_TO_PERCENT"))
        absent = self.width  # the position of an absent column: stage() appends one empty cell there
        self.at = {column: at.get(column, absent) for column in COLUMNS}
        self.free = [(self.at[column], limit) for column, limit in TEXT_LIMITS.items()]
        self._hh_cells = operator.itemgetter(*[self.at[column] for column in (*HOUSEHOLD_COLUMNS, "no_kk")])
        person = ("nik", "jenis_kelamin", "tanggal_lahir", "nama", "hubungan_keluarga", "status_kawin", "pendidikan")
        self._person_cells = operator.itemgetter(
            *[self.at[column] for column in (*person, "tempat_lahir", "pekerjaan")]
        )
        self.dates: dict[str, tuple | None] = {}
        self._hh_key: tuple | None = None
        self._hh: tuple | None = None

    def _date(self, text: str):
        """A birth date cell in a plain form within the ages the fast path takes, as (the six digits a man's NIK
        holds for it, a woman's, date, ISO text), or None."""
        match = _FAST_DATE(text)
        if match is None:
            return None
        year, month, day, day2, month2, year2 = match.groups()
        if year is None:
            year, month, day = year2, month2, day2
        try:
            born = datetime.date(int(year), int(month), int(day))
        except ValueError:
            return None
        if born.year < self.oldest_year or born >= self.today:
            return None
        tail = f"{born.month:02d}{born.year % 100:02d}"
        return f"{born.day:02d}{tail}", f"{born.day + 40:02d}{tail}", born, born.isoformat()

    def _household(self, cells: list) -> tuple | None:
        at = self.at
        no_kk = cells[at["no_kk"]]
        if _DIGITS16(no_kk) is None or no_kk[12:] == "0000" or no_kk[:6] not in self.kecamatan:
            return None
        desa = cells[at["kode_desa"]]
        if desa not in self.desa:
            return None
        rt, rw = cells[at["rt"]], cells[at["rw"]]
        if _RT(rt) is None or _RT(rw) is None:
            return None
        desil = _DESIL.get(cells[at["desil"]], BAD)
        pkh = cells[at["status_pkh"]]
        income, needs = cells[at["penghasilan_bulanan"]], cells[at["kebutuhan_dasar_bulanan"]]
        if desil is BAD or pkh not in self.values["pkh_status"] or _RUPIAH(income) is None or _RUPIAH(needs) is None:
            return None
        texts = []
        for column in ("alamat", "dusun", "id_dtks"):
            text = cells[at[column]].strip()
            if len(text) > TEXT_LIMITS[column] or text[:1] == "=" or "\x00" in text:
                return None
            texts.append(text)
        income = int(income) if income else None
        needs = int(needs) if needs else None
        poverty_class = ""
        if self.has_income:
            if income is None or needs is None or needs <= 0:
                poverty_class = PovertyClass.BELUM_DINILAI.value
            elif income * 100 < needs * self.fakir:
                poverty_class = PovertyClass.FAKIR.value
            elif income * 100 <= needs * self.miskin:
                poverty_class = PovertyClass.MISKIN.value
            else:
                poverty_class = PovertyClass.TIDAK_MISKIN.value
        stage = (
            desa,
            texts[0],
            texts[1],
            rt.zfill(3) if rt else "",
            rw.zfill(3) if rw else "",
            texts[2],
            desil,
            pkh,
            income,
            needs,
            poverty_class,
        )
        signature = household_signature(stage)
        values = (no_kk, signature, *stage)
        if any("\\" in text or "\t" in text or "\n" in text or "\r" in text for text in texts):
            return values, "\t".join(_copy_text(value) for value in values)
        # nothing to escape (the usual case; the other values are digits and codes): COPY's text format directly
        none = "\\N"
        text = "\t".join(
            (
                no_kk,
                signature,
                *stage[:6],
                none if desil is None else str(desil),
                pkh,
                none if income is None else str(income),
                none if needs is None else str(needs),
                poverty_class,
            )
        )
        return values, text

    def stage(self, cells: list) -> tuple | None:
        """The staged tuple of a plainly valid row, or None. `cells` are the header's width and one empty cell."""
        checked = self._checked(cells)
        if checked is None:
            return None
        household, nik, name, sex, place, birth_date, _iso, relation, marital, education, occupation = checked
        return (
            True,
            nik,
            *household[0],
            name,
            name.lower(),
            sex,
            place,
            birth_date,
            relation,
            marital,
            education,
            occupation,
        )

    def line(self, number: int, cells: list) -> str | None:
        """stage() as a line of COPY's text format (with the row number first), or None. The cells must hold no
        backslash, tab or line break (the caller has seen the line they came from)."""
        checked = self._checked(cells)
        if checked is None:
            return None
        household, nik, name, sex, place, _date, iso, relation, marital, education, occupation = checked
        return (
            f"{number}\tt\t{nik}\t{household[1]}\t{name}\t{name.lower()}\t{sex}\t{place}\t{iso}\t{relation}\t"
            f"{marital}\t{education}\t{occupation}\n"
        )

    def _checked(self, cells: list) -> tuple | None:
        hh_key = self._hh_cells(cells)
        if hh_key != self._hh_key:
            self._hh_key, self._hh = hh_key, self._household(cells)
        household = self._hh
        if household is None:
            return None
        nik, sex, text, name, relation, marital, education, place, occupation = self._person_cells(cells)
        if _DIGITS16(nik) is None or nik[12:] == "0000" or nik[:6] not in self.kecamatan:
            return None
        born = self.dates.get(text, BAD)
        if born is BAD:
            born = self._date(text)
            if len(self.dates) < 100_000:  # birth dates repeat; the cache stays bounded whatever the file
                self.dates[text] = born
        if born is None:
            return None
        man, woman, birth_date, iso = born
        # the NIK's date (day + 40 for a woman) is this birth date, for this sex
        if nik[6:12] != (man if sex == MAN else woman if sex == WOMAN else None):
            return None
        values = self.values
        if (
            len(name) > 150
            or SIMPLE_NAME.fullmatch(name) is None
            or relation not in values["relation"]
            or marital not in values["marital_status"]
            or education not in values["education"]
        ):
            return None
        place, occupation = place.strip(), occupation.strip()
        if (
            len(place) > TEXT_LIMITS["tempat_lahir"]
            or len(occupation) > TEXT_LIMITS["pekerjaan"]
            or place[:1] == "="
            or occupation[:1] == "="
            or "\x00" in place
            or "\x00" in occupation
        ):
            return None
        return household, nik, name, sex, place, birth_date, iso, relation, marital, education, occupation


def unreadable_problem(code: str) -> Problem:
    limit = f"{CSV_FIELD_LIMIT:,}".replace(",", ".")
    message = f"Baris terlalu panjang: ada sel lebih dari {limit} karakter, atau tanda kutip yang tidak ditutup"
    return Problem(code, message)


CopyChunk = list[tuple[int, str | None, list | None, str]]  # rows as Source.plain_lines() gives them
_WORKER_COPY: tuple | None = None


def copy_lines(fast: FastPath, checker: RowChecker, chunk: CopyChunk) -> tuple[str, list, int, int]:
    """The staging rows of a chunk of the file in COPY's text format, with the problems (row, column, Problem,
    warning), the number of blank rows and the number of rows read. A plainly valid line is staged by FastPath,
    any other row by RowChecker."""
    width, delimiter = fast.width, fast.delimiter
    fast_line = fast.line
    out: list[str] = []
    problems: list[tuple] = []
    blank = taken = 0
    for number, line, cells, error in chunk:
        taken += 1
        if error:
            problems.append((number, "", unreadable_problem(error), False))
            out.append(f"{number}\tf" + "\t\\N" * (len(STAGE_COLUMNS) - 2) + "\n")
            continue
        if line is not None:
            cells = line.rstrip("\r\n").split(delimiter)
            if len(cells) == width and "\\" not in line and "\t" not in line:
                cells.append("")  # the cell that absent columns read
                text = fast_line(number, cells)
                cells.pop()
                if text is not None:
                    out.append(text)
                    continue
        if not any(cell_text(cell) for cell in cells):
            blank += 1
            taken -= 1
            continue
        result = checker.check(cells)
        problems += [(number, column, problem, False) for column, problem in result.problems]
        problems += [(number, column, problem, True) for column, problem in result.warnings]
        values = (number, *result.stage, *((None,) * len(STAGE_COLUMNS)))[: len(STAGE_COLUMNS)]
        out.append("\t".join(map(_copy_text, values)) + "\n")
    return "".join(out), problems, blank, taken


def copy_work(fast: FastPath, checker: RowChecker, work: tuple) -> tuple[bytes, list, int, int]:
    """copy_lines of an item of Source.copy_items, its text encoded for COPY. A block of plain lines is split here as
    plain_lines would: each line as it is, a line over csv's field limit parsed by the csv module."""
    chunk = work[1] if work[0] == "rows" else block_rows(*work[1:], delimiter=fast.delimiter)
    text, problems, blank, taken = copy_lines(fast, checker, chunk)
    return text.encode(), problems, blank, taken


def block_rows(first: int, block: bytes, encoding: str, *, delimiter: str) -> CopyChunk:
    """The rows of a block of plain lines (no quote, no lone CR) as plain_lines gives them: each line as it is, a
    line over csv's field limit parsed by the csv module (or rejected when a field is over it)."""
    rows, limit = [], CSV_FIELD_LIMIT
    for number, line in enumerate(io.StringIO(block.decode(encoding), newline=""), start=first):
        if len(line) < limit:
            rows.append((number, line, None, ""))
            continue
        try:
            rows.append((number, None, next(csv.reader([line], delimiter=delimiter)), ""))
        except csv.Error:  # without quotes, only a field over the limit
            rows.append((number, None, None, "baris_terlalu_panjang"))
    return rows


def _copy_work(work: tuple) -> tuple[bytes, list, int, int]:
    """In a worker process: copy_work with the fast path and checker the parent made before the fork."""
    fast, checker = _WORKER_COPY
    return copy_work(fast, checker, work)


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- staging -----------------------------------------------------------------------------------------------------
def _q(name: str) -> str:
    return connection.ops.quote_name(name)


class Stage:
    """The temporary staging table of one run (private to the database session, gone when it ends)."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def create(self):
        if self.postgres:
            self._temp_buffers()
            self._session_settings()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE_REJECTED}")
            columns = ", ".join(f"{name} {kind}" for name, kind in STAGE_COLUMNS)
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns})")
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE_REJECTED} (row_no integer PRIMARY KEY)")

    def _temp_buffers(self):
        """Room in memory for the session's temporary tables (default 8 MB: a large import would go to disk and
        back). PostgreSQL takes the setting only before the session's first use of a temporary table; later it
        refuses, and the run goes on with what the session has."""
        size = policy("IMPORT_TEMP_BUFFERS", "256MB")
        if not size:
            return
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('temp_buffers', %s, false)", [size])
        except DatabaseError:
            pass

    def _session_settings(self):
        """For this session while the run lasts (`drop` resets them): the sorts and hashes of a large file in memory
        instead of temporary files (IMPORT_WORK_MEM; one run at a time uses it), and no JIT compilation, which
        costs PostgreSQL 0.2 to 0.4 s on each large statement here and gains nothing on them (measured)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('jit', 'off', false)")
            if work_mem := policy("IMPORT_WORK_MEM", "256MB"):
                cursor.execute("SELECT set_config('work_mem', %s, false)", [work_mem])

    def drop(self):
        with connection.cursor() as cursor:
            for table in (
                "pendamping_import_people",
                "pendamping_import_households",
                STAGE_KK,
                STAGE_REJECTED,
                STAGE,
            ):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            if self.postgres:
                cursor.execute("RESET jit")
                cursor.execute("RESET work_mem")

    def load(self, rows: list[tuple]):
        """Append staged rows: (row_no, ok, nik, ...) padded with NULLs to the staging columns."""
        if not rows:
            return
        width = len(STAGE_COLUMNS)
        with connection.cursor() as cursor:
            if self.postgres:
                names = ", ".join(STAGE_NAMES)
                with cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row if len(row) == width else row + (None,) * (width - len(row)))
            else:
                marks = ", ".join(["%s"] * width)
                birth = STAGE_NAMES.index("birth_date")
                padded = [row if len(row) == width else row + (None,) * (width - len(row)) for row in rows]
                cursor.executemany(
                    f"INSERT INTO {STAGE} VALUES ({marks})",
                    [
                        (*row[:birth], row[birth].isoformat(), *row[birth + 1 :]) if row[birth] else row
                        for row in padded
                    ],
                )

    def analyze(self):
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f"ANALYZE {STAGE} (ok, nik, no_kk, hh_sig)")  # the columns that are joined or grouped
            else:
                cursor.execute(f"CREATE INDEX {STAGE}_kk ON {STAGE} (no_kk, row_no)")
                cursor.execute(f"CREATE INDEX {STAGE}_nik ON {STAGE} (nik)")

    def households(self):
        """STAGE_KK: each No. KK of the rows still taken, with the smallest and the largest signature of its household
        values (they differ when its rows disagree) and its first row, whose household values are the household's
        once they agree. One pass over the staging table, instead of taking the least of every household column."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE_KK}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE_KK} AS SELECT no_kk, MIN(hh_sig) AS hh_sig, MAX(hh_sig) AS other_sig, "
                f"MIN(row_no) AS first_row FROM {STAGE} WHERE ok GROUP BY no_kk"
            )

    def drop_mixed_households(self):
        """After the rows of a No. KK whose household values differ are rejected: only households that agree stay."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {STAGE_KK} WHERE hh_sig <> other_sig")
            if self.postgres:
                cursor.execute(f"ANALYZE {STAGE_KK}")

    def reject(self, row_numbers: list[int]):
        """Mark rows as rejected (after the set-based checks)."""
        if not row_numbers:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(row_numbers), 5000):
                chunk = sorted(set(row_numbers[start : start + 5000]))
                if self.postgres:
                    with cursor.copy(f"COPY {STAGE_REJECTED} (row_no) FROM STDIN") as copy:
                        for number in chunk:
                            copy.write_row((number,))
                else:
                    cursor.executemany(f"INSERT OR IGNORE INTO {STAGE_REJECTED} VALUES (%s)", [(n,) for n in chunk])
            cursor.execute(
                f"UPDATE {STAGE} SET ok = FALSE WHERE ok AND row_no IN (SELECT row_no FROM {STAGE_REJECTED})"
            )
            cursor.execute(f"DELETE FROM {STAGE_REJECTED}")

    def stream(self, sql: str, params=()) -> Iterator[tuple]:
        """The rows of a query, fetched in chunks (a server-side cursor on PostgreSQL)."""
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(2000):
                yield from chunk


# --- the run -----------------------------------------------------------------------------------------------------
def widest_area(actor) -> str:
    """The common ancestor of the actor's areas for registry.import ("" for a superuser or areas in two provinces)."""
    codes = scope_codes(actor, CAPABILITY)
    if not codes:
        return ""
    parts = [code.split(".") for code in codes]
    common = []
    for segment in zip(*parts, strict=False):
        if len(set(segment)) != 1:
            break
        common.append(segment[0])
    return ".".join(common)


def import_run_create(
    *,
    actor,
    path: Path,
    file_name: str,
    dry_run: bool = False,
    source: str = "command",
    stored_name: str = "",
) -> ImportRun:
    """Record a run for a file that is already on disk (inspected once: hash, format, encoding, lines)."""
    if not getattr(actor, "is_authenticated", False) or scope_codes(actor, CAPABILITY) == []:
        raise NotAllowed(CAPABILITY)
    facts = inspect_file(Path(path))
    return ImportRun.objects.create(
        actor=actor,
        actor_username=actor.get_username(),
        area_code=widest_area(actor),
        source=source,
        file_name=file_name[:255],
        stored_name=stored_name,
        file_sha256=facts.sha256,
        file_size=facts.size,
        file_format=facts.file_format,
        encoding=facts.encoding,
        dry_run=dry_run,
        rows_expected=max(0, facts.lines - 1) if facts.file_format == "csv" else None,
    )


UPLOAD_SUFFIXES = {".csv", ".txt", ".xlsx"}


def import_upload_store(*, actor, uploaded_file, dry_run: bool = False) -> ImportRun:
    """Keep an uploaded file under MEDIA_ROOT/imports/ (never under its own name) and record its run."""
    if scope_codes(actor, CAPABILITY) == []:
        raise NotAllowed(CAPABILITY)
    suffix = Path(uploaded_file.name or "").suffix.lower()
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{timezone.localdate():%Y%m%d}-{uuid.uuid4().hex}{suffix if suffix in UPLOAD_SUFFIXES else ''}"
    target = folder / stored_name
    with open(target, "wb") as handle:
        for chunk in uploaded_file.chunks():
            handle.write(chunk)
    return import_run_create(
        actor=actor,
        path=target,
        file_name=Path(uploaded_file.name or "berkas").name,
        dry_run=dry_run,
        source="web",
        stored_name=stored_name,
    )


def stored_path(run: ImportRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / run.stored_name


def import_upload_discard(run: ImportRun) -> bool:
    """Delete the stored upload of a finished run (done or failed): the file holds NIKs and names, and nothing needs
    it any more. The run keeps the file's name, size and SHA-256, and the rejections stay in the database. A file
    given to the command (no stored name) is the operator's own and is never touched. True when a file was deleted."""
    if not run.stored_name or not run.is_finished:
        return False
    path = stored_path(run)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError:  # never let the clean-up hide how the run ended; the file is left for the operator
        logger.exception("could not delete the upload of import run %s (%s)", run.pk, path)
        return False
    return True


ProgressCallback = Callable[[ImportRun], None]


class Runner:
    """Carries one run through check, match and write. Use `import_run_execute`."""

    def __init__(self, run: ImportRun, path: Path, progress: ProgressCallback | None, writer: str | None):
        self.run = run
        self.path = path
        self.progress = progress
        self.batch_size = int(policy("IMPORT_BATCH_SIZE", 5000))
        self.writer_name = writer or policy("IMPORT_WRITER", "sql" if connection.vendor == "postgresql" else "orm")
        self.actor = run.actor
        self.actor_codes = scope_codes(self.actor, CAPABILITY)
        self.stage = Stage()
        self.rejections: list[ImportRejection] = []
        self.warnings_stored = 0
        self.blank_rows = 0
        self.last_saved = 0.0
        self.timings: dict[str, float] = {}

    # progress and records
    def save_progress(self, force: bool = False, **fields):
        for name, value in fields.items():
            setattr(self.run, name, value)
        now = time.monotonic()
        if force or now - self.last_saved >= 1.0:
            self.run.heartbeat_at = timezone.now()
            ImportRun.objects.filter(pk=self.run.pk).update(
                phase=self.run.phase, rows_read=self.run.rows_read, heartbeat_at=self.run.heartbeat_at
            )
            self.last_saved = now
        if self.progress:
            self.progress(self.run)

    def add_problem(self, row: int, column: str, problem: Problem, warning: bool = False):
        if warning:
            self.run.warnings += 1
            if self.warnings_stored >= WARNING_LIMIT:
                return
            self.warnings_stored += 1
        self.rejections.append(
            ImportRejection(
                run=self.run,
                row=row,
                column=column,
                code=problem.code,
                message=problem.message.replace("\x00", "\u2400"),  # a NUL quoted from the file, shown as ␀
                warning=warning,
            )
        )

    def flush_rejections(self):
        if self.rejections:
            ImportRejection.objects.bulk_create(self.rejections, batch_size=2000)
            self.rejections = []

    # phases
    def execute(self) -> ImportRun:
        run = self.run
        run.status, run.phase, run.started_at = ImportStatus.RUNNING, ImportPhase.CHECKING, timezone.now()
        run.save(update_fields=["status", "phase", "started_at"])
        try:
            self.stage.create()
            self.timed("periksa", self.check_rows)
            self.timed("cocokkan", self.match)
            self.write()
        except ImportRefused as refusal:
            return self.fail(str(refusal))
        except Exception as error:
            self.fail(f"Impor gagal dan tidak ada data yang berubah ({type(error).__name__}: {str(error)[:300]})")
            raise
        finally:
            try:
                self.flush_rejections()
                self.stage.drop()  # also gone with the database session
            except Exception:  # never hide the error that stopped the run
                logger.exception("cleanup after import run %s failed", run.pk)
        return run

    def timed(self, name: str, step: Callable[[], None]) -> None:
        started = time.monotonic()
        step()
        self.timings[name] = time.monotonic() - started

    def fail(self, message: str) -> ImportRun:
        run = self.run
        run.status, run.phase, run.error, run.finished_at = (
            ImportStatus.FAILED,
            ImportPhase.FINISHED,
            message,
            timezone.now(),
        )
        run.rows_created = run.rows_updated = run.rows_unchanged = 0
        run.households_created = run.households_updated = 0
        run.save()
        self.audit(failed=True)
        return run

    def check_rows(self):
        run = self.run
        with Source(self.path, run) as source:
            header = read_header(source.header)
            run.messages = [source.description]
            if header.unknown:
                run.messages.append(
                    "Kolom tidak dikenal diabaikan (tidak disimpan): " + ", ".join(header.unknown) + "."
                )
            absent = [column for column in COLUMNS if column not in header.index]
            if absent:
                run.messages.append(
                    "Kolom tidak ada, nilainya pada data yang sudah ada tidak diubah: " + ", ".join(absent) + "."
                )
            self.header = header
            run.rows_expected = source.expected
            ImportRun.objects.filter(pk=run.pk).update(messages=run.messages, rows_expected=run.rows_expected)
            checker = RowChecker(header, actor_codes=self.actor_codes, today=timezone.localdate())
            self.batch: list[tuple] = []
            self.read = 0
            workers = int(policy("IMPORT_WORKERS", os.cpu_count() or 1))
            parallel_from = int(policy("IMPORT_PARALLEL_MIN_ROWS", 50_000))
            fast = None
            if run.file_format == "csv" and policy("IMPORT_FAST_PATH", True):
                fast = FastPath(header, checker, source.delimiter)
            if fast and self.stage.postgres:
                self._check_copy(source, checker, fast, workers if (source.expected or 0) >= parallel_from else 1)
            elif workers > 1 and (source.expected or 0) >= parallel_from:
                self._check_parallel(source.rows(), checker, workers, fast)
            else:
                self._check_serial(source.rows(), checker, fast)
            self.stage.load(self.batch)
            self.flush_rejections()
            self.save_progress(force=True, rows_read=self.read, phase=ImportPhase.MATCHING)
        if self.blank_rows:
            run.messages.append(f"{self.blank_rows} baris kosong dilewati.")

    def _check_serial(self, rows: Iterator[tuple[int, list | None, str]], checker: RowChecker, fast) -> None:
        for number, cells, error in rows:
            if error:
                self._unreadable(number, error)
            elif any(cell_text(cell) for cell in cells):
                self._take(number, check_row(fast, checker, cells))
            else:
                self.blank_rows += 1

    def _check_copy(self, source: Source, checker: RowChecker, fast: FastPath, workers: int) -> None:
        """PostgreSQL, CSV: every row goes to the staging table by COPY as it is read (copy_lines, in worker
        processes when there are several, a few chunks in flight so that memory stays flat; their output is
        taken in file order). Rejections and progress are written between COPY statements."""
        global _WORKER_COPY
        import multiprocessing
        from collections import deque

        work = source.copy_items(PARALLEL_CHUNK)
        pool = None
        if workers > 1:
            _WORKER_COPY = (fast, checker)
            pool = multiprocessing.get_context("fork").Pool(workers)

        def results():
            if pool is None:
                for item in work:
                    yield copy_work(fast, checker, item)
                return
            pending: deque = deque()
            for item in work:
                pending.append(pool.apply_async(_copy_work, (item,)))
                if len(pending) > 2 * workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()

        copy_sql = f"COPY {STAGE} ({', '.join(STAGE_NAMES)}) FROM STDIN"
        outputs = results()
        try:
            with connection.cursor() as cursor:
                done = False
                while not done:
                    done = True
                    taken = 0
                    with cursor.copy(copy_sql) as copy:
                        for text, problems, blank, read in outputs:
                            copy.write(text)
                            self.blank_rows += blank
                            taken += read
                            for number, column, problem, warning in problems:
                                self.add_problem(number, column, problem, warning=warning)
                            if taken >= COPY_ROWS:
                                done = False
                                break
                    self.read += taken
                    self.flush_rejections()
                    self.save_progress(rows_read=self.read)
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
                _WORKER_COPY = None

    def _take(self, number: int, result: RowResult) -> None:
        self.read += 1
        for column, problem in result.problems:
            self.add_problem(number, column, problem)
        for column, problem in result.warnings:
            self.add_problem(number, column, problem, warning=True)
        self.batch.append((number, *result.stage))
        if len(self.batch) >= self.batch_size:
            self._flush_batch()

    def _unreadable(self, number: int, code: str) -> None:
        self.read += 1
        self.add_problem(number, "", unreadable_problem(code))
        self.batch.append((number, False, None))
        if len(self.batch) >= self.batch_size:
            self._flush_batch()

    def _flush_batch(self) -> None:
        self.stage.load(self.batch)
        self.batch = []
        self.flush_rejections()
        self.save_progress(rows_read=self.read)

    def _check_parallel(
        self, rows: Iterator[tuple[int, list | None, str]], checker: RowChecker, workers: int, fast
    ) -> None:
        """Check rows in worker processes (forked: they share the checker and never touch the database), a few
        chunks in flight at a time so that memory stays flat; results are taken in file order."""
        global _WORKER_CHECKER, _WORKER_FAST
        import multiprocessing
        from collections import deque

        _WORKER_CHECKER, _WORKER_FAST = checker, fast
        pool = multiprocessing.get_context("fork").Pool(workers)
        try:
            pending: deque = deque()
            chunk: list[tuple[int, list]] = []

            def drain(keep: int) -> None:
                while len(pending) > keep:
                    for number, result in pending.popleft().get():
                        self._take(number, result)

            for number, cells, error in rows:
                if error:
                    self._unreadable(number, error)
                elif any(cell_text(cell) for cell in cells):
                    chunk.append((number, cells))
                    if len(chunk) >= PARALLEL_CHUNK:
                        pending.append(pool.apply_async(_check_chunk, (chunk,)))
                        chunk = []
                        drain(2 * workers)
                else:
                    self.blank_rows += 1
            if chunk:
                pending.append(pool.apply_async(_check_chunk, (chunk,)))
            drain(0)
            pool.close()
        finally:
            pool.terminate()
            pool.join()
            _WORKER_CHECKER = _WORKER_FAST = None

    def match(self):
        """The checks that need the whole file or the registry: set-based, on the staging table."""
        stage = self.stage
        stage.analyze()
        rejected: list[int] = []
        # the same NIK on several rows: all of them
        group: list[tuple[int, str]] = []
        for row_no, nik in itertools.chain(
            stage.stream(
                f"SELECT s.row_no, s.nik FROM {STAGE} s JOIN (SELECT nik FROM {STAGE} WHERE nik <> '' "
                f"GROUP BY nik HAVING COUNT(*) > 1) d ON d.nik = s.nik ORDER BY s.nik, s.row_no"
            ),
            [(None, None)],
        ):
            if group and nik != group[0][1]:
                numbers = [number for number, _nik in group]
                shown = ", ".join(str(n) for n in numbers[:6]) + (" …" if len(numbers) > 6 else "")
                for number in numbers:
                    self.add_problem(
                        number,
                        "nik",
                        Problem(
                            "nik_ganda_dalam_berkas",
                            f"NIK {group[0][1]} muncul di {len(numbers)} baris berkas ini (baris {shown}); "
                            "semua baris itu ditolak, sisakan satu",
                        ),
                    )
                rejected += numbers
                group = []
            if row_no is not None:
                group.append((row_no, nik))
            if len(self.rejections) >= 5000:
                self.flush_rejections()
        stage.reject(rejected)
        self.flush_rejections()
        # a NIK already registered outside the actor's areas, or deleted / merged
        rejected = []
        person, household = _q(Person._meta.db_table), _q(Household._meta.db_table)
        outside_sql, outside_params = self._outside("h.desa_id")
        for row_no, nik, desa, gone in stage.stream(
            f"SELECT s.row_no, s.nik, h.desa_id, (p.deleted_at IS NOT NULL OR p.merged_into_id IS NOT NULL) "
            f"FROM {STAGE} s JOIN {person} p ON p.nik = s.nik JOIN {household} h ON h.id = p.household_id "
            f"WHERE s.ok AND (p.deleted_at IS NOT NULL OR p.merged_into_id IS NOT NULL OR {outside_sql}) "
            "ORDER BY s.row_no",
            outside_params,
        ):
            if gone:
                problem = Problem(
                    "nik_terhapus",
                    f"NIK {nik} milik data yang sudah dihapus atau digabungkan; pulihkan atau periksa di halaman registri",
                )
            else:
                problem = Problem("di_luar_wilayah", f"NIK {nik} sudah terdaftar di desa {desa}, di luar wilayah Anda")
            self.add_problem(row_no, "nik", problem)
            rejected.append(row_no)
        # a No. KK already registered (live) outside the actor's areas
        if self.actor_codes is not None:
            for row_no, no_kk, desa in stage.stream(
                f"SELECT s.row_no, s.no_kk, h.desa_id FROM {STAGE} s JOIN {household} h "
                f"ON h.no_kk = s.no_kk AND h.deleted_at IS NULL WHERE s.ok AND {outside_sql} ORDER BY s.row_no",
                outside_params,
            ):
                self.add_problem(
                    row_no,
                    "no_kk",
                    Problem("di_luar_wilayah", f"No. KK {no_kk} sudah terdaftar di desa {desa}, di luar wilayah Anda"),
                )
                rejected.append(row_no)
        stage.reject(rejected)
        self.flush_rejections()
        # household values that differ between the rows of one No. KK: all rows of that KK. The No. KK of the rows
        # left are kept (STAGE_KK) with the row their household values are taken from: the writers' households.
        stage.households()
        rejected = []
        names = ("no_kk", *HH_STAGE[:-1])
        columns = {stage_name: column for column, (_f, stage_name) in HOUSEHOLD_COLUMNS.items()}
        kk_rows: list[tuple] = []
        for row in itertools.chain(
            stage.stream(
                f"SELECT s.row_no, {', '.join('s.' + n for n in names)} FROM {STAGE} s JOIN {STAGE_KK} k "
                f"ON k.no_kk = s.no_kk WHERE s.ok AND k.hh_sig <> k.other_sig ORDER BY s.no_kk, s.row_no"
            ),
            [(None, None)],
        ):
            if kk_rows and row[1] != kk_rows[0][1]:
                differ = [
                    columns[name]
                    for position, name in enumerate(names[1:], start=2)
                    if len({r[position] for r in kk_rows}) > 1
                ]
                numbers = [r[0] for r in kk_rows]
                for number in numbers:
                    self.add_problem(
                        number,
                        differ[0] if differ else "no_kk",
                        Problem(
                            "kk_tidak_konsisten",
                            f"Data keluarga No. KK {kk_rows[0][1]} berbeda antarbaris ({', '.join(differ)}); "
                            f"semua {len(numbers)} baris KK ini ditolak. Samakan kolom keluarga di setiap baris anggota",
                        ),
                    )
                rejected += numbers
                kk_rows = []
            if row[0] is not None:
                kk_rows.append(row)
            if len(self.rejections) >= 5000:
                self.flush_rejections()
        stage.reject(rejected)
        stage.drop_mixed_households()
        self.flush_rejections()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT ok) FROM {STAGE}")
            self.run.rows_read, self.run.rows_rejected = cursor.fetchone()

    def _outside(self, column: str) -> tuple[str, list]:
        """SQL that holds when the area code in `column` lies outside the actor's areas."""
        if self.actor_codes is None:
            return "FALSE", []
        if not self.actor_codes:
            return "TRUE", []
        parts, params = [], []
        for code in self.actor_codes:
            parts.append(f"{column} = %s OR {column} LIKE %s")
            params += [code, code + ".%"]
        return "NOT (" + " OR ".join(parts) + ")", params

    def write(self):
        run = self.run
        self.save_progress(force=True, phase=ImportPhase.WRITING)
        writer_class = SqlWriter if self.writer_name == "sql" else OrmWriter
        writer = writer_class(self)
        if run.dry_run:
            self.timed("rencanakan", writer.plan)
            run.messages.append("Uji coba (dry run): tidak ada data yang ditulis.")
            self.finish()
            return
        with transaction.atomic():
            if self.stage.postgres:
                # all or nothing still holds; a crash in the moment after COMMIT could lose the import (the run
                # would then be re-imported), never leave half of it
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            self.timed("tulis", writer.write)
            area = widest_area(run.actor)  # the households per desa kept for the dashboard, of the user's area
            self.timed("hitung", lambda: counts.refresh([area] if area else None))
            self.finish()
            committing = time.monotonic()
        if self.stage.postgres:  # where a large import's time goes: COMMIT checks the deferred foreign keys
            committed_at = time.monotonic()
            run.messages.append(f"COMMIT {committed_at - committing:.1f} detik.")
            if bulk := getattr(writer, "bulk", None):
                run.messages.append(bulk.message(committed_at))
            ImportRun.objects.filter(pk=run.pk).update(messages=run.messages)

    def finish(self):
        run = self.run
        if run.warnings:
            run.messages.append(
                f"{run.warnings} peringatan (misalnya awalan NIK yang bukan kode kecamatan yang dikenal); "
                "baris itu tetap diterima."
                + (f" Hanya {WARNING_LIMIT} pertama yang disimpan." if run.warnings > WARNING_LIMIT else "")
            )
        run.messages.append(
            "Waktu: " + ", ".join(f"{name} {seconds:.1f} detik" for name, seconds in self.timings.items()) + "."
        )
        if not run.totals_add_up:  # a bug, never a data problem: refuse to pretend
            raise RuntimeError(
                f"totals do not add up: read {run.rows_read} != {run.rows_created} + {run.rows_updated} + "
                f"{run.rows_unchanged} + {run.rows_rejected}"
            )
        run.status, run.phase, run.finished_at = ImportStatus.DONE, ImportPhase.FINISHED, timezone.now()
        self.audit()
        run.save()

    def audit(self, failed: bool = False):
        run = self.run
        totals = {
            "rows_read": run.rows_read,
            "rows_created": run.rows_created,
            "rows_updated": run.rows_updated,
            "rows_unchanged": run.rows_unchanged,
            "rows_rejected": run.rows_rejected,
            "households_created": run.households_created,
            "households_updated": run.households_updated,
            "status": run.status,
            "dry_run": run.dry_run,
            "file_sha256": run.file_sha256,
        }
        audit_record(
            actor=run.actor,
            action="registry.import",
            object_type="registry.importrun",
            object_id=str(run.pk),
            object_repr=run.file_name,
            area_code=run.area_code,
            changes={name: {"before": None, "after": value} for name, value in totals.items()},
            reason=run.error if failed else ("uji coba (dry run)" if run.dry_run else ""),
        )

    def reason(self) -> str:
        return f"Impor registri #{self.run.pk} ({self.run.file_name})"

    def audit_event(self, action: str, obj_type: str, obj_id, repr_: str, area: str, changes: dict) -> AuditEvent:
        return AuditEvent(
            actor=self.actor,
            actor_username=self.actor.get_username(),
            action=action,
            object_type=obj_type,
            object_id=str(obj_id),
            object_repr=repr_[:200],
            area_code=area or "",
            changes=json_value(changes),
            reason=self.reason(),
        )


def import_run_execute(
    *, run: ImportRun, path: Path | None = None, progress: ProgressCallback | None = None, writer: str | None = None
) -> ImportRun:
    """Run an import: check, match, write (or, for a dry run, only report). A refused file ends the run as failed;
    any other error also marks it failed, leaves the registry as it was, and is raised again. Once the run is done
    or failed, the stored file of an upload is deleted (import_upload_discard)."""
    if run.status != ImportStatus.QUEUED:
        raise ValueError(f"import run {run.pk} is {run.status}, not queued")
    try:
        return Runner(run, Path(path) if path else stored_path(run), progress, writer).execute()
    finally:
        import_upload_discard(run)  # an upload is read once: done or failed, its file goes


# --- writers -----------------------------------------------------------------------------------------------------
def _given_fields(header: Header) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(model field, staging column) of the household and person fields the file gives."""
    household = [(f, s) for column, (f, s) in HOUSEHOLD_COLUMNS.items() if column in header.index]
    if "penghasilan_bulanan" in header.index:
        household.append(("poverty_class", "poverty_class"))
    person = [(f, s) for column, (f, s) in PERSON_COLUMNS.items() if column in header.index]
    if "nama" in header.index:
        person.append(("name_normalized", "name_normalized"))
    return household, person


HH_AUDIT_FIELDS = [
    "desa",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "id_dtks",
    "desil",
    "pkh_status",
    "monthly_income",
    "basic_needs_cost",
    "poverty_class",
]
PERSON_AUDIT_FIELDS = [
    "household",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relation",
    "marital_status",
    "education",
    "occupation",
]


class OrmWriter:
    """The portable path: the staging table read in batches of whole households, compared in Python, written with
    bulk_create and bulk_update. Used on SQLite (and on PostgreSQL when IMPORT_WRITER is "orm")."""

    def __init__(self, runner: Runner):
        self.runner = runner
        self.run = runner.run
        self.hh_fields, self.person_fields = _given_fields(runner.header)
        self.columns = ("row_no", "no_kk", "nik", *HH_STAGE, *PERSON_STAGE)
        self.dry_run = True
        self.today = timezone.localdate()

    def plan(self):
        self.dry_run = True
        self._all()

    def write(self):
        self.dry_run = False
        self._all()

    def _all(self):
        run = self.run
        run.rows_created = run.rows_updated = run.rows_unchanged = 0
        run.households_created = run.households_updated = 0
        for batch in self._batches():
            self.write_batch(batch)

    def _batches(self) -> Iterator[list[dict]]:
        select = f"SELECT {', '.join(self.columns)} FROM {STAGE} WHERE ok"
        last = ""
        size = self.runner.batch_size
        while True:
            with connection.cursor() as cursor:
                cursor.execute(f"{select} AND no_kk > %s ORDER BY no_kk, row_no LIMIT %s", [last, size])
                rows = cursor.fetchall()
                if len(rows) == size:
                    tail = rows[-1][1]
                    complete = [row for row in rows if row[1] != tail]
                    if not complete:  # one household larger than a batch
                        cursor.execute(f"{select} AND no_kk = %s ORDER BY row_no", [tail])
                        complete = cursor.fetchall()
                    rows = complete
            if not rows:
                return
            last = rows[-1][1]
            yield [dict(zip(self.columns, row, strict=True)) for row in rows]

    def _value(self, row: dict, stage_name: str):
        value = row[stage_name]
        if stage_name == "birth_date" and isinstance(value, str):
            return datetime.date.fromisoformat(value)
        return value

    def write_batch(self, rows: list[dict]):
        run, runner = self.run, self.runner
        now = timezone.now()
        kks = list(dict.fromkeys(row["no_kk"] for row in rows))
        households: dict[str, Household] = {}
        for household in Household.objects.live().filter(no_kk__in=kks).order_by("-id"):
            households[household.no_kk] = household
        people = {person.nik: person for person in Person.objects.filter(nik__in=[row["nik"] for row in rows])}
        events: list[AuditEvent] = []
        new_households, changed_households, household_state = [], [], {}
        firsts: dict[str, dict] = {}
        for row in rows:
            firsts.setdefault(row["no_kk"], row)
        for kk in kks:
            first = firsts[kk]
            target = {f: self._value(first, s) for f, s in self.hh_fields}
            if "desa" in target:
                target["desa_id"] = target.pop("desa")
            household = households.get(kk)
            if household is None:
                household = Household(no_kk=kk, **target)
                new_households.append(household)
                households[kk] = household
                household_state[kk] = "new"
                continue
            before = {name: getattr(household, name) for name in target}
            if before != target:
                audit_before = {name: json_value(getattr(household, name)) for name in target}
                for name, value in target.items():
                    setattr(household, name, value)
                household.version += 1
                household.updated_at = now
                changed_households.append(household)
                household_state[kk] = "changed"
                changes = changes_between(audit_before, {name: json_value(v) for name, v in target.items()})
                events.append(
                    runner.audit_event(
                        "household.update",
                        "registry.household",
                        household.pk,
                        str(household),
                        household.desa_id,
                        {("desa" if k == "desa_id" else k): v for k, v in changes.items()},
                    )
                )
            else:
                household_state[kk] = "same"
        if not self.dry_run:
            Household.objects.bulk_create(new_households)
            KkHistory.objects.bulk_create(
                [
                    KkHistory(household=h, no_kk=h.no_kk, valid_from=self.today, reason=KkChangeReason.PERTAMA)
                    for h in new_households
                ]
            )
            if changed_households:
                Household.objects.bulk_update(
                    changed_households,
                    [("desa" if f == "desa" else f) for f, _s in self.hh_fields] + ["version", "updated_at"],
                )
        run.households_created += len(new_households)
        run.households_updated += len(changed_households)
        new_people, changed_people = [], []
        for row in rows:
            household = households[row["no_kk"]]
            target = {f: self._value(row, s) for f, s in self.person_fields}
            person = people.get(row["nik"])
            if person is None:
                new_people.append(Person(nik=row["nik"], household=household, **target))
                run.rows_created += 1
                continue
            before = {name: getattr(person, name) for name in target}
            moved = household.pk is None or person.household_id != household.pk
            if before != target or moved:
                audit_before = {name: json_value(getattr(person, name)) for name in target if name != "name_normalized"}
                audit_after = {name: json_value(v) for name, v in target.items() if name != "name_normalized"}
                if moved:
                    audit_before["household"] = person.household_id
                    audit_after["household"] = household.pk
                for name, value in target.items():
                    setattr(person, name, value)
                person.household = household
                person.version += 1
                person.updated_at = now
                changed_people.append(person)
                events.append(
                    runner.audit_event(
                        "person.update",
                        "registry.person",
                        person.pk,
                        person.name,
                        household.desa_id,
                        changes_between(audit_before, audit_after),
                    )
                )
                run.rows_updated += 1
            elif household_state[row["no_kk"]] != "same":
                run.rows_updated += 1
            else:
                run.rows_unchanged += 1
        if not self.dry_run:
            Person.objects.bulk_create(new_people)
            if changed_people:
                Person.objects.bulk_update(
                    changed_people, [f for f, _s in self.person_fields] + ["household", "version", "updated_at"]
                )
            AuditEvent.objects.bulk_create(events)


class SqlWriter:
    """The PostgreSQL path: set-based SQL from the staging table (one pass each for households, history and people).

    Before/after of updated records is read in chunks for their audit events before the UPDATE runs."""

    def __init__(self, runner: Runner):
        self.runner = runner
        self.run = runner.run
        self.hh_fields, self.person_fields = _given_fields(runner.header)
        self.households = "pendamping_import_households"
        self.people = "pendamping_import_people"
        self.bulk: BulkLoad | None = None
        self.bulk_wanted = False
        self.registered = 0  # rows of the file that name a registered person (see _prepare)

    def _hh_column(self, name: str) -> str:
        return "desa_id" if name == "desa" else name

    def _prepare(self, assign_ids: bool):
        household, person = _q(Household._meta.db_table), _q(Person._meta.db_table)
        hh_diff = " OR ".join(f"h.{self._hh_column(f)} IS DISTINCT FROM s.{s}" for f, s in self.hh_fields) or "FALSE"
        person_diff = " OR ".join(f"p.{f} IS DISTINCT FROM s.{s}" for f, s in self.person_fields) or "FALSE"
        hh_columns = ", ".join(f"s.{name}" for name in HH_STAGE)
        person_columns = ", ".join(f"s.{name}" for name in PERSON_STAGE)
        run = self.run
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.people}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.households}")
            # the rows that name a registered person (match left only live people of the actor's areas); the others
            # are new people, inserted straight from the staging table (insert_people)
            cursor.execute(f"SELECT COUNT(*) FROM {STAGE} s JOIN {person} p ON p.nik = s.nik WHERE s.ok")
            registered = self.registered = cursor.fetchone()[0]
            run.rows_created = run.rows_read - run.rows_rejected - registered
            self.bulk_wanted = assign_ids and BulkLoad.wanted(run.rows_created)
            # new households get their ids here, in No. KK order (the order they are inserted in, so that the No. KK
            # index grows at its end; a bulk load builds its indexes afterwards and needs no order)
            new_id = "NULL::bigint"
            if assign_ids:  # the sequence looked up once (pg_get_serial_sequence in the query ran for every row)
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Household._meta.db_table])
                new_id = f"nextval('{cursor.fetchone()[0]}'::regclass)"
            order = "" if self.bulk_wanted else ' ORDER BY s.no_kk COLLATE "C"'
            # each household once, with the values of its first row (match kept only households whose rows agree)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.households} AS SELECT x.*, "
                f"CASE WHEN x.state = 'new' THEN {new_id} ELSE x.existing_id END AS household_id FROM ("
                f"SELECT s.no_kk, {hh_columns}, h.id AS existing_id, "
                f"CASE WHEN h.id IS NULL THEN 'new' WHEN ({hh_diff}) THEN 'changed' ELSE 'same' END AS state "
                f"FROM {STAGE_KK} k JOIN {STAGE} s ON s.row_no = k.first_row "
                f"LEFT JOIN {household} h ON h.no_kk = s.no_kk AND h.deleted_at IS NULL{order}) x"
            )
            cursor.execute(f"ANALYZE {self.households} (no_kk, household_id, state)")
            # the registered people with something to do: changed, or moved, or in a changed household (an unchanged
            # row is only counted; re-importing a large file of mostly unchanged rows writes far less)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.people} AS SELECT * FROM (SELECT s.row_no, s.nik, {person_columns}, "
                f"hh.household_id, hh.state AS household_state, hh.desa_code, p.id AS person_id, "
                f"({person_diff} OR p.household_id IS DISTINCT FROM hh.household_id) AS person_changed "
                f"FROM {STAGE} s JOIN {self.households} hh ON hh.no_kk = s.no_kk "
                f"JOIN {person} p ON p.nik = s.nik WHERE s.ok) x "
                "WHERE x.person_changed OR x.household_state <> 'same'"
            )
            cursor.execute(f"ANALYZE {self.people} (person_id, person_changed)")
            cursor.execute(
                f"SELECT COUNT(*) FILTER (WHERE state = 'new'), COUNT(*) FILTER (WHERE state = 'changed') "
                f"FROM {self.households}"
            )
            run.households_created, run.households_updated = cursor.fetchone()
            cursor.execute(f"SELECT COUNT(*) FROM {self.people}")
            run.rows_updated = cursor.fetchone()[0]
            run.rows_unchanged = registered - run.rows_updated

    def plan(self):
        self._prepare(assign_ids=False)

    def write(self):
        self._prepare(assign_ids=True)
        self.audit_households()  # before and after, read before anything is written
        self.audit_people()
        self.bulk = BulkLoad.begin() if self.bulk_wanted else None
        self.insert_households()
        self.update_households()
        self.insert_people()
        self.update_people()
        if self.bulk is not None:
            self.bulk.finish()

    def _insert(self, model, source: str, mapping: dict[str, Any], where: str, order: str = ""):
        columns, values, params = [], [], []
        now = timezone.now()
        for model_field in model._meta.concrete_fields:
            name = model_field.name
            if name in mapping:
                expression = mapping[name]
                if isinstance(expression, tuple):
                    expression, value = expression
                    params.append(value)
                values.append(expression)
            elif model_field.primary_key:
                continue
            elif name in ("created_at", "updated_at"):
                values.append("%s")
                params.append(now)
            else:
                values.append("%s")
                params.append(model_field.get_db_prep_save(model_field.get_default(), connection))
            columns.append(_q(model_field.column))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {source} WHERE {where}" + (f" ORDER BY {order}" if order else ""),
                params,
            )

    def insert_households(self):
        mapping = {"id": "s.household_id", "no_kk": "s.no_kk"}
        mapping.update({f: f"s.{s}" for f, s in self.hh_fields})
        self._insert(
            Household, f"{self.households} s", mapping, "s.state = 'new'", order="" if self.bulk else "s.household_id"
        )
        self._insert(
            KkHistory,
            f"{self.households} s",
            {
                "household": "s.household_id",
                "no_kk": "s.no_kk",
                "valid_from": ("%s", timezone.localdate()),  # the day in Asia/Jakarta
                "reason": ("%s", KkChangeReason.PERTAMA.value),
            },
            "s.state = 'new'",
        )

    def update_households(self):
        if not self.hh_fields:
            return
        sets = ", ".join(f"{self._hh_column(f)} = s.{s}" for f, s in self.hh_fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_q(Household._meta.db_table)} h SET {sets}, version = h.version + 1, updated_at = %s "
                f"FROM {self.households} s WHERE s.state = 'changed' AND h.id = s.household_id",
                [timezone.now()],
            )

    def insert_people(self):
        """The rows whose NIK is not registered, straight from the staging table (no work table in between)."""
        if not self.run.rows_created:
            return
        mapping = {"nik": "s.nik", "household": "hh.household_id"}
        mapping.update({f: f"s.{s}" for f, s in self.person_fields})
        # in NIK order: the unique index on NIK then grows at its end instead of at a million random places (a bulk
        # load builds its indexes afterwards: the rows go in file order, a household's members side by side)
        order = "" if self.bulk else 's.nik COLLATE "C"'
        self._insert(
            Person,
            f"{STAGE} s JOIN {self.households} hh ON hh.no_kk = s.no_kk",
            mapping,
            # no row names a registered person (a first load): no need to look for one
            "s.ok"
            if not self.registered
            else f"s.ok AND NOT EXISTS (SELECT 1 FROM {_q(Person._meta.db_table)} p WHERE p.nik = s.nik)",
            order=order,
        )

    def update_people(self):
        sets = ", ".join([f"{f} = s.{s}" for f, s in self.person_fields] + ["household_id = s.household_id"])
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_q(Person._meta.db_table)} p SET {sets}, version = p.version + 1, updated_at = %s "
                f"FROM {self.people} s WHERE s.person_changed AND p.id = s.person_id",
                [timezone.now()],
            )

    def _audit_stream(self, sql: str, build: Callable[[tuple], AuditEvent | None]):
        events = []
        for row in self.runner.stage.stream(sql):
            event = build(row)
            if event is not None:
                events.append(event)
            if len(events) >= 5000:
                AuditEvent.objects.bulk_create(events)
                events = []
        AuditEvent.objects.bulk_create(events)

    def audit_households(self):
        fields = self.hh_fields
        if not fields:
            return
        old = ", ".join(f"h.{self._hh_column(f)}" for f, _s in fields)
        new = ", ".join(f"s.{s}" for _f, s in fields)
        names = [f for f, _s in fields]
        width = len(fields)

        def build(row):
            pk, desa, no_kk = row[0], row[1], row[2]
            before = dict(zip(names, row[3 : 3 + width], strict=True))
            after = dict(zip(names, row[3 + width :], strict=True))
            return self.runner.audit_event(
                "household.update",
                "registry.household",
                pk,
                f"KK {no_kk}",
                after.get("desa") or desa,
                changes_between(before, after),
            )

        self._audit_stream(
            f"SELECT h.id, h.desa_id, h.no_kk, {old}, {new} FROM {self.households} s "
            f"JOIN {_q(Household._meta.db_table)} h ON h.id = s.household_id WHERE s.state = 'changed' ORDER BY h.id",
            build,
        )

    def audit_people(self):
        fields = [(f, s) for f, s in self.person_fields if f != "name_normalized"]
        old = ", ".join([f"p.{f}" for f, _s in fields] + ["p.household_id"])
        new = ", ".join([f"s.{s}" for _f, s in fields] + ["s.household_id"])
        names = [f for f, _s in fields] + ["household"]
        width = len(names)

        def build(row):
            pk, name, desa = row[0], row[1], row[2]
            before = dict(zip(names, row[3 : 3 + width], strict=True))
            after = dict(zip(names, row[3 + width :], strict=True))
            return self.runner.audit_event(
                "person.update",
                "registry.person",
                pk,
                after.get("name") or name,
                desa,
                changes_between(before, after),
            )

        self._audit_stream(
            f"SELECT p.id, p.name, s.desa_code, {old}, {new} FROM {self.people} s "
            f"JOIN {_q(Person._meta.db_table)} p ON p.id = s.person_id WHERE s.person_changed ORDER BY p.id",
            build,
        )


class BulkLoad:
    """A large import on PostgreSQL writes the registry tables the way a bulk load does (issue 3, Scale): inside the
    import's transaction it locks household, KK history and person (ACCESS EXCLUSIVE), drops their secondary indexes
    and unique constraints and the foreign keys between them, writes, then builds the indexes again (one sort each)
    and adds the foreign keys back (each checked by one join over the table instead of a trigger call per new row at
    COMMIT). Nothing else changes: the primary keys stay (the updates find rows by them), the foreign key of a
    household to its desa stays (dropping it would lock the areas table, which every page reads), and a failure
    anywhere rolls the indexes and constraints back with the data (DDL is transactional in PostgreSQL): a duplicate
    NIK that got in fails the rebuilt unique constraint, a missing household the foreign key, and the whole import.

    The price: from the lock to COMMIT (about 8 s for a million new people, bench/RESULTS.md) every
    query on those tables waits, so registry pages, the dashboard and screening stall for that long. So only when
    it pays: at least IMPORT_BULK_MIN_ROWS new people (default 50,000; 0 turns this off) that are at least
    IMPORT_BULK_MIN_SHARE (default 0.5) of the people already registered (rebuilding an index costs in proportion to
    the whole table, keeping it up to date in proportion to the new rows). If the lock cannot be had within
    IMPORT_BULK_LOCK_SECONDS (default 5; others are writing), the import writes as any other, indexes kept."""

    def __init__(self, tables: list[str]):
        self.tables = tables
        self.indexes: list[tuple[str, str]] = []  # (index name, CREATE INDEX statement)
        self.constraints: list[tuple[str, str, str]] = []  # (table, constraint name, definition)
        self.locked_at = self.rebuilt = 0.0

    @classmethod
    def wanted(cls, new_people: int) -> bool:
        """Whether an import that adds `new_people` is written as a bulk load (see above)."""
        minimum = int(policy("IMPORT_BULK_MIN_ROWS", 50_000))
        if connection.vendor != "postgresql" or not minimum or new_people < minimum:
            return False
        if len(connection.atomic_blocks) > 1:  # inside a caller's transaction: the lock would outlast the import
            return False
        person = Person._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [person])
            existing = cursor.fetchone()[0]
            if existing < 0:  # never counted (no VACUUM, ANALYZE or CREATE INDEX yet)
                cursor.execute(f"SELECT COUNT(*) FROM {_q(person)}")
                existing = cursor.fetchone()[0]
        return new_people >= float(policy("IMPORT_BULK_MIN_SHARE", 0.5)) * existing

    @classmethod
    def begin(cls) -> "BulkLoad | None":
        """Lock the registry tables and drop their indexes; None when they are busy (then written the usual way)."""
        bulk = cls([Household._meta.db_table, KkHistory._meta.db_table, Person._meta.db_table])
        return bulk if bulk._lock() else None

    def _lock(self) -> bool:
        seconds = float(policy("IMPORT_BULK_LOCK_SECONDS", 5))
        try:
            with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: on failure, as if never tried
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(1, int(seconds * 1000))}ms"])
                cursor.execute(f"LOCK TABLE {', '.join(_q(t) for t in self.tables)} IN ACCESS EXCLUSIVE MODE")
                cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
                self.locked_at = time.monotonic()
                self._drop()
        except DatabaseError:
            logger.warning("registry import: no bulk load (tables busy?), written with indexes kept", exc_info=True)
            self.indexes, self.constraints = [], []
            return False
        return True

    def _drop(self):
        """Table and index names come from regclass (quoted where they need it), constraint names from pg_constraint
        (quoted here): never hard-coded, Django made them."""
        with connection.cursor() as cursor:
            # the foreign keys between the written tables (never the one to areas, see above)
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) AND c.confrelid = ANY(%s::regclass[]) "
                "ORDER BY c.conrelid, c.conname",
                [self.tables, self.tables],
            )
            self.constraints = list(cursor.fetchall())
            # unique constraints that no foreign key depends on
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.contype = 'u' AND c.conrelid = ANY(%s::regclass[]) AND NOT EXISTS (SELECT 1 FROM "
                "pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid) ORDER BY c.conrelid, c.conname",
                [self.tables],
            )
            unique = list(cursor.fetchall())
            # the other secondary indexes (not the primary keys, not those of constraints)
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM "
                "pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) "
                "ORDER BY i.indrelid, i.indexrelid",
                [self.tables],
            )
            self.indexes = list(cursor.fetchall())
            for table, name, _definition in self.constraints + unique:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_q(name)}")
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {name}")
            self.constraints += unique

    def finish(self):
        started = time.monotonic()
        with connection.cursor() as cursor:
            # the household rows' own foreign key checks (to areas) first: CREATE INDEX refuses a table with
            # checks still pending
            cursor.execute(
                "SELECT c.conname FROM pg_constraint c WHERE c.contype = 'f' AND c.condeferrable "
                "AND c.conrelid = ANY(%s::regclass[])",
                [self.tables],
            )
            pending = [_q(name) for (name,) in cursor.fetchall()]
            if pending:
                cursor.execute(f"SET CONSTRAINTS {', '.join(pending)} IMMEDIATE")
            cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [policy("IMPORT_INDEX_MEM", "256MB")])
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in sorted(self.constraints, key=lambda c: "FOREIGN" in c[2]):
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")
            if pending:
                cursor.execute(f"SET CONSTRAINTS {', '.join(pending)} DEFERRED")
        self.rebuilt = time.monotonic() - started

    def message(self, committed_at: float) -> str:
        return (
            f"Impor besar: tabel keluarga dan individu dikunci {committed_at - self.locked_at:.1f} detik "
            f"(indeks dan kunci asing dibangun ulang dalam {self.rebuilt:.1f} detik)."
        )


# --- reads (scoped) ----------------------------------------------------------------------------------------------
def import_runs_visible(*, actor) -> QuerySet[ImportRun]:
    """The runs in the actor's areas for registry.import (by the run's area code), newest first."""
    return scoped(ImportRun.objects.all(), actor, "area_code", CAPABILITY)


def import_run_get(*, actor, pk: int) -> ImportRun:
    return get_in_scope_or_404(ImportRun.objects.all(), actor, "area_code", CAPABILITY, pk=pk)


def import_rejections_of(*, run: ImportRun, warnings: bool = False) -> QuerySet[ImportRejection]:
    """The rejections (or the warnings) of a run already fetched through import_run_get."""
    return run.rejections.filter(warning=warnings).order_by("row", "id")


def import_rejection_summary(*, run: ImportRun) -> list[dict]:
    """How many rows each reason code rejected."""
    from django.db.models import Count

    return list(run.rejections.filter(warning=False).values("code").annotate(n=Count("id")).order_by("-n", "code"))


def import_report_record(*, actor, run: ImportRun) -> None:
    """The rejection report holds NIKs and names: its download is recorded like any export."""
    audit_record(
        actor=actor,
        action="registry.import_report",
        object_type="registry.importrun",
        object_id=str(run.pk),
        object_repr=run.file_name,
        area_code=run.area_code,
        reason="unduh laporan baris ditolak",
    )


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell for a CSV that people open in a spreadsheet: text that starts like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def rejection_report_rows(run: ImportRun) -> Iterator[list[str]]:
    """The rejection report, header first: baris, kolom, kode, pesan (then the warnings, marked)."""
    yield ["baris", "kolom", "kode", "pesan", "jenis"]
    for warning in (False, True):
        for rejection in run.rejections.filter(warning=warning).order_by("row", "id").iterator(chunk_size=2000):
            yield [
                str(rejection.row),
                rejection.column,
                rejection.code,
                safe_cell(rejection.message),
                "peringatan" if warning else "ditolak",
            ]
