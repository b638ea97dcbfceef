"""A hand-made ski mountaineering season through the bundled rule file: lists and allocation worked out here.

Three races: World Cup 1 (sprints and a mixed relay), the World Championship (sprints and a mixed relay) and World Cup
2 (sprints). Points: the rule file's assumed World Cup scale, 1st 100, 2nd 80, 3rd 60, 4th 50, 5th 45, 6th 40,
7th 36, 8th 32, 9th 29, 10th 26, 11th 24, 12th 22, 13th 20, 14th 18. The relay list adds every race (combine: all);
the sprint lists add the best 7 (here: all three). Eligibility: 12 starters per sprint, so "top 80%" is 9th or better
and "top 90%" 10th or better (rounded down).
"""

from __future__ import annotations

from datetime import date

import pytest

from qualify.diff import MOVED_UP, OVERTAKEN, diff
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.model.season import Race, Result, Season
from qualify.ranking.points import load_points_tables
from qualify.rules import load_system
from qualify.standings import standing_at, standings_through

SYSTEM = load_system("ski-mountaineering-2026")
NOCS = load_nocs()
TABLES = load_points_tables(SYSTEM)
M, W, X = Gender.MEN, Gender.WOMEN, Gender.MIXED
SPRINTS = ("sprint-ranking-M", "sprint-ranking-W")

RACES = [
    Race("wc1", date(2025, 1, 10), "World Cup 1", "world-cup", ("mixed-relay-ranking", *SPRINTS)),
    Race("wch", date(2025, 3, 6), "World Championship", "world-championship",
         ("wch-mixed-relay", "wch-sprint-M", "wch-sprint-W", "mixed-relay-ranking", *SPRINTS)),
    Race("wc2", date(2025, 3, 15), "World Cup 2", "world-cup", SPRINTS),
]
RELAYS = {
    "wc1": "FRA ESP SUI ITA AUT GER CHN USA NOR CAN SVK AUS POL JPN",
    "wch": "FRA ESP SUI ITA AUT GER CHN USA NOR POL CAN JPN SVK",  # AUS did not finish
}
SPRINT = {  # athlete "FRA-a" races for FRA; "DNS"/"DNF" rows have no place
    (M, "wc1"): "FRA-a SUI-a ESP-a BEL-a FRA-b SUI-b AIN-a NOR-a GER-a ESP-b SVK-a CZE-a JPN-a:DNS",
    (M, "wch"): "ESP-a FRA-a FRA-b SUI-a BEL-a AIN-a GER-a NOR-a SUI-b CZE-a SVK-a JPN-a:DNF ESP-b:DNS",
    (M, "wc2"): "SUI-a BEL-a FRA-a AIN-a ESP-a NOR-a GER-a SVK-a CZE-a FRA-b SUI-b JPN-a",
    (W, "wc1"): "FRA-w1 ESP-w1 SUI-w1 GER-w1 FRA-w2 ITA-w1 SVK-w1 CZE-w1 GER-w2 POL-w1 CAN-w1 NOR-w1",
    (W, "wch"): "FRA-w1 FRA-w2 SUI-w1 ESP-w1 GER-w1 SVK-w1 ITA-w1 CZE-w1 NOR-w1 GER-w2 POL-w1 CAN-w1",
    (W, "wc2"): "ESP-w1 SUI-w1 GER-w1 FRA-w2 SVK-w1 FRA-w1 CZE-w1 ITA-w1 POL-w1 GER-w2 NOR-w1 CAN-w1",
}


def results() -> list[Result]:
    out = []
    for race, order in RELAYS.items():
        out += [Result(race, X, "mixed-relay", place, noc) for place, noc in enumerate(order.split(), start=1)]
    out.append(Result("wch", X, "mixed-relay", None, "AUS", status="DNF"))
    for (gender, race), order in SPRINT.items():
        place = 0
        for token in order.split():
            athlete, _, status = token.partition(":")
            place += not status
            out.append(Result(race, gender, "sprint", None if status else place, athlete[:3], athlete=athlete,
                              status=status))
    return out


SEASON = Season.from_results(RACES, results())


@pytest.fixture(scope="module")
def final():
    return standing_at(SYSTEM, SEASON, "wc2", TABLES, nocs=NOCS)


@pytest.fixture(scope="module")
def after_wc1():
    return standing_at(SYSTEM, SEASON, "wc1", TABLES, nocs=NOCS)


def ranking(standing, list_id: str) -> list[tuple]:
    return [(e.rank, e.athlete or e.noc, e.points) for e in standing.lists[list_id].entries]


def places(standing, step: str, gender: Gender | None = None) -> list[str]:
    return [p.athlete or p.noc for p in standing.allocation.active_places()
            if p.pathway == step and (gender is None or p.gender is gender)]


def test_lists_after_the_season(final) -> None:
    # Relay, wc1 + wch: FRA 100 + 100, ESP 80 + 80, SUI 60 + 60, ITA 50 + 50, AUT 45 + 45, GER 40 + 40, CHN 36 + 36,
    # USA 32 + 32, NOR 29 + 29, CAN 26 + 24, POL 20 + 26, SVK 24 + 20, JPN 18 + 22, AUS 22 + nothing (DNF).
    assert ranking(final, "mixed-relay-ranking") == [
        (1, "FRA", 200), (2, "ESP", 160), (3, "SUI", 120), (4, "ITA", 100), (5, "AUT", 90), (6, "GER", 80),
        (7, "CHN", 72), (8, "USA", 64), (9, "NOR", 58), (10, "CAN", 50), (11, "POL", 46), (12, "SVK", 44),
        (13, "JPN", 40), (14, "AUS", 22)]
    assert [e.continent.value for e in final.lists["mixed-relay-ranking"].entries][6:8] == ["Asia", "Americas"]
    # Men: FRA-a 100 + 80 + 60, SUI-a 80 + 50 + 100, ESP-a 60 + 100 + 45, BEL-a 50 + 45 + 80, FRA-b 45 + 60 + 26,
    # AIN-a 36 + 40 + 50, NOR-a 32 + 32 + 40, GER-a 29 + 36 + 36, SUI-b 40 + 29 + 24, SVK-a 24 + 24 + 32,
    # CZE-a 22 + 26 + 29, ESP-b 26 (DNS at wch, absent at wc2), JPN-a 22 (DNS, DNF, 12th).
    assert ranking(final, "sprint-ranking-M") == [
        (1, "FRA-a", 240), (2, "SUI-a", 230), (3, "ESP-a", 205), (4, "BEL-a", 175), (5, "FRA-b", 131),
        (6, "AIN-a", 126), (7, "NOR-a", 104), (8, "GER-a", 101), (9, "SUI-b", 93), (10, "SVK-a", 80),
        (11, "CZE-a", 77), (12, "ESP-b", 26), (13, "JPN-a", 22)]
    # Women: FRA-w1 100 + 100 + 40, ESP-w1 80 + 50 + 100, SUI-w1 60 + 60 + 80, FRA-w2 45 + 80 + 50,
    # GER-w1 50 + 45 + 60, SVK-w1 36 + 40 + 45, ITA-w1 40 + 36 + 32, CZE-w1 32 + 32 + 36, GER-w2 29 + 26 + 26,
    # POL-w1 26 + 24 + 29, NOR-w1 22 + 29 + 24, CAN-w1 24 + 22 + 22.
    assert ranking(final, "sprint-ranking-W") == [
        (1, "FRA-w1", 240), (2, "ESP-w1", 230), (3, "SUI-w1", 200), (4, "FRA-w2", 175), (5, "GER-w1", 155),
        (6, "SVK-w1", 121), (7, "ITA-w1", 108), (8, "CZE-w1", 100), (9, "GER-w2", 81), (10, "POL-w1", 79),
        (11, "NOR-w1", 75), (12, "CAN-w1", 68)]
    assert [e.noc for e in final.lists["wch-mixed-relay"].entries][:3] == ["FRA", "ESP", "SUI"]
    assert ranking(final, "wch-sprint-W")[:3] == [(1, "FRA-w1", None), (2, "FRA-w2", None), (3, "SUI-w1", None)]


def test_eligibility_from_the_same_results(final) -> None:
    status = {row["athlete"]: row["status"] for row in final.allocation.eligibility}
    # CZE-a: 12th, 10th, 9th -> 9th of 12 starters is top 80%. ESP-b: 10th once (DNS at wch is no start) -> not
    # top 80% and only one race in the top 90%. JPN-a: DNS, DNF (a start), 12th -> none. CAN-w1: 11th, 12th, 12th.
    assert status["CZE-a"] == "eligible" and status["NOR-w1"] == "eligible"
    assert (status["ESP-b"], status["JPN-a"], status["CAN-w1"]) == ("not eligible",) * 3
    jpn = next(r for r in final.eligibility if r.athlete == "JPN-a" and r.race == "wc2 sprint")
    assert (jpn.rank, jpn.starters) == (12, 12)


def test_allocation_after_the_season(final) -> None:
    assert places(final, "host") == ["ITA", "ITA"]
    assert places(final, "wch-mixed-relay") == ["FRA", "FRA", "ESP", "ESP"]  # top two of the championship relay
    # Europe holds places (host, championship): Americas USA (8th, ahead of CAN), Asia CHN, Oceania AUS; no Africa.
    assert [(p.detail, p.noc) for p in final.allocation.active_places()
            if p.pathway == "continental" and p.gender is M] == [("Americas", "USA"), ("Asia", "CHN"),
                                                                  ("Oceania", "AUS")]
    # New NOCs down the relay list until twelve: SUI, AUT, GER, NOR, CAN, POL (SVK, 12th, is not reached).
    assert places(final, "relay-ranking", M) == ["SUI", "AUT", "GER", "NOR", "CAN", "POL"]
    # Championship sprints: ESP-a and FRA-a; women FRA-w1, then FRA-w2 is passed over (France at two women) and the
    # place goes down to SUI-w1.
    assert places(final, "wch-sprint-M") == ["ESP-a", "FRA-a"]
    assert places(final, "wch-sprint-W") == ["FRA-w1", "SUI-w1"]
    passed = next(p for p in final.allocation.active_places() if p.athlete == "SUI-w1")
    assert passed.passed_down_from == "FRA-w2 (FRA, rank 2)"
    # Sprint lists, 4 places each: men SUI-a, BEL-a, AIN-a, NOR-a (FRA-a and ESP-a already qualified, FRA-b capped);
    # women ESP-w1, GER-w1, SVK-w1, ITA-w1.
    assert places(final, "sprint-ranking-M") == ["SUI-a", "BEL-a", "AIN-a", "NOR-a"]
    assert places(final, "sprint-ranking-W") == ["ESP-w1", "GER-w1", "SVK-w1", "ITA-w1"]
    counts: dict[str, list[int]] = {}
    for p in final.allocation.active_places():
        counts.setdefault(p.noc, [0, 0])[p.gender is W] += 1
    assert counts == {"ITA": [1, 2], "FRA": [2, 2], "ESP": [2, 2], "USA": [1, 1], "CHN": [1, 1], "AUS": [1, 1],
                      "SUI": [2, 2], "AUT": [1, 1], "GER": [1, 2], "NOR": [2, 1], "CAN": [1, 1], "POL": [1, 1],
                      "BEL": [1, 0], "AIN": [1, 0], "SVK": [0, 1]}


def test_standings_after_the_first_race(after_wc1) -> None:
    # Only wc1 counts. The championship lists are empty (their race comes later), so its steps give nothing.
    assert after_wc1.lists["wch-mixed-relay"].entries == ()
    assert any("wch-mixed-relay" in w and "comes later" in w for w in after_wc1.warnings)
    # Relay NOCs: host ITA; USA, CHN, AUS continental; then FRA, ESP, SUI, AUT, GER, NOR, CAN, SVK (wc1 ranks 1-11).
    assert places(after_wc1, "relay-ranking", M) == ["FRA", "ESP", "SUI", "AUT", "GER", "NOR", "CAN", "SVK"]
    # Eligibility after wc1 alone: 9th or better. Men: FRA-a, SUI-a, ESP-a, BEL-a, (FRA-b capped: France holds its
    # relay place and FRA-a), (SUI-b capped), AIN-a, NOR-a. Women: FRA-w1, ESP-w1, SUI-w1, GER-w1, (FRA-w2 capped),
    # ITA-w1, SVK-w1.
    assert places(after_wc1, "sprint-ranking-M") == ["FRA-a", "SUI-a", "ESP-a", "BEL-a", "AIN-a", "NOR-a"]
    assert places(after_wc1, "sprint-ranking-W") == ["FRA-w1", "ESP-w1", "SUI-w1", "GER-w1", "ITA-w1", "SVK-w1"]


def test_what_changed_from_the_first_race_to_the_championship(after_wc1) -> None:
    after_wch = standing_at(SYSTEM, SEASON, "wch", TABLES, nocs=NOCS)
    changes = {(c.noc, c.gender.value): c for c in diff(after_wc1, after_wch).changes}
    # Slovakia's relay place: 11th after wc1, 12th after the championship, where Poland (13th -> 11th) passed it.
    svk = changes[("SVK", "M")]
    assert (svk.before, svk.after) == (1, 0)
    [cause] = svk.causes
    assert (cause.direction, cause.reason, cause.rank_before, cause.rank_after) == ("lost", OVERTAKEN, 11, 12)
    assert cause.by == ("POL (rank 11, was 13)",)
    assert (changes[("SVK", "W")].before, changes[("SVK", "W")].after) == (2, 1)  # her sprint place stays
    pol = changes[("POL", "W")]
    assert (pol.before, pol.after) == (0, 1)
    assert [(c.reason, c.by) for c in pol.causes] == [(MOVED_UP, ("SVK (rank 12, was 11)",))]
    # France keeps two men but now through the championship (relay and sprint) instead of the relay list and the
    # sprint list: no change in numbers, each place explained.
    fra = changes[("FRA", "M")]
    assert fra.delta == 0 and {c.step for c in fra.causes} >= {"wch-mixed-relay", "wch-sprint-M"}
    assert all(c.reason != "not in the log" for change in changes.values() for c in change.causes)


def test_standings_after_every_race_end_where_the_season_does(final) -> None:
    every = standings_through(SYSTEM, SEASON, TABLES, nocs=NOCS)
    assert [s.as_of.id for s in every] == ["wc1", "wch", "wc2"]
    assert every[-1].allocation.model_dump() == final.allocation.model_dump()
    assert all(len(s.allocation.active_places()) == 36 for s in every)
