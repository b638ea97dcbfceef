"""Writers: one allocation, many formats (terminal table, CSV, JSON, Markdown, wikitext, Excel).

The formats that lay out tables live in ``qualify.io.formats`` (one module each); this module is their front:
``render`` picks a format, and every name other code imports from here stays here.
"""

from __future__ import annotations

import csv
import io
import json

from qualify.io.formats import xlsx
from qualify.io.formats.markdown import to_markdown
from qualify.io.formats.terminal import print_tables
from qualify.io.formats.wikitext import to_wikitext
from qualify.io.report import build_breakdown, build_summary
from qualify.model.allocation import Allocation, Place
from qualify.model.nocs import NocRegistry
from qualify.rules import System

__all__ = ["FORMATS", "PLACE_FIELDS", "place_record", "print_tables", "render", "to_csv", "to_json_document",
           "to_markdown", "to_wikitext", "to_xlsx_bytes"]

FORMATS = ("table", "csv", "json", "markdown", "wikitext", "xlsx")

PLACE_FIELDS = ["noc", "gender", "event", "pathway", "rank", "athlete", "entry", "list", "points", "clause",
                "kind", "grant", "detail", "passed_down_from", "reallocated_from", "tie_unresolved", "status"]


def place_record(place: Place) -> dict:
    record = place.model_dump(mode="json")
    return {name: record[name] for name in PLACE_FIELDS}


# --- JSON -------------------------------------------------------------------------------------------------

def to_json_document(system: System, allocation: Allocation, nocs: NocRegistry, *, basis: str | None = None) -> dict:
    """The JSON contract; ``basis`` says in words what the inputs were (bundled lists, a season as of a race, ...)."""
    summary = build_summary(system, allocation, nocs)
    return {
        **({"basis": basis} if basis else {}),
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


# --- CSV and Excel ------------------------------------------------------------------------------------

def to_csv(allocation: Allocation) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PLACE_FIELDS, lineterminator="\n")
    writer.writeheader()
    for place in allocation.places:
        writer.writerow({k: "" if v is None else v for k, v in place_record(place).items()})
    return buffer.getvalue()


def to_xlsx_bytes(system: System, allocation: Allocation, nocs: NocRegistry, *, banner: str | None = None) -> bytes:
    return xlsx.to_xlsx_bytes(system, allocation, nocs, banner=banner, place_fields=PLACE_FIELDS,
                              place_records=[place_record(p) for p in allocation.places])


def render(fmt: str, system: System, allocation: Allocation, nocs: NocRegistry, *,
           banner: str | None = None, basis: str | None = None) -> str | bytes:
    """The allocation in one format; ``banner`` (e.g. a synthetic-data warning) is carried into every format.

    In JSON, ``notice`` is the synthetic-data banner only and ``basis`` says what the allocation is based on.
    """
    if fmt == "json":
        document = to_json_document(system, allocation, nocs, basis=basis)
        if banner:
            document = {"notice": banner, **document}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "xlsx":
        return to_xlsx_bytes(system, allocation, nocs, banner=banner)
    if fmt == "markdown":
        return to_markdown(system, allocation, nocs, banner=banner)
    if fmt == "wikitext":
        return to_wikitext(system, allocation, nocs, banner=banner)
    if fmt == "csv":
        return (f"# {banner}\n" if banner else "") + to_csv(allocation)
    raise ValueError(f"unknown format '{fmt}', expected one of {', '.join(FORMATS)}")
