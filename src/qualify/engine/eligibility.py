"""Eligibility standards checked over race results (e.g. top 80% of one race, top 90% of two)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from qualify.model.common import Gender
from qualify.rules import Eligibility, EligibilityStandard


class RaceResult(BaseModel):
    """One athlete's finish in one qualifying race."""

    model_config = ConfigDict(frozen=True)

    race: str
    category: str = "senior"
    gender: Gender
    athlete: str
    noc: str
    rank: int = Field(ge=1)
    starters: int = Field(ge=1)
    source_row: int | None = None


@dataclass(frozen=True)
class EligibilityStatus:
    athlete: str
    noc: str
    gender: Gender
    status: str  # "eligible", "not eligible", "not checked"
    evidence: str


class EligibilityChecker:
    def __init__(self, rules: Eligibility | None, results: list[RaceResult] | None) -> None:
        self.rules = rules
        self.results = results
        self._by_athlete: dict[tuple[str, str, Gender], list[RaceResult]] = defaultdict(list)
        for result in results or []:
            self._by_athlete[(result.athlete, result.noc, result.gender)].append(result)

    @property
    def checking(self) -> bool:
        return self.rules is not None and self.results is not None

    def _allowed_place(self, standard: EligibilityStandard, starters: int) -> int:
        if standard.top_places is not None:
            return standard.top_places
        assert standard.top_fraction is not None  # the schema requires one of top_places, top_fraction
        exact = standard.top_fraction * starters
        # Round away float noise (0.8 * 25 is 20.000000000000004) before floor or ceil.
        exact = round(exact, 9)
        rounding = self.rules.rounding if self.rules is not None else "floor"
        return math.ceil(exact) if rounding == "ceil" else math.floor(exact)

    def status(self, athlete: str, noc: str, gender: Gender) -> EligibilityStatus:
        if not self.checking or self.rules is None:
            return EligibilityStatus(athlete, noc, gender, "not checked", "no race results given")
        results = sorted(self._by_athlete.get((athlete, noc, gender), []), key=lambda r: (r.race, r.rank))
        for standard in self.rules.any_of:
            qualifying = [r for r in results if r.category == standard.category
                          and r.rank <= self._allowed_place(standard, r.starters)]
            if len(qualifying) >= standard.races:
                shown = ", ".join(f"{r.race} {r.rank}/{r.starters}" for r in qualifying[: standard.races])
                return EligibilityStatus(athlete, noc, gender, "eligible",
                                         f"{_describe(standard)}: {shown}")
        if not results:
            return EligibilityStatus(athlete, noc, gender, "not eligible", "no result in the given races")
        shown = ", ".join(f"{r.race} {r.rank}/{r.starters}" for r in results)
        return EligibilityStatus(athlete, noc, gender, "not eligible", f"no standard met by {shown}")


def _describe(standard: EligibilityStandard) -> str:
    where = f"a {standard.category} race" if standard.races == 1 else f"{standard.races} {standard.category} races"
    if standard.top_places is not None:
        return f"top {standard.top_places} in {where}"
    return f"top {standard.top_fraction:.0%} in {where}"
