"""Bad input on the command line: exit code 2, no traceback, and one located error line on stderr.

Each test breaks one thing in a private copy of the ski mountaineering data. Row numbers are physical lines
of the CSV file: in sprint_ranking_men.csv the header is row 1, so rank r sits on row r + 1 (Kistler, rank 1,
on row 2; Zhang Chenghao, rank 10, on row 11).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualify.rules import bundled_system_ids
from tests.cli.conftest import SYSTEM

MEN_FILE = "sprint_ranking_men.csv"


def replace_line(path: Path, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert old in lines, f"{old!r} is not a line of {path}"
    path.write_text("\n".join(new if line == old else line for line in lines) + "\n", encoding="utf-8")


def assert_fails_with(result, line: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a handled error, not a crash
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {line}"]


def test_missing_column(invoke, data):
    path = data / MEN_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    # Drop the last column (points) from the header and every row.
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    assert_fails_with(invoke("allocate", SYSTEM, "--data", data),
                      f"{path}, row 1: missing column(s) points; found rank, athlete, noc")


@pytest.mark.parametrize(("old", "new", "line"), [
    # Last row: nothing follows it, so the one bad cell is the only problem.
    ("10,Zhang Chenghao,CHN,137", "10,Zhang Chenghao,ZZZ,137",
     "row 11, field 'noc': unknown NOC code 'ZZZ', expected an IOC code (e.g. ITA) or a placeholder UNNAMED-..."),
    ("10,Zhang Chenghao,CHN,137", "10,Zhang Chenghao,CHN,-137",
     "row 11, field 'points': found -137, expected a number >= 0"),
    ("10,Zhang Chenghao,CHN,137", "ten,Zhang Chenghao,CHN,137",
     "row 11, field 'rank': found 'ten', expected a whole number"),
    # A middle row (Klette, rank 4, row 5): rows 6-11 are fine and must not be reported.
    pytest.param("4,Hans-Inge Klette,NOR,282", "4,Hans-Inge Klette,NRW,282",
                 "row 5, field 'noc': unknown NOC code 'NRW', expected an IOC code (e.g. ITA) or a placeholder "
                 "UNNAMED-...", id="unknown-noc-mid-list"),
    pytest.param("4,Hans-Inge Klette,NOR,282", "4,Hans-Inge Klette,NOR,-5",
                 "row 5, field 'points': found -5, expected a number >= 0",
                 id="negative-points-mid-list"),
    pytest.param("4,Hans-Inge Klette,NOR,282", "four,Hans-Inge Klette,NOR,282",
                 "row 5, field 'rank': found 'four', expected a whole number",
                 id="non-numeric-rank-mid-list"),
])
def test_one_bad_cell_gives_one_error_line(invoke, data, old, new, line):
    replace_line(data / MEN_FILE, old, new)
    assert_fails_with(invoke("allocate", SYSTEM, "--data", data), f"{data / MEN_FILE}, {line}")


def test_duplicate_rank_with_different_points(invoke, data):
    # Filippov (row 4, 331 points) made rank 2 like Drion (row 3, 459 points): a tie needs equal points.
    replace_line(data / MEN_FILE, "3,Nikita Filippov,AIN,331", "2,Nikita Filippov,AIN,331")
    assert_fails_with(invoke("allocate", SYSTEM, "--data", data),
                      f"{data / MEN_FILE}, row 4, field 'rank': duplicate rank 2 (also row 3) with different points "
                      "(459 and 331); equal ranks are a tie and need equal points")


@pytest.mark.parametrize(("decline", "line"), [
    # Belgium's only place is Drion's (men); it appears on no women's list.
    ("BEL:W", "--decline: 'BEL:W': BEL holds no women's place"),
    ("XXX:M", "--decline: 'XXX:M': unknown NOC code 'XXX'"),
    ("BEL:Q", "--decline: 'BEL:Q': gender 'Q' must be M or W"),
    ("BEL", "--decline: 'BEL': expected NOC:GENDER, NOC:GENDER:STEP or NOC:GENDER:EVENT, e.g. BEL:M"),
])
def test_bad_declines(invoke, data, decline, line):
    assert_fails_with(invoke("allocate", SYSTEM, "--data", data, "--decline", decline), line)


def test_bad_decline_step(invoke, data):
    result = invoke("allocate", SYSTEM, "--data", data, "--decline", "BEL:W:podium")
    assert result.exit_code == 2 and "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    # The known steps are listed, so the user can see what 'podium' should have been.
    assert line.startswith("error: --decline: 'BEL:W:podium': unknown step")
    assert "'podium', expected one of host, wch-mixed-relay, " in line


@pytest.mark.parametrize("decline", ["BEL:M:podium", "BEL:X:host"])
def test_error_lines_repeat_the_users_text_verbatim(invoke, data, decline):
    # BEL:M:podium names an unknown step; BEL:X:host a gender that is not M or W. Either way the line must quote
    # what was typed, character for character (":M:" and ":X:" are Rich emoji codes, which must stay text).
    result = invoke("allocate", SYSTEM, "--data", data, "--decline", decline)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --decline: '{decline}': ")


@pytest.mark.parametrize(("rows", "line"), [
    ("BEL,Q", "row 2, field 'gender': gender 'Q' must be M or W"),
    ("XXX,M", "row 2, field 'noc': unknown NOC code 'XXX'"),
    ("BEL,W", "row 2: 'BEL:W': BEL holds no women's place"),
])
def test_bad_declines_file(invoke, data, tmp_path, rows, line):
    declines = tmp_path / "declines.csv"
    declines.write_text(f"noc,gender\n{rows}\n", encoding="utf-8")
    assert_fails_with(invoke("allocate", SYSTEM, "--data", data, "--declines", declines), f"{declines}, {line}")


def test_unknown_key_in_a_rule_file_given_as_system(invoke, data, repo, tmp_path):
    rules = tmp_path / "my-rules.yaml"
    text = (repo / "src" / "qualify" / "systems" / f"{SYSTEM}.yaml").read_text(encoding="utf-8")
    rules.write_text(text + "\ncolour: red\n", encoding="utf-8")
    assert_fails_with(invoke("allocate", rules, "--data", data), f"{rules}, colour: unknown key 'colour'")


def test_unknown_system(invoke):
    known = ", ".join(bundled_system_ids())
    assert SYSTEM in known
    assert_fails_with(invoke("allocate", "no-such-system"),
                      f"no-such-system: unknown system, expected one of: {known} (or a rule file path)")


def test_missing_data_directory(invoke, tmp_path):
    assert_fails_with(invoke("allocate", SYSTEM, "--data", tmp_path / "nowhere"),
                      f"{tmp_path / 'nowhere'}: data directory not found")


def test_missing_list_file(invoke, data):
    (data / MEN_FILE).unlink()
    assert_fails_with(invoke("allocate", SYSTEM, "--data", data), f"{data / MEN_FILE}: file not found")


def test_unknown_format(invoke):
    assert_fails_with(invoke("allocate", SYSTEM, "--format", "pdf"),
                      "--format: found 'pdf', expected one of table, csv, json, markdown, wikitext, xlsx")


def test_xlsx_needs_an_output_file(invoke):
    assert_fails_with(invoke("allocate", SYSTEM, "--format", "xlsx"),
                      "--format: xlsx is a binary workbook: expected --output FILE.xlsx as well")


def test_explain_unknown_noc(invoke):
    assert_fails_with(invoke("explain", SYSTEM, "XYZ"), "NOC: unknown NOC code 'XYZ'")


def test_rankings_unknown_list(invoke):
    # The rule file's six lists, in its order.
    lists = ("wch-mixed-relay, mixed-relay-ranking, wch-sprint-M, wch-sprint-W, sprint-ranking-M, "
             "sprint-ranking-W")
    assert_fails_with(invoke("rankings", SYSTEM, "no-such-list"),
                      f"LIST: unknown list 'no-such-list', expected one of {lists}")


# --- a failed run writes nothing ----------------------------------------------------------------------

def break_men_list(data: Path) -> str:
    replace_line(data / MEN_FILE, "10,Zhang Chenghao,CHN,137", "10,Zhang Chenghao,ZZZ,137")
    return (f"{data / MEN_FILE}, row 11, field 'noc': unknown NOC code 'ZZZ', expected an IOC code (e.g. ITA) "
            "or a placeholder UNNAMED-...")


def test_failed_run_creates_no_output_file(invoke, data, tmp_path):
    line = break_men_list(data)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "out.json"
    assert_fails_with(invoke("allocate", SYSTEM, "--data", data, "--format", "json", "--output", out), line)
    assert list(out.parent.iterdir()) == []  # no output, and no temp file left behind either


def test_failed_run_leaves_an_existing_output_file_alone(invoke, data, tmp_path):
    line = break_men_list(data)
    out = tmp_path / "out.json"
    out.write_text("sentinel: the previous good run\n", encoding="utf-8")
    assert_fails_with(invoke("allocate", SYSTEM, "--data", data, "--format", "json", "--output", out), line)
    assert out.read_text(encoding="utf-8") == "sentinel: the previous good run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.json"]


def test_failed_decline_leaves_an_existing_output_file_alone(invoke, tmp_path):
    # The decline is checked against the allocation, after every file was read: still nothing is written.
    out = tmp_path / "out.json"
    out.write_text("sentinel\n", encoding="utf-8")
    assert_fails_with(invoke("allocate", SYSTEM, "--decline", "BEL:W", "--format", "json", "--output", out),
                      "--decline: 'BEL:W': BEL holds no women's place")
    assert out.read_text(encoding="utf-8") == "sentinel\n"
