"""Every dashboard table as CSV or XLSX: the same rows, the same columns as on the page."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

Cell = str | int | float | Decimal | date | None

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Table:
    name: str  # the file name, without extension
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def as_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    # A BOM and semicolons: what spreadsheets expect from a French CSV file.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(
            [
                "" if cell is None else cell.isoformat() if isinstance(cell, date) else cell
                for cell in row
            ]
        )
    return buffer.getvalue().encode("utf-8")


def as_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    # Sheet names cannot hold : \\ / ? * [ ] and have at most 31 characters.
    sheet.title = re.sub(r"[:\\/?*\[\]]", "-", table.title)[:31] or "Data"
    sheet.append(list(table.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([float(cell) if isinstance(cell, Decimal) else cell for cell in row])
    for index, header in enumerate(table.headers, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, min(50, len(str(header)) + 4))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(table: Table, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        body = as_xlsx(table)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = as_csv(table)
        content_type = "text/csv; charset=utf-8"
    result = HttpResponse(body, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{table.name}.{fmt}"'
    return result
