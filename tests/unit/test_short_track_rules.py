"""The short-track 2026 rules one by one, on the bundled rule file, with every expected number worked by hand.

Cases are built two ways:

* given places (``allocate(..., given_places=...)``): starting places ("start") and relay teams ("team") stand in
  for what the SOQC walks would have granted, so every later step (host, mixed relay, additional athlete,
  reallocation, athletes) works on exactly the places written in the test;
* hand-made SOQC lists (no given places): the walks run, for the host guarantee and for reallocation, where the
  ranks of the places matter.

Athletes per NOC and gender, as the rule file reads the seed's bullets 2-4 (``athletes`` section):
without a relay team, the most places held in one distance; with the relay, 4; with the relay and at least
8 starting places, 5; neutral athletes (AIN) at most 1. The totals below are sums of those numbers.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from qualify.engine import Decline, allocate
from qualify.errors import AuditError
from qualify.io.season import read_season
from qualify.model.allocation import Allocation, Place, PlaceStatus, SkipReason
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.model.ranking import RankingEntry, RankingList
from qualify.model.season import Season
from qualify.ranking.builder import build_lists
from qualify.ranking.points import load_points_tables
from qualify.ranking.synth import synthesize
from qualify.rules import System, load_system

M, W, X = Gender.MEN, Gender.WOMEN, Gender.MIXED
SYSTEM = load_system("short-track-2026")
NOCS = load_nocs()
MAXIMA = {event.id: event.places for event in SYSTEM.events}
INDIVIDUAL = [event.id for event in SYSTEM.events if event.kind == "individual"]
CEILING = 112

_grants = itertools.count(1)


# --- building cases -------------------------------------------------------------------------------------

def given(noc: str, event: str, count: int = 1) -> list[Place]:
    """``count`` places of ``noc`` in ``event`` as a published table would give them (pathway "given")."""
    kind = "team" if event.endswith("relay") else "start"
    # Negative grant ids, like the published-table reader, so they never collide with the engine's own.
    return [Place(noc=noc, gender=Gender(event[0]), event=event, kind=kind, pathway="given", step_type="given",
                  clause="given in the test", grant=-next(_grants), entry=noc, detail="given")
            for _ in range(count)]


def holding(noc: str, **per_event: int) -> list[Place]:
    """Places by keyword: ``holding("NED", M_500m=3, M_relay=1)``."""
    return [p for key, count in per_event.items() for p in given(noc, key.replace("_", "-"), count)]


# Italy (the host) holding one start in every distance and both relays: the host guarantee then has nothing
# to add (ALREADY_QUALIFIED everywhere), and Italy counts 4 men (3 starts + relay) + 4 women = 8 athletes.
ITALY = holding("ITA", M_500m=1, M_1000m=1, M_1500m=1, M_relay=1, W_500m=1, W_1000m=1, W_1500m=1, W_relay=1)
ITALY_ATHLETES = 8


def soqc(list_id: str, rows: list[tuple]) -> RankingList:
    """A SOQC list from (rank, noc) rows (relays) or (rank, noc, qualifier) rows (individual events)."""
    spec = SYSTEM.list_spec(list_id)
    entries = [RankingEntry(rank=row[0], noc=row[1], qualifier=row[2] if len(row) > 2 else None,
                            points=float(10000 - 100 * row[0]))
               for row in rows]
    return RankingList(id=list_id, title=spec.title, gender=spec.gender, event=spec.event, entries=tuple(entries))


def lists(*given_lists: RankingList) -> dict[str, RankingList]:
    """Every list the rule file names; those not given are empty (nobody ranked)."""
    by_id = {r.id: r for r in given_lists}
    return {spec.id: by_id.get(spec.id) or soqc(spec.id, []) for spec in SYSTEM.lists}


def qualifier_order(list_id: str, nocs: list[str], thirds: int | None = None) -> RankingList:
    """The usual SOQC shape: every NOC's 1st qualifier, then every 2nd, then every 3rd (of the first ``thirds``).

    With n NOCs, NOC i (from 0) is ranked i + 1 (#1), n + i + 1 (#2) and 2n + i + 1 (#3).
    """
    thirds = len(nocs) if thirds is None else thirds
    rows = [(k * len(nocs) + i + 1, noc, k + 1) for k in range(3) for i, noc in enumerate(nocs)
            if k < 2 or i < thirds]
    return soqc(list_id, rows)


def run(places: list[Place] | None = None, ranking_lists: dict[str, RankingList] | None = None, *,
        declines: list[Decline] | None = None, system: System = SYSTEM) -> Allocation:
    return allocate(system, ranking_lists or lists(), declines=declines, given_places=places, nocs=NOCS)


def variant(step_id: str, **fields: object) -> System:
    """The bundled system with one step's settings changed (validated like a rule file)."""
    document = SYSTEM.model_dump(mode="json")
    for step in document["steps"]:
        if step["id"] == step_id:
            step.update(fields)
    return System.model_validate(document)


# Filler NOCs take athletes up to a chosen total: each holds 3 starts (the last one the remainder) in one
# distance and no relay, so it counts as many athletes as it holds starts there.
_USED_IN_TESTS = {"ITA", "NED", "KOR", "CAN", "CHN", "JPN", "HUN", "FRA", "POL", "BEL", "USA", "KAZ", "GBR", "GER",
                  "LAT"}
FILLER_NOCS = [code for code in NOCS.codes() if not NOCS.is_neutral(code) and code not in _USED_IN_TESTS]
FILLER_EVENTS = ["W-1500m", "W-1000m", "W-500m", "M-1500m", "M-1000m", "M-500m"]


def filler(athletes: int, around: list[Place]) -> list[Place]:
    """Filler places worth exactly ``athletes`` athletes, fitting in the room ``around`` leaves in each event."""
    room = {event: MAXIMA[event] - sum(1 for p in around if p.event == event) for event in FILLER_EVENTS}
    out: list[Place] = []
    codes = iter(FILLER_NOCS)
    for event in FILLER_EVENTS:
        while athletes > 0 and room[event] >= min(3, athletes):
            take = min(3, athletes)
            out += given(next(codes), event, take)
            room[event] -= take
            athletes -= take
    assert athletes == 0, "not enough room for the filler"
    return out


def within_maxima(places: list[Place]) -> bool:
    counts = Counter(p.event for p in places)
    return all(counts[event] <= MAXIMA[event] for event in counts)


# --- reading the result ---------------------------------------------------------------------------------

def athletes(allocation: Allocation, noc: str, gender: Gender, pathway: str | None = None) -> int:
    """Active athlete quotas ("quota" places) of an NOC in a gender, optionally from one step only."""
    return sum(1 for p in allocation.active_places() if p.kind == "quota" and p.noc == noc and p.gender is gender
               and (pathway is None or p.pathway == pathway))


def total_athletes(allocation: Allocation) -> int:
    return sum(1 for p in allocation.active_places() if p.kind == "quota")


def places_of(allocation: Allocation, *, pathway: str | None = None, event: str | None = None,
              noc: str | None = None) -> list[Place]:
    return [p for p in allocation.active_places() if (pathway is None or p.pathway == pathway)
            and (event is None or p.event == event) and (noc is None or p.noc == noc)]


def decisions(allocation: Allocation, step: str, reason: SkipReason | None = None) -> list:
    return [d for d in allocation.decisions if d.step == step and (reason is None or d.reason is reason)]


# --- bullets 2-4: athletes from places ------------------------------------------------------------------

@pytest.mark.parametrize(("per_event", "expected"), [
    # 3 + 3 + 2 = 8 starting places and the relay: "eight starting places ... qualify a fifth athlete" -> 5.
    ({"M_500m": 3, "M_1000m": 3, "M_1500m": 2, "M_relay": 1}, 5),
    # 3 + 3 + 3 = 9 >= 8 and the relay: read as "at least eight" -> 5.
    ({"M_500m": 3, "M_1000m": 3, "M_1500m": 3, "M_relay": 1}, 5),
    # 3 + 2 + 2 = 7 and the relay: a relay NOC registers four -> 4 (the fifth needs the additional-athlete
    # step, which cannot apply here: NED is on no relay SOQC).
    ({"M_500m": 3, "M_1000m": 2, "M_1500m": 2, "M_relay": 1}, 4),
    # 2 + 2 + 1 = 5 and the relay -> 4.
    ({"M_500m": 2, "M_1000m": 2, "M_1500m": 1, "M_relay": 1}, 4),
    # The relay alone, no individual place -> still the four a relay needs.
    ({"M_relay": 1}, 4),
    # No relay, 3 / 1 / 2: one skater can race several distances, so the most in one distance -> 3.
    ({"M_500m": 3, "M_1000m": 1, "M_1500m": 2}, 3),
    # No relay, 1 / 0 / 1 -> 1.
    ({"M_500m": 1, "M_1500m": 1}, 1),
], ids=["8+relay", "9+relay", "7+relay", "5+relay", "relay-only", "3-1-2", "1-0-1"])
def test_men_athletes_follow_from_starting_places_and_the_relay(per_event, expected):
    allocation = run(holding("NED", **per_event))
    assert athletes(allocation, "NED", M, pathway="athletes") == expected
    assert athletes(allocation, "NED", M) == expected  # nothing added by any other step
    assert athletes(allocation, "NED", W) == 0


def test_women_are_counted_apart_from_men():
    # Men 3 + 3 + 2 + relay -> 5; women 2 / 1 / 0 without a relay -> 2. The genders never mix.
    allocation = run(holding("NED", M_500m=3, M_1000m=3, M_1500m=2, M_relay=1, W_500m=2, W_1000m=1))
    assert (athletes(allocation, "NED", M), athletes(allocation, "NED", W)) == (5, 2)


# --- neutral athletes -----------------------------------------------------------------------------------

def test_given_neutral_places_beyond_one_per_distance_are_refused_by_the_audit():
    # AIN with two places in a distance would need two skaters: the neutral caps (one start per distance) and the
    # neutral limit (one man, one woman) are broken by the places given, before any step runs.
    places = (holding("AIN", M_1000m=2, M_1500m=1, W_500m=1, W_1000m=1)
              + holding("LAT", M_1000m=2, M_1500m=2, W_500m=2, W_1000m=3))
    with pytest.raises(AuditError) as caught:
        run(places)
    clause = "Quota allocation note: neutral athletes enter one skater per distance"
    neutral = "Quota allocation note: Russia may qualify at most one male and one female skater as neutrals"
    assert caught.value.lines() == [
        f"audit: in the given places, cap 'neutral-individual-event' is broken: AIN holds 2 starting places in "
        f"M-1000m, at most 1 [{clause}]",
        f"audit: in the given places, the neutral limit is broken: AIN's men's places need 2 athletes, at most 1 "
        f"[{neutral}]"]


def test_neutral_entries_take_one_place_per_distance_in_the_walk():
    # Men's 500 m SOQC: AIN #1 rank 1, AIN #2 rank 2, KOR #1 rank 3, AIN #3 rank 4, KOR #2 rank 5. AIN #2 and #3
    # are passed over by the neutral cap (one skater per distance), KOR takes the next places.
    ranking = soqc("soqc-M-500m", [(1, "AIN", 1), (2, "AIN", 2), (3, "KOR", 1), (4, "AIN", 3), (5, "KOR", 2)])
    allocation = run(ranking_lists=lists(ranking, soqc("soqc-M-relay", [(1, "AIN"), (2, "KOR")]),
                                         soqc("soqc-X-mixed-relay", [(1, "AIN"), (2, "KOR")])))
    event = [(p.noc, p.rank) for p in places_of(allocation, event="M-500m") if p.pathway == "soqc-M-500m"]
    assert event == [("AIN", 1), ("KOR", 3), ("KOR", 5)]
    capped = [(d.noc, d.rank, d.reason) for d in decisions(allocation, "soqc-M-500m") if d.noc == "AIN"]
    assert capped == [("AIN", 2, SkipReason.CAP_REACHED), ("AIN", 4, SkipReason.CAP_REACHED)]
    # No relay team for the neutral entry (first on the men's relay SOQC): KOR takes the first team.
    relay = [p.noc for p in places_of(allocation, event="M-relay") if p.pathway == "soqc-M-relay"]
    assert relay == ["KOR"]
    assert (athletes(allocation, "AIN", M), athletes(allocation, "AIN", W)) == (1, 0)


def test_neutral_places_as_in_2026_give_one_man_and_one_woman():
    # facts.md: men 1000 m and 1500 m, women 500 m and 1000 m, one place each -> 1 man, 1 woman.
    allocation = run(holding("AIN", M_1000m=1, M_1500m=1, W_500m=1, W_1000m=1))
    assert (athletes(allocation, "AIN", M), athletes(allocation, "AIN", W)) == (1, 1)
    # The places themselves all stand: only the athletes are limited.
    assert len([p for p in places_of(allocation, noc="AIN") if p.kind == "start"]) == 4


# --- bullet 5: the additional athlete -------------------------------------------------------------------

# NED and KOR: men 3 + 2 + 2 = 7 starting places and the men's relay -> 4 men each before the step.
SEVEN_AND_RELAY = {"M_500m": 3, "M_1000m": 2, "M_1500m": 2, "M_relay": 1}
MEN_RELAY_NED_FIRST = soqc("soqc-M-relay", [(1, "NED"), (2, "KOR")])


def seven_start_case(filler_athletes: int) -> tuple[list[Place], int]:
    core = ITALY + holding("NED", **SEVEN_AND_RELAY) + holding("KOR", **SEVEN_AND_RELAY)
    places = core + filler(filler_athletes, core)
    assert within_maxima(places)
    # ITA 8 + NED 4 + KOR 4 = 16, plus the filler.
    return places, 16 + filler_athletes


def test_additional_athlete_goes_to_both_nocs_well_under_the_ceiling():
    places, before = seven_start_case(0)
    assert before == 16
    allocation = run(places, lists(MEN_RELAY_NED_FIRST))
    # 16 -> NED's fifth (17) -> KOR's fifth (18): both fit under 112.
    granted = places_of(allocation, pathway="additional-athlete")
    assert [(p.noc, p.gender, p.kind) for p in granted] == [("NED", M, "quota"), ("KOR", M, "quota")]
    assert (athletes(allocation, "NED", M), athletes(allocation, "KOR", M)) == (5, 5)
    assert total_athletes(allocation) == 18
    assert not decisions(allocation, "additional-athlete")


def test_additional_athlete_at_111_goes_only_to_the_better_relay_rank():
    # Filler 95 = 31 NOCs x 3 + 1 NOC x 2: 16 + 95 = 111 athletes before the step.
    places, before = seven_start_case(95)
    assert before == 111
    allocation = run(places, lists(MEN_RELAY_NED_FIRST))
    # Relay order: NED (1st) takes the 112th athlete; KOR (2nd) would be the 113th.
    assert [p.noc for p in places_of(allocation, pathway="additional-athlete")] == ["NED"]
    refused = decisions(allocation, "additional-athlete")
    assert [(d.noc, d.gender, d.rank, d.reason) for d in refused] == [("KOR", M, 2, SkipReason.CEILING_REACHED)]
    assert (athletes(allocation, "NED", M), athletes(allocation, "KOR", M)) == (5, 4)
    assert total_athletes(allocation) == CEILING


def test_additional_athlete_at_112_goes_to_nobody():
    # Filler 96 = 32 NOCs x 3: 16 + 96 = 112 athletes, the ceiling itself.
    places, before = seven_start_case(96)
    assert before == CEILING
    allocation = run(places, lists(MEN_RELAY_NED_FIRST))
    assert not places_of(allocation, pathway="additional-athlete")
    refused = decisions(allocation, "additional-athlete")
    assert [(d.noc, d.reason) for d in refused] == [("NED", SkipReason.CEILING_REACHED),
                                                    ("KOR", SkipReason.CEILING_REACHED)]
    assert total_athletes(allocation) == CEILING


def test_additional_athlete_needs_exactly_seven_starts_and_the_relay():
    # Men's relay SOQC: NED 1st (8 starts + relay: already 5, nothing to add), KOR 2nd (7 starts, no relay
    # team), CHN 3rd (6 starts + relay). None of them fits "seven starting places and the relay".
    places = (holding("NED", M_500m=3, M_1000m=3, M_1500m=2, M_relay=1)
              + holding("KOR", M_500m=3, M_1000m=2, M_1500m=2)
              + holding("CHN", M_500m=2, M_1000m=2, M_1500m=2, M_relay=1))
    allocation = run(places, lists(soqc("soqc-M-relay", [(1, "NED"), (2, "KOR"), (3, "CHN")])))
    assert not places_of(allocation, pathway="additional-athlete")
    # NED 5 (8 + relay), KOR 3 (most in one distance), CHN 4 (relay).
    assert [athletes(allocation, noc, M) for noc in ("NED", "KOR", "CHN")] == [5, 3, 4]


# Order: KOR men (7 + relay) and CAN women (7 + relay) compete for the one athlete left at 111.
KOR_MEN_CAN_WOMEN = (holding("KOR", **SEVEN_AND_RELAY)
                     + holding("CAN", W_500m=3, W_1000m=2, W_1500m=2, W_relay=1))


def order_case() -> list[Place]:
    core = ITALY + KOR_MEN_CAN_WOMEN
    # ITA 8 + KOR 4 + CAN 4 = 16; filler 95 -> 111.
    places = core + filler(95, core)
    assert within_maxima(places)
    return places


@pytest.mark.parametrize(("order", "men_relay", "women_relay", "winner", "refused"), [
    # by_rank: rank 1 of both lists first. CHN (men 1st) holds no relay team and is passed over, CAN
    # (women 1st) takes the 112th athlete; KOR (men 2nd) is refused.
    ("by_rank", [(1, "CHN"), (2, "KOR")], [(1, "CAN")], ("CAN", W), ("KOR", M)),
    # by_rank at equal rank: men before women, so KOR (men 1st) beats CAN (women 1st).
    ("by_rank", [(1, "KOR")], [(1, "CAN")], ("KOR", M), ("CAN", W)),
    # men_first: the whole men's list first, so KOR (men 2nd) beats CAN (women 1st).
    ("men_first", [(1, "CHN"), (2, "KOR")], [(1, "CAN")], ("KOR", M), ("CAN", W)),
    # women_first: the whole women's list first.
    ("women_first", [(1, "KOR")], [(1, "CAN")], ("CAN", W), ("KOR", M)),
], ids=["by_rank", "by_rank-equal-rank-men-first", "men_first", "women_first"])
def test_additional_athlete_order(order, men_relay, women_relay, winner, refused):
    system = SYSTEM if order == "by_rank" else variant("additional-athlete", order=order)
    assert system.step("additional-athlete").order == order
    allocation = run(order_case(), lists(soqc("soqc-M-relay", men_relay), soqc("soqc-W-relay", women_relay)),
                     system=system)
    assert [(p.noc, p.gender) for p in places_of(allocation, pathway="additional-athlete")] == [winner]
    assert [(d.noc, d.gender, d.reason) for d in decisions(allocation, "additional-athlete")] == [
        (*refused, SkipReason.CEILING_REACHED)]
    assert total_athletes(allocation) == CEILING  # 111 + 1


# --- the mixed relay ------------------------------------------------------------------------------------

TWO_AND_TWO = {"M_500m": 2, "W_500m": 2}  # no relay: 2 men and 2 women


def mixed_places(nocs: dict[str, dict[str, int]]) -> list[Place]:
    places = ITALY + [p for noc, per_event in nocs.items() for p in holding(noc, **per_event)]
    assert within_maxima(places)
    return places


def mixed_teams(allocation: Allocation) -> list[str]:
    return [p.noc for p in places_of(allocation, event="X-mixed-relay")]


def test_mixed_relay_2022_case_tenth_with_two_athletes_gets_no_team():
    # Mixed SOQC: ITA 1, KOR 2, CAN 3, NED 4, CHN 5, JPN 6, HUN 7, FRA 8, POL 9, BEL 10, USA 11, KAZ 12,
    # GBR 13, GER 14. BEL holds 1 man + 1 woman; every other NOC 2 + 2 (ITA 4 + 4).
    order = ["ITA", "KOR", "CAN", "NED", "CHN", "JPN", "HUN", "FRA", "POL", "BEL", "USA", "KAZ", "GBR", "GER"]
    nocs = {noc: TWO_AND_TWO for noc in order if noc not in ("ITA", "BEL")}
    nocs["BEL"] = {"M_500m": 1, "W_500m": 1}
    allocation = run(mixed_places(nocs), lists(soqc("soqc-X-mixed-relay", list(enumerate(order, start=1)))))
    # First pass in SOQC order: ranks 1-9 (9 teams), BEL (10th) is short, ranks 11-13 make teams 10-12.
    # The event is then full, so GER (14th, 2 + 2) is not reached and no NOC is completed.
    assert mixed_teams(allocation) == ["ITA", "KOR", "CAN", "NED", "CHN", "JPN", "HUN", "FRA", "POL", "USA",
                                       "KAZ", "GBR"]
    short = decisions(allocation, "mixed-relay", SkipReason.TEAM_INCOMPLETE)
    assert [(d.noc, d.rank) for d in short] == [("BEL", 10)]
    assert [(d.noc, d.rank) for d in decisions(allocation, "mixed-relay", SkipReason.QUOTA_FULL)] == [("GER", 14)]
    assert not [p for p in places_of(allocation, pathway="mixed-relay") if p.kind == "quota"]
    assert (athletes(allocation, "BEL", M), athletes(allocation, "BEL", W)) == (1, 1)


def test_mixed_relay_completion_gives_one_athlete_to_nocs_one_short():
    # Mixed SOQC: ITA 1 (4 + 4), KOR 2 (2 + 2), CAN 3 (2 men + 1 woman), NED 4 (1 + 1), CHN 5 (1 man +
    # 2 women), JPN 6 (2 + 2), HUN 7 (3 men + 0 women), FRA 8 (2 + 1).
    order = ["ITA", "KOR", "CAN", "NED", "CHN", "JPN", "HUN", "FRA"]
    places = mixed_places({
        "KOR": TWO_AND_TWO, "CAN": {"M_500m": 2, "W_500m": 1}, "NED": {"M_500m": 1, "W_500m": 1},
        "CHN": {"M_500m": 1, "W_500m": 2}, "JPN": TWO_AND_TWO, "HUN": {"M_500m": 3}, "FRA": {"M_500m": 2, "W_500m": 1},
    })
    allocation = run(places, lists(soqc("soqc-X-mixed-relay", list(enumerate(order, start=1)))))
    # First pass: ITA, KOR, JPN have 2 + 2: 3 teams of 12. Second pass, SOQC order: CAN one woman short ->
    # +1 woman and a team; NED two short -> skipped; CHN one man short -> +1 man and a team; HUN two women
    # short -> skipped; FRA one woman short -> +1 woman and a team. 6 teams; no further NOC can complete one.
    assert mixed_teams(allocation) == ["ITA", "KOR", "JPN", "CAN", "CHN", "FRA"]
    extras = [p for p in places_of(allocation, pathway="mixed-relay") if p.kind == "quota"]
    assert [(p.noc, p.gender) for p in extras] == [("CAN", W), ("CHN", M), ("FRA", W)]
    # Each extra athlete and its team are one decision (one grant).
    teams = {p.noc: p.grant for p in places_of(allocation, pathway="mixed-relay") if p.kind == "team"}
    assert all(teams[p.noc] == p.grant for p in extras)
    second_pass = [d for d in decisions(allocation, "mixed-relay", SkipReason.TEAM_INCOMPLETE)
                   if d.detail.startswith("short of")]
    assert [(d.noc, d.rank) for d in second_pass] == [("NED", 4), ("HUN", 7)]
    assert any("fewer teams than places" in w.message for w in allocation.warnings)
    # CAN: 2 men; women 1 (most in one distance) + 1 extra = 2.
    assert (athletes(allocation, "CAN", M), athletes(allocation, "CAN", W)) == (2, 2)
    assert athletes(allocation, "CAN", W, pathway="mixed-relay") == 1
    assert (athletes(allocation, "NED", M), athletes(allocation, "NED", W)) == (1, 1)


def test_mixed_relay_completion_stops_at_twelve_teams_in_soqc_order():
    # 14 NOCs on the mixed SOQC. One athlete short (2 men + 1 woman): CAN 3rd, FRA 8th, GER 14th; all others
    # 2 + 2 (ITA 4 + 4): 11 teams in the first pass.
    order = ["ITA", "KOR", "CAN", "NED", "CHN", "JPN", "HUN", "FRA", "POL", "BEL", "USA", "KAZ", "GBR", "GER"]
    short = {"CAN", "FRA", "GER"}
    places = mixed_places({noc: ({"M_500m": 2, "W_500m": 1} if noc in short else TWO_AND_TWO)
                           for noc in order if noc != "ITA"})
    allocation = run(places, lists(soqc("soqc-X-mixed-relay", list(enumerate(order, start=1)))))
    # Second pass: CAN (3rd) completes team 12; the event is full before FRA (8th) and GER (14th).
    extras = [(p.noc, p.gender) for p in places_of(allocation, pathway="mixed-relay") if p.kind == "quota"]
    assert extras == [("CAN", W)]
    assert len(mixed_teams(allocation)) == 12
    assert "FRA" not in mixed_teams(allocation) and "GER" not in mixed_teams(allocation)
    assert not [w for w in allocation.warnings if "fewer teams" in w.message]


def test_host_mixed_displacing_a_completed_team_also_withdraws_its_extra_athlete():
    # ITA holds no place and is not on the mixed SOQC: the host step gives it one place in every event and
    # both relays (4 men + 4 women), but no mixed team. Mixed SOQC: 11 NOCs with 2 + 2 (ranks 1-11), FRA
    # (2 men + 1 woman) 12th, completed with one extra woman as team 12. host-mixed then finds the event
    # full and withdraws the lowest-ranked team: FRA's (12th).
    order = ["KOR", "CAN", "NED", "CHN", "JPN", "HUN", "POL", "BEL", "USA", "KAZ", "GBR", "FRA"]
    places = [p for noc in order[:-1] for p in holding(noc, **TWO_AND_TWO)] + holding("FRA", M_500m=2, W_500m=1)
    allocation = run(places, lists(soqc("soqc-X-mixed-relay", list(enumerate(order, start=1)))))
    displaced = [p for p in allocation.places if p.status is PlaceStatus.DISPLACED]
    # The whole grant is withdrawn: FRA's team and the woman added to complete it.
    assert sorted((p.noc, p.kind, p.event or "") for p in displaced) == [("FRA", "quota", ""),
                                                                          ("FRA", "team", "X-mixed-relay")]
    assert "ITA" in mixed_teams(allocation) and len(mixed_teams(allocation)) == 12
    # FRA's second woman was granted only "to complete the team"; without the team FRA is back to 1 woman
    # (one start in the women's 500 m).
    assert athletes(allocation, "FRA", W) == 1


# --- bullet 6: the host guarantee -----------------------------------------------------------------------

# Eleven NOCs, none of them Italy: in qualifier_order NOC i is ranked i + 1 (#1), i + 12 (#2), i + 23 (#3).
ELEVEN = ["KOR", "CHN", "CAN", "NED", "USA", "HUN", "JPN", "POL", "FRA", "BEL", "GBR"]


def test_host_absent_from_the_men_500m_displaces_the_last_place():
    # All 11 NOCs with three qualifiers: 33 entries, rank 23 + i is NOC i's #3. The walk fills the 32 places
    # with ranks 1-32; rank 33 (GBR #3) is not reached.
    allocation = run(ranking_lists=lists(qualifier_order("soqc-M-500m", ELEVEN)))
    event = places_of(allocation, event="M-500m")
    host = [p for p in event if p.pathway == "host"]
    assert [(p.noc, p.kind) for p in host] == [("ITA", "start")]
    # The event is full, so the lowest-ranked walked place, rank 32 = NOC 9 (BEL) #3, is withdrawn.
    displaced = [p for p in allocation.places if p.status is PlaceStatus.DISPLACED]
    assert [(p.noc, p.entry, p.rank, p.event) for p in displaced] == [("BEL", "BEL #3", 32, "M-500m")]
    withdrawn = [d for d in decisions(allocation, "host") if d.noc == "BEL"]
    assert [(d.rank, d.reason, d.taken_by) for d in withdrawn] == [(32, SkipReason.QUOTA_FULL, "ITA")]
    assert len(event) == 32  # 32 walked - 1 displaced + 1 host
    assert len(places_of(allocation, event="M-500m", noc="BEL")) == 2
    # The empty lists give no other place, so Italy gets a host place in every other event as well, the mixed
    # relay included (host-mixed: Italy is on no mixed SOQC, so team completion gave it no team).
    assert {p.event for p in places_of(allocation, noc="ITA") if p.pathway in ("host", "host-mixed")} == {
        e.id for e in SYSTEM.events}


def test_host_that_qualified_gets_nothing_extra():
    # GBR replaced by ITA (NOC 10): ITA #1 rank 11, #2 rank 22, #3 rank 33 (not reached). ITA holds 2 places.
    nocs = ELEVEN[:-1] + ["ITA"]
    allocation = run(ranking_lists=lists(qualifier_order("soqc-M-500m", nocs)))
    assert len(places_of(allocation, event="M-500m", noc="ITA")) == 2
    assert not places_of(allocation, event="M-500m", pathway="host")
    assert not [p for p in allocation.places if p.status is PlaceStatus.DISPLACED and p.event == "M-500m"]
    refused = [d for d in decisions(allocation, "host") if d.event == "M-500m"]
    assert [(d.noc, d.reason) for d in refused] == [("ITA", SkipReason.ALREADY_QUALIFIED)]
    assert len(places_of(allocation, event="M-500m")) == 32


# --- reallocation ---------------------------------------------------------------------------------------

TWELVE = ["KOR", "CHN", "CAN", "NED", "ITA", "USA", "HUN", "JPN", "POL", "FRA", "BEL", "GBR"]


def test_declined_place_goes_to_the_next_entry_without_a_place():
    # Men's 1000 m: 12 NOCs x 3 = 36 entries; NOC i is ranked i + 1, i + 13, i + 25. The 32 places go to
    # ranks 1-32; POL #3 (33), FRA #3 (34), BEL #3 (35), GBR #3 (36) have none. Italy (NOC 4) holds 3.
    ranking = lists(qualifier_order("soqc-M-1000m", TWELVE))
    allocation = run(ranking_lists=ranking, declines=[Decline("CAN", M, event="M-1000m")])
    # CAN (NOC 2: ranks 3, 15, 27) gives up the place it earned last, #3 at rank 27.
    declined = [p for p in allocation.places if p.status is PlaceStatus.DECLINED]
    assert [(p.noc, p.entry, p.rank) for p in declined if p.kind == "start"] == [("CAN", "CAN #3", 27)]
    # CAN's men go from 3 (three in the 1000 m) to 2: the athletes step keeps the lost one as a declined quota.
    assert [(p.noc, p.gender) for p in declined if p.kind == "quota"] == [("CAN", M)]
    assert athletes(allocation, "CAN", M) == 2
    # Athletes: 11 NOCs x 3 men + ITA (3 starts in the 1000 m, host places elsewhere, relay -> 4 men, 4 women)
    # are far under 112, so the place is walked down the list: ranks 1-32 already earned a place (CAN's
    # three are the decliner's), rank 33 POL #3 gets it; POL held 2, under the cap of 3.
    refill = places_of(allocation, pathway="reallocation")
    assert [(p.noc, p.entry, p.rank, p.event, p.reallocated_from) for p in refill] == [
        ("POL", "POL #3", 33, "M-1000m", "CAN")]
    assert len(places_of(allocation, event="M-1000m")) == 32
    walk = decisions(allocation, "reallocation")
    earned = {d.rank for d in walk if d.reason is SkipReason.ALREADY_QUALIFIED}
    assert earned == set(range(1, 33)) - {3, 15, 27}
    # CAN's own entries are skipped as the decliner's (and the decline itself is logged at rank 27).
    assert sorted(d.rank for d in walk if d.reason is SkipReason.DECLINED) == [3, 15, 27, 27]


def test_reallocation_skips_an_noc_at_three_places_in_the_event():
    # Men's 1000 m: ranks 1-11 #1, 12-22 #2 of ELEVEN and 23-32 #3 of the first ten; then ITA #1 (33),
    # ITA #2 (34), ITA #3 (35), LAT #1 (36). The walk gives ranks 1-32; Italy none.
    rows = [(e.rank, e.noc, e.qualifier) for e in qualifier_order("soqc-M-1000m", ELEVEN, thirds=10).entries]
    rows += [(33, "ITA", 1), (34, "ITA", 2), (35, "ITA", 3), (36, "LAT", 1)]
    # Host: the event is full, rank 32 (BEL #3) is displaced, ITA gets 1 host place.
    declines = [Decline("BEL", M, event="M-1000m"), Decline("FRA", M, event="M-1000m"),
                Decline("POL", M, event="M-1000m")]
    allocation = run(ranking_lists=lists(soqc("soqc-M-1000m", rows)), declines=declines)
    # Declines in NOC order. BEL gives up #2 (rank 21); the first entry without a place is rank 32 BEL #3
    # (displaced) but BEL declined, so ITA #1 (33) -> ITA 2 places. FRA gives up #3 (rank 31) -> ITA #2
    # (34) -> ITA 3 places. POL gives up #3 (rank 30): ITA #3 (35) is at the cap of 3, LAT #1 (36) gets it.
    refill = places_of(allocation, pathway="reallocation")
    assert [(p.noc, p.entry, p.reallocated_from) for p in refill] == [
        ("ITA", "ITA #1", "BEL"), ("ITA", "ITA #2", "FRA"), ("LAT", "LAT #1", "POL")]
    capped = decisions(allocation, "reallocation", SkipReason.CAP_REACHED)
    assert [(d.noc, d.rank) for d in capped] == [("ITA", 35)]
    assert refill[-1].passed_down_from == "ITA #3 (ITA, rank 35)"
    assert len(places_of(allocation, event="M-1000m", noc="ITA")) == 3  # host + 2 reallocated
    assert len(places_of(allocation, event="M-1000m")) == 32


def ceiling_case(filler_athletes: int) -> list[Place]:
    # NED: 3 starts in the men's 500 m and 1 in the 1000 m, no relay -> 3 men, and still 3 after giving up
    # the 1000 m place. ITA 8. Total 3 + 8 + filler.
    core = ITALY + holding("NED", M_500m=3, M_1000m=1)
    places = core + filler(filler_athletes, core)
    assert within_maxima(places)
    return places


MEN_1000_NED_GER = soqc("soqc-M-1000m", [(1, "NED", 1), (2, "GER", 1)])


def test_decline_under_the_ceiling_is_refilled():
    # 3 + 8 + 100 = 111 athletes, and 111 after NED's decline: one more fits, GER #1 (holding nothing) gets it.
    allocation = run(ceiling_case(100), lists(MEN_1000_NED_GER), declines=[Decline("NED", M, event="M-1000m")])
    assert [(p.noc, p.event, p.reallocated_from) for p in places_of(allocation, pathway="reallocation")] == [
        ("GER", "M-1000m", "NED")]
    assert total_athletes(allocation) == CEILING  # 111 + GER's one man


@pytest.mark.parametrize("filler_athletes", [101, 102], ids=["at-112", "over-112"])
def test_decline_at_or_over_the_ceiling_is_not_refilled(filler_athletes):
    # 3 + 8 + 101 = 112 (or 113); NED keeps 3 men after the decline, so the total stays; no room for one more.
    allocation = run(ceiling_case(filler_athletes), lists(MEN_1000_NED_GER),
                     declines=[Decline("NED", M, event="M-1000m")])
    assert not places_of(allocation, pathway="reallocation")
    warnings = [w.message for w in allocation.warnings if w.step == "reallocation"]
    assert len(warnings) == 1 and "not refilled" in warnings[0]
    assert [(p.noc, p.event) for p in allocation.places if p.status is PlaceStatus.DECLINED and p.kind == "start"] \
        == [("NED", "M-1000m")]
    assert total_athletes(allocation) == 11 + filler_athletes


def test_reallocation_over_given_places_skips_entries_that_hold_them():
    # Given: KOR 3, NED 2, CAN 1 place in the men's 1000 m. SOQC: KOR #1, NED #1, CAN #1, KOR #2, NED #2,
    # KOR #3 (ranks 1-6: the six places), CAN #2 (7), NED #3 (8). KOR declines one place: the first entry
    # without a place is CAN #2 (rank 7); NED #1 (rank 2) already holds one of NED's two.
    places = ITALY + holding("KOR", M_1000m=3) + holding("NED", M_1000m=2) + holding("CAN", M_1000m=1)
    ranking = soqc("soqc-M-1000m", [(1, "KOR", 1), (2, "NED", 1), (3, "CAN", 1), (4, "KOR", 2), (5, "NED", 2),
                                    (6, "KOR", 3), (7, "CAN", 2), (8, "NED", 3)])
    allocation = run(places, lists(ranking), declines=[Decline("KOR", M, event="M-1000m")])
    refill = places_of(allocation, pathway="reallocation")
    assert [(p.noc, p.entry, p.rank) for p in refill] == [("CAN", "CAN #2", 7)]


def test_reallocated_relay_team_keeps_the_total_within_the_ceiling():
    # FRA: women's relay + 3 starts in the 500 m -> 4 women. ITA 8, FRA 4, filler 99: 111 athletes.
    # FRA gives up the relay: FRA women 4 -> 3 (most in one distance), total 110. GER, next on the women's
    # relay SOQC, holds no place: a team for GER would bring 4 women, 114 athletes. The ceiling clause
    # ("A maximum of 112 athletes") and the rule file's reading (refills must fit under the ceiling) allow
    # at most 112 whoever gets the team.
    core = ITALY + holding("FRA", W_relay=1, W_500m=3)
    places = core + filler(99, core)
    assert within_maxima(places)
    allocation = run(places, lists(soqc("soqc-W-relay", [(1, "FRA"), (2, "GER")])),
                     declines=[Decline("FRA", W, event="W-relay")])
    assert total_athletes(allocation) <= CEILING


# --- determinism ----------------------------------------------------------------------------------------

def lists_from_results(season, results: list) -> dict[str, RankingList]:
    shuffled = Season.from_results(season.races, results)
    return build_lists(SYSTEM, shuffled, load_points_tables(SYSTEM), nocs=NOCS).rankings()


def test_allocation_does_not_depend_on_result_row_order(tmp_path):
    synthesize(3, tmp_path)
    season = read_season(tmp_path, SYSTEM, NOCS)
    # source_row records the file line; drop it so the shuffled copy differs only in order.
    results = [r._replace(source_row=None) for r in season.results]
    shuffled = list(results)
    random.Random(20260206).shuffle(shuffled)
    assert shuffled != results
    first = allocate(SYSTEM, lists_from_results(season, results), nocs=NOCS)
    second = allocate(SYSTEM, lists_from_results(season, shuffled), nocs=NOCS)
    assert first.model_dump() == second.model_dump()
    assert len(first.active_places()) > 300  # a full season, not an empty run
