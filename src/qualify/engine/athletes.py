"""Athlete quotas derived from places (short track: 3 without a relay, 4 with one, 5 with eight starts)."""

from __future__ import annotations

from collections import Counter

from qualify.engine.ledger import Ledger
from qualify.model.allocation import Place, PlaceStatus
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry
from qualify.rules import AthleteRules, System

DERIVED_KIND = "quota"


class AthleteCounter:
    """Counts athletes per NOC and gender from the ledger: derived from places, plus extra athletes granted."""

    def __init__(self, system: System, nocs: NocRegistry) -> None:
        if system.athletes is None:
            raise ValueError("system has no athletes rules")
        self.rules: AthleteRules = system.athletes
        self.nocs = nocs
        self.individual = {g: [e.id for e in system.events if e.gender is g and e.kind == "individual"]
                           for g in (Gender.MEN, Gender.WOMEN)}
        self.team = {g: [e.id for e in system.events if e.gender is g and e.kind == "team"]
                     for g in (Gender.MEN, Gender.WOMEN)}
        self.derived_steps = system.derived_steps
        self.neutral_codes = frozenset(system.neutral_codes)

    def _by_noc(self, ledger: Ledger, include_declined: bool) -> dict[tuple[str, Gender], list[Place]]:
        """Places per (NOC, gender), built once per ledger version."""
        statuses = (PlaceStatus.ACTIVE, PlaceStatus.DECLINED) if include_declined else (PlaceStatus.ACTIVE,)

        def fold(grouped: dict[tuple[str, Gender], list[Place]], places: list[Place]) -> dict:
            for place in places:
                if place.status in statuses:
                    grouped.setdefault((place.noc, place.gender), []).append(place)
            return grouped
        return ledger.cached(("athletes-by-noc", include_declined), lambda: fold({}, ledger.places), fold)

    def starts(self, ledger: Ledger, noc: str, gender: Gender, *, include_declined: bool = False) -> Counter:
        events = self.individual[gender]
        return Counter(p.event for p in self._by_noc(ledger, include_declined).get((noc, gender), ())
                       if p.event in events and p.kind == "start")

    def has_team(self, ledger: Ledger, noc: str, gender: Gender, *, include_declined: bool = False) -> bool:
        return any(p.event in self.team[gender]
                   for p in self._by_noc(ledger, include_declined).get((noc, gender), ()))

    def base(self, ledger: Ledger, noc: str, gender: Gender, *, include_declined: bool = False) -> tuple[int, str]:
        """Athletes the NOC's places give it in a gender, and the rule that gave that number."""
        starts = self.starts(ledger, noc, gender, include_declined=include_declined)
        total_starts = sum(starts.values())
        if self.has_team(ledger, noc, gender, include_declined=include_declined):
            if total_starts >= self.rules.full_team_starts:
                count, why = self.rules.full_team_athletes, f"team event and {total_starts} starting places"
            else:
                count, why = self.rules.team_athletes, "team event"
        else:
            count = max(starts.values(), default=0)
            why = f"most places in one event ({count})"
        if self.rules.neutral_max is not None and noc in self.neutral_codes and count > self.rules.neutral_max:
            count, why = self.rules.neutral_max, f"neutral athletes: at most {self.rules.neutral_max}"
        return count, why

    def extras(self, ledger: Ledger, noc: str, gender: Gender) -> int:
        """Athletes granted on top of the derived number (mixed-relay completion, additional athlete)."""
        return sum(1 for p in self._by_noc(ledger, False).get((noc, gender), ())
                   if p.kind == DERIVED_KIND and p.pathway not in self.derived_steps)

    def athletes(self, ledger: Ledger, noc: str, gender: Gender) -> int:
        return self.base(ledger, noc, gender)[0] + self.extras(ledger, noc, gender)

    def total(self, ledger: Ledger) -> int:
        def compute() -> int:
            nocs = {p.noc for p in ledger.active()}
            return sum(self.athletes(ledger, noc, g) for noc in nocs for g in (Gender.MEN, Gender.WOMEN))
        return ledger.cached("athletes-total", compute)

    def under_ceiling(self, ledger: Ledger, adding: int = 1) -> bool:
        return self.rules.ceiling is None or self.total(ledger) + adding <= self.rules.ceiling
