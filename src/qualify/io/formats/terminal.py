"""The Summary and Breakdown in a terminal, readable at any width from 80 columns up.

The Summary keeps the published two-row header (Men / Women spanning their columns). When it does not fit, the
layout that needs the fewest tables wins, full nation names before IOC codes: one table with names, one table
with codes (and a legend), then the table split into parts of whole column groups, each repeating the nations.
Values are never cut, shrunk to nothing or replaced by an ellipsis.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from qualify.io.formats.common import (
    PLACEHOLDER_NOTE,
    RANKS_NOTE,
    STRUCK_MEANING,
    athlete_bound,
    gender_label,
    has_placeholders,
    has_struck,
    short_code,
    value_text,
)
from qualify.io.formats.grid import CellValue, Column, Grid, Wrapped, wrap_items
from qualify.io.report import BreakdownTable, Cell, Holder, Summary, build_breakdown, build_summary
from qualify.model.allocation import Allocation
from qualify.model.nocs import NocRegistry
from qualify.rules import System

STRUCK_STYLE = "strike dim"


def struck_cell(cell: Cell, styled: bool) -> Text:
    """A Summary cell; a value changed by declines shows its "before" struck through (``~~2~~ 1`` in plain text)."""
    after = value_text(cell, cell.value)
    if not (cell.changed and cell.before is not None):
        return Text(after)
    before = value_text(cell, cell.before)
    if styled:
        return Text.assemble((before, STRUCK_STYLE), " ", after)
    return Text(f"~~{before}~~ {after}")


def summary_grid(system: System, summary: Summary, nocs: NocRegistry, *, styled: bool, codes: bool) -> Grid:
    columns = [Column(c.label, c.group) for c in summary.columns]
    rows: list[list[CellValue]] = []
    for row in summary.rows:
        nation = short_code(row.noc, nocs) if codes else row.name
        cells: list[CellValue] = [nation]
        rows.append(cells + [struck_cell(cell, styled) for cell in row.cells])
    total: list[CellValue] = [f"Total: {summary.noc_count} NOCs"]
    footer = [total + [struck_cell(cell, styled) for cell in summary.totals]]
    return Grid(Column("Nation", align="left"), columns, rows, footer,
                title=f"{system.sport}, {system.edition}: Summary")


def _parts(grid: Grid, width: int) -> int:
    return 1 if grid.least_width() <= width else len(grid.split(width))


def summary_lines(system: System, summary: Summary, nocs: NocRegistry, width: int, *, styled: bool) -> list[Text]:
    """The Summary laid out for ``width`` columns, with its notes (struck values, codes, unnamed nations)."""
    by_name = summary_grid(system, summary, nocs, styled=styled, codes=False)
    by_code = summary_grid(system, summary, nocs, styled=styled, codes=True)
    codes = _parts(by_code, width) < _parts(by_name, width)
    lines = (by_code if codes else by_name).render(width)
    notes: list[Text] = []
    if has_struck(summary):
        example = struck_cell(Cell(1, 2), styled)
        plain = wrap_items(f"{example.plain}: {STRUCK_MEANING}".split(" "), width, separator=" ")
        # The example keeps its strike style: it starts the first line.
        notes.append(example + Text(plain[0][len(example.plain):]))
        notes += [Text(line) for line in plain[1:]]
    if codes:
        legend = [f"{short_code(row.noc, nocs)} {'(not named)' if nocs.get(row.noc).placeholder else row.name}"
                  for row in summary.rows]
        notes += [Text(line) for line in wrap_items(legend, width, separator=" · ")]
    if has_placeholders([row.noc for row in summary.rows], nocs):
        notes += [Text(line) for line in wrap_items(PLACEHOLDER_NOTE.split(" "), width, separator=" ")]
    return lines + notes


def _holders_width(table: BreakdownTable, key: str) -> int:
    """How narrow a list of holders may get: its longest entry, within 20 to 40 columns."""
    longest = max((len(h.text()) for line in table.lines for h in line.entries.get(key, [])), default=0)
    return max(20, min(40, longest))


def _holders(entries: list[Holder]) -> Wrapped:
    # Athletes one per line: "Jon Kistler, Switzerland (1)" already holds a comma.
    return Wrapped(tuple(h.text() for h in entries), one_per_line=athlete_bound(entries))


def breakdown_grid(table: BreakdownTable) -> Grid:
    stub = Column("Pathway", align="left", wrap=True, min_width=16)
    rows: list[list[CellValue]] = []
    footer: list[list[CellValue]]
    if table.unit == "grant":
        columns = [Column("Places"), Column("Nations (rank)", align="left", wrap=True,
                                            min_width=_holders_width(table, ""))]
        for line in table.lines:
            rows.append([line.label, str(line.counts[""]) if line.counts else "", _holders(line.entries.get("", []))])
        footer = [["Total", str(table.total.get("", 0)), ""]]
    else:
        columns = []
        for gender in table.genders:
            group = gender_label(gender)
            columns += [Column("Places", group), Column("Nations (rank)", group, align="left", wrap=True,
                                                        min_width=_holders_width(table, gender))]
        for line in table.lines:
            row: list[CellValue] = [line.label]
            for gender in table.genders:
                row += [str(line.counts.get(gender, 0)), _holders(line.entries.get(gender, []))]
            rows.append(row)
        total: list[CellValue] = ["Total"]
        footer = [total + [value for gender in table.genders for value in (str(table.total.get(gender, 0)), "")]]
    return Grid(stub, columns, rows, footer, title=table.title)


def breakdown_lines(tables: list[BreakdownTable], width: int) -> list[Text]:
    lines: list[Text] = []
    for table in tables:
        lines += [Text("")] + breakdown_grid(table).render(width)
    if tables:
        lines += [Text("")] + [Text(line, style="dim") for line in wrap_items(RANKS_NOTE.split(" "), width, " ")]
    return lines


def print_tables(console: Console, system: System, allocation: Allocation, nocs: NocRegistry) -> None:
    """The Summary, the Breakdown and the warnings, fitted to the console's width."""
    width = console.width
    # A terminal shows struck values struck; a pipe or file gets Markdown's ~~ marks, which survive plain text.
    styled = console.is_terminal
    summary = build_summary(system, allocation, nocs)
    lines = summary_lines(system, summary, nocs, width, styled=styled)
    lines += breakdown_lines(build_breakdown(system, allocation, nocs), width)
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False)
    for warning in allocation.warnings:
        console.print(Text.assemble(("warning", "yellow"), f" ({warning.step}): {warning.message}"),
                      highlight=False)
