"""The bad-input corpus: every file here is wrong in one way (or, where the name says so, in several).

Each case is a file ``NAME.csv`` or ``NAME.yaml`` (or a folder ``NAME/`` holding the file named by a ``# file:``
line) with ``NAME.expected`` beside it: the exact stderr lines of ``qualify validate``, ``{path}`` standing for the
file and ``{dir}`` for its folder. ``# args:`` gives extra options (``--kind``, ``--system``); ``# command:`` runs
another command instead (cases across files: ``allocate SYSTEM --data {dir}``); ``# exit:`` another exit code than
2 (3: an audit breach); other ``#`` lines say what the case is about. Every case must exit with its code, print
nothing on stdout and no traceback.

The CLI runs in a real process (``python -m qualify.cli``), so what is checked is what a user sees. The
processes are started together, a few at a time, so the corpus costs seconds, not a minute.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import DATA

HERE = Path(__file__).parent
GOOD = HERE.parent / "good_inputs"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path  # the file given to qualify validate
    args: tuple[str, ...]
    expected: tuple[str, ...]
    command: tuple[str, ...] | None = None  # instead of "validate PATH ARGS"
    exit: int = 2


def load_cases(folder: Path) -> list[Case]:
    cases = []
    for spec in sorted(folder.glob("*.expected")):
        lines = spec.read_text(encoding="utf-8").splitlines()
        options = dict(line[2:].split(": ", 1) for line in lines if line.startswith("# ") and ": " in line
                       and line[2:].split(": ", 1)[0] in ("args", "file", "command", "exit"))
        name = spec.stem
        if "file" in options:
            path = folder / name / options["file"]
        else:
            [path] = [p for p in folder.glob(f"{name}.*") if p.suffix != ".expected"]
        def fill(text: str, path: Path = path) -> str:
            return text.replace("{path}", str(path)).replace("{dir}", str(path.parent))
        expected = tuple(fill(line) for line in lines if not line.startswith("#"))
        command = tuple(fill(part) for part in shlex.split(options["command"])) if "command" in options else None
        cases.append(Case(name, path, tuple(shlex.split(options.get("args", ""))), expected, command,
                          int(options.get("exit", "2"))))
    return cases


def qualify(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "250", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "qualify.cli", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=cwd, timeout=120)


BAD = load_cases(HERE)
GOOD_CASES = load_cases(GOOD)


def run_all(cases: list[Case]) -> dict[str, subprocess.CompletedProcess]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = pool.map(lambda case: qualify(*(case.command or ("validate", case.path, *case.args))), cases)
        return {case.name: result for case, result in zip(cases, done, strict=True)}


@pytest.fixture(scope="module")
def bad_results() -> dict[str, subprocess.CompletedProcess]:
    return run_all(BAD)


@pytest.fixture(scope="module")
def good_results() -> dict[str, subprocess.CompletedProcess]:
    return run_all(GOOD_CASES)


def test_the_corpus_covers_every_input_kind():
    assert len(BAD) >= 45
    stems = {case.name.split("_")[0] for case in BAD}
    assert {"noc", "athlete", "race", "stage", "eligibility", "rules", "declines", "published", "points", "calendar",
            "results"} <= stems


@pytest.mark.parametrize("case", BAD, ids=[case.name for case in BAD])
def test_bad_input_is_reported_exactly(case, bad_results):
    result = bad_results[case.name]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == case.exit, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == list(case.expected)


@pytest.mark.parametrize("case", GOOD_CASES, ids=[case.name for case in GOOD_CASES])
def test_accepted_variants_validate(case, good_results):
    """BOM, semicolons, tabs, CRLF, comments, quoted cells, capitalised headers: accepted, and read as intended."""
    result = good_results[case.name]
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == list(case.expected)


# --- a failed allocation writes nothing -------------------------------------------------------------------

SYSTEM = "ski-mountaineering-2026"


@pytest.fixture
def broken_data(tmp_path: Path) -> Path:
    """A copy of the bundled ski mountaineering data with one unknown NOC and one rising score."""
    target = tmp_path / "data"
    shutil.copytree(DATA / SYSTEM, target)
    men = target / "sprint_ranking_men.csv"
    text = men.read_text(encoding="utf-8")
    assert "4,Hans-Inge Klette,NOR,282\n" in text and "7,Finn Hösch,GER,222\n" in text
    men.write_text(text.replace("4,Hans-Inge Klette,NOR,282\n", "4,Hans-Inge Klette,NRW,282\n")
                   .replace("7,Finn Hösch,GER,222\n", "7,Finn Hösch,GER,245\n"), encoding="utf-8")
    return target


def broken_lines(data: Path) -> list[str]:
    men = data / "sprint_ranking_men.csv"
    return [f"error: {men}, row 5, field 'noc': unknown NOC code 'NRW', expected an IOC code (e.g. ITA) or a "
            "placeholder UNNAMED-...",
            f"error: {men}, row 8, field 'points': found 245 at rank 7, expected at most 240 (the points of rank 6): "
            "a ranking list is ordered by points"]


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_failed_allocate_leaves_an_existing_output_untouched(broken_data, tmp_path, fmt):
    out = tmp_path / "out" / f"out.{fmt}"
    out.parent.mkdir()
    out.write_bytes(b"sentinel: the previous good run\n")
    result = qualify("allocate", SYSTEM, "--data", broken_data, "--format", fmt, "--output", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == broken_lines(broken_data)
    assert out.read_bytes() == b"sentinel: the previous good run\n"
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left behind


def test_failed_allocate_creates_no_output(broken_data, tmp_path):
    (tmp_path / "new").mkdir()
    out = tmp_path / "new" / "out.json"
    result = qualify("allocate", SYSTEM, "--data", broken_data, "--format", "json", "--output", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == broken_lines(broken_data)
    assert not any(out.parent.iterdir())


def test_the_unbroken_copy_allocates(tmp_path):
    # Guards the tests above: the copy itself is good, and --output writes the whole file.
    data = tmp_path / "data"
    shutil.copytree(DATA / SYSTEM, data)
    out = tmp_path / "out.json"
    result = qualify("allocate", SYSTEM, "--data", data, "--format", "json", "--output", out)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").rstrip().endswith("}")


def test_refused_outputs_leave_every_file_as_it_was(bad_results):
    # The output cases ran (bad_results) and were refused: the input named as --output still holds the bundled
    # data, byte for byte, and no case wrote or created anything in its folder.
    assert bad_results["output_onto_an_input"].returncode == 2
    target = HERE / "output_onto_an_input" / "sprint_ranking_men.csv"
    assert target.read_bytes() == (DATA / SYSTEM / "sprint_ranking_men.csv").read_bytes()
    for case in ("output_onto_an_input", "output_to_a_folder", "output_format_mismatch", "output_below_a_file",
                 "output_missing_folder"):
        names = sorted(p.name for p in (HERE / case).iterdir())
        assert not [n for n in names if n.startswith(".") or n.startswith("allocation")], (case, names)
    assert not (HERE / "output_missing_folder" / "missing").exists()
    assert (HERE / "output_below_a_file" / "summary.md").read_bytes() == b""


def test_the_corpus_covers_every_class_of_issue_8():
    names = {case.name for case in BAD}
    for prefix in ("rules_duplicate_", "rules_host_", "crossfile_", "output_"):
        assert any(name.startswith(prefix) for name in names), prefix
    assert sum(1 for case in BAD if case.command is not None) >= 10
