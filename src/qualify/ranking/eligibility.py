"""Qualifying-race results for the eligibility standards, taken from a season's own results.

With ``eligibility.from_results`` in the rule file, every classification (race and event) of an athlete event it
names is one qualifying race of the category it gives the event. The field is every athlete who started (DNS rows
left out) or, with ``starters: entered``, every row.
"""

from __future__ import annotations

from collections import defaultdict

from qualify.engine.eligibility import RaceResult
from qualify.model.common import Gender
from qualify.model.season import Result, Season
from qualify.rules import System


def qualifying_results(system: System, season: Season) -> list[RaceResult] | None:
    """The season's qualifying-race results, or None when the rule file reads eligibility from a file."""
    if system.eligibility is None or system.eligibility.from_results is None:
        return None
    spec = system.eligibility.from_results
    groups: dict[tuple[str, str, Gender], list[Result]] = defaultdict(list)
    for race in season.races:
        for result in season.results_of(race.id):
            if result.event in spec.events and result.athlete is not None and result.gender is not Gender.MIXED:
                groups[(race.id, result.event, result.gender)].append(result)
    out = []
    for (race_id, event, gender), rows in groups.items():
        starters = sum(1 for r in rows if spec.starters == "entered" or r.status.upper() != "DNS")
        for r in rows:
            if r.rank is not None and r.athlete is not None:
                out.append(RaceResult(race=f"{race_id} {event}", category=spec.events[event], gender=gender,
                                      athlete=r.athlete, noc=r.noc, rank=r.rank, starters=max(starters, r.rank),
                                      source_row=r.source_row))
    return out
