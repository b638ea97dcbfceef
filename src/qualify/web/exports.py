"""Downloads. The allocation goes through ``qualify.io.writers.render`` (the CLI's writers, one JSON contract);
a season's standings and what changed through the renderers of `qualify standings`, `qualify diff` and
`qualify rankings` (``qualify.io.standings``); the ranking lists with their cut, which no project writer covers
yet, through the small table writer here.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from qualify.io.standings import (
    diff_csv,
    diff_header,
    diff_json,
    diff_markdown,
    rankings_csv,
    standings_json,
    standings_markdown,
)
from qualify.io.writers import FORMATS, render
from qualify.web.scenarios import Changes, Outcome, Source
from qualify.web.views import ListView, list_views

ALLOCATION_FORMATS = tuple(f for f in FORMATS if f != "table")  # csv, json, markdown, wikitext, xlsx
LIST_FORMATS = ("csv", "json", "wikitext", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "wikitext": "text/plain; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"csv": "csv", "json": "json", "markdown": "md", "wikitext": "wiki.txt", "xlsx": "xlsx"}
FORMAT_LABELS = {"csv": "CSV (one row per place)", "json": "JSON", "markdown": "Markdown",
                 "wikitext": "wikitext", "xlsx": "Excel"}
SEASON_FORMATS = ("csv", "json", "markdown")
SEASON_FORMAT_LABELS = {"csv": "CSV", "json": "JSON", "markdown": "Markdown"}


# --- a stored season: standings as of a race, and what changed between two races ----------------------------

def season_banner(source: Source) -> str:
    """The first line of `qualify standings` / `diff` output: the data's own synthetic notice, then the basis."""
    notice = source.stored.season.notice if source.stored is not None else None
    name = source.stored.season.source if source.stored is not None else ""
    return (f"{notice} (from {name}). " if notice else "") + f"Based on {source.inputs.basis}."


def standings_document(outcome: Outcome) -> dict[str, Any]:
    """The document of `qualify standings --format json` for the outcome's race (no declines)."""
    return outcome.cached("standings-document", lambda: json.loads(_standings_text(outcome, "json")))


def _standings_text(outcome: Outcome, fmt: str) -> str:
    source = outcome.source
    standing, stored = source.standing, source.stored
    if standing is None or stored is None:
        raise ValueError("standings need a stored season")
    nocs, total = outcome.nocs, len(stored.races)
    if fmt == "json":
        return standings_json(standing, nocs, basis=source.inputs.basis, notice=stored.season.notice,
                              total_races=total)
    if fmt == "markdown":
        return standings_markdown(standing, nocs, banner=season_banner(source), total_races=total, top=None)
    if fmt == "csv":  # the lists as `qualify rankings --season --as-of --format csv` writes them (readable back)
        return rankings_csv(standing.system, list(standing.lists.values()), banner=season_banner(source))
    raise ValueError(fmt)


def standings_download(outcome: Outcome, fmt: str) -> bytes:
    return outcome.cached(f"standings:{fmt}", lambda: _standings_text(outcome, fmt).encode("utf-8"))


def diff_document(changes: Changes) -> dict[str, Any]:
    """The document of `qualify diff --format json` for the two races."""
    return changes.cached("document", lambda: json.loads(_changes_text(changes, "json")))


def _changes_text(changes: Changes, fmt: str) -> str:
    after = changes.after
    nocs = changes.nocs
    if fmt == "json":
        return diff_json(changes.diff, nocs, basis=after.inputs.basis, notice=changes.stored.season.notice)
    if fmt == "markdown":
        return diff_markdown(changes.diff, nocs, banner=season_banner(after))
    if fmt == "csv":
        return diff_csv(changes.diff, nocs, banner=season_banner(after))
    raise ValueError(fmt)


def changes_download(changes: Changes, fmt: str) -> bytes:
    return changes.cached(f"download:{fmt}", lambda: _changes_text(changes, fmt).encode("utf-8"))


def diff_header_text(changes: Changes) -> str:
    return diff_header(changes.diff)


def allocation_download(outcome: Outcome, fmt: str) -> bytes:
    def make() -> bytes:
        content = render(fmt, outcome.system, outcome.allocation, outcome.nocs, banner=outcome.source.banner)
        return content.encode("utf-8") if isinstance(content, str) else content
    return outcome.cached(f"download:{fmt}", make)


def summary_csv(outcome: Outcome) -> bytes:
    """The Summary with the published-table column keys: a file `qualify compare --published` reads back."""
    summary = outcome.document["summary"]
    buffer = io.StringIO()
    if outcome.source.banner:
        buffer.write(f"# {outcome.source.banner}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["noc", *summary["columns"]])
    for row in summary["rows"]:
        writer.writerow([row["noc"], *(row[key] for key in summary["columns"])])
    return buffer.getvalue().encode("utf-8")


LIST_FIELDS = ["list", "rank", "noc", "nation", "entry", "qualifier", "points", "status", "next_in_line",
               "behind_cut"]


def _status_text(view_entry: Any) -> str:
    return {"place": "place", "declined": "declined", "displaced": "displaced", "passed": "passed over"}.get(
        view_entry.status, "")


def list_records(view: ListView) -> list[dict[str, Any]]:
    return [{"list": view.ranking.id, "rank": e.entry.rank, "noc": e.entry.noc, "nation": e.name, "entry": e.who,
             "qualifier": e.entry.qualifier, "points": e.entry.points, "status": _status_text(e),
             "next_in_line": e.next_in_line, "behind_cut": e.behind_cut} for e in view.entries]


def lists_document(outcome: Outcome) -> dict[str, Any]:
    views = list_views(outcome)
    document: dict[str, Any] = {"system": outcome.system.id}
    if outcome.source.banner:
        document["notice"] = outcome.source.banner
    document["lists"] = [{
        "id": view.ranking.id, "title": view.ranking.title, "gender": view.ranking.gender.value,
        "event": view.ranking.event, "places": view.places,
        "cut": ({"rank": view.cut_entry.entry.rank, "points": view.cut_entry.entry.points}
                if view.cut_entry is not None else None),
        "entries": [{k: v for k, v in record.items() if k != "list"} for record in list_records(view)],
    } for view in views]
    return document


def lists_download(outcome: Outcome, fmt: str) -> bytes:
    return outcome.cached(f"lists:{fmt}", lambda: _lists_download(outcome, fmt))


def _lists_download(outcome: Outcome, fmt: str) -> bytes:
    views = list_views(outcome)
    banner = outcome.source.banner
    if fmt == "json":
        return (json.dumps(lists_document(outcome), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        if banner:
            buffer.write(f"# {banner}\n")
        writer = csv.DictWriter(buffer, fieldnames=LIST_FIELDS, lineterminator="\n")
        writer.writeheader()
        for view in views:
            for record in list_records(view):
                writer.writerow({k: "" if v is None else v for k, v in record.items()})
        return buffer.getvalue().encode("utf-8")
    if fmt == "wikitext":
        lines = [f"''{banner}''", ""] if banner else []
        for view in views:
            lines += [f"===={view.ranking.title}====", '{| class="wikitable sortable"',
                      "! Rank !! Nation !! Entry !! Points !! Status"]
            for record in list_records(view):
                points = "" if record["points"] is None else f"{record['points']:g}"
                lines += ["|-", f"| {record['rank']} || {record['nation']} || {record['entry']} || {points} || "
                                f"{record['status']}"]
            lines += ["|}", ""]
        return "\n".join(lines).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        for blank in list(book.worksheets):  # the default sheet: every sheet below is one list
            book.remove(blank)
        for view in views:
            sheet = book.create_sheet(view.ranking.id[:31])
            if banner:
                sheet.append([banner])
            sheet.append(LIST_FIELDS)
            for record in list_records(view):
                sheet.append([record[k] for k in LIST_FIELDS])
        workbook = io.BytesIO()
        book.save(workbook)
        return workbook.getvalue()
    raise ValueError(fmt)
