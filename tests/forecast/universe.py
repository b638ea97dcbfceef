"""Seasons drawn from known strengths, for the forecast's calibration and invariant tests.

A *universe* is a made-up field of athletes with true Plackett-Luce log-strengths and true chances of finishing
without a place; every race of a calendar is drawn from them with the forecast's own sampler. The results model
never sees the truth: it is fitted on the drawn results up to a race, as it would be on real ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from qualify.forecast.fields import Entrant, EventField
from qualify.forecast.sample import sample_event
from qualify.model.common import Gender
from qualify.model.season import Race, Result, Season
from qualify.rules import System, load_system

MINI = Path(__file__).parent / "data" / "mini-sprint.yaml"


def mini_system() -> System:
    return load_system(str(MINI))


@dataclass(frozen=True)
class Universe:
    entrants: tuple[Entrant, ...]
    strength: np.ndarray  # true log-strengths
    unplaced: np.ndarray  # true chances of no place
    races: tuple[Race, ...]
    gender: Gender = Gender.MEN
    event: str = "sprint"

    def field(self, race: str) -> EventField:
        return EventField(race, self.gender, self.event, self.entrants, self.strength, self.unplaced)

    def season(self, rng: np.random.Generator) -> Season:
        """Every race of the calendar drawn from the true strengths."""
        results: list[Result] = []
        for race in self.races:
            event = self.field(race.id)
            results += event.results(sample_event(event, 1, rng)[0])
        return Season.from_results(self.races, results, source="universe")


def mini_universe(seed: int, *, nocs: int = 8, per_noc: int = 2, races: int = 4, unplaced: float = 0.08,
                  lists: tuple[str, ...] = ("sprint-ranking",), hierarchy: tuple[float, float, float] | None = None
                  ) -> Universe:
    """NOCs with evenly spread levels, athletes spread around them uniformly (not the model's Gaussian prior); or,
    with ``hierarchy`` = (NOC sd, athlete sd, event sd), strengths drawn from the Gaussian hierarchy itself."""
    rng = np.random.default_rng(seed)
    codes = ("AUT", "BEL", "CAN", "DEN", "ESP", "FIN", "GER", "HUN", "IRL", "JPN", "KOR", "LAT")[:nocs]
    levels = np.linspace(1.5, -1.5, nocs) if hierarchy is None else rng.normal(0.0, hierarchy[0], nocs)
    entrants, strengths = [], []
    for code, level in zip(codes, levels, strict=True):
        for number in range(1, per_noc + 1):
            entrants.append(Entrant(code, f"{code} sprinter {number}"))
            if hierarchy is None:
                strengths.append(level + rng.uniform(-0.8, 0.8))
            else:
                strengths.append(rng.normal(rng.normal(level, hierarchy[1]), hierarchy[2]))
    calendar = tuple(Race(f"r{i}", date(2025, 1, 1) + timedelta(days=7 * i), f"Race {i}", "world-cup", lists)
                     for i in range(1, races + 1))
    size = len(entrants)
    return Universe(tuple(entrants), np.array(strengths), np.full(size, unplaced), calendar)
