"""The races still to come after a standing, and who may start in each of their events.

A :class:`Fields` lists, for every race of the calendar after ``as_of``, every event that feeds one of the lists the
race counts for (the rule file's ``build.events``), with its possible entrants. The entrants of an event are the
athletes (or, for team events, the NOCs' teams) that have a result in that gender and event so far this season: a
reading, since start lists of future races are not known; an athlete who has not raced yet cannot appear. Each
entrant carries a log-strength (0 until a results model sets it) and a chance of finishing without a place (DNF,
DSQ). ``pins`` fix some entrants' places (what-if: "KOR wins the relay at stage 4").

Everything here is data; :mod:`qualify.forecast.sample` draws finishing places from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from qualify.model.common import Gender
from qualify.model.season import Race, Result, Season
from qualify.rules import System


@dataclass(frozen=True, order=True)
class Entrant:
    """An athlete, or an NOC's team (``athlete`` None; ``team`` tells two teams of one NOC apart)."""

    noc: str
    athlete: str | None = None
    team: str | None = None

    @property
    def label(self) -> str:
        if self.athlete is not None:
            return f"{self.athlete} ({self.noc})"
        return f"{self.noc} {self.team}" if self.team else self.noc


@dataclass(frozen=True, eq=False)
class EventField:
    """One event of one race still to come: its possible entrants and their strengths."""

    race: str
    gender: Gender
    event: str
    entrants: tuple[Entrant, ...]
    log_strength: np.ndarray  # float64, one per entrant: higher is stronger (Plackett-Luce worth = exp)
    p_unclassified: np.ndarray  # float64, one per entrant: chance of no place (DNF, DSQ)
    pins: tuple[tuple[int, int], ...] = ()  # (entrant index, place) fixed by the user

    def __post_init__(self) -> None:
        size = len(self.entrants)
        if self.log_strength.shape != (size,) or self.p_unclassified.shape != (size,):
            raise ValueError(f"{self.key}: one strength and one DNF chance per entrant expected")
        places = [place for _, place in self.pins]
        if len(set(places)) != len(places) or len({i for i, _ in self.pins}) != len(self.pins):
            raise ValueError(f"{self.key}: a place or an entrant is pinned twice")
        if any(not 1 <= place <= size for place in places):
            raise ValueError(f"{self.key}: a pinned place beyond the {size} entrants")

    @property
    def key(self) -> tuple[str, Gender, str]:
        return (self.race, self.gender, self.event)

    @property
    def is_team(self) -> bool:
        return bool(self.entrants) and self.entrants[0].athlete is None

    def with_strengths(self, log_strength: np.ndarray, p_unclassified: np.ndarray | None = None) -> EventField:
        chances = self.p_unclassified if p_unclassified is None else np.asarray(p_unclassified, dtype=np.float64)
        return replace(self, log_strength=np.asarray(log_strength, dtype=np.float64), p_unclassified=chances)

    def with_pins(self, pins: tuple[tuple[int, int], ...]) -> EventField:
        return replace(self, pins=tuple(sorted(pins, key=lambda pin: pin[1])))

    def results(self, ranks: np.ndarray) -> list[Result]:
        """The result rows of one simulated outcome: ``ranks[i]`` is entrant i's place, 0 for no place."""
        rows = []
        for entrant, rank in zip(self.entrants, ranks.tolist(), strict=True):
            rows.append(Result(race=self.race, gender=self.gender, event=self.event, rank=rank or None,
                               noc=entrant.noc, athlete=entrant.athlete, status="" if rank else "DNF",
                               team=entrant.team))
        return rows


@dataclass(frozen=True)
class Fields:
    """The events of the races after ``as_of``, in calendar order (then gender, then event)."""

    as_of: Race
    races: tuple[Race, ...]
    events: tuple[EventField, ...]
    notes: tuple[str, ...] = field(default=())  # e.g. an event with no possible entrant

    def replace_events(self, events: tuple[EventField, ...]) -> Fields:
        return replace(self, events=events)


def result_events(system: System, race: Race) -> list[tuple[Gender, str]]:
    """The (gender, event) classifications a race holds: every event feeding a list the race counts for."""
    found: set[tuple[Gender, str]] = set()
    for list_id in race.lists:
        spec = next((s for s in system.lists if s.id == list_id), None)
        if spec is None or spec.build is None:
            continue
        found.update((gender, event) for event, gender in spec.build.event_keys(spec.gender))
    return sorted(found, key=lambda key: (key[0].value, key[1]))


def future_fields(system: System, season: Season, as_of: str) -> Fields:
    """The events still to come after ``as_of`` with their possible entrants (strengths 0, no DNF chance).

    ``season`` is the whole calendar; results it holds for races after ``as_of`` are ignored (they are what a
    forecast from ``as_of`` simulates).
    """
    known = season.up_to(as_of)
    seen: dict[tuple[Gender, str], set[Entrant]] = {}
    for result in known.results:
        seen.setdefault((result.gender, result.event), set()).add(
            Entrant(result.noc, result.athlete, None if result.athlete is not None else result.team))
    later = season.races[season.position(as_of) + 1:]
    events, notes = [], []
    for race in later:
        for gender, event in result_events(system, race):
            entrants = tuple(sorted(seen.get((gender, event), ()),
                                    key=lambda e: (e.noc, e.athlete or "", e.team or "")))
            if not entrants:
                notes.append(f"race {race.id} {gender.value} {event}: nobody has raced this event yet, so nobody "
                             "can score in it")
            zeros = np.zeros(len(entrants), dtype=np.float64)
            events.append(EventField(race.id, gender, event, entrants, zeros, zeros.copy()))
    return Fields(season.race(as_of), tuple(later), tuple(events), tuple(notes))
