"""Readers for ranking lists and race classifications (one CSV per list, as named in the rule file)."""

from __future__ import annotations

from pathlib import Path

from qualify.errors import InputError
from qualify.io.csvfile import CsvRow, RowErrors, Standing, check_ranks, read_csv
from qualify.model.common import Continent
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import ListSpec, System


def _columns(spec: ListSpec) -> tuple[list[str], list[str]]:
    required = ["rank", "noc"]
    # An athlete column in an NOC list (or a team column in an athlete list) would be read as nothing: refused.
    optional = ["continent", "points", "team" if spec.entry == "noc" else "athlete"]
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
        errors.add(row.line, "continent", f"found '{text}', expected {known.value} (the continent of {noc})")
        return None
    return continent


def read_ranking_list(path: Path, spec: ListSpec, nocs: NocRegistry) -> RankingList:
    required, optional = _columns(spec)
    table = read_csv(path, required=required, optional=optional)
    errors = RowErrors(table.path)
    entries: list[RankingEntry] = []
    # Every row whose rank could be read keeps its place in the rank checks, even when another of its cells is
    # wrong: dropping it would shift every later rank and report each of them as well.
    standings: list[Standing] = []
    unreadable_rank = False
    for row in table.rows:
        rank = errors.integer(row, "rank", minimum=1)
        noc = _check_noc(errors, row, nocs)
        continent = _check_continent(errors, row, noc, nocs)
        points = None
        if row.values.get("points", "") != "" or spec.needs_points:
            points = errors.number(row, "points", minimum=0)
        athlete = row.values.get("athlete") or None if spec.entry == "athlete" else None
        if spec.entry == "athlete" and not athlete:
            errors.add(row.line, "athlete", "found an empty athlete, expected the athlete's name")
        if rank is None:
            unreadable_rank = True
        else:
            key = athlete if spec.entry == "athlete" else row.values["noc"]
            standings.append(Standing(rank, row.line, points, key))
        if rank is None or noc is None or (spec.needs_points and points is None):
            continue
        entries.append(RankingEntry(rank=rank, noc=noc, points=points, athlete=athlete, continent=continent,
                                    source_row=row.line))
    check_ranks(errors, standings, "athlete" if spec.entry == "athlete" else "noc", check_sequence=not unreadable_rank)
    errors.raise_if_any()
    if not entries:
        raise InputError.single(table.path, "no rows: found only the header, expected at least one entry")
    return RankingList(id=spec.id, title=spec.title, gender=spec.gender, event=spec.event, kind=spec.kind,
                       entries=tuple(entries), source=table.path)


def read_lists(system: System, data_dir: Path, nocs: NocRegistry) -> dict[str, RankingList]:
    """Every list the rule file names, read from ``data_dir``; all files' problems are reported together."""
    lists, problems = {}, []
    for spec in system.lists:
        try:
            lists[spec.id] = read_ranking_list(data_dir / str(spec.file), spec, nocs)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return lists
