"""Exports of any filtered list to XLSX or CSV: one way in, `table_export`, for both formats.

The rows come from the same scoped selector as the page, so an export holds exactly what the list shows, and the
caller checks the export capability before calling. Memory does not grow with the number of rows:

- XLSX: the sheet is written by xlsxwriter in constant-memory mode (each row goes to a temporary file as it is
  written), the finished file is sent in chunks from a temporary file.
- CSV: UTF-8 with a byte order mark (so that Excel reads the text as UTF-8), fields separated by a semicolon (`;`,
  the list separator of Excel under the Indonesian locale, where the comma is the decimal mark), lines ended by CRLF,
  quoted as RFC 4180 says. Numbers are plain digits (a float with a decimal point), dates ISO (`2026-11-28`), date
  and time ISO in Asia/Jakarta with its offset, booleans "ya"/"tidak", None an empty field. When the caller gives
  the row count (`count`, a cheap COUNT query on the same queryset), the rows are streamed as they are read
  (a StreamingHttpResponse over a generator); without it the CSV is first written to a temporary file, counted, and
  that file is streamed.

Every export is recorded in the audit log (`<thing>.export`): who, when, the filter, the number of rows and the
format. The event is written before the first byte is sent, so it exists even when the client disconnects half-way.
For a streamed CSV the number is the COUNT taken just before streaming (rows written by others in the same second
may make the file differ from it by those rows).

Text that a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return) gets a leading
single quote, in both formats, so that a name typed as `=HYPERLINK(...)` stays text when the file is opened or saved
again as CSV. Numbers are numbers and are not touched (-1 stays a number).
"""

import codecs
import csv
import datetime
import decimal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import xlsxwriter
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from .audit import audit_record, json_value

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_ROWS = 1_048_576  # Excel's limit, the header row included
CSV_DELIMITER = ";"
CSV_CHUNK_ROWS = 500  # rows per chunk sent to the client
FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

Format = Literal["xlsx", "csv"]


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, and its width in characters."""

    header: str
    width: int = 14


def neutralise(text: str) -> str:
    """Text as a spreadsheet must not run it: a leading = + - @ (or tab, CR) gets a single quote in front."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_xlsx(handle, *, sheet_name: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> int:
    """Write the rows to an open binary file; returns how many data rows were written.

    Numbers stay numbers (Rupiah, desil); identity numbers and codes must be given as strings so that Excel keeps all
    16 digits; dates become dates; booleans become "ya"/"tidak"; None an empty cell. A list longer than a sheet holds
    goes on in a second sheet ("Data (2)"), under the same header.
    """
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    try:
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})

        def new_sheet(number: int):
            suffix = f" ({number})" if number > 1 else ""
            sheet = workbook.add_worksheet(sheet_name[: 31 - len(suffix)] + suffix)
            for index, column in enumerate(columns):
                sheet.set_column(index, index, column.width)
                sheet.write_string(0, index, column.header, bold)
            sheet.freeze_panes(1, 0)
            return sheet

        sheets, sheet, line, count = 1, new_sheet(1), 0, 0
        for row in rows:
            if line == MAX_SHEET_ROWS - 1:
                sheets += 1
                sheet, line = new_sheet(sheets), 0
            line += 1
            count += 1
            for index, value in enumerate(row):
                _write_cell(sheet, line, index, value, date_format)
        return count
    finally:
        workbook.close()


def _write_cell(sheet, row: int, col: int, value: Any, date_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, "ya" if value else "tidak")
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        sheet.write_datetime(row, col, local.replace(tzinfo=None), date_format)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, col, datetime.datetime.combine(value, datetime.time.min), date_format)
    else:
        sheet.write_string(row, col, neutralise(str(value)))


def audit_area(codes: list[str] | None, chosen: str = "") -> str:
    """The area an export is recorded under: the one chosen in the filter, else the narrowest area that covers the
    user's whole scope (two kecamatan of one kabupaten: the kabupaten); "" for a superuser's national scope."""
    if chosen:
        return chosen
    if not codes:
        return ""
    common = codes[0].split(".")
    for code in codes[1:]:
        parts = code.split(".")
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    return ".".join(common)


def export_format(request) -> Format:
    """The format asked for by `?format=` (or a posted `format`): "xlsx" when not given; an unknown one is a 404."""
    value = (request.POST.get("format") if request.method == "POST" else None) or request.GET.get("format") or "xlsx"
    if value not in FORMATS:
        raise Http404
    return value


def csv_value(value: Any) -> str:
    """One CSV field: numbers as digits, dates ISO, booleans ya/tidak, None empty, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float | decimal.Decimal):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


class _Line:
    """A file-like object whose write returns what it was given (csv.writer writes one line per call)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text of the header and rows, one line (CRLF-ended) at a time."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield writer.writerow([neutralise(column.header) for column in columns])
    for row in rows:
        yield writer.writerow([csv_value(value) for value in row])


def _csv_chunks(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    yield codecs.BOM_UTF8
    chunk: list[str] = []
    for line in csv_lines(columns, rows):
        chunk.append(line)
        if len(chunk) >= CSV_CHUNK_ROWS:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def write_csv(handle, *, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> int:
    """Write the CSV (with its byte order mark) to an open binary file; returns how many data rows were written."""
    lines = csv_lines(columns, rows)
    handle.write(codecs.BOM_UTF8)
    count = -1
    for line in lines:
        handle.write(line.encode())
        count += 1
    return count


def table_export(
    *,
    actor,
    thing: str,
    object_type: str,
    filename_stem: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    filters: dict[str, Any],
    area_code: str = "",
    sheet_name: str = "Data",
    fmt: Format = "xlsx",
    count: int | Callable[[], int] | None = None,
) -> FileResponse | StreamingHttpResponse:
    """The XLSX or CSV download of a list (`<filename_stem>.xlsx` / `.csv`), audited as `<thing>.export` with the
    filter, the number of rows and the format, before the first byte is sent.

    The caller has checked the export capability and built `rows` from the scoped selector of the page. For a CSV,
    `count` (the number of rows, or a function returning it: a COUNT on the same queryset) lets the rows stream
    straight from the database; without it the CSV is spooled to a temporary file first.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    filename = f"{filename_stem}.{fmt}"
    if fmt == "csv" and count is not None:
        total = count() if callable(count) else count
        _audit(actor, thing, object_type, filename, area_code, filters, total, fmt)
        response = StreamingHttpResponse(_csv_chunks(columns, rows), content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["Cache-Control"] = "private, no-store"
        return response
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- closed (and so removed) by the FileResponse when sent
    try:
        if fmt == "csv":
            total = write_csv(handle, columns=columns, rows=rows)
        else:
            total = write_xlsx(handle, sheet_name=sheet_name, columns=columns, rows=rows)
    except BaseException:
        handle.close()
        raise
    _audit(actor, thing, object_type, filename, area_code, filters, total, fmt)
    handle.seek(0)
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=CSV_TYPE if fmt == "csv" else XLSX_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _audit(actor, thing, object_type, filename, area_code, filters, count, fmt) -> None:
    shown = {key: value for key, value in filters.items() if value not in (None, "", [], ())}
    audit_record(
        actor=actor,
        action=f"{thing}.export",
        object_type=object_type,
        object_repr=filename,
        area_code=area_code,
        changes={
            "filter": {"before": None, "after": json_value(shown)},
            "rows": {"before": None, "after": count},
            "format": {"before": None, "after": fmt},
        },
        reason="; ".join(f"{key}={json_value(value)}" for key, value in shown.items()),
    )
