"""Standings as of any race: the lists and the allocation as if qualification had closed after that race.

This is the in-memory chain results → lists → allocation that everything season-related runs on (``qualify
standings``, ``qualify diff``, and a forecast that simulates the rest of a season and asks for the standings after it):

    season = read_season(folder, system)               # qualify.io.season
    tables = load_points_tables(system)                # qualify.ranking.points
    standing = standing_at(system, season, "solitude", tables)
    standing.allocation, standing.lists["sprint-ranking-M"], standing.as_of

:func:`standings_through` gives the standing after every race of the calendar. Nothing here reads files: a caller
may build a :class:`~qualify.model.season.Season` in memory (e.g. ``season.with_results(race, simulated)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from qualify.engine import Decline, allocate
from qualify.engine.eligibility import RaceResult
from qualify.io.season import season_warnings
from qualify.model.allocation import Allocation
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.model.ranking import RankingList
from qualify.model.season import Race, Season
from qualify.ranking.builder import SeasonLists, build_lists
from qualify.ranking.eligibility import qualifying_results
from qualify.ranking.points import PointsTable
from qualify.rules import System


@dataclass
class Standing:
    """Where the season stands after ``as_of``."""

    system: System
    as_of: Race
    season: Season  # cut after ``as_of``
    built: SeasonLists
    lists: dict[str, RankingList]  # every list the steps walk: the built ones and any read from files
    eligibility: list[RaceResult] | None
    allocation: Allocation
    warnings: list[str] = field(default_factory=list)  # races without results, lists still empty

    @property
    def races_held(self) -> int:
        return len(self.season.held())


def standing_at(system: System, season: Season, race_id: str, tables: dict[str, PointsTable], *,
                fixed_lists: dict[str, RankingList] | None = None, declines: Iterable[Decline] = (),
                nocs: NocRegistry | None = None) -> Standing:
    """The lists and the allocation as if the season had closed after ``race_id``.

    ``fixed_lists`` are the lists without a ``build`` (read from files once by the caller).
    """
    registry = nocs if nocs is not None else load_nocs()
    cut = season.up_to(race_id)
    built = build_lists(system, cut, tables, nocs=registry)
    lists = {**(fixed_lists or {}), **built.rankings()}
    lists = {spec.id: lists[spec.id] for spec in system.lists}
    eligibility = qualifying_results(system, cut)
    warnings = season_warnings(cut, system) + built.reports
    allocation = allocate(system, lists, declines=list(declines), race_results=eligibility, nocs=registry,
                          notes=warnings)
    return Standing(system, cut.race(race_id), cut, built, lists, eligibility, allocation, warnings)


def standings_through(system: System, season: Season, tables: dict[str, PointsTable], *,
                      fixed_lists: dict[str, RankingList] | None = None,
                      nocs: NocRegistry | None = None) -> list[Standing]:
    """The standing after each race of the calendar, in calendar order."""
    registry = nocs if nocs is not None else load_nocs()
    return [standing_at(system, season, race.id, tables, fixed_lists=fixed_lists, nocs=registry)
            for race in season.races]
