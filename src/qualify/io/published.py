"""Published Summary tables: reading them, seeding places from them, and reconciling an allocation with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualify.engine.context import Decline
from qualify.errors import InputError, Problem
from qualify.io.csvfile import RowErrors, read_csv
from qualify.io.report import build_summary
from qualify.model.allocation import Allocation, Place
from qualify.model.nocs import NocRegistry
from qualify.rules import RankingWalkStep, System

STRUCK_FILE = "struck.csv"


@dataclass
class PublishedRow:
    line: int
    noc: str
    values: dict[str, int]  # after declines
    before: dict[str, int] = field(default_factory=dict)  # struck-through values, where a decline changed them
    number: str | None = None  # the ``row`` column: the row's position in the published table, as written


@dataclass
class PublishedTable:
    path: str
    columns: list[str]
    rows: list[PublishedRow]


def _cell(errors: RowErrors, line: int, key: str, text: str, mark: bool) -> int | None:
    text = text.strip()
    if mark and text.upper() in ("X", ""):
        return 1 if text else 0
    if text == "":
        return 0
    try:
        value = int(text)
    except ValueError:
        errors.add(line, key, f"found '{text}', expected a count" + (" or X" if mark else ""))
        return None
    if value < 0:
        errors.add(line, key, f"found {value}, expected a count >= 0")
        return None
    if mark and value > 1:
        errors.add(line, key, f"found {value}, expected X, 1 or an empty cell (a mark: one team at most)")
        return None
    return value


def read_published_summary(path: Path, system: System, nocs: NocRegistry) -> PublishedTable:
    """A Summary as published: ``noc`` plus any of the system's summary column keys (``row``/``named_by`` allowed).

    A ``struck.csv`` beside it (``row,noc,column,before,after``) gives the struck-through values of declined places.
    """
    keys = [c.key for c in system.summary]
    marks = {c.key for c in system.summary if c.display == "mark"}
    table = read_csv(path, required=["noc"], optional=["row", "named_by", *keys])
    columns = [name for name in table.header if name in keys]
    if not columns:
        raise InputError.single(table.path, f"no summary columns: found only {', '.join(table.header)}; expected "
                                            f"some of {', '.join(keys)}", row=1)
    errors = RowErrors(table.path)
    rows: list[PublishedRow] = []
    seen: dict[str, int] = {}
    for csv_row in table.rows:
        noc = csv_row.values["noc"]
        if noc not in nocs:
            errors.add(csv_row.line, "noc", f"unknown NOC code '{noc}', expected an IOC code (e.g. ITA) or a "
                                            "placeholder UNNAMED-...")
            continue
        if noc in seen:
            errors.add(csv_row.line, "noc", f"found '{noc}' again (first on row {seen[noc]}), expected each NOC once")
            continue
        seen[noc] = csv_row.line
        values = {key: _cell(errors, csv_row.line, key, csv_row.values[key], key in marks) for key in columns}
        rows.append(PublishedRow(csv_row.line, noc, {k: v for k, v in values.items() if v is not None},
                                 number=csv_row.values.get("row") or None))
    errors.raise_if_any()
    struck = path.parent / STRUCK_FILE
    if struck.exists():
        _read_struck(struck, rows, columns, table.path)
    return PublishedTable(table.path, columns, rows)


def _read_struck(path: Path, rows: list[PublishedRow], columns: list[str], summary_path: str) -> None:
    table = read_csv(path, required=["noc", "column", "before", "after"], optional=["row"])
    errors = RowErrors(table.path)
    by_noc = {row.noc: row for row in rows}
    by_number = {row.number: row for row in rows if row.number is not None}
    for csv_row in table.rows:
        noc, column = csv_row.values["noc"], csv_row.values["column"]
        number = csv_row.values.get("row") or None
        before = errors.integer(csv_row, "before", minimum=0)
        after = errors.integer(csv_row, "after", minimum=0)
        pointed = by_number.get(number) if number is not None else None
        if number is not None and by_number and pointed is None:
            errors.add(csv_row.line, "row", f"found '{number}', expected the row number of a row of {summary_path} "
                                            f"(one of {', '.join(by_number)})")
        elif pointed is not None and pointed.noc != noc:
            errors.add(csv_row.line, "noc", f"found '{noc}', expected '{pointed.noc}' (the NOC of the Summary row "
                                            f"numbered {number}, {summary_path} row {pointed.line}, which this line "
                                            "points at)")
        elif noc not in by_noc:
            errors.add(csv_row.line, "noc", f"found '{noc}', expected an NOC that has a row in the summary")
        elif column not in columns:
            errors.add(csv_row.line, "column", f"found '{column}', expected one of {', '.join(columns)}")
        elif after is not None and by_noc[noc].values.get(column) != after:
            shown = by_noc[noc].values.get(column)
            errors.add(csv_row.line, "after", f"found {after}, expected {shown} (the value the summary shows for "
                                              f"{noc} {column})")
        elif before is not None and after is not None and before < after:
            errors.add(csv_row.line, "before", f"found {before}, expected more than {after} (the value after the "
                                               "decline)")
        elif before is not None:
            by_noc[noc].before[column] = before
    errors.raise_if_any()


def places_from_published(system: System, table: PublishedTable) -> tuple[list[Place], list[Decline]]:
    """The starting and team places a published table shows (before declines), and the declines it strikes."""
    places: list[Place] = []
    declines: list[Decline] = []
    grant = 0
    # Only what the ranking walks would have granted is taken as given; every later step (team completion,
    # athletes) is computed, so the table's own derived columns can be checked against the rules.
    walked = {template.event for step in system.steps if isinstance(step, RankingWalkStep)
              for template in step.grant}
    if not walked or None in walked:
        raise InputError.single(table.path, f"the ranking walks of {system.id} grant athlete quotas that belong to "
                                            "no event column, so a published Summary cannot stand in for them; "
                                            "expected ranking lists instead (--data)")
    used = [c for c in system.summary if c.event in walked and c.key in table.columns]
    if not used:
        wanted = [c.key for c in system.summary if c.event in walked]
        raise InputError.single(table.path, f"no column holds places the ranking walks grant: found "
                                            f"{', '.join(table.columns)}, expected some of {', '.join(wanted)}",
                                row=1)
    for column in used:
        event = system.event(column.event or "")
        for row in table.rows:
            after = row.values.get(column.key, 0)
            before = row.before.get(column.key, after)
            for _ in range(before):
                grant += 1
                places.append(Place(noc=row.noc, gender=event.gender, event=event.id, kind=column.kind,
                                    pathway="given", step_type="given", clause=f"published table {table.path}",
                                    grant=-grant, entry=row.noc, detail="place as published"))
            declines += [Decline(row.noc, event.gender, event=event.id, source=table.path, row=row.line)
                         for _ in range(before - after)]
    _check_caps(system, table, places)
    return places, declines


def _check_caps(system: System, table: PublishedTable, places: list[Place]) -> None:
    """The places a table shows (before its declines) must respect every cap and maximum: each excess is located
    at the row of the NOC and the column of the event."""
    from qualify.engine.audit import Auditor  # the audit's own counting, not the engine's

    line_of = {row.noc: row.line for row in table.rows}
    column_of = {c.event: c.key for c in system.summary if c.event is not None and c.key in table.columns}
    problems = []
    for excess in Auditor(system).cap_excesses(places):
        noc, event = excess.key.get("noc"), excess.key.get("event")
        problems.append(Problem(table.path, f"{excess.message()} ({excess.rule()} [{excess.cap.clause}])",
                                row=line_of.get(noc) if noc else None, field=column_of.get(event) if event else None))
    if problems:
        raise InputError(problems)


@dataclass(frozen=True)
class Mismatch:
    noc: str
    column: str
    computed: int | None
    published: int | None
    what: str = "value"  # "value" (after declines) or "before" (the struck-through value)

    def line(self) -> str:
        shown = lambda v: "-" if v is None else str(v)  # noqa: E731
        label = "struck value" if self.what == "before" else "value"
        return f"{self.noc} {self.column}: computed {label} {shown(self.computed)}, published {shown(self.published)}"


def compare(system: System, allocation: Allocation, table: PublishedTable, nocs: NocRegistry) -> list[Mismatch]:
    """Every cell where the computed Summary and the published one differ (after declines, and struck values)."""
    summary = build_summary(system, allocation, nocs)
    keys = [c.key for c in summary.columns]
    computed = {row.noc: dict(zip(keys, row.cells, strict=True)) for row in summary.rows}
    mismatches = []
    for row in table.rows:
        cells = computed.get(row.noc)
        for key in table.columns:
            cell = cells.get(key) if cells else None
            value = cell.value if cell else None
            published = row.values.get(key)
            if (value or 0) != (published or 0) or (cells is None and published):
                mismatches.append(Mismatch(row.noc, key, value, published))
            if key in row.before:
                before = cell.before if cell is not None and cell.before is not None else value
                if before != row.before[key]:
                    mismatches.append(Mismatch(row.noc, key, before, row.before[key], "before"))
    published_nocs = {row.noc for row in table.rows}
    for noc, cells in computed.items():
        if noc not in published_nocs:
            mismatches += [Mismatch(noc, key, cells[key].value, None) for key in table.columns if cells[key].value]
    return mismatches
