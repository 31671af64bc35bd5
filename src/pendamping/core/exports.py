"""Exports of any filtered list to XLSX: rows are streamed into the file, the file is streamed to the user.

The rows come from the same scoped selector as the page, so an export holds exactly what the list shows. The sheet is
written by xlsxwriter in constant-memory mode (each row goes to a temporary file as it is written), the finished
file is sent in chunks from a temporary file, so memory does not grow with the number of rows.

Every export is recorded in the audit log (`<thing>.export`): who, when, the filter and the number of rows.

Text that a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return) gets a leading
single quote, so that a name typed as `=HYPERLINK(...)` stays text when the file is opened or saved again as CSV.
"""

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

from .audit import audit_record, json_value

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_ROWS = 1_048_576  # Excel's limit, the header row included


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


def xlsx_export(
    *,
    actor,
    thing: str,
    object_type: str,
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    filters: dict[str, Any],
    area_code: str = "",
    sheet_name: str = "Data",
) -> FileResponse:
    """The XLSX download of a list, audited as `<thing>.export` with the filter and the number of rows.

    The caller has checked the export capability and built `rows` from the scoped selector of the page.
    """
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- closed (and so removed) by the FileResponse when sent
    try:
        count = write_xlsx(handle, sheet_name=sheet_name, columns=columns, rows=rows)
    except BaseException:
        handle.close()
        raise
    shown = {key: value for key, value in filters.items() if value not in (None, "", [], ())}
    audit_record(
        actor=actor,
        action=f"{thing}.export",
        object_type=object_type,
        object_repr=filename,
        area_code=area_code,
        changes={"filter": {"before": None, "after": json_value(shown)}, "rows": {"before": None, "after": count}},
        reason="; ".join(f"{key}={json_value(value)}" for key, value in shown.items()),
    )
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response
