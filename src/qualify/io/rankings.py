"""Readers for ranking lists and race classifications (one CSV per list, as named in the rule file)."""

from __future__ import annotations

from pathlib import Path

from qualify.errors import InputError
from qualify.io.csvfile import CsvRow, RowErrors, read_csv
from qualify.model.common import Continent
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import ListSpec, System


def _columns(spec: ListSpec) -> tuple[list[str], list[str]]:
    required = ["rank", "noc"]
    optional = ["continent", "team", "points", "athlete"]
    if spec.entry == "athlete":
        required.append("athlete")
    if spec.needs_points:
        required.append("points")
    if spec.needs_continent:
        required.append("continent")
    return required, [name for name in optional if name not in required]


def _check_noc(errors: RowErrors, row: CsvRow, nocs: NocRegistry) -> str | None:
    code = row.values["noc"]
    if code not in nocs:
        errors.add(row.line, "noc", f"unknown NOC code '{code}', expected an IOC code (e.g. ITA) or a "
                                    "placeholder UNNAMED-...")
        return None
    return code


def _check_continent(errors: RowErrors, row: CsvRow, noc: str | None, nocs: NocRegistry) -> Continent | None:
    text = row.values.get("continent", "")
    if not text:
        return nocs.continent(noc) if noc else None
    try:
        continent = Continent(text.strip().title())
    except ValueError:
        errors.add(row.line, "continent", f"found '{text}', expected one of "
                                          f"{', '.join(c.value for c in Continent)}")
        return None
    known = nocs.continent(noc) if noc else None
    if noc and known is not None and known is not continent:
        errors.add(row.line, "continent", f"{noc} belongs to {known.value}, found '{text}'")
        return None
    return continent


def read_ranking_list(path: Path, spec: ListSpec, nocs: NocRegistry) -> RankingList:
    required, optional = _columns(spec)
    table = read_csv(path, required=required, optional=optional)
    errors = RowErrors(table.path)
    entries: list[RankingEntry] = []
    for row in table.rows:
        rank = errors.integer(row, "rank", minimum=1)
        noc = _check_noc(errors, row, nocs)
        continent = _check_continent(errors, row, noc, nocs)
        points = None
        if row.values.get("points", "") != "" or spec.needs_points:
            points = errors.number(row, "points", minimum=0)
        athlete = row.values.get("athlete") or None if spec.entry == "athlete" else None
        if spec.entry == "athlete" and not athlete:
            errors.add(row.line, "athlete", "empty, expected the athlete's name")
        if rank is None or noc is None or (spec.needs_points and points is None):
            continue
        entries.append(RankingEntry(rank=rank, noc=noc, points=points, athlete=athlete, continent=continent,
                                    source_row=row.line))
    _check_ranks(errors, entries, spec)
    errors.raise_if_any()
    if not entries:
        raise InputError.single(table.path, "no rows: the list is empty")
    return RankingList(id=spec.id, title=spec.title, gender=spec.gender, event=spec.event, kind=spec.kind,
                       entries=tuple(entries), source=table.path)


def _check_ranks(errors: RowErrors, entries: list[RankingEntry], spec: ListSpec) -> None:
    """Ranks must read as a competition ranking: 1, 2, 2, 4 ... with equal points on equal ranks."""
    seen_entries: dict[str, int] = {}
    for entry in entries:
        key = entry.athlete if spec.entry == "athlete" else entry.noc
        if key in seen_entries:
            errors.add(entry.source_row, "athlete" if spec.entry == "athlete" else "noc",
                       f"'{key}' appears twice (also row {seen_entries[key]})")
        seen_entries.setdefault(key, entry.source_row)
    ordered = sorted(entries, key=lambda e: (e.rank, e.source_row))
    expected = 1
    for index, entry in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        if previous is not None and entry.rank == previous.rank:
            if entry.points != previous.points:
                errors.add(entry.source_row, "rank",
                           f"duplicate rank {entry.rank} (also row {previous.source_row}) with different "
                           f"points ({_fmt(previous.points)} and {_fmt(entry.points)}); equal ranks are a tie "
                           "and need equal points")
        elif entry.rank != expected:
            errors.add(entry.source_row, "rank", f"found rank {entry.rank}, expected {expected} "
                       "(ranks run 1, 2, 3 ...; a tie of n skips the next n - 1 ranks)")
        expected = index + 2
        if previous is not None and previous.points is not None and entry.points is not None \
                and entry.rank > previous.rank and entry.points > previous.points:
            errors.add(entry.source_row, "points",
                       f"rank {entry.rank} has more points ({_fmt(entry.points)}) than rank {previous.rank} "
                       f"({_fmt(previous.points)}); a ranking list is ordered by points")


def _fmt(points: float | None) -> str:
    return "none" if points is None else f"{points:g}"


def read_lists(system: System, data_dir: Path, nocs: NocRegistry) -> dict[str, RankingList]:
    """Every list the rule file names, read from ``data_dir``; all files' problems are reported together."""
    lists, problems = {}, []
    for spec in system.lists:
        try:
            lists[spec.id] = read_ranking_list(data_dir / spec.file, spec, nocs)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return lists
