"""The generic list builder on small seasons whose lists are worked out by hand below.

Points table T used throughout: 1st 10, 2nd 6, 3rd 4, 4th 3, 5th 2, 6th 1, nothing further (beyond: zero).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from qualify.errors import InputError
from qualify.io.inputs import points_overrides
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.model.season import Race, Result, Season
from qualify.ranking.builder import build_lists
from qualify.ranking.points import PointsTable, load_points_tables
from qualify.rules import load_system_file, parse_system

NOCS = load_nocs()
M, X = Gender.MEN, Gender.MIXED


def build(kind: str, **extra) -> dict:
    return {"events": ["sprint"], "entry": "athlete", "points": "t", "combine": "best", "best": 2,
            "tied_places": "full", "equal_totals": "share_rank", **extra, **({"combine": kind} if kind else {})}


RULES = {
    "id": "tiny-season", "sport": "Test", "edition": "Test", "host": "ITA", "source": "tests",
    "events": [{"id": "men-sprint", "name": "Men's sprint", "gender": "M"},
               {"id": "relay", "name": "Mixed relay", "gender": "X", "kind": "team"}],
    "quotas": [{"gender": "M", "places": 4, "clause": "4 men"}],
    "caps": [{"id": "noc-gender", "max": 2, "per": ["noc", "gender"], "clause": "2 per NOC"}],
    "points_tables": [{"id": "t", "file": "t.csv", "beyond": "zero", "basis": "assumption", "source": "tests"}],
    "lists": [
        {"id": "best2-full", "title": "Best 2, full points for ties", "gender": "M", "build": build("")},
        {"id": "best2-mean", "title": "Best 2, ties share", "gender": "M",
         "build": build("", tied_places="share_mean")},
        {"id": "all-full", "title": "All races", "gender": "M", "build": build("all", best=None)},
        {"id": "countback", "title": "Best 2, countback", "gender": "M", "build": build("", equal_totals="countback")},
        {"id": "slots2", "title": "NOC slots", "gender": "M", "build": build("", entry="noc_slots", slots=2)},
        {"id": "relay-all", "title": "Relay list", "gender": "X",
         "build": build("all", best=None, entry="noc_team", events=["relay"])},
        {"id": "wch-relay", "title": "Championship relay", "gender": "X", "kind": "race",
         "build": {"events": ["relay"], "entry": "noc_team", "combine": "single_race", "kinds": ["championship"]}},
        {"id": "wch", "title": "Championship sprint", "gender": "M", "kind": "race",
         "build": {"events": ["sprint"], "entry": "athlete", "combine": "single_race", "kinds": ["championship"]}},
    ],
    "steps": [{"id": "walk", "type": "ranking_walk", "label": "Walk", "clause": "walk", "list": "best2-full",
               "grant": [{"gender": "M"}], "until_full": True}],
    "summary": [{"key": "men", "label": "Men", "gender": "M", "kind": "quota"}],
}
SYSTEM = parse_system(RULES, "tiny-season.yaml")
T = PointsTable([10, 6, 4, 3, 2, 1], beyond="zero")
T.id = "t"
TABLES = {"t": T}
NOC_OF = {"A": "ESP", "B": "FRA", "C": "ESP", "D": "SUI", "E": "ITA", "F": "AUT", "G": "ESP", "X": "NOR",
          "Y": "SWE", "Z": "CAN", "W": "USA", "V": "JPN"}


def race(race_id: str, day: int, lists: str, kind: str = "world-cup") -> Race:
    return Race(race_id, date(2025, 1, day), f"Race {race_id}", kind, tuple(lists.split()))


def sprint(race_id: str, *places: str) -> list[Result]:
    """``"A1"`` is athlete A placed 1st; ``"FDNS"`` athlete F without a place."""
    out = []
    for text in places:
        who, rest = text[0], text[1:]
        rank = int(rest) if rest.isdigit() else None
        out.append(Result(race_id, M, "sprint", rank, NOC_OF[who], athlete=who, status="" if rank else rest))
    return out


def relay(race_id: str, *teams: tuple[str, int | None, str | None]) -> list[Result]:
    return [Result(race_id, X, "relay", rank, noc, team=team, status="" if rank else "DNF")
            for noc, rank, team in teams]


def lists_of(season: Season) -> dict:
    return build_lists(SYSTEM, season, TABLES, nocs=NOCS).lists


def rows(made) -> list[tuple]:
    return [(e.rank, e.label, int(e.total) if e.total == e.total.to_integral() else float(e.total))
            for e in made.entries]


# r1, r2 and r3 count for the first five lists; r4 only for all-full (the calendar is the authority: r4's results
# do not count for best2-full although it has sprint results).
FIVE = "best2-full best2-mean all-full countback slots2"
SEASON = Season.from_results(
    [race("r1", 1, FIVE), race("r2", 8, FIVE), race("r3", 15, FIVE), race("r4", 22, "all-full")],
    sprint("r1", "A1", "C2", "E3", "D4", "B5", "FDNS")
    + sprint("r2", "C1", "E2", "D2", "A4", "B5", "G6", "FDNF")
    + sprint("r3", "E1", "A2", "B3", "D4", "CDSQ", "G5")
    + sprint("r4", "B1", "G2"))


def test_best_two_of_three_with_full_points_for_ties() -> None:
    # A: 10 (r1), 3 (r2), 6 (r3) -> 16      C: 6, 10, DSQ -> 16      E: 4, 6 (tied 2nd, full), 10 -> 16
    # D: 3, 6 (tied 2nd), 3 -> 9            B: 2, 2, 4 -> 6 (of the equal 2s the earlier, r1, counts)
    # G: 1 (r2), 2 (r3) -> 3                F: DNS, DNF -> no value, not listed. r4 does not count here.
    made = lists_of(SEASON)["best2-full"]
    assert rows(made) == [(1, "A", 16), (1, "C", 16), (1, "E", 16), (4, "D", 9), (5, "B", 6), (6, "G", 3)]
    b = next(e for e in made.entries if e.athlete == "B")
    assert [(v.race, v.place, v.counted) for v in b.values] == [("r1", 5, True), ("r2", 5, False), ("r3", 3, True)]
    assert made.races == ("r1", "r2", "r3") and made.report is None
    assert [e.shared_rank for e in made.entries] == [True, True, True, False, False, False]
    assert made.ranking.entries[0].points == 16.0 and made.ranking.entries[0].noc == "ESP"


def test_tied_places_share_the_mean() -> None:
    # r2's tie on 2nd covers places 2 and 3: E and D get (6 + 4) / 2 = 5 each.
    # A 10 + 6 = 16, C 6 + 10 = 16, E 4, 5, 10 -> 15, D 3, 5, 3 -> 8, B 6, G 3.
    assert rows(lists_of(SEASON)["best2-mean"]) == [(1, "A", 16), (1, "C", 16), (3, "E", 15), (4, "D", 8),
                                                    (5, "B", 6), (6, "G", 3)]


def test_all_races_count_and_a_race_counts_for_two_lists() -> None:
    # r1-r4: E 4 + 6 + 10 = 20, A 10 + 3 + 6 = 19, B 2 + 2 + 4 + 10 = 18, C 6 + 10 = 16, D 3 + 6 + 3 = 12,
    # G 1 + 2 + 6 = 9. r1 counts here and for the four other lists.
    made = lists_of(SEASON)["all-full"]
    assert rows(made) == [(1, "E", 20), (2, "A", 19), (3, "B", 18), (4, "C", 16), (5, "D", 12), (6, "G", 9)]
    assert made.races == ("r1", "r2", "r3", "r4")
    assert all(v.counted for e in made.entries for v in e.values)


def test_noc_slots() -> None:
    # ESP (A, C, G), slot k = the k-th best ESP value of each race:
    #   r1: A 10, C 6   r2: C 10, A 3, G 1   r3: A 6, G 2 (C disqualified)
    #   ESP #1: 10, 10, 6 -> best two 20;  ESP #2: 6, 3, 2 -> 9;  (a third ESP slot is not asked for)
    # ITA (E): 4, 6, 10 -> 16;  SUI (D): 3, 6, 3 -> 9;  FRA (B): 2, 2, 4 -> 6;  AUT: no value.
    made = lists_of(SEASON)["slots2"]
    assert rows(made) == [(1, "ESP #1", 20), (2, "ITA #1", 16), (3, "ESP #2", 9), (3, "SUI #1", 9),
                          (5, "FRA #1", 6)]
    esp2 = next(e for e in made.entries if (e.noc, e.qualifier) == ("ESP", 2))
    # The working names who earned each slot value.
    assert [(v.race, v.athlete, v.points) for v in esp2.values] == [
        ("r1", "C", Decimal(6)), ("r2", "A", Decimal(3)), ("r3", "G", Decimal(2))]
    assert made.ranking.entries[0].qualifier == 1 and made.ranking.entries[0].athlete is None


def test_equal_totals_countback_or_shared_rank() -> None:
    # X: 1st + 5th = 10 + 2 = 12;  Y: 2nd + 2nd = 6 + 6 = 12;  W: 1st = 10;  Z: 3rd + 3rd = 8;  V: 4th = 3.
    season = Season.from_results([race("r1", 1, "best2-full countback"), race("r2", 8, "best2-full countback")],
                                 sprint("r1", "X1", "Y2", "Z3") + sprint("r2", "W1", "Y2", "Z3", "V4", "X5"))
    lists = lists_of(season)
    assert rows(lists["best2-full"]) == [(1, "X", 12), (1, "Y", 12), (3, "W", 10), (4, "Z", 8), (5, "V", 3)]
    # Countback: X's best counted result (10) beats Y's (6).
    assert rows(lists["countback"]) == [(1, "X", 12), (2, "Y", 12), (3, "W", 10), (4, "Z", 8), (5, "V", 3)]
    assert not any(e.shared_rank for e in lists["countback"].entries)


def test_team_lists_and_single_races() -> None:
    season = Season.from_results(
        [race("r1", 1, "relay-all"), race("c1", 8, "relay-all wch-relay wch", "championship")],
        relay("r1", ("ESP", 1, "1"), ("FRA", 2, None), ("ESP", 3, "2"), ("ITA", 4, None), ("SUI", None, None))
        + relay("c1", ("FRA", 1, None), ("ITA", 2, None), ("ESP", 3, None))
        + sprint("c1", "A1", "B2", "D2", "E4", "FDNF"))
    lists = lists_of(season)
    # An NOC team's value is its best team's: ESP 10 (r1, team 1; team 2's 3rd place is not added) + 4 (c1) = 14;
    # FRA 6 + 10 = 16; ITA 3 + 6 = 9; SUI did not finish: no value.
    assert rows(lists["relay-all"]) == [(1, "FRA", 16), (2, "ESP", 14), (3, "ITA", 9)]
    # A single race's classification as it is: its places are the ranks (a tie stays a tie), no points table.
    assert [(e.rank, e.noc) for e in lists["wch-relay"].ranking.entries] == [(1, "FRA"), (2, "ITA"), (3, "ESP")]
    assert [(e.rank, e.athlete, e.points) for e in lists["wch"].ranking.entries] == [
        (1, "A", None), (2, "B", None), (2, "D", None), (4, "E", None)]
    assert lists["wch"].ranking.kind == "race"


def test_empty_lists_are_reported_with_the_reason() -> None:
    season = Season.from_results(
        [race("r1", 1, "best2-full"), race("c1", 8, "wch relay-all", "championship"), race("r2", 15, "best2-full")],
        sprint("r1", "A1"))
    lists = build_lists(SYSTEM, season.up_to("r1"), TABLES, nocs=NOCS)
    assert lists.lists["wch"].report == "empty: its first race, c1 (Race c1 (2025-01-08)), comes later"
    assert lists.lists["countback"].report == "empty: no race on the calendar counts for it"
    assert rows(lists.lists["best2-full"]) == [(1, "A", 10)]
    whole = build_lists(SYSTEM, season, TABLES, nocs=NOCS)
    assert whole.lists["wch"].report == ("empty: none of its 1 race(s) so far has results (the first is c1, "
                                         "Race c1 (2025-01-08))")
    assert "list wch (Championship sprint) is empty: none of its 1 race(s)" in " | ".join(whole.reports)
    # Results that give no entry any points: 7th place and beyond score nothing in T.
    late = Season.from_results([race("r1", 1, "best2-full")],
                               sprint("r1", *[f"{c}{i}" for i, c in enumerate("ABCDEFG", start=1)])[6:])
    assert lists_of(late)["best2-full"].report == "empty: its 1 race(s) with results gave no entry any points"


def test_points_tables_by_id_next_to_the_rule_file_and_replaced(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("place,points\n1,10\n2,6\n3,4\n", encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(RULES), encoding="utf-8")
    system = load_system_file(tmp_path / "rules.yaml")
    table = load_points_tables(system)["t"]
    assert [v for _, v in table.rows()] == [10, 6, 4] and table.points(9) == 0  # beyond: zero, from the rule file
    assert (table.basis, table.id) == ("assumption", "t")
    (tmp_path / "mine.csv").write_text("place,points\n1,25\n", encoding="utf-8")
    replaced = load_points_tables(system, points_overrides(system, [f"{tmp_path / 'mine.csv'}"]))["t"]
    assert replaced.points(1) == 25 and replaced.basis == "user"
    with pytest.raises(InputError) as err:
        points_overrides(system, ["u=mine.csv"])
    assert err.value.lines() == ["--points: found table 'u', expected one of tiny-season's points tables: t"]
    (tmp_path / "t.csv").unlink()
    with pytest.raises(InputError) as err:
        load_points_tables(system)
    assert err.value.lines() == [f"{tmp_path / 'rules.yaml'}, points_tables[0].file: found points table file "
                                 "'t.csv', which is neither next to the rule file nor a bundled table"]


def test_rule_file_build_keys_are_checked() -> None:
    bad = {**RULES, "lists": [{"id": "x", "title": "X", "gender": "M", "entry": "noc",
                               "build": build("", entry="athlete")},
                              {"id": "y", "title": "Y", "gender": "M", "kind": "race", "build": build("")}]}
    with pytest.raises(InputError) as err:
        parse_system(bad, "bad.yaml")
    assert err.value.lines() == [
        "bad.yaml, lists[0]: list 'x': entry noc does not fit build.entry athlete",
        "bad.yaml, lists[1]: list 'y': kind race does not fit build.combine best (a single race is kind race, a "
        "season list kind ranking)"]
