"""Reading stage results: what a good file gives, and the exact line for each kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualify.errors import InputError
from qualify.io import stage_results
from qualify.io.stage_results import read_stage_results
from qualify.model.common import Gender
from qualify.model.nocs import Noc, NocRegistry, load_nocs

HEADER = "stage,gender,event,rank,athlete,noc,status\n"


@pytest.fixture(scope="module")
def nocs() -> NocRegistry:
    try:
        return load_nocs()
    except FileNotFoundError:
        # The bundled registry may not exist yet in a partial checkout; these codes are all the tests use.
        return NocRegistry([Noc(code=c, name=c, continent=None, neutral=c == "AIN")
                            for c in ("AIN", "CAN", "ITA", "KOR", "NED")])


def write(tmp_path: Path, body: str, *, header: str = HEADER, prefix: str = "") -> Path:
    path = tmp_path / "results.csv"
    path.write_text(prefix + header + body, encoding="utf-8")
    return path


def problems(path: Path, nocs: NocRegistry) -> list[str]:
    with pytest.raises(InputError) as err:
        read_stage_results(path.parent, nocs=nocs)
    return err.value.lines()


def test_reads_a_good_file(tmp_path: Path, nocs: NocRegistry) -> None:
    body = (
        "1,M,500m,1,Skater A,NED,\n"
        "1,M,500m,2,Skater B,KOR,\n"
        "1,M,500m,2,Skater C,AIN,\n"
        "1,M,500m,4,Skater D,ITA,\n"
        "1,M,500m,,Skater E,CAN,DSQ\n"
        "\n"
        "# a comment between rows\n"
        "2,X,mixed-relay,1,,KOR,\n"
        "2,W,relay,1,,NED,\n"
        "2,W,relay,,,ITA,DNF\n"
        "2,W,relay,1,,UNNAMED-EUR-01,\n"
    )
    path = tmp_path / "results.csv"
    # A BOM and a leading comment line are both fine; rows are then numbered as the file's lines.
    path.write_bytes(("\ufeff# SYNTHETIC\n" + HEADER + body).encode("utf-8"))
    results = read_stage_results(tmp_path, nocs=nocs)
    assert len(results) == 9
    first, dsq = results[0], results[4]
    assert (first.stage, first.gender, first.event, first.rank, first.athlete, first.noc, first.source_row) == \
        (1, Gender.MEN, "500m", 1, "Skater A", "NED", 3)
    assert (dsq.rank, dsq.status, dsq.source_row) == (None, "DSQ", 7)
    relay = results[5]
    assert (relay.gender, relay.event, relay.athlete, relay.source_row) == (Gender.MIXED, "mixed-relay", None, 10)
    # A tie: the two skaters on 2nd are followed by 4th.
    assert [r.rank for r in results[:4]] == [1, 2, 2, 4]
    # A file path works as well as its folder.
    assert read_stage_results(path, nocs=nocs) == results


def test_missing_column(tmp_path: Path, nocs: NocRegistry) -> None:
    path = write(tmp_path, "1,M,500m,Skater A,NED,\n", header="stage,gender,event,athlete,noc,status\n")
    assert problems(path, nocs) == [
        f"{path}, row 1, field 'rank': found no 'rank' column, expected the columns "
        "stage,gender,event,rank,athlete,noc,status",
    ]


def test_columns_in_any_order_and_extra_columns(tmp_path: Path, nocs: NocRegistry) -> None:
    write(tmp_path, "NED,Skater A,1,500m,M,1,,12.3\n", header="noc,athlete,rank,event,gender,stage,status,time\n")
    [result] = read_stage_results(tmp_path, nocs=nocs)
    assert (result.noc, result.athlete, result.rank) == ("NED", "Skater A", 1)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("1,M,500m,x,Skater A,NED,",
         "row 2, field 'rank': found 'x', expected a whole number (or an empty rank and a status)"),
        ("1,M,500m,1.5,Skater A,NED,",
         "row 2, field 'rank': found '1.5', expected a whole number (or an empty rank and a status)"),
        ("1,M,500m,0,Skater A,NED,", "row 2, field 'rank': found rank 0, expected 1 or more"),
        ("1,M,500m,-2,Skater A,NED,", "row 2, field 'rank': found rank -2, expected 1 or more"),
        ("1,M,500m,,Skater A,NED,",
         "row 2, field 'rank': found an empty rank and no status, expected a rank, or a status such as DNS, "
         "DNF or DSQ"),
        ("1,M,500m,1,Skater A,NED,DSQ",
         "row 2, field 'status': found status 'DSQ' on a row ranked 1, expected an empty status (a status "
         "marks a result that has no rank)"),
        ("1,M,500m,1,Skater A,XYZ,",
         "row 2, field 'noc': found 'XYZ', expected an IOC code from the NOC registry or an UNNAMED-... "
         "placeholder"),
        ("1,M,500m,1,Skater A,,", "row 2, field 'noc': found an empty NOC, expected an IOC code"),
        ("5,M,500m,1,Skater A,NED,", "row 2, field 'stage': found stage 5, expected a stage number 1 to 4"),
        ("one,M,500m,1,Skater A,NED,", "row 2, field 'stage': found 'one', expected a stage number 1 to 4"),
        ("1,F,500m,1,Skater A,NED,", "row 2, field 'gender': found 'F', expected M, W or X"),
        ("1,M,3000m,1,Skater A,NED,",
         "row 2, field 'event': found '3000m', expected one of 500m, 1000m, 1500m, relay, mixed-relay"),
        ("1,X,500m,1,Skater A,NED,", "row 2, field 'gender': found gender X for event 500m, expected M or W"),
        ("1,M,mixed-relay,1,,NED,", "row 2, field 'gender': found gender M for event mixed-relay, expected X"),
        ("1,W,relay,1,Skater A,NED,",
         "row 2, field 'athlete': found 'Skater A', expected an empty athlete for a relay"),
        ("1,W,1000m,1,,NED,", "row 2, field 'athlete': found an empty athlete, expected the skater's name"),
        ("1,W,1000m,1,Skater A,NED", "row 2: found 6 fields, expected 7 (one per header column)"),
    ],
)
def test_bad_row(tmp_path: Path, nocs: NocRegistry, row: str, expected: str) -> None:
    path = write(tmp_path, row + "\n")
    assert problems(path, nocs) == [f"{path}, {expected}"]


def test_same_athlete_twice_in_a_race(tmp_path: Path, nocs: NocRegistry) -> None:
    path = write(tmp_path, "1,M,500m,1,Skater A,NED,\n1,M,500m,2,Skater B,KOR,\n1,M,500m,3,Skater A,NED,\n"
                           "1,M,1000m,1,Skater A,NED,\n2,M,500m,1,Skater A,NED,\n")
    assert problems(path, nocs) == [
        f"{path}, row 4, field 'athlete': found athlete 'Skater A' again in stage 1 M 500m (first on row 2), "
        "expected each athlete once per race",
    ]


def test_same_relay_team_twice_in_a_race(tmp_path: Path, nocs: NocRegistry) -> None:
    path = write(tmp_path, "3,W,relay,1,,NED,\n3,W,relay,2,,NED,\n3,M,relay,1,,NED,\n")
    assert problems(path, nocs) == [
        f"{path}, row 3, field 'noc': found team 'NED' again in stage 3 W relay (first on row 2), "
        "expected each team once per race",
    ]


@pytest.mark.parametrize(
    ("ranks", "expected"),
    [
        # A gap: 1, 2, 4.
        ([1, 2, 4], "row 4, field 'rank': found rank 4, expected 3 (the rank after 1 result(s) at rank 2)"),
        # Two tied on 2nd take places 2 and 3, so the next rank is 4, not 3.
        ([1, 2, 2, 3], "row 5, field 'rank': found rank 3, expected 4 (the rank after 2 result(s) at rank 2)"),
        # A race must start at 1.
        ([2, 3], "row 2, field 'rank': found rank 2, expected 1 (the first rank)"),
    ],
)
def test_inconsistent_ranks(tmp_path: Path, nocs: NocRegistry, ranks: list[int], expected: str) -> None:
    body = "".join(f"2,W,1500m,{rank},Skater {i},NED,\n" for i, rank in enumerate(ranks))
    path = write(tmp_path, body)
    assert problems(path, nocs) == [f"{path}, {expected} in stage 2 W 1500m"]


def test_rank_check_ignores_row_order_and_other_faults(tmp_path: Path, nocs: NocRegistry) -> None:
    # Ranks 3, 1, 2 in file order are fine; a row with a bad NOC still holds its place in the ranking.
    path = write(tmp_path, "1,M,500m,3,Skater C,NED,\n1,M,500m,1,Skater A,XYZ,\n1,M,500m,2,Skater B,KOR,\n")
    assert problems(path, nocs) == [
        f"{path}, row 3, field 'noc': found 'XYZ', expected an IOC code from the NOC registry or an "
        "UNNAMED-... placeholder",
    ]


def test_all_problems_are_collected(tmp_path: Path, nocs: NocRegistry) -> None:
    path = write(tmp_path, "9,M,500m,1,Skater A,NED,\n1,M,500m,x,Skater B,XYZ,\n", prefix="# comment\n")
    assert problems(path, nocs) == [
        f"{path}, row 3, field 'stage': found stage 9, expected a stage number 1 to 4",
        f"{path}, row 4, field 'rank': found 'x', expected a whole number (or an empty rank and a status)",
        f"{path}, row 4, field 'noc': found 'XYZ', expected an IOC code from the NOC registry or an UNNAMED-... "
        "placeholder",
    ]


def test_problem_limit(tmp_path: Path, nocs: NocRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stage_results, "MAX_PROBLEMS", 3)
    path = write(tmp_path, "".join(f"1,M,500m,1,Skater {i},XYZ,\n" for i in range(10)))
    with pytest.raises(InputError) as err:
        read_stage_results(tmp_path, nocs=nocs)
    assert len(err.value.problems) == 4
    assert err.value.lines()[-1] == f"{path}: stopped reading after 3 problems"


def test_missing_file_and_bad_encoding(tmp_path: Path, nocs: NocRegistry) -> None:
    path = tmp_path / "results.csv"
    assert problems(path, nocs) == [f"{path}: found no such file, expected results.csv with stage results"]
    path.write_bytes(HEADER.encode() + b"1,M,500m,1,Sk\xe9ter,NED,\n")
    assert problems(path, nocs) == [
        f"{path}: found bytes that are not UTF-8 at byte {len(HEADER) + 13}, expected UTF-8 text"]


def test_empty_file(tmp_path: Path, nocs: NocRegistry) -> None:
    path = tmp_path / "results.csv"
    path.write_text("# only a comment\n", encoding="utf-8")
    assert problems(path, nocs) == [
        f"{path}, row 1: found no header, expected the columns stage,gender,event,rank,athlete,noc,status"]
