"""Readers for ranking lists and race classifications (one CSV per list, as named in the rule file)."""

from __future__ import annotations

from pathlib import Path

from qualify.errors import InputError
from qualify.io.csvfile import CsvRow, RowErrors, read_csv, read_text
from qualify.io.ranks import Standing, check_once, check_ranks
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
    """One list from its own CSV file."""
    required, optional = _columns(spec)
    table = read_csv(path, required=required, optional=optional)
    return _ranking_from_rows(table.path, table.rows, spec, nocs, qualifiers=False)


def read_combined_lists(path: Path, specs: list[ListSpec], nocs: NocRegistry) -> dict[str, RankingList]:
    """Several lists from one CSV with a ``list`` column (e.g. the published SOQC tables), and ``qualifier`` for an
    NOC's k-th entry. Rows naming a list that none of ``specs`` reads are an error."""
    required = sorted({c for spec in specs for c in _columns(spec)[0]}, key=_COLUMN_ORDER.index)
    optional = [c for c in _COLUMN_ORDER if c not in required]
    table = read_csv(path, required=["list", *required], optional=[c for c in optional if c != "list"])
    by_id = {spec.id: spec for spec in specs}
    rows: dict[str, list[CsvRow]] = {spec.id: [] for spec in specs}
    errors = RowErrors(table.path)
    for row in table.rows:
        if row.values["list"] not in by_id:
            errors.add(row.line, "list", f"found '{row.values['list']}', expected one of the lists read from this "
                                         f"file: {', '.join(by_id)}")
            continue
        rows[row.values["list"]].append(row)
    lists, problems = {}, list(errors.problems)
    for list_id, spec in by_id.items():
        try:
            lists[list_id] = _ranking_from_rows(table.path, rows[list_id], spec, nocs, qualifiers=True,
                                                where=f" in list {list_id}")
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(sorted(problems, key=lambda p: -1 if p.row is None else p.row))
    return lists


_COLUMN_ORDER = ["list", "rank", "qualifier", "athlete", "noc", "continent", "team", "points"]


def _ranking_from_rows(path: str, rows: list[CsvRow], spec: ListSpec, nocs: NocRegistry, *, qualifiers: bool,
                       where: str = "") -> RankingList:
    errors = RowErrors(path)
    entries: list[RankingEntry] = []
    # Every row whose rank could be read keeps its place in the rank checks, even when another of its cells is
    # wrong: dropping it would shift every later rank and report each of them as well.
    standings: list[Standing] = []
    keys: list[tuple[str, int]] = []
    unreadable_rank = False
    for row in rows:
        rank = errors.integer(row, "rank", minimum=1)
        noc = _check_noc(errors, row, nocs)
        continent = _check_continent(errors, row, noc, nocs)
        points = None
        if row.values.get("points", "") != "" or spec.needs_points:
            points = errors.number(row, "points", minimum=0)
        athlete = row.values.get("athlete") or None if spec.entry == "athlete" else None
        if spec.entry == "athlete" and not athlete:
            errors.add(row.line, "athlete", "found an empty athlete, expected the athlete's name")
        qualifier = None
        if qualifiers and row.values.get("qualifier", ""):
            qualifier = errors.integer(row, "qualifier", minimum=1)
        if rank is None:
            unreadable_rank = True
        else:
            standings.append(Standing(rank, row.line, points))
        key = (athlete if spec.entry == "athlete" else row.values["noc"]) or ""
        if qualifiers and row.values.get("qualifier"):
            key += f" #{row.values['qualifier']}"  # an NOC's first, second, third entry
        keys.append((key, row.line))
        if rank is None or noc is None or (spec.needs_points and points is None):
            continue
        entries.append(RankingEntry(rank=rank, noc=noc, points=points, athlete=athlete, continent=continent,
                                    qualifier=qualifier, source_row=row.line))
    check_once(errors, keys, field="athlete" if spec.entry == "athlete" else "noc",
               noun="athlete" if spec.entry == "athlete" else "NOC", scope="per list" + where)
    check_ranks(errors, standings, where=where, check_sequence=not unreadable_rank)
    errors.raise_if_any()
    if not entries:
        raise InputError.single(path, f"no rows{where}: found only the header, expected at least one entry")
    return RankingList(id=spec.id, title=spec.title, gender=spec.gender, event=spec.event, kind=spec.kind,
                       entries=tuple(entries), source=path)


def read_lists(system: System, data_dir: Path, nocs: NocRegistry, *,
               only: list[ListSpec] | None = None) -> dict[str, RankingList]:
    """The lists (all with a file, or ``only`` these) read from ``data_dir``; every file's problems are reported
    together. Several lists may share one file with a ``list`` column."""
    specs = only if only is not None else [spec for spec in system.lists if spec.file is not None]
    by_file: dict[str, list[ListSpec]] = {}
    for spec in specs:
        if spec.file is None:
            raise InputError.single(spec.id, "this list has no file: it is built from a season (pass --season DIR)")
        by_file.setdefault(spec.file, []).append(spec)
    lists, problems = {}, []
    for file, shared in by_file.items():
        try:
            if len(shared) > 1 or _has_list_column(data_dir / file):
                lists.update(read_combined_lists(data_dir / file, shared, nocs))
            else:
                lists[shared[0].id] = read_ranking_list(data_dir / file, shared[0], nocs)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return {spec.id: lists[spec.id] for spec in specs}


def _has_list_column(path: Path) -> bool:
    try:
        text = read_text(path)
    except InputError:
        return False  # the single-list reader reports the problem
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return "list" in [cell.strip().lower() for cell in line.replace(";", ",").replace("\t", ",").split(",")]
    return False
