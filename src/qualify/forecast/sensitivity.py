"""Which race still to come moves an NOC's odds the most.

**Definition.** For an NOC, an event of a race still to come and a Summary column, the simulated seasons are split by
how the NOC did in that event: its best finishing place among its entrants (no place at all counts as the worst).
The *good* seasons are those in which that best place is 1st to t-th, with t chosen so that the good seasons are as
near as possible to half of all seasons; the others are *bad*. The **swing** is the chance of at least one place in
the column over the good seasons minus the same chance over the bad ones, with its Monte Carlo standard error; the
expected count is compared the same way. A race's swing for a column is the largest swing (in size) among its
events, and the race that moves the NOC's odds the most is the one with the largest swing over the NOC's open
columns (those with a chance strictly between 0 and 1).

The swing is read from the same simulated seasons as the forecast (nothing is run again). It measures association,
not a controlled what-if: a pin (``--pin``) fixes a result and runs the rest again. An event the NOC never placed in,
in any simulated season, has no swing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qualify.forecast.cells import Cells
from qualify.forecast.fields import Fields
from qualify.forecast.sample import Outcomes
from qualify.model.common import Gender


@dataclass
class SensitivityTally:
    """For one NOC, per event still to come and per best place of the NOC in it (0: no place): the seasons, and
    among them those holding a place in each column and the sum of the NOC's count in each column."""

    noc: str
    seasons: np.ndarray  # int64 (events, places + 1)
    holding: np.ndarray  # int64 (events, places + 1, columns)
    places: np.ndarray  # int64 (events, places + 1, columns)

    @classmethod
    def of(cls, fields: Fields, outcomes: Outcomes, counts: np.ndarray, cells: Cells, noc: str) -> SensitivityTally:
        width = max((len(event.entrants) for event in fields.events), default=0) + 1
        columns = counts.shape[2]
        mine = counts[:, cells.row(noc), :].astype(np.int64)
        held = (mine > 0).astype(np.int64)
        seasons = np.zeros((len(fields.events), width), dtype=np.int64)
        holding = np.zeros((len(fields.events), width, columns), dtype=np.int64)
        places = np.zeros((len(fields.events), width, columns), dtype=np.int64)
        offsets = np.arange(columns)
        for index, (event, ranks) in enumerate(zip(fields.events, outcomes, strict=True)):
            best = best_places(event.entrants, ranks, noc, width)
            seasons[index] = np.bincount(best, minlength=width)
            flat = (best[:, None] * columns + offsets).ravel()
            holding[index] = np.bincount(flat, weights=held.ravel(), minlength=width * columns).reshape(width, columns)
            places[index] = np.bincount(flat, weights=mine.ravel(), minlength=width * columns).reshape(width, columns)
        return cls(noc, seasons, holding, places)

    def merge(self, other: SensitivityTally) -> None:
        self.seasons += other.seasons
        self.holding += other.holding
        self.places += other.places


def best_places(entrants: tuple, ranks: np.ndarray, noc: str, width: int) -> np.ndarray:
    """The NOC's best place in each simulated season (0 when none of its entrants had a place)."""
    mine = [index for index, entrant in enumerate(entrants) if entrant.noc == noc]
    if not mine:
        return np.zeros(ranks.shape[0], dtype=np.int64)
    placed = ranks[:, mine].astype(np.int64)
    placed = np.where(placed > 0, placed, width)
    best = placed.min(axis=1)
    best[best == width] = 0
    return best


@dataclass(frozen=True)
class Swing:
    race: str
    gender: Gender
    event: str
    column: str  # a Summary column key
    best_up_to: int  # good seasons: the NOC's best place 1st to this
    good: int  # seasons
    bad: int
    p_good: float
    p_bad: float
    expected_good: float
    expected_bad: float

    @property
    def delta(self) -> float:
        return self.p_good - self.p_bad

    @property
    def delta_se(self) -> float:
        return float(np.sqrt(self.p_good * (1 - self.p_good) / self.good + self.p_bad * (1 - self.p_bad) / self.bad))

    @property
    def expected_delta(self) -> float:
        return self.expected_good - self.expected_bad

    @property
    def good_label(self) -> str:
        return "1st" if self.best_up_to == 1 else f"1st-{_ordinal(self.best_up_to)}"


def _ordinal(place: int) -> str:
    suffix = "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    return f"{place}{suffix}"


def split_point(seasons: np.ndarray) -> int | None:
    """The t for which "best place 1st to t-th" is nearest to half of the seasons (both sides non-empty)."""
    total = int(seasons.sum())
    if total == 0:
        return None
    cumulative = np.cumsum(seasons[1:])  # best place 1, 2, ... (0, no place, is the worst and never good)
    candidates = [t for t in range(1, len(seasons)) if 0 < cumulative[t - 1] < total]
    if not candidates:
        return None
    return min(candidates, key=lambda t: (abs(cumulative[t - 1] / total - 0.5), t))


def swings(tally: SensitivityTally, fields: Fields, cells: Cells, columns: list[str] | None = None) -> list[Swing]:
    """Every event's swing for every column (or the given ones)."""
    wanted = [cells.column(key) for key in columns] if columns is not None else list(range(len(cells.columns)))
    out = []
    for index, event in enumerate(fields.events):
        t = split_point(tally.seasons[index])
        if t is None:
            continue
        good_rows = slice(1, t + 1)
        bad_rows = np.r_[0, np.arange(t + 1, tally.seasons.shape[1])]
        good = int(tally.seasons[index, good_rows].sum())
        bad = int(tally.seasons[index, bad_rows].sum())
        for column in wanted:
            holding_good = tally.holding[index, good_rows, column].sum()
            holding_bad = tally.holding[index, bad_rows, column].sum()
            out.append(Swing(event.race, event.gender, event.event, cells.columns[column].key, t, good, bad,
                             float(holding_good) / good, float(holding_bad) / bad,
                             float(tally.places[index, good_rows, column].sum()) / good,
                             float(tally.places[index, bad_rows, column].sum()) / bad))
    return out


@dataclass(frozen=True)
class RaceSwing:
    """The strongest swing of one race for one column."""

    race: str
    column: str
    swing: Swing


def by_race(found: list[Swing]) -> list[RaceSwing]:
    """For each race and column, the event with the largest swing (in size)."""
    best: dict[tuple[str, str], Swing] = {}
    for swing in found:
        key = (swing.race, swing.column)
        if key not in best or abs(swing.delta) > abs(best[key].delta):
            best[key] = swing
    return [RaceSwing(race, column, swing) for (race, column), swing in best.items()]


def strongest_race(found: list[Swing]) -> Swing | None:
    """The swing of the race (and event, and column) that moves the NOC's odds the most."""
    return max(found, key=lambda s: (abs(s.delta), s.race), default=None)
