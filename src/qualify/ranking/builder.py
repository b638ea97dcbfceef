"""The one list builder: a season's results turned into ranking lists, as each list's ``build`` in the rule file says.

For a list ``L`` with ``build`` ``B`` and a (possibly cut) :class:`~qualify.model.season.Season`:

1. **Races.** The races whose calendar row names ``L``; of these, the ones with results count.
2. **Classifications.** In each such race, every event of ``B.events`` is one classification (race, event, gender).
3. **Points.** A classified result earns ``B.points``' value of its place; ``t`` results tied at place ``p``
   share the mean of places ``p .. p + t − 1`` (``tied_places: share_mean``, rounded to 0.1) or each get the points
   of ``p`` (``full``). A result without a place (DNS, DNF, DSQ) earns nothing.
4. **Entries and values.** ``athlete``: each athlete (with the NOC) has one value per classification they were
   placed in. ``noc_slots``: in each classification slot ``k`` of an NOC takes the NOC's k-th best value, whoever
   earned it (the short-track SOQC). ``noc_team``: each NOC has its best team's value per classification.
5. **Total.** ``combine: best`` adds the ``B.best`` highest values (equal values: the earlier race counts),
   ``all`` adds every value. An entry whose total is 0 is not listed.
6. **Ranks.** Highest total first. ``equal_totals: share_rank``: equal totals share a rank (1, 2, 2, 4), so the
   engine sees the tie and reports it if it decides a place; ``countback``: the better best counted value goes
   first, then the second best ...; entries still equal share the rank. Inside a shared rank entries are listed by
   NOC, athlete and slot: nothing depends on the order of the input rows.

``combine: single_race`` lists the classification of the one race counting for ``L`` as it is (its places are the
ranks; points from ``B.points`` if named). An NOC with several teams keeps its best.

Every entry keeps the results behind it (race, event, place, points, whether it counted), so outputs can show the
working. All arithmetic is exact (``Decimal``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from qualify.errors import InputError
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.model.ranking import RankingEntry, RankingList
from qualify.model.season import Race, Result, Season
from qualify.ranking.points import PointsTable
from qualify.rules import BuildSpec, ListSpec, System

ZERO = Decimal(0)
Classification = tuple[str, str, Gender]  # race id, event, gender


class Value(NamedTuple):
    """One result as an entry's value: where it was earned, the place, the points, and whether it counts."""

    race: str
    event: str
    place: int
    points: Decimal
    athlete: str | None
    counted: bool = False


@dataclass(frozen=True)
class BuiltEntry:
    rank: int
    noc: str
    athlete: str | None
    qualifier: int | None
    total: Decimal
    values: tuple[Value, ...]  # in race order; ``counted`` marks the ones in the total
    shared_rank: bool = False

    @property
    def counted(self) -> tuple[Value, ...]:
        return tuple(v for v in self.values if v.counted)

    @property
    def label(self) -> str:
        if self.athlete:
            return self.athlete
        return f"{self.noc} #{self.qualifier}" if self.qualifier else self.noc


@dataclass(frozen=True)
class BuiltList:
    spec: ListSpec
    ranking: RankingList
    entries: tuple[BuiltEntry, ...]
    races: tuple[str, ...]  # the races with results that counted for the list
    scheduled: tuple[str, ...]  # every race of the (cut) calendar that counts for it
    table: PointsTable | None
    report: str | None = None  # why the list is empty, when it is

    @property
    def empty(self) -> bool:
        return not self.entries


@dataclass
class SeasonLists:
    """Every built list of a system for one (cut) season."""

    season: Season
    lists: dict[str, BuiltList] = field(default_factory=dict)

    def rankings(self) -> dict[str, RankingList]:
        return {list_id: built.ranking for list_id, built in self.lists.items()}

    @property
    def reports(self) -> list[str]:
        return [f"list {list_id} ({built.spec.title}) is {built.report}" for list_id, built in self.lists.items()
                if built.report]


def group_results(season: Season) -> dict[Classification, list[Result]]:
    """Rows per classification (race, event, gender), in race order."""
    groups: dict[Classification, list[Result]] = defaultdict(list)
    for race in season.races:
        for result in season.results_of(race.id):
            groups[(race.id, result.event, result.gender)].append(result)
    return groups


def score(rows: Iterable[Result], table: PointsTable | None, tied_places: str) -> list[tuple[Result, Decimal]]:
    """Points of each classified row of one classification (unclassified rows are left out)."""
    rows = [r for r in rows if r.rank is not None]
    if table is None:
        return [(r, ZERO) for r in rows]
    tied: dict[int, int] = defaultdict(int)
    for r in rows:
        tied[r.rank] += 1  # type: ignore[index]
    share = tied_places == "share_mean"
    out = []
    try:
        for r in rows:
            rank = r.rank
            assert rank is not None
            out.append((r, table.points_for(rank, tied[rank]) if share else table.points(rank)))
    except ValueError as exc:  # beyond: error, and a place past the table
        raise InputError.single(table.name or table.id, f"{exc} (race {rows[0].race} {rows[0].gender.value} "
                                                        f"{rows[0].event})") from None
    return out


def build_lists(system: System, season: Season, tables: dict[str, PointsTable], *,
                nocs: NocRegistry | None = None) -> SeasonLists:
    """Every list of ``system`` that has a ``build``, from ``season`` (cut it first with ``season.up_to``)."""
    registry = nocs if nocs is not None else load_nocs()
    groups = group_results(season)
    out = SeasonLists(season)
    for spec in system.built_lists:
        out.lists[spec.id] = build_list(spec, season, tables, registry, groups=groups)
    return out


def build_list(spec: ListSpec, season: Season, tables: dict[str, PointsTable], nocs: NocRegistry, *,
               groups: dict[Classification, list[Result]] | None = None) -> BuiltList:
    build = spec.build
    if build is None:
        raise ValueError(f"list {spec.id} has no build")
    groups = groups if groups is not None else group_results(season)
    table = tables[build.points] if build.points is not None else None
    scheduled = tuple(race for race in season.races if spec.id in race.lists)
    keys = build.event_keys(spec.gender)
    held = [race for race in scheduled if any(groups.get((race.id, event, gender)) for event, gender in keys)]
    if build.combine == "single_race":
        entries = _single_race(build, held[:1], keys, groups, table)
    else:
        entries = _season_list(build, held, keys, groups, table)
    ranking = RankingList(
        id=spec.id, title=spec.title, gender=spec.gender, event=spec.event, kind=spec.kind,
        entries=tuple(RankingEntry(rank=e.rank, noc=e.noc, athlete=e.athlete, qualifier=e.qualifier,
                                   points=None if table is None else float(e.total),
                                   continent=nocs.continent(e.noc) if e.noc in nocs else None)
                      for e in entries),
        source=_source(season, held, table))
    later = tuple(race for race in season.later if spec.id in race.lists)
    return BuiltList(spec, ranking, tuple(entries), tuple(race.id for race in held),
                     tuple(race.id for race in scheduled), table, _report(scheduled, held, entries, later))


def _source(season: Season, held: list[Race], table: PointsTable | None) -> str:
    races = f"{len(held)} race(s)" + (f" of {season.source}" if season.source else "")
    if table is None:
        return f"built from {races}"
    return f"built from {races} with points table {table.id or table.name}" + (
        f" ({table.basis})" if table.basis else "")


def _report(scheduled: tuple[Race, ...], held: list[Race], entries: list[BuiltEntry],
            later: tuple[Race, ...]) -> str | None:
    if entries:
        return None
    if not scheduled and later:
        return f"empty: its first race, {later[0].id} ({later[0].label}), comes later"
    if not scheduled:
        return "empty: no race on the calendar counts for it"
    if not held:
        first = scheduled[0]
        return (f"empty: none of its {len(scheduled)} race(s) so far has results (the first is {first.id}, "
                f"{first.label})")
    return f"empty: its {len(held)} race(s) with results gave no entry any points"


def _single_race(build: BuildSpec, held: list[Race], keys: tuple[tuple[str, Gender], ...],
                 groups: dict[Classification, list[Result]], table: PointsTable | None) -> list[BuiltEntry]:
    if not held:
        return []
    race = held[0]
    [(event, gender)] = keys
    scored = score(groups.get((race.id, event, gender), ()), table, build.tied_places)
    entries: list[BuiltEntry] = []
    if build.entry == "athlete":
        for result, points in scored:
            value = Value(race.id, event, result.rank or 0, points, result.athlete, counted=True)
            entries.append(BuiltEntry(result.rank or 0, result.noc, result.athlete, None, points, (value,)))
    else:
        # An NOC's k-th best result is its slot k (noc_team: its best team only).
        slots = build.slots if build.entry == "noc_slots" else 1
        taken: dict[str, int] = defaultdict(int)
        for result, points in sorted(scored, key=lambda rp: (rp[0].rank or 0, rp[0].who)):
            taken[result.noc] += 1
            k = taken[result.noc]
            if slots is not None and k > slots:
                continue
            value = Value(race.id, event, result.rank or 0, points, result.athlete, counted=True)
            entries.append(BuiltEntry(result.rank or 0, result.noc, None,
                                      k if build.entry == "noc_slots" else None, points, (value,)))
    counts: dict[int, int] = defaultdict(int)
    for entry in entries:
        counts[entry.rank] += 1
    entries = [_with_shared(e, counts[e.rank] > 1) for e in entries]
    return sorted(entries, key=_listing_order)


def _season_list(build: BuildSpec, held: list[Race], keys: tuple[tuple[str, Gender], ...],
                 groups: dict[Classification, list[Result]], table: PointsTable | None) -> list[BuiltEntry]:
    assert table is not None  # the rule-file schema requires a table for best/all
    values: dict[tuple[str, str | None, int | None], list[Value]] = defaultdict(list)
    for race in held:
        for event, gender in keys:
            scored = score(groups.get((race.id, event, gender), ()), table, build.tied_places)
            if build.entry == "athlete":
                for result, points in scored:
                    values[(result.noc, result.athlete, None)].append(
                        Value(race.id, event, result.rank or 0, points, result.athlete))
                continue
            per_noc: dict[str, list[tuple[Decimal, int, Result]]] = defaultdict(list)
            for result, points in scored:
                per_noc[result.noc].append((points, result.rank or 0, result))
            for noc, found in per_noc.items():
                found.sort(key=lambda item: (-item[0], item[1], item[2].who))
                if build.entry == "noc_team":
                    points, place, result = found[0]
                    values[(noc, None, None)].append(Value(race.id, event, place, points, None))
                    continue
                for k, (points, place, result) in enumerate(found[: build.slots], start=1):
                    values[(noc, None, k)].append(Value(race.id, event, place, points, result.athlete))
    order = {race.id: i for i, race in enumerate(held)}
    entries = []
    for (noc, athlete, qualifier), earned in values.items():
        ranked = sorted(range(len(earned)), key=lambda i: (-earned[i].points, order[earned[i].race], i))
        chosen = set(ranked if build.combine == "all" else ranked[: build.best])
        marked = tuple(Value(v[0], v[1], v[2], v[3], v[4], True) if i in chosen else v for i, v in enumerate(earned))
        total = sum((v.points for v in marked if v.counted), ZERO)
        if total > 0:
            entries.append(BuiltEntry(0, noc, athlete, qualifier, total, marked))
    return _ranked(entries, build.equal_totals)


def _strength(entry: BuiltEntry, countback: bool) -> tuple:
    if not countback:
        return (-entry.total,)
    return (-entry.total, tuple(-v for v in sorted((v.points for v in entry.counted), reverse=True)))


def _ranked(entries: list[BuiltEntry], equal_totals: str) -> list[BuiltEntry]:
    countback = equal_totals == "countback"
    entries.sort(key=lambda e: (_strength(e, countback), _listing_order(e)))
    strengths = [_strength(e, countback) for e in entries]
    shared = {s for s, n in Counter(strengths).items() if n > 1}
    out, rank = [], 0
    for position, (entry, strength) in enumerate(zip(entries, strengths, strict=True), start=1):
        if position == 1 or strength != strengths[position - 2]:
            rank = position
        out.append(BuiltEntry(rank, entry.noc, entry.athlete, entry.qualifier, entry.total, entry.values,
                              strength in shared))
    return out


def _with_shared(entry: BuiltEntry, shared: bool) -> BuiltEntry:
    return BuiltEntry(entry.rank, entry.noc, entry.athlete, entry.qualifier, entry.total, entry.values, shared)


def _listing_order(entry: BuiltEntry) -> tuple:
    return (entry.rank, entry.noc, entry.athlete or "", entry.qualifier or 0)


def format_points(points: float | Decimal | None, decimals: int = 1) -> str:
    """Points as a list publishes them, e.g. one decimal for the SOQC (3000.0)."""
    if points is None:
        return ""
    return f"{Decimal(str(points)).quantize(Decimal(1).scaleb(-decimals)):.{decimals}f}" if decimals else \
        f"{Decimal(str(points)).quantize(Decimal(1)):.0f}"
