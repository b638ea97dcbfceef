"""Reading a season: results.csv on its own, calendar.csv on its own, and the checks across both and the rule file.

Every expected line is written out here from the file in the test and the rule it breaks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qualify.errors import InputError
from qualify.io.season import read_calendar, read_season, season_warnings
from qualify.io.stage_results import read_results, read_stage_results
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.rules import load_system

NOCS = load_nocs()
SKI = load_system("ski-mountaineering-2026")
SHORT = load_system("short-track-2026")
HEADER = "race,gender,event,rank,athlete,noc,status\n"
CAL_HEADER = "race,date,name,kind,lists\n"


def write(folder: Path, body: str, *, header: str = HEADER, name: str = "results.csv", prefix: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(prefix + header + body, encoding="utf-8")
    return path


def problems(call, *args, **kwargs) -> list[str]:
    with pytest.raises(InputError) as err:
        call(*args, **kwargs)
    return err.value.lines()


# --- results.csv on its own ------------------------------------------------------------------------------------

def test_reads_a_good_file(tmp_path: Path) -> None:
    body = (
        "r1,M,500m,1,Skater A,NED,\n"
        "r1,M,500m,2,Skater B,KOR,\n"
        "r1,M,500m,2,Skater C,AIN,\n"
        "r1,M,500m,4,Skater D,ITA,\n"
        "r1,M,500m,,Skater E,CAN,DSQ\n"
        "\n"
        "# a comment between rows\n"
        "r2,X,mixed-relay,1,,KOR,\n"
        "r2,W,relay,1,,NED,\n"
        "r2,W,relay,,,ITA,DNF\n"
        "r2,W,relay,1,,UNNAMED-EUR-01,\n"
    )
    path = tmp_path / "results.csv"
    # A BOM and a leading comment are fine; rows are numbered as the file's lines, the header being line 3.
    path.write_bytes(("\ufeff# SYNTHETIC test data\n" + HEADER + body).encode("utf-8"))
    read = read_results(tmp_path, nocs=NOCS)
    results = read.results
    assert len(results) == 9 and read.race_column == "race"
    assert read.notice == "SYNTHETIC test data"
    first, dsq = results[0], results[4]
    assert (first.race, first.gender, first.event, first.rank, first.athlete, first.noc, first.source_row) == \
        ("r1", Gender.MEN, "500m", 1, "Skater A", "NED", 3)
    assert (dsq.rank, dsq.status, dsq.source_row) == (None, "DSQ", 7)
    relay = results[5]
    assert (relay.gender, relay.event, relay.athlete, relay.is_team, relay.source_row) == \
        (Gender.MIXED, "mixed-relay", None, True, 10)
    # A tie: the two skaters on 2nd are followed by 4th.
    assert [r.rank for r in results[:4]] == [1, 2, 2, 4]
    assert read_stage_results(path, nocs=NOCS) == results  # the file itself works as well as its folder


def test_a_stage_column_names_the_race(tmp_path: Path) -> None:
    write(tmp_path, "3,M,500m,1,Skater A,NED,\n", header="stage,gender,event,rank,athlete,noc,status\n")
    read = read_results(tmp_path, nocs=NOCS)
    assert read.race_column == "stage" and read.results[0].race == "3" and read.notice is None


def test_columns_in_any_order_extra_columns_and_a_team_column(tmp_path: Path) -> None:
    write(tmp_path, "NED,Skater A,1,500m,M,r1,,12.3,\nNED,,1,relay,X,r1,,,1\nNED,,2,relay,X,r1,,,2\n",
          header="noc,athlete,rank,event,gender,race,status,time,team\n")
    first, team1, team2 = read_stage_results(tmp_path, nocs=NOCS)
    assert (first.noc, first.athlete, first.rank) == ("NED", "Skater A", 1)
    assert (team1.who, team2.who) == ("NED 1", "NED 2")  # two teams of one NOC, told apart


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "r1,M,500m,Skater A,NED,\n", header="race,gender,event,athlete,noc,status\n")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 1: missing column(s) rank; found race, gender, event, athlete, noc, status"]


def test_race_and_stage_both(tmp_path: Path) -> None:
    path = write(tmp_path, "1,1,M,500m,1,A,NED,\n", header="race,stage,gender,event,rank,athlete,noc,status\n")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 1, field 'stage': found both a 'race' and a 'stage' column, expected one of them (a stage is a "
        "race)"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("r1,M,500m,x,Skater A,NED,",
         "row 2, field 'rank': found 'x', expected a whole number (or an empty rank and a status)"),
        ("r1,M,500m,1.5,Skater A,NED,",
         "row 2, field 'rank': found '1.5', expected a whole number (or an empty rank and a status)"),
        ("r1,M,500m,0,Skater A,NED,", "row 2, field 'rank': found rank 0, expected 1 or more"),
        ("r1,M,500m,-2,Skater A,NED,", "row 2, field 'rank': found rank -2, expected 1 or more"),
        ("r1,M,500m,,Skater A,NED,",
         "row 2, field 'rank': found an empty rank and no status, expected a rank, or a status such as DNS, "
         "DNF or DSQ"),
        ("r1,M,500m,1,Skater A,NED,DSQ",
         "row 2, field 'status': found status 'DSQ' on a row ranked 1, expected an empty status (a status "
         "marks a result that has no rank)"),
        ("r1,M,500m,1,Skater A,XYZ,",
         "row 2, field 'noc': found 'XYZ', expected an IOC code from the NOC registry or an UNNAMED-... "
         "placeholder"),
        ("r1,M,500m,1,Skater A,,", "row 2, field 'noc': found an empty NOC, expected an IOC code"),
        (",M,500m,1,Skater A,NED,", "row 2, field 'race': found an empty race, expected a race id from the calendar"),
        ("r1,F,500m,1,Skater A,NED,", "row 2, field 'gender': found 'F', expected M, W or X"),
        ("r1,M,,1,Skater A,NED,",
         "row 2, field 'event': found an empty event, expected the event's name (e.g. 500m, sprint)"),
        ("r1,W,1000m,1,Skater A,NED", "row 2: found 6 cells, expected 7 (one per column, ','-separated)"),
    ],
)
def test_bad_row(tmp_path: Path, row: str, expected: str) -> None:
    path = write(tmp_path, row + "\n")
    assert problems(read_results, path, nocs=NOCS) == [f"{path}, {expected}"]


def test_same_athlete_twice_in_a_race_and_event(tmp_path: Path) -> None:
    # Skater A twice in r1's men's 500 m is wrong; in r1's 1000 m and in r2 he is someone else's result.
    path = write(tmp_path, "r1,M,500m,1,Skater A,NED,\nr1,M,500m,2,Skater B,KOR,\nr1,M,500m,3,Skater A,NED,\n"
                           "r1,M,1000m,1,Skater A,NED,\nr2,M,500m,1,Skater A,NED,\n")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 4, field 'athlete': found 'Skater A' again (first on row 2), expected each athlete once in race "
        "r1 M 500m"]


def test_same_team_twice_in_a_race(tmp_path: Path) -> None:
    path = write(tmp_path, "r3,W,relay,1,,NED,\nr3,W,relay,2,,NED,\nr3,M,relay,1,,NED,\n")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 3, field 'noc': found 'NED' again (first on row 2), expected each team once in race r3 W relay"]


def test_athlete_and_team_rows_do_not_mix_in_one_event(tmp_path: Path) -> None:
    path = write(tmp_path, "r1,W,relay,1,,NED,\nr1,W,relay,2,Skater A,KOR,\nr1,M,500m,1,Skater B,KOR,\n"
                           "r1,M,500m,2,,CAN,\n")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 3, field 'athlete': found 'Skater A', expected an empty athlete: race r1 W relay has team rows "
        "(first on row 2), one per team",
        f"{path}, row 5, field 'athlete': found an empty athlete, expected one: the other rows of race r1 M 500m "
        "name their athlete (first on row 4)"]


@pytest.mark.parametrize(
    ("ranks", "expected"),
    [
        ([1, 2, 4], "row 4, field 'rank': found rank 4, expected 3"),  # a gap
        ([1, 2, 2, 3], "row 5, field 'rank': found rank 3, expected 4"),  # two tied on 2nd cover 2 and 3
        ([2, 3], "row 2, field 'rank': found rank 2, expected 1"),  # a race starts at 1
    ],
)
def test_inconsistent_ranks(tmp_path: Path, ranks: list[int], expected: str) -> None:
    path = write(tmp_path, "".join(f"s2,W,1500m,{rank},Skater {i},NED,\n" for i, rank in enumerate(ranks)))
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, {expected} in race s2 W 1500m (ranks run 1, 2, 3 ...; a tie of n skips the next n - 1 ranks)"]


def test_rank_check_ignores_row_order_and_other_faults(tmp_path: Path) -> None:
    # Ranks 3, 1, 2 in file order are fine; a row with a bad NOC still holds its place in the ranking.
    path = write(tmp_path, "r1,M,500m,3,Skater C,NED,\nr1,M,500m,1,Skater A,XYZ,\nr1,M,500m,2,Skater B,KOR,\n")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 3, field 'noc': found 'XYZ', expected an IOC code from the NOC registry or an UNNAMED-... "
        "placeholder"]


def test_all_problems_are_collected_in_file_order(tmp_path: Path) -> None:
    path = write(tmp_path, "r1,Q,500m,1,Skater A,NED,\nr1,M,500m,x,Skater B,XYZ,\n", prefix="# comment\n")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 3, field 'gender': found 'Q', expected M, W or X",
        f"{path}, row 4, field 'rank': found 'x', expected a whole number (or an empty rank and a status)",
        f"{path}, row 4, field 'noc': found 'XYZ', expected an IOC code from the NOC registry or an UNNAMED-... "
        "placeholder"]


def test_missing_file_bad_encoding_and_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    assert problems(read_results, path, nocs=NOCS) == [f"{path}: file not found"]
    path.write_bytes(HEADER.encode() + b"r1,M,500m,1,Sk\xe9ter,NED,\n")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 2: not UTF-8 text (bad byte 0xe9 at offset {len(HEADER) + 14}); save the file as UTF-8"]
    path.write_text("# only a comment\n", encoding="utf-8")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 1: empty file: expected a header with race (or stage), gender, event, rank, athlete, noc, "
        "status"]
    path.write_text(HEADER, encoding="utf-8")
    assert problems(read_results, path, nocs=NOCS) == [
        f"{path}, row 1: found only the header, expected one row per athlete or team per event of a race"]


# --- calendar.csv -------------------------------------------------------------------------------------------------

def test_calendar_order_is_by_date_then_file_order(tmp_path: Path) -> None:
    path = write(tmp_path, "b,2025-02-01,Second,world-cup,sprint-ranking-M\n"
                           "a,2025-01-10,First,world-cup,sprint-ranking-M; sprint-ranking-W\n"
                           "c,2025-02-01,Same day later in the file,world-cup,\n",
                 header=CAL_HEADER, name="calendar.csv", prefix="# SYNTHETIC calendar\n")
    calendar = read_calendar(path, SKI)
    assert [r.id for r in calendar.races] == ["b", "a", "c"]  # file order; the season sorts
    assert calendar.races[1].lists == ("sprint-ranking-M", "sprint-ranking-W")
    assert calendar.races[2].lists == () and calendar.races[0].date == date(2025, 2, 1)
    assert calendar.notice == "SYNTHETIC calendar"
    write(tmp_path, "b,2025-02-01,Second,world-cup,sprint-ranking-M\n", name="results.csv", header=HEADER)
    write(tmp_path, "b,M,sprint,1,Skater A,NED,\n")
    season = read_season(tmp_path, SKI, NOCS)
    assert [r.id for r in season.races] == ["a", "b", "c"]
    assert season.notice == "SYNTHETIC calendar"


def test_calendar_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "a,2025-13-01,First,world-cup,sprint-ranking-M\n"
                           "b,2025-01-20,,world-cup,sprint-rankng-M\n"
                           "a,2025-01-25,Third,world-cup,sprint-ranking-W\n"
                           "d,2025-01-30,Fourth,,\n"
                           "e,2025-03-06,Worlds,world-cup,wch-sprint-M\n",
                 header=CAL_HEADER, name="calendar.csv")
    built = ", ".join(spec.id for spec in SKI.lists)
    assert problems(read_calendar, path, SKI) == [
        f"{path}, row 2, field 'date': found '2025-13-01', expected a date written YYYY-MM-DD",
        f"{path}, row 3, field 'name': found an empty name, expected the race's name",
        f"{path}, row 3, field 'lists': found list 'sprint-rankng-M', expected ids of lists the rule file builds "
        f"({built}): ski-mountaineering-2026 has no list 'sprint-rankng-M'",
        f"{path}, row 4, field 'race': found 'a' again (first on row 2), expected each race once per calendar",
        f"{path}, row 5, field 'kind': found an empty kind, expected the kind of race (e.g. world-cup)",
        f"{path}, row 6, field 'lists': found list 'wch-sprint-M' for a race of kind 'world-cup', expected only races "
        "of kind world-championship (the list's build.kinds)",
    ]


def test_a_single_race_list_has_one_race(tmp_path: Path) -> None:
    path = write(tmp_path, "w1,2025-03-06,Worlds,world-championship,wch-sprint-M\n"
                           "w2,2026-03-06,Worlds again,world-championship,wch-sprint-M\n",
                 header=CAL_HEADER, name="calendar.csv")
    assert problems(read_calendar, path, SKI) == [
        f"{path}, row 3, field 'lists': found list 'wch-sprint-M' again (first on row 2), expected one race: the list "
        "is a single race's classification"]


# --- across the files ------------------------------------------------------------------------------------------------

CALENDAR = ("wc1,2024-12-14,World Cup 1,world-cup,sprint-ranking-M;sprint-ranking-W\n"
            "wch,2025-03-06,Worlds,world-championship,wch-mixed-relay;mixed-relay-ranking;wch-sprint-M\n"
            "wc2,2025-03-15,World Cup 2,world-cup,mixed-relay-ranking\n")


def test_checks_across_calendar_results_and_rule_file(tmp_path: Path) -> None:
    calendar = write(tmp_path, CALENDAR, header=CAL_HEADER, name="calendar.csv")
    results = write(tmp_path, "wc1,M,sprint,1,A,ESP,\n"          # row 2: fine
                              "wc1,X,sprint,1,,ESP,\n"           # row 3: sprint lists are M and W
                              "wch,X,mixed-relay,1,Team,FRA,\n"  # row 4: relay lists are built from team rows
                              "wch,M,sprint,1,B,FRA,\n"          # row 5: fine
                              "wc9,M,sprint,1,C,SUI,\n"          # row 6: no such race
                              "wc9,M,sprint,2,D,SUI,\n")         # row 7: the same race, reported once
    # wc1 has results but no women's sprint for sprint-ranking-W, and wc2 has no results at all: warnings, not errors
    # (see test_season_warnings).
    assert problems(read_season, tmp_path, SKI, NOCS) == [
        f"{results}, row 3, field 'gender': found gender X for event sprint, expected M or W (the genders "
        "ski-mountaineering-2026 uses sprint results for)",
        f"{results}, row 4, field 'athlete': found 'Team', expected an empty athlete: list 'wch-mixed-relay' is built "
        "from team rows (one per team) of race wch X mixed-relay",
        f"{results}, row 6, field 'race': found race 'wc9', expected a race of {calendar} (wc1, wch, wc2)",
    ]


def test_a_results_file_needs_its_calendar(tmp_path: Path) -> None:
    write(tmp_path, "wc1,M,sprint,1,A,ESP,\n")
    assert problems(read_season, tmp_path, SKI, NOCS) == [
        f"{tmp_path / 'calendar.csv'}: found no such file, expected the season's calendar (race,date,name,kind,lists) "
        "beside results.csv"]


def test_a_stage_file_takes_the_bundled_short_track_calendar(tmp_path: Path) -> None:
    results = write(tmp_path, "1,M,500m,1,A,NED,\n5,M,500m,1,B,KOR,\n",
                    header="stage,gender,event,rank,athlete,noc,status\n")
    [line] = problems(read_season, tmp_path, SHORT, NOCS)
    assert line.startswith(f"{results}, row 3, field 'stage': found race '5', expected a race of ")
    assert line.endswith("expected a race of data/short-track-2026/calendar.csv (bundled) (1, 2, 3, 4)")
    results.write_text("stage,gender,event,rank,athlete,noc,status\n1,M,500m,1,A,NED,\n", encoding="utf-8")
    season = read_season(tmp_path, SHORT, NOCS)
    assert [race.id for race in season.races] == ["1", "2", "3", "4"]
    assert season.race("3").name == "World Tour Stage 3, Gdansk"


def test_season_warnings(tmp_path: Path) -> None:
    write(tmp_path, CALENDAR, header=CAL_HEADER, name="calendar.csv")
    # wc1 counts for both sprint lists but has only men (and a women's sprint spelt "Sprint"); the World Championship
    # has its relay and men's sprint; wc2 has nothing yet.
    write(tmp_path, "wc1,M,sprint,1,A,ESP,\nwc1,W,Sprint,1,B,ESP,\nwch,X,mixed-relay,1,,FRA,\nwch,M,sprint,1,C,FRA,\n")
    season = read_season(tmp_path, SKI, NOCS)
    assert season_warnings(season, SKI) == [
        "race wc1 counts for list sprint-ranking-W, but its results have no sprint W rows: the list gets nothing from "
        "it",
        "race wc1 has results that feed none of its lists: Sprint W",
        "race wc2 (World Cup 2 (2025-03-15)) has no results yet: it counts for nothing",
    ]
    assert season_warnings(season.up_to("wch"), SKI) == season_warnings(season, SKI)[:2]


def test_season_cuts(tmp_path: Path) -> None:
    write(tmp_path, CALENDAR.replace(";wch-sprint-M", ""), header=CAL_HEADER, name="calendar.csv")
    write(tmp_path, "wc1,M,sprint,1,A,ESP,\nwc1,W,sprint,1,B,ESP,\nwch,X,mixed-relay,1,,FRA,\n")
    season = read_season(tmp_path, SKI, NOCS)
    assert [r.id for r in season.held()] == ["wc1", "wch"] and season.last_held.id == "wch"
    cut = season.up_to("wc1")
    assert [r.id for r in cut.races] == ["wc1"] and [r.id for r in cut.later] == ["wch", "wc2"]
    assert len(cut.results) == 2 and len(season.results) == 3
    assert season.position("wc2") == 2
