"""What every format shares: cell values with their struck "before", nation labels, and the notes under a table."""

from __future__ import annotations

from qualify.io.report import Cell, Holder, Summary
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry
from qualify.rules import SummaryColumn

STRUCK_MEANING = "before declines (struck through), then after."
RANKS_NOTE = "Rankings from the applicable list or competition appear in parentheses."
PLACEHOLDER_NOTE = ("Rows marked \"nation not named\" stand for nations that the source data does not name "
                    "(a published table that shows flags only, say).")


def value_text(cell: Cell, value: int, *, zero: str = "0") -> str:
    """One count as the published tables show it: a number, or X for a team place (nothing when there is none)."""
    if cell.mark:
        return "X" if value else ""
    return str(value) if value else zero


def cell_text(cell: Cell, struck: tuple[str, str] = ("~~", "~~")) -> str:
    """The count, preceded by the count before declines between ``struck`` marks when a decline changed it."""
    after = value_text(cell, cell.value)
    if cell.changed and cell.before is not None:
        before = value_text(cell, cell.before)
        return f"{struck[0]}{before}{struck[1]} {after}".strip()
    return after


def column_heading(column: SummaryColumn) -> str:
    """A column's label with its group, e.g. "Men 500m", for formats with a single header row."""
    return f"{column.group} {column.label}" if column.group else column.label


def grouped_header(columns: list[SummaryColumn]) -> list[tuple[str | None, list[SummaryColumn]]]:
    """Runs of columns under one group heading; an ungrouped column is a run of its own (group None)."""
    runs: list[tuple[str | None, list[SummaryColumn]]] = []
    for column in columns:
        if runs and column.group is not None and runs[-1][0] == column.group:
            runs[-1][1].append(column)
        else:
            runs.append((column.group, [column]))
    return runs


def gender_label(key: str) -> str:
    """A breakdown column key (a gender value, or "" for grant-counted rows) as a heading."""
    return Gender(key).label if key else ""


def has_struck(summary: Summary) -> bool:
    return any(cell.changed for row in summary.rows for cell in row.cells) or any(c.changed for c in summary.totals)


def has_placeholders(codes: list[str], nocs: NocRegistry) -> bool:
    return any(nocs.get(code).placeholder for code in codes)


def short_code(code: str, nocs: NocRegistry) -> str:
    """An IOC code, or the distinctive part of a placeholder ("UNNAMED-ROW01" -> "ROW01")."""
    return code.removeprefix("UNNAMED-") if nocs.get(code).placeholder else code


def holder_nocs(entries: list[Holder]) -> list[str]:
    return [holder.noc for holder in entries]


def athlete_bound(entries: list[Holder]) -> bool:
    return any(holder.athlete for holder in entries)
