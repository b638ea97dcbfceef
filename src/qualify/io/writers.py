"""Writers: one allocation, many formats (terminal table, CSV, JSON, Markdown, wikitext, Excel)."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from qualify.io.report import BreakdownTable, Cell, Summary, build_breakdown, build_summary
from qualify.model.allocation import Allocation, Place
from qualify.model.nocs import NocRegistry
from qualify.rules import System

FORMATS = ("table", "csv", "json", "markdown", "wikitext", "xlsx")

PLACE_FIELDS = ["noc", "gender", "event", "pathway", "rank", "athlete", "entry", "list", "points", "clause",
                "kind", "grant", "detail", "passed_down_from", "reallocated_from", "tie_unresolved", "status"]


def place_record(place: Place) -> dict:
    record = place.model_dump(mode="json")
    return {name: record[name] for name in PLACE_FIELDS}


def _cell_text(cell: Cell, struck: tuple[str, str], *, zero: str = "0") -> str:
    def show(value: int) -> str:
        if cell.mark:
            return "X" if value else ""
        return str(value) if value else zero
    if cell.changed:
        before = show(cell.before or 0)
        return f"{struck[0]}{before}{struck[1]} {show(cell.value)}".strip()
    return show(cell.value)


def _holders_text(holders: list[str]) -> str:
    return ", ".join(holders)


# --- JSON -------------------------------------------------------------------------------------------------

def to_json_document(system: System, allocation: Allocation, nocs: NocRegistry) -> dict:
    summary = build_summary(system, allocation, nocs)
    return {
        "system": system.id,
        "readings": allocation.readings,
        "places": [place_record(p) for p in allocation.places],
        "summary": {
            "columns": [c.key for c in summary.columns],
            "rows": [{"noc": row.noc, "name": row.name,
                      **{c.key: cell.value for c, cell in zip(summary.columns, row.cells, strict=True)},
                      "declined": {c.key: cell.before for c, cell in zip(summary.columns, row.cells, strict=True)
                                   if cell.changed}}
                     for row in summary.rows],
            "total": {"nocs": summary.noc_count,
                      **{c.key: cell.value for c, cell in zip(summary.columns, summary.totals, strict=True)}},
        },
        "breakdown": [{"title": t.title, "unit": t.unit,
                       "rows": [{"label": line.label.strip(), "counts": line.counts, "holders": line.holders}
                                for line in t.lines], "total": t.total}
                      for t in build_breakdown(system, allocation, nocs)],
        "decisions": [d.model_dump(mode="json") for d in allocation.decisions],
        "warnings": [w.model_dump(mode="json") for w in allocation.warnings],
        "eligibility": allocation.eligibility,
    }


# --- Markdown and wikitext ----------------------------------------------------------------------------

def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _column_heading(column) -> str:
    """A column's label with its group, e.g. "Men 500m", where the published table has a spanning heading."""
    return f"{column.group} {column.label}" if column.group else column.label


def _summary_rows(summary: Summary, struck: tuple[str, str], name_cell) -> list[list[str]]:
    rows = [[name_cell(row.noc, row.name)] + [_cell_text(c, struck) for c in row.cells] for row in summary.rows]
    rows.append([f"Total: {summary.noc_count} NOCs"] + [_cell_text(c, struck) for c in summary.totals])
    return rows


def _breakdown_rows(table: BreakdownTable) -> tuple[list[str], list[list[str]]]:
    if table.unit == "grant":
        header = ["Pathway", "Places", "Nations (rank)"]
        rows = [[line.label, str(line.counts[""]) if line.counts else "", _holders_text(line.holders.get("", []))]
                for line in table.lines]
        rows.append(["Total", str(table.total.get("", 0)), ""])
    else:
        header = ["Pathway"] + [f"{g} places" for g in table.genders] + [f"{g} (rank)" for g in table.genders]
        rows = [[line.label] + [str(line.counts[g]) for g in table.genders]
                + [_holders_text(line.holders[g]) for g in table.genders] for line in table.lines]
        rows.append(["Total"] + [str(table.total.get(g, 0)) for g in table.genders] + [""] * len(table.genders))
    return header, rows


def to_markdown(system: System, allocation: Allocation, nocs: NocRegistry) -> str:
    summary = build_summary(system, allocation, nocs)
    parts = [f"## {system.sport}, {system.edition}: quota allocation", "", "### Summary", "",
             _markdown_table(["Nation"] + [_column_heading(c) for c in summary.columns],
                             _summary_rows(summary, ("~~", "~~"), lambda code, name: name))]
    parts += ["", "### Breakdown", "", "Rankings from the applicable list or competition appear in parentheses."]
    for table in build_breakdown(system, allocation, nocs):
        header, rows = _breakdown_rows(table)
        parts += ["", f"#### {table.title}", "", _markdown_table(header, rows)]
    parts += _notes(allocation)
    return "\n".join(parts) + "\n"


def _wiki_nation(code: str, name: str, nocs: NocRegistry) -> str:
    noc = nocs.get(code)
    if noc.placeholder:
        return name
    return f"{{{{flagIOC|{code}|2026 Winter}}}}" if not noc.neutral else f"[[{name}]]"


def _wikitable(header: list[str], rows: list[list[str]]) -> str:
    lines = ['{| class="wikitable"', "! " + " !! ".join(header)]
    for row in rows:
        lines += ["|-", "| " + " || ".join(row)]
    lines.append("|}")
    return "\n".join(lines)


def to_wikitext(system: System, allocation: Allocation, nocs: NocRegistry) -> str:
    summary = build_summary(system, allocation, nocs)
    parts = ["===Summary===", _wikitable(["Nation"] + [_column_heading(c) for c in summary.columns],
                                          _summary_rows(summary, ("<s>", "</s>"),
                                                        lambda code, name: _wiki_nation(code, name, nocs)))]
    parts += ["", "===Breakdown===", "Rankings from the applicable list or competition appear in parentheses."]
    for table in build_breakdown(system, allocation, nocs):
        header, rows = _breakdown_rows(table)
        parts += ["", f"===={table.title}====", _wikitable(header, rows)]
    return "\n".join(parts) + "\n"


def _notes(allocation: Allocation) -> list[str]:
    notes = [f"- Warning ({w.step}): {w.message}" for w in allocation.warnings]
    notes += [f"- Reading in force: {key} = {value}" for key, value in allocation.readings.items()]
    return ["", "### Notes", "", *notes] if notes else []


# --- CSV and Excel ------------------------------------------------------------------------------------

def to_csv(allocation: Allocation) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PLACE_FIELDS, lineterminator="\n")
    writer.writeheader()
    for place in allocation.places:
        writer.writerow({k: "" if v is None else v for k, v in place_record(place).items()})
    return buffer.getvalue()


def to_xlsx_bytes(system: System, allocation: Allocation, nocs: NocRegistry, *, banner: str | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Summary"
    if banner:
        sheet.append([banner])
    summary = build_summary(system, allocation, nocs)
    sheet.append(["Nation", "NOC"] + [c.label for c in summary.columns])
    for row in summary.rows:
        sheet.append([row.name, row.noc] + [c.value for c in row.cells])
    sheet.append([f"Total: {summary.noc_count} NOCs", ""] + [c.value for c in summary.totals])
    places = book.create_sheet("Places")
    places.append(PLACE_FIELDS)
    for place in allocation.places:
        record = place_record(place)
        places.append([record[k] for k in PLACE_FIELDS])
    decisions = book.create_sheet("Decisions")
    fields = ["step", "noc", "gender", "event", "list", "rank", "athlete", "reason", "detail", "taken_by", "clause"]
    decisions.append(fields)
    for decision in allocation.decisions:
        record = decision.model_dump(mode="json")
        decisions.append([record[k] for k in fields])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- terminal -----------------------------------------------------------------------------------------

def print_tables(console: Console, system: System, allocation: Allocation, nocs: NocRegistry) -> None:
    summary = build_summary(system, allocation, nocs)
    table = Table(title=f"{system.sport}, {system.edition}: Summary", show_footer=False)
    table.add_column("Nation", no_wrap=True)
    for column in summary.columns:
        table.add_column(_column_heading(column), justify="right", no_wrap=True)
    # A terminal shows struck values struck; a pipe or file gets the Markdown marks, which survive plain text.
    struck = ("[strike]", "[/strike]") if console.is_terminal else ("~~", "~~")
    rows = _summary_rows(summary, struck, lambda code, name: name)
    for row in rows[:-1]:
        table.add_row(*row)
    table.add_section()
    table.add_row(*rows[-1], style="bold")
    console.print(table)
    for breakdown in build_breakdown(system, allocation, nocs):
        header, rows = _breakdown_rows(breakdown)
        out = Table(title=breakdown.title)
        for index, name in enumerate(header):
            out.add_column(name, justify="right" if "places" in name.lower() else "left",
                           overflow="fold", ratio=3 if index == len(header) - 1 else None)
        for row in rows:
            out.add_row(*row)
        console.print(out)
    for warning in allocation.warnings:
        console.print(f"[yellow]warning[/yellow] ({warning.step}): {warning.message}")


def render(fmt: str, system: System, allocation: Allocation, nocs: NocRegistry, *,
           banner: str | None = None) -> str | bytes:
    """The allocation in one format; ``banner`` (e.g. a synthetic-data warning) is carried into every format."""
    if fmt == "json":
        document = to_json_document(system, allocation, nocs)
        if banner:
            document = {"notice": banner, **document}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "xlsx":
        return to_xlsx_bytes(system, allocation, nocs, banner=banner)
    text = {"csv": lambda: to_csv(allocation), "markdown": lambda: to_markdown(system, allocation, nocs),
            "wikitext": lambda: to_wikitext(system, allocation, nocs)}[fmt]()
    if banner:
        prefix = {"csv": "# ", "markdown": "> **", "wikitext": "<!-- "}[fmt]
        suffix = {"csv": "", "markdown": "**", "wikitext": " -->"}[fmt]
        text = f"{prefix}{banner}{suffix}\n" + ("\n" if fmt == "markdown" else "") + text
    return text


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write the whole output or nothing: a temp file in the same folder, then an atomic rename."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
