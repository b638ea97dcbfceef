"""Readers for ranking lists and race classifications (one CSV per list, as named in the rule file)."""

from __future__ import annotations

from dataclasses import dataclass
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
    standings: list[_Standing] = []
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
            standings.append(_Standing(rank, row.line, points, key))
        if rank is None or noc is None or (spec.needs_points and points is None):
            continue
        entries.append(RankingEntry(rank=rank, noc=noc, points=points, athlete=athlete, continent=continent,
                                    source_row=row.line))
    _check_ranks(errors, standings, spec, check_sequence=not unreadable_rank)
    errors.raise_if_any()
    if not entries:
        raise InputError.single(table.path, "no rows: found only the header, expected at least one entry")
    return RankingList(id=spec.id, title=spec.title, gender=spec.gender, event=spec.event, kind=spec.kind,
                       entries=tuple(entries), source=table.path)


@dataclass(frozen=True)
class _Standing:
    rank: int
    row: int
    points: float | None
    key: str | None  # the NOC or athlete, as written


def _check_ranks(errors: RowErrors, standings: list[_Standing], spec: ListSpec, *, check_sequence: bool) -> None:
    """Ranks must read as a competition ranking: 1, 2, 2, 4 ... with equal points on equal ranks.

    The sequence is only checked when every rank could be read (a row without one leaves a hole nobody can place),
    and after a break it restarts from the rank found, so one wrong rank is one problem.
    """
    what = "athlete" if spec.entry == "athlete" else "noc"
    seen: dict[str, int] = {}
    for standing in standings:
        if not standing.key:
            continue
        if standing.key in seen:
            errors.add(standing.row, what, f"found '{standing.key}' again (first on row {seen[standing.key]}), "
                                           f"expected each {'athlete' if what == 'athlete' else 'NOC'} once per list")
        seen.setdefault(standing.key, standing.row)
    ordered = sorted(standings, key=lambda s: (s.rank, s.row))
    shift = 0  # how far the ranks found so far run ahead of (or behind) their positions
    for index, standing in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        if previous is not None and standing.rank == previous.rank:
            if standing.points != previous.points and None not in (standing.points, previous.points):
                errors.add(standing.row, "rank",
                           f"duplicate rank {standing.rank} (also row {previous.row}) with different "
                           f"points ({_fmt(previous.points)} and {_fmt(standing.points)}); equal ranks are a tie "
                           "and need equal points")
        elif check_sequence and standing.rank != index + 1 + shift:
            errors.add(standing.row, "rank", f"found rank {standing.rank}, expected {index + 1 + shift} "
                       "(ranks run 1, 2, 3 ...; a tie of n skips the next n - 1 ranks)")
            shift = standing.rank - (index + 1)
        if previous is not None and previous.points is not None and standing.points is not None \
                and standing.rank > previous.rank and standing.points > previous.points:
            errors.add(standing.row, "points",
                       f"found {_fmt(standing.points)} at rank {standing.rank}, expected at most "
                       f"{_fmt(previous.points)} (the points of rank {previous.rank}): a ranking list is ordered "
                       "by points")


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
