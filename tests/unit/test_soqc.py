"""The SOQC as a configuration of the generic list builder: hand-made four-stage seasons, the points table, and
the synthetic season generator.

The lists are built by ``qualify.ranking.builder`` with the short-track rule file's ``build`` keys (NOC slots 1-3
from each stage's k-th best skater, best three stages of four, tied places sharing the mean, equal totals sharing a
rank) over the bundled four-stage calendar. Points used below (bundled inferred table): 1st 1000.0, 2nd 850.0,
3rd 722.5, 4th 614.1, 5th 522.0, 6th 443.7; two skaters tied on 3rd each get (722.5 + 614.1) / 2 = 668.3.
"""

from __future__ import annotations

import collections
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualify.errors import InputError
from qualify.io.season import bundled_calendar, read_calendar, read_season
from qualify.io.stage_results import read_stage_results
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.model.season import Result, Season
from qualify.ranking.builder import build_lists, format_points
from qualify.ranking.points import PointsTable, load_points_tables
from qualify.ranking.synth import NATIONS, synthesize
from qualify.rules import load_system

SYSTEM = load_system("short-track-2026")
NOCS = load_nocs()
CALENDAR = read_calendar(bundled_calendar(SYSTEM), SYSTEM).races
TABLES = load_points_tables(SYSTEM)


def ind(stage: int, rank: int | None, athlete: str, noc: str, *, event: str = "500m", gender: str = "M",
        status: str = "") -> Result:
    return Result(race=str(stage), event=event, gender=Gender(gender), rank=rank, status=status, athlete=athlete,
                  noc=noc)


def team(stage: int, rank: int | None, noc: str, *, gender: str = "W", event: str = "relay",
         status: str = "") -> Result:
    return Result(race=str(stage), event=event, gender=Gender(gender), rank=rank, status=status, noc=noc)


def build(results: list[Result], tables=None) -> dict:
    """The built lists that have entries, by id."""
    built = build_lists(SYSTEM, Season.from_results(CALENDAR, results), tables or TABLES, nocs=NOCS)
    return {list_id: made for list_id, made in built.lists.items() if made.entries}


def table_rows(made) -> list[tuple[str, str, str, str]]:
    return [(str(e.rank), e.noc, "" if e.qualifier is None else str(e.qualifier), format_points(e.total))
            for e in made.entries]


# Men's 500 m over four stages. NED skaters N1-N3, KOR K1-K2, ITA I1.
MEN_500 = [
    # stage 1: NED 1000.0 (N1), 722.5 (N2), 522.0 (N3); KOR 850.0; ITA 614.1
    ind(1, 1, "N1", "NED"), ind(1, 2, "K1", "KOR"), ind(1, 3, "N2", "NED"), ind(1, 4, "I1", "ITA"),
    ind(1, 5, "N3", "NED"),
    # stage 2: N1 and I1 tie on 3rd and share 668.3; N3 is disqualified and scores nothing.
    # NED 850.0 (N2), 668.3 (N1); KOR 1000.0, 522.0; ITA 668.3
    ind(2, 1, "K1", "KOR"), ind(2, 2, "N2", "NED"), ind(2, 3, "N1", "NED"), ind(2, 3, "I1", "ITA"),
    ind(2, 5, "K2", "KOR"), ind(2, None, "N3", "NED", status="DSQ"),
    # stage 3: NED 1000.0 (N3), 850.0 (N1); KOR 722.5; ITA 614.1
    ind(3, 1, "N3", "NED"), ind(3, 2, "N1", "NED"), ind(3, 3, "K2", "KOR"), ind(3, 4, "I1", "ITA"),
    # stage 4: NED 722.5 (N2); KOR 1000.0, 614.1; ITA 850.0
    ind(4, 1, "K1", "KOR"), ind(4, 2, "I1", "ITA"), ind(4, 3, "N2", "NED"), ind(4, 4, "K2", "KOR"),
]

# NED 1st qualifier: 1000.0, 850.0, 1000.0, 722.5 -> worst (stage 4) dropped: 2850.0
# KOR 1st qualifier: 850.0, 1000.0, 722.5, 1000.0 -> drop 722.5: 2850.0 (a tie with NED)
# NED 2nd qualifier: 722.5 (N2), 668.3 (N1, tied), 850.0 (N1), 0 -> 2240.8, made by two different skaters
# ITA 1st qualifier: 614.1, 668.3, 614.1, 850.0 -> drop one 614.1: 2132.4
# KOR 2nd qualifier: 0, 522.0, 0, 614.1 -> 1136.1
# NED 3rd qualifier: 522.0, 0 (N3 disqualified), 0, 0 -> 522.0
MEN_500_EXPECTED = [
    ("1", "KOR", "1", "2850.0"),
    ("1", "NED", "1", "2850.0"),
    ("3", "NED", "2", "2240.8"),
    ("4", "ITA", "1", "2132.4"),
    ("5", "KOR", "2", "1136.1"),
    ("6", "NED", "3", "522.0"),
]


def test_individual_soqc_worked_by_hand() -> None:
    lists = build(MEN_500)
    assert list(lists) == ["soqc-M-500m"]
    made = lists["soqc-M-500m"]
    assert made.ranking.gender is Gender.MEN and made.ranking.event == "M-500m"
    assert table_rows(made) == MEN_500_EXPECTED
    assert [e.points for e in made.ranking.entries] == [2850.0, 2850.0, 2240.8, 2132.4, 1136.1, 522.0]
    # KOR and NED share rank 1: a tie the engine sees and reports if it decides a place.
    assert [e.shared_rank for e in made.entries] == [True, True, False, False, False, False]


def test_stage_values_show_the_working() -> None:
    entries = {(e.noc, e.qualifier): e for e in build(MEN_500)["soqc-M-500m"].entries}

    def values(noc: str, k: int) -> list[tuple[str, int, str, str | None, bool]]:
        return [(v.race, v.place, f"{v.points:.1f}", v.athlete, v.counted) for v in entries[(noc, k)].values]

    # Best three of four: NED's first qualifier drops stage 4 (722.5).
    assert values("NED", 1) == [("1", 1, "1000.0", "N1", True), ("2", 2, "850.0", "N2", True),
                                ("3", 1, "1000.0", "N3", True), ("4", 3, "722.5", "N2", False)]
    # The second qualifier is made by two skaters; stage 4 had no second NED skater.
    assert values("NED", 2) == [("1", 3, "722.5", "N2", True), ("2", 3, "668.3", "N1", True),
                                ("3", 2, "850.0", "N1", True)]
    assert values("NED", 3) == [("1", 5, "522.0", "N3", True)]  # N3 disqualified in stage 2 earns nothing
    # ITA's equal stage values 614.1 (stages 1 and 3): the earlier stage counts.
    assert [v.counted for v in entries[("ITA", 1)].values] == [True, True, False, True]


def test_relay_soqc_worked_by_hand() -> None:
    relay = [
        team(1, 1, "KOR"), team(1, 2, "CAN"), team(1, 3, "NED"),
        team(2, 1, "CAN"), team(2, 2, "NED"), team(2, None, "KOR", status="DSQ"),
        team(3, 1, "KOR"), team(3, 2, "NED"), team(3, 3, "CAN"),
        team(4, 1, "KOR"), team(4, 2, "CAN"),
    ]
    mixed = [team(s, 1, "CHN", gender="X", event="mixed-relay") for s in (1, 2)] + [
        team(3, 2, "CHN", gender="X", event="mixed-relay"), team(3, 1, "ITA", gender="X", event="mixed-relay")]
    lists = build(relay + mixed)
    assert list(lists) == ["soqc-W-relay", "soqc-X-mixed-relay"]
    # KOR: 1000.0, 0 (DSQ), 1000.0, 1000.0 -> 3000.0
    # CAN: 850.0, 1000.0, 722.5, 850.0 -> drop 722.5: 2700.0
    # NED: 722.5, 850.0, 850.0, 0 (absent) -> 2422.5
    assert table_rows(lists["soqc-W-relay"]) == [
        ("1", "KOR", "", "3000.0"), ("2", "CAN", "", "2700.0"), ("3", "NED", "", "2422.5")]
    assert all(e.qualifier is None for e in lists["soqc-W-relay"].entries)
    # CHN: 1000.0 + 1000.0 + 850.0 = 2850.0; ITA: 1000.0 once
    assert table_rows(lists["soqc-X-mixed-relay"]) == [
        ("1", "CHN", "", "2850.0"), ("2", "ITA", "", "1000.0")]
    assert lists["soqc-X-mixed-relay"].ranking.gender is Gender.MIXED


def test_three_way_tie_and_places_past_the_table() -> None:
    table = PointsTable([100, 80, 60, 50, 40], beyond="zero")
    table.id = "isu-world-ranking"
    results = [
        # three tied on 2nd share (80 + 60 + 50) / 3 = 63.3; 5th gets 40; 6th is past the table: 0
        ind(1, 1, "A", "NED"), ind(1, 2, "B", "KOR"), ind(1, 2, "C", "ITA"), ind(1, 2, "D", "CAN"),
        ind(1, 5, "E", "USA"), ind(1, 6, "F", "JPN"),
    ]
    rows = table_rows(build(results, {"isu-world-ranking": table})["soqc-M-500m"])
    # JPN (6th, no points) is not listed.
    assert rows == [("1", "NED", "1", "100.0"), ("2", "CAN", "1", "63.3"), ("2", "ITA", "1", "63.3"),
                    ("2", "KOR", "1", "63.3"), ("5", "USA", "1", "40.0")]


@settings(max_examples=40, deadline=None)
@given(st.permutations(MEN_500))
def test_row_order_does_not_matter(shuffled: list[Result]) -> None:
    def listed(results):
        return {k: (v.ranking, v.entries) for k, v in build(results).items()}
    assert listed(shuffled) == listed(MEN_500)


def test_format_points() -> None:
    assert format_points(3000) == "3000.0"
    assert format_points(2572.5) == "2572.5"
    assert format_points(Decimal("614.1")) == "614.1"
    assert format_points(None) == ""
    assert format_points(605, 0) == "605"


# -- points table ------------------------------------------------------------------------------------

def test_points_table_lookup_and_fallbacks() -> None:
    table = PointsTable.default()
    assert len(table) >= 200
    assert table.points(len(table) + 50) == Decimal("0.1")  # "last": the floor continues
    # 5th, 6th and 7th tied: (522.0 + 443.7 + 377.1) / 3 = 1342.8 / 3 = 447.6
    assert table.points_for(5, 3) == Decimal("447.6")
    short = PointsTable([10, 5], beyond="error")
    with pytest.raises(ValueError, match="past the last place"):
        short.points(3)
    with pytest.raises(ValueError, match="past the last place"):
        short.points_for(2, 2)  # a tie on 2nd covers place 3 too
    assert PointsTable([10, 5], beyond="zero").points_for(2, 2) == Decimal("2.5")


def test_points_table_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("\ufeff# my table\nplace,points\n1,100\n2,70.5\n3,70.5\n", encoding="utf-8")
    table = PointsTable.from_csv(path)
    assert [v for _, v in table.rows()] == [Decimal("100"), Decimal("70.5"), Decimal("70.5")]
    assert table.points(9) == Decimal("70.5")


def test_points_table_csv_errors(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("place,points\n1,100\n3,80\n4,90\n5,x\n6,1.25\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        PointsTable.from_csv(path)
    assert err.value.lines() == [
        f"{path}, row 3, field 'place': found place '3', expected 2 (places run 1, 2, 3, ... without gaps)",
        f"{path}, row 4, field 'place': found place '4', expected 3 (places run 1, 2, 3, ... without gaps)",
        f"{path}, row 4, field 'points': found 90, expected at most 80 (the points of the place before)",
        f"{path}, row 5, field 'place': found place '5', expected 4 (places run 1, 2, 3, ... without gaps)",
        f"{path}, row 5, field 'points': found 'x', expected a number",
        f"{path}, row 6, field 'place': found place '6', expected 5 (places run 1, 2, 3, ... without gaps)",
        f"{path}, row 6, field 'points': found 1.25, expected a non-negative number with at most one decimal",
    ]


# -- synthetic seasons -------------------------------------------------------------------------------

def test_synth_is_reproducible(tmp_path: Path) -> None:
    a = synthesize(11, tmp_path / "a")
    b = synthesize(11, tmp_path / "b")
    c = synthesize(12, tmp_path / "c")
    for name in ("results.csv", "calendar.csv", "README.txt"):
        assert (a.parent / name).read_bytes() == (b.parent / name).read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_synth_says_it_is_synthetic_in_the_data(tmp_path: Path) -> None:
    path = synthesize(5, tmp_path)
    mark = "# SYNTHETIC DATA generated by qualify synth short-track-2026 --seed 5: not real results"
    assert path.read_text(encoding="utf-8").splitlines()[0] == mark
    assert (tmp_path / "calendar.csv").read_text(encoding="utf-8").splitlines()[0] == mark
    assert "SYNTHETIC DATA - NOT REAL RESULTS" in (tmp_path / "README.txt").read_text(encoding="utf-8")
    # The readers carry the mark into the season, even without the README.
    (tmp_path / "README.txt").unlink()
    assert read_season(tmp_path, SYSTEM, NOCS).notice == mark.removeprefix("# ")


@pytest.mark.parametrize("seed", [1, 2026])
def test_synth_season_shape(tmp_path: Path, seed: int) -> None:
    results = read_stage_results(synthesize(seed, tmp_path))
    assert len({r.noc for r in results}) >= 30
    assert "ITA" in {r.noc for r in results}
    classified = collections.Counter((r.race, r.gender, r.event) for r in results if r.rank is not None)
    races = {(s, g, e) for s in ("1", "2", "3", "4") for g in (Gender.MEN, Gender.WOMEN)
             for e in ("500m", "1000m", "1500m")}
    assert {race for race in classified if race[2] in ("500m", "1000m", "1500m")} == races
    for race in races:
        assert 60 <= classified[race] <= 80, race
    relay_rows = collections.Counter((r.race, r.gender, r.event) for r in results if r.is_team)
    assert len(relay_rows) == 12  # men's, women's and mixed relay in each of four stages
    assert all(12 <= n <= 20 for n in relay_rows.values())
    ain = collections.Counter((r.race, r.gender, r.event) for r in results if r.noc == "AIN")
    assert ain and max(ain.values()) == 1 and not any(race[2] in ("relay", "mixed-relay") for race in ain)
    assert any(r.status for r in results)
    tied = collections.Counter((r.race, r.gender, r.event, r.rank) for r in results if r.rank is not None)
    assert any(n > 1 for n in tied.values())
    lists = build(results)
    assert len(lists) == 9
    assert all(len(lists[f"soqc-{g}-{e}"].entries) >= 36 for g in "MW" for e in ("500m", "1000m", "1500m"))


def test_synth_nations_are_known_nocs() -> None:
    from qualify.model.nocs import load_nocs

    nocs = load_nocs()
    assert len(NATIONS) >= 30
    assert all(code in nocs for code, _, _ in NATIONS)
