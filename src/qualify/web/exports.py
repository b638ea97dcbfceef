"""Downloads. The allocation goes through ``qualify.io.writers.render`` (the CLI's writers, one JSON contract);
the ranking lists, which no project writer covers yet, through the small table writer here.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from qualify.io.writers import FORMATS, render
from qualify.web.scenarios import Outcome
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
