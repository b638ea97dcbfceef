"""The reference evaluation of simulated seasons: each one taken through the engine that explains.

A :class:`ForecastProblem` holds what every simulated season shares: the system, the season (the calendar and the
results up to ``as_of``), the fields of the races still to come, the points tables and the lists read from files.
:func:`evaluate` turns drawn outcomes (:mod:`qualify.forecast.sample`) into Summary counts one season at a time,
through :func:`qualify.standings.standing_at` exactly as `qualify standings` would after the last race. It is slow
(tens of milliseconds a season) and is the yardstick the batch engine is tested against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qualify.forecast.cells import Cells, count
from qualify.forecast.fields import Fields, future_fields
from qualify.forecast.sample import Outcomes
from qualify.model.allocation import Allocation
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.model.ranking import RankingList
from qualify.model.season import Result, Season
from qualify.ranking.points import PointsTable
from qualify.rules import System
from qualify.standings import Standing, standing_at


@dataclass
class ForecastProblem:
    """A season standing after ``as_of`` and the races still to come, ready to be simulated."""

    system: System
    season: Season  # the whole calendar; results after ``as_of`` are not used
    as_of: str
    fields: Fields
    tables: dict[str, PointsTable]
    cells: Cells
    fixed_lists: dict[str, RankingList] = field(default_factory=dict)
    nocs: NocRegistry = field(default_factory=load_nocs)

    @classmethod
    def build(cls, system: System, season: Season, as_of: str, tables: dict[str, PointsTable], *,
              fixed_lists: dict[str, RankingList] | None = None, nocs: NocRegistry | None = None,
              fields: Fields | None = None) -> ForecastProblem:
        registry = nocs if nocs is not None else load_nocs()
        fields = fields if fields is not None else future_fields(system, season, as_of)
        lists = fixed_lists or {}
        holders = {result.noc for result in season.up_to(as_of).results}
        holders |= {entry.noc for ranking in lists.values() for entry in ranking.entries}
        holders.add(system.host)
        return cls(system, season, as_of, fields, tables, Cells.for_system(system, holders), dict(lists), registry)

    @property
    def last_race(self) -> str:
        return self.season.races[-1].id

    def simulated_season(self, outcomes: Outcomes, index: int) -> Season:
        """The whole calendar with the results up to ``as_of`` and the ``index``-th simulated rest."""
        known = self.season.up_to(self.as_of)
        by_race: dict[str, list[Result]] = {race.id: list(known.results_of(race.id)) for race in known.races}
        for event, ranks in zip(self.fields.events, outcomes, strict=True):
            by_race.setdefault(event.race, []).extend(event.results(ranks[index]))
        return Season(self.season.races, {race: tuple(rows) for race, rows in by_race.items()},
                      notice=self.season.notice, source=self.season.source, ordered=True)

    def standing(self, outcomes: Outcomes, index: int) -> Standing:
        """The final standing of one simulated season, with its full allocation log (for witnesses and tests)."""
        return standing_at(self.system, self.simulated_season(outcomes, index), self.last_race, self.tables,
                           fixed_lists=self.fixed_lists, nocs=self.nocs)

    def counts(self, allocation: Allocation) -> np.ndarray:
        return count(self.system, allocation, self.cells, self.nocs)


def evaluate(problem: ForecastProblem, outcomes: Outcomes) -> np.ndarray:
    """Summary counts of every simulated season: an array (seasons, NOCs, columns)."""
    seasons = outcomes[0].shape[0] if outcomes else 1
    out = np.zeros((seasons, *problem.cells.shape), dtype=np.int16)
    for index in range(seasons):
        out[index] = problem.counts(problem.standing(outcomes, index).allocation)
    return out
