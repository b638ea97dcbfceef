"""Excel: the Summary in the published layout, the Breakdown, and every place and decision as data.

Numbers are stored as numbers. A team mark (the published "X") is the number 1 shown as "X" by its number format,
so it still sums. A value changed by declines keeps its current count in the cell, carries the count before
declines in a cell comment, and is shaded; a note under the table says so. Headers are grouped with merged cells
(Men / Women over their columns), panes are frozen below the header and right of the nation, and the columns are
sized to their contents.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from qualify.io.formats.common import (
    PLACEHOLDER_NOTE,
    RANKS_NOTE,
    athlete_bound,
    gender_label,
    grouped_header,
    has_placeholders,
    has_struck,
)
from qualify.io.report import BreakdownTable, Cell, Holder, Summary, build_breakdown, build_summary
from qualify.model.allocation import Allocation
from qualify.model.nocs import NocRegistry
from qualify.rules import System

HOLDERS_WIDTH = 60
MARK_FORMAT = '"X";-0;""'  # 1 shows as X, 0 as nothing: the published mark, still a number
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
NOTICE = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
CHANGED_FILL = PatternFill("solid", fgColor="FFF2CC")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP_RULE = Border(top=Side(style="thin"))
STRUCK_XLSX_NOTE = ("Shaded cells changed when places were declined: the cell holds the count after declines, "
                    "its comment the count before.")


def _header_cell(sheet: Worksheet, row: int, column: int, value: str | None) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = CENTER


def _merged_header(sheet: Worksheet, top: int, first_column: int, runs: Iterable[tuple[str | None, list[str]]],
                   leading: list[str]) -> int:
    """Write a header of ``leading`` columns and runs of (group, labels); two rows when any run has a group.

    Returns the number of header rows.
    """
    runs = list(runs)
    two_rows = any(group for group, _ in runs)
    column = first_column
    for label in leading:
        _header_cell(sheet, top, column, label)
        if two_rows:
            _header_cell(sheet, top + 1, column, None)
            sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
        column += 1
    for group, labels in runs:
        if group is None or not two_rows:
            for label in labels:
                _header_cell(sheet, top, column, label)
                if two_rows:
                    _header_cell(sheet, top + 1, column, None)
                    sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
                column += 1
            continue
        _header_cell(sheet, top, column, group)
        for offset, label in enumerate(labels):
            if offset:
                _header_cell(sheet, top, column + offset, None)
            _header_cell(sheet, top + 1, column + offset, label)
        if len(labels) > 1:
            sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + len(labels) - 1)
        column += len(labels)
    return 2 if two_rows else 1


def _count(sheet: Worksheet, row: int, column: int, cell: Cell, *, mark_format: bool) -> None:
    target = sheet.cell(row=row, column=column, value=cell.value)
    if cell.mark and mark_format:
        target.number_format = MARK_FORMAT
    if cell.changed and cell.before is not None:
        before = ("X" if cell.before else "none") if cell.mark and mark_format else str(cell.before)
        target.comment = Comment(f"Before declines: {before}", "qualify")
        target.fill = CHANGED_FILL


def _printable(sheet: Worksheet) -> None:
    """Printed (or saved as PDF) one page wide, in landscape: a table cut across pages cannot be read."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _notes(sheet: Worksheet, row: int, notes: list[str]) -> int:
    for note in notes:
        sheet.cell(row=row, column=1, value=note)
        row += 1
    return row


def summary_sheet(sheet: Worksheet, system: System, summary: Summary, nocs: NocRegistry,
                  banner: str | None) -> None:
    sheet.title = "Summary"
    sheet.cell(row=1, column=1, value=f"{system.sport}, {system.edition}: Summary").font = TITLE
    row = 2
    if banner:
        sheet.cell(row=row, column=1, value=banner).font = NOTICE
        row += 1
    top = row + 1
    runs = [(group, [c.label for c in columns]) for group, columns in grouped_header(summary.columns)]
    header_rows = _merged_header(sheet, top, 1, runs, ["Nation", "NOC"])
    first = top + header_rows
    row = first
    for summary_row in summary.rows:
        sheet.cell(row=row, column=1, value=summary_row.name)
        sheet.cell(row=row, column=2, value=summary_row.noc)
        for index, cell in enumerate(summary_row.cells):
            _count(sheet, row, 3 + index, cell, mark_format=True)
        row += 1
    sheet.cell(row=row, column=1, value=f"Total: {summary.noc_count} NOCs")
    for index, cell in enumerate(summary.totals):
        _count(sheet, row, 3 + index, cell, mark_format=False)
    for column in range(1, 3 + len(summary.totals)):
        sheet.cell(row=row, column=column).font = BOLD
        sheet.cell(row=row, column=column).border = TOP_RULE
    notes = []
    if has_struck(summary):
        notes.append(STRUCK_XLSX_NOTE)
    if has_placeholders([r.noc for r in summary.rows], nocs):
        notes.append(PLACEHOLDER_NOTE)
    _notes(sheet, row + 2, notes)
    sheet.freeze_panes = f"C{first}"
    sheet.print_title_rows = f"{top}:{first - 1}"
    _printable(sheet)
    sheet.column_dimensions["A"].width = max([len("Nation")] + [len(r.name) for r in summary.rows]
                                             + [len(f"Total: {summary.noc_count} NOCs")]) + 2
    sheet.column_dimensions["B"].width = max([len("NOC")] + [len(r.noc) for r in summary.rows]) + 2
    for index, summary_column in enumerate(summary.columns):
        sheet.column_dimensions[get_column_letter(3 + index)].width = max(len(summary_column.label), 5) + 3


def _holders_text(entries: list[Holder]) -> str:
    # An athlete entry already holds a comma ("Jon Kistler, Switzerland (1)"): athletes are separated by ";".
    return ("; " if athlete_bound(entries) else ", ").join(h.text() for h in entries)


def breakdown_sheet(sheet: Worksheet, system: System, tables: list[BreakdownTable], banner: str | None) -> None:
    sheet.cell(row=1, column=1, value=f"{system.sport}, {system.edition}: Breakdown").font = TITLE
    row = 2
    if banner:
        sheet.cell(row=row, column=1, value=banner).font = NOTICE
        row += 1
    sheet.cell(row=row, column=1, value=RANKS_NOTE)
    row += 2
    widest = 1
    for table in tables:
        sheet.cell(row=row, column=1, value=table.title).font = BOLD
        row += 1
        if table.unit == "grant":
            keys = [""]
            runs: list[tuple[str | None, list[str]]] = [(None, ["Places", "Nations (rank)"])]
        else:
            keys = table.genders
            runs = [(gender_label(g), ["Places", "Nations (rank)"]) for g in keys]
        row += _merged_header(sheet, row, 1, runs, ["Pathway"])
        for line in table.lines:
            indent = 2 if line.label != line.label.lstrip(" ") else 0
            sheet.cell(row=row, column=1, value=line.label.strip()).alignment = Alignment(indent=indent,
                                                                                          vertical="top")
            lines_needed = 1
            for index, key in enumerate(keys):
                if line.counts:
                    count = sheet.cell(row=row, column=2 + 2 * index, value=line.counts.get(key, 0))
                    count.alignment = Alignment(vertical="top")
                text = _holders_text(line.entries.get(key, []))
                holders = sheet.cell(row=row, column=3 + 2 * index, value=text)
                holders.alignment = Alignment(wrap_text=True, vertical="top")
                lines_needed = max(lines_needed, math.ceil(len(text) / HOLDERS_WIDTH))
            if lines_needed > 1:
                # Spreadsheets do not all grow a row to fit wrapped text: give it the height it needs.
                sheet.row_dimensions[row].height = 15 * lines_needed
            row += 1
        sheet.cell(row=row, column=1, value="Total")
        for index, key in enumerate(keys):
            sheet.cell(row=row, column=2 + 2 * index, value=table.total.get(key, 0))
        for column in range(1, 2 + 2 * len(keys)):
            sheet.cell(row=row, column=column).font = BOLD
            sheet.cell(row=row, column=column).border = TOP_RULE
        widest = max(widest, len(keys))
        row += 2
    labels = [line.label.strip() for table in tables for line in table.lines] + ["Pathway"]
    sheet.column_dimensions["A"].width = max(len(label) for label in labels) + 4
    for index in range(widest):
        sheet.column_dimensions[get_column_letter(2 + 2 * index)].width = 9
        sheet.column_dimensions[get_column_letter(3 + 2 * index)].width = HOLDERS_WIDTH
    sheet.freeze_panes = "B1"
    _printable(sheet)


def records_sheet(sheet: Worksheet, fields: list[str], records: Iterable[dict]) -> None:
    """One row per record under a frozen, filterable header; values keep their types (numbers stay numbers)."""
    sheet.append(fields)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    widths = [len(name) for name in fields]
    for record in records:
        values = [record[name] for name in fields]
        sheet.append(values)
        widths = [max(width, len(str(value)) if value is not None else 0) for width, value in zip(
            widths, values, strict=True)]
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width, 60) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(fields))}{max(sheet.max_row, 1)}"


DECISION_FIELDS = ["step", "noc", "gender", "event", "list", "rank", "athlete", "reason", "detail", "taken_by",
                   "clause"]


def to_xlsx_bytes(system: System, allocation: Allocation, nocs: NocRegistry, *, banner: str | None = None,
                  place_fields: list[str], place_records: list[dict]) -> bytes:
    book = Workbook()
    if banner:
        book.properties.description = banner
    summary = book.worksheets[0]
    summary_sheet(summary, system, build_summary(system, allocation, nocs), nocs, banner)
    breakdown_sheet(book.create_sheet("Breakdown"), system, build_breakdown(system, allocation, nocs), banner)
    records_sheet(book.create_sheet("Places"), place_fields, place_records)
    records_sheet(book.create_sheet("Decisions"), DECISION_FIELDS,
                  (d.model_dump(mode="json") for d in allocation.decisions))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
