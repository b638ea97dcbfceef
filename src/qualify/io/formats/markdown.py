"""Markdown: the Summary and Breakdown as pipe tables, with their notes.

Markdown tables have a single header row, so a grouped column is headed "Men 500m" (group, then label): a
caption row above would be read by most renderers as a first body row, and would break sorting and copying.
"""

from __future__ import annotations

from qualify.io.formats.common import (
    PLACEHOLDER_NOTE,
    RANKS_NOTE,
    STRUCK_MEANING,
    athlete_bound,
    cell_text,
    column_heading,
    gender_label,
    has_placeholders,
    has_struck,
)
from qualify.io.report import BreakdownTable, Holder, Summary, build_breakdown, build_summary
from qualify.model.allocation import Allocation
from qualify.model.nocs import NocRegistry
from qualify.rules import System


def escape(text: str) -> str:
    """Text from the data, safe in a table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|")


def table(header: list[str], rows: list[list[str]], numeric: list[bool]) -> str:
    """A pipe table: numeric columns right-aligned, text left-aligned."""
    align = ["---:" if number else ":---" for number in numeric]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def summary_table(summary: Summary) -> str:
    header = ["Nation"] + [escape(column_heading(c)) for c in summary.columns]
    rows = [[escape(row.name)] + [cell_text(c) for c in row.cells] for row in summary.rows]
    rows.append([f"Total: {summary.noc_count} NOCs"] + [cell_text(c) for c in summary.totals])
    return table(header, rows, [False] + [True] * len(summary.columns))


def summary_notes(summary: Summary, nocs: NocRegistry) -> list[str]:
    notes = []
    if has_struck(summary):
        notes.append(f"~~2~~ 1: {STRUCK_MEANING}")
    if has_placeholders([row.noc for row in summary.rows], nocs):
        notes.append(PLACEHOLDER_NOTE)
    return notes


def _holders(entries: list[Holder]) -> str:
    # An athlete entry already holds a comma ("Jon Kistler, Switzerland (1)"): athletes are separated by ";".
    return ("; " if athlete_bound(entries) else ", ").join(escape(h.text()) for h in entries)


def _label(label: str) -> str:
    """A row label; an indented one (a continent under its pathway) keeps its indent visibly."""
    stripped = label.lstrip(" ")
    return f"– {escape(stripped)}" if stripped != label else escape(label)


def breakdown_table(breakdown: BreakdownTable) -> str:
    if breakdown.unit == "grant":
        header = ["Pathway", "Places", "Nations (rank)"]
        rows = [[_label(line.label), str(line.counts[""]) if line.counts else "",
                 _holders(line.entries.get("", []))] for line in breakdown.lines]
        rows.append(["Total", str(breakdown.total.get("", 0)), ""])
        return table(header, rows, [False, True, False])
    header = ["Pathway"]
    for gender in breakdown.genders:
        header += [f"{gender_label(gender)} places", f"{gender_label(gender)} nations (rank)"]
    rows = []
    for line in breakdown.lines:
        row = [_label(line.label)]
        for gender in breakdown.genders:
            row += [str(line.counts.get(gender, 0)), _holders(line.entries.get(gender, []))]
        rows.append(row)
    rows.append(["Total"] + [v for g in breakdown.genders for v in (str(breakdown.total.get(g, 0)), "")])
    return table(header, rows, [False] + [True, False] * len(breakdown.genders))


def to_markdown(system: System, allocation: Allocation, nocs: NocRegistry, *, banner: str | None = None) -> str:
    summary = build_summary(system, allocation, nocs)
    parts = [f"## {system.sport}, {system.edition}: quota allocation", ""]
    if banner:
        parts += [f"> **{banner}**", ""]
    parts += ["### Summary", "", summary_table(summary)]
    notes = summary_notes(summary, nocs)
    for note in notes:
        parts += ["", note]
    parts += ["", "### Breakdown", "", RANKS_NOTE]
    for breakdown in build_breakdown(system, allocation, nocs):
        parts += ["", f"#### {breakdown.title}", "", breakdown_table(breakdown)]
    parts += _notes(allocation)
    return "\n".join(parts) + "\n"


def _notes(allocation: Allocation) -> list[str]:
    notes = [f"- Warning ({w.step}): {w.message}" for w in allocation.warnings]
    notes += [f"- Reading in force: {key} = {value}" for key, value in allocation.readings.items()]
    return ["", "### Notes", "", *notes] if notes else []
