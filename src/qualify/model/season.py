"""A season of races: the calendar, every result, and whether the data is synthetic.

A :class:`Season` is what the list builders (:mod:`qualify.ranking.builder`) turn into ranking lists. It is
plain, immutable data with no sport in it: races have an id, a date, a name, a kind (any label the rule file
uses) and the ids of the lists they count for; results have a race, a gender, an event name, a rank (None when
not classified, with the status saying why) and an athlete (None for a team row).

``season.up_to(race_id)`` is the season as if it had closed after that race; it shares the result rows with the
full season, so a forecast can take thousands of such cuts cheaply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from qualify.model.common import Gender


@dataclass(frozen=True, slots=True)
class Race:
    """One calendar row: a race (a competition weekend, a stage) and the lists it counts for."""

    id: str
    date: date
    name: str
    kind: str
    lists: tuple[str, ...] = ()
    source_row: int | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.date.isoformat()})" if self.name else f"{self.id} ({self.date.isoformat()})"


class Result(NamedTuple):
    """One final place (or a result without one) of an athlete or a team in one event of one race.

    A named tuple: immutable and cheap to make, as a forecast makes many (``result._replace(rank=...)``).
    """

    race: str
    gender: Gender
    event: str
    rank: int | None
    noc: str
    athlete: str | None = None
    status: str = ""
    team: str | None = None  # tells two teams of one NOC apart in a race; None when an NOC has one team
    source_row: int | None = None

    @property
    def classified(self) -> bool:
        return self.rank is not None

    @property
    def is_team(self) -> bool:
        return self.athlete is None

    @property
    def who(self) -> str:
        if self.athlete is not None:
            return self.athlete
        return f"{self.noc} {self.team}" if self.team else self.noc


class Season:
    """The calendar in order (date, then file order) and the results of each race."""

    __slots__ = ("races", "later", "notice", "source", "_by_race", "_index")

    def __init__(self, races: Iterable[Race], results_by_race: Mapping[str, tuple[Result, ...]], *,
                 notice: str | None = None, source: str = "", ordered: bool = False,
                 later: tuple[Race, ...] = ()) -> None:
        races = tuple(races)
        if not ordered:
            # sorted() is stable: races on the same date keep their file order.
            races = tuple(sorted(races, key=lambda race: race.date))
        self.races: tuple[Race, ...] = races
        self.later = later  # the calendar's races after a cut (see up_to): known, not yet counted
        self.notice = notice  # e.g. "SYNTHETIC DATA ...": carried into every output made from the season
        self.source = source
        self._index = {race.id: i for i, race in enumerate(races)}
        self._by_race = {race.id: results_by_race.get(race.id, ()) for race in races}

    @classmethod
    def from_results(cls, races: Iterable[Race], results: Iterable[Result], *, notice: str | None = None,
                     source: str = "") -> Season:
        grouped: dict[str, list[Result]] = {}
        for result in results:
            grouped.setdefault(result.race, []).append(result)
        races = tuple(races)
        unknown = sorted(set(grouped) - {race.id for race in races})
        if unknown:
            raise ValueError(f"results for races not on the calendar: {', '.join(unknown)}")
        return cls(races, {race: tuple(rows) for race, rows in grouped.items()}, notice=notice, source=source)

    # -- lookup -------------------------------------------------------------------------------------------

    def __contains__(self, race_id: object) -> bool:
        return race_id in self._index

    def race(self, race_id: str) -> Race:
        return self.races[self._index[race_id]]

    def position(self, race_id: str) -> int:
        """0 for the first race of the calendar."""
        return self._index[race_id]

    def results_of(self, race_id: str) -> tuple[Result, ...]:
        return self._by_race[race_id]

    @property
    def results(self) -> tuple[Result, ...]:
        return tuple(r for race in self.races for r in self._by_race[race.id])

    def held(self) -> tuple[Race, ...]:
        """The races that have results."""
        return tuple(race for race in self.races if self._by_race[race.id])

    @property
    def last_held(self) -> Race | None:
        held = self.held()
        return held[-1] if held else None

    @property
    def closes_after(self) -> Race | None:
        """The last race of the calendar: the season stands as after it."""
        return self.races[-1] if self.races else None

    # -- cuts ---------------------------------------------------------------------------------------------

    def up_to(self, race_id: str) -> Season:
        """The season as if it had closed after ``race_id``: that race and the ones before it."""
        end = self._index[race_id] + 1
        races = self.races[:end]
        return Season(races, {race.id: self._by_race[race.id] for race in races}, notice=self.notice,
                      source=self.source, ordered=True, later=self.races[end:] + self.later)

    def with_results(self, race_id: str, results: Iterable[Result]) -> Season:
        """The same calendar with the results of one race replaced (e.g. a forecast's simulated race)."""
        if race_id not in self._index:
            raise KeyError(race_id)
        by_race = dict(self._by_race)
        by_race[race_id] = tuple(results)
        return Season(self.races, by_race, notice=self.notice, source=self.source, ordered=True, later=self.later)

    def __repr__(self) -> str:
        return f"Season({len(self.races)} races, {sum(len(r) for r in self._by_race.values())} results)"
