"""Fuzzing every reader with arbitrary bytes and with near-valid mutations of real files.

Seeds are the bundled data (ski mountaineering lists, the short-track published tables), the start of a
synthetic season of stage results, the bundled points table and both bundled rule files. A mutation deletes,
duplicates or swaps a cell or a line, changes a delimiter, inserts a quote, a NUL, a BOM or random unicode,
replaces a cell by a tricky value, or truncates the text; the result is written to a file in a fresh folder
and given to every reader that could be handed such a file. Only ``InputError`` may come out: anything else
is a crash the user would see as a traceback. Each example must finish within the deadline (no hang).
"""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qualify.cli import app
from qualify.errors import InputError
from qualify.io.declines import read_declines_file
from qualify.io.eligibility import read_race_results
from qualify.io.published import read_published_summary
from qualify.io.rankings import read_ranking_list
from qualify.io.stage_results import read_stage_results
from qualify.io.validate import KINDS, validate_file
from qualify.model.nocs import load_nocs
from qualify.ranking.points import PointsTable
from qualify.ranking.synth import synthesize
from qualify.rules import load_system, load_system_file
from tests.conftest import DATA, REPO

NOCS = load_nocs()
SKI = load_system("ski-mountaineering-2026")
SHORT_TRACK = load_system("short-track-2026")
SYSTEMS = (SKI, SHORT_TRACK)
FUZZ = settings(deadline=timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.data_too_large])


def _synthetic_results() -> str:
    with tempfile.TemporaryDirectory() as folder:
        lines = synthesize(4, Path(folder)).read_text(encoding="utf-8").splitlines()
    # The comment, the header and a few rows of several races: a small file that is valid as it stands.
    return "\n".join(lines[:2] + [line for line in lines[2:] if line.startswith(("1,M,500m,", "1,X,"))][:40]) + "\n"


SEEDS: dict[str, str] = {path.name: path.read_text(encoding="utf-8")
                         for path in sorted((DATA / "ski-mountaineering-2026").glob("*.csv"))}
SEEDS["summary.csv"] = (DATA / "short-track-2026" / "published" / "summary.csv").read_text(encoding="utf-8")
SEEDS["struck.csv"] = (DATA / "short-track-2026" / "published" / "struck.csv").read_text(encoding="utf-8")
SEEDS["ski-summary.csv"] = (DATA / "ski-mountaineering-2026" / "published" / "summary.csv").read_text(encoding="utf-8")
SEEDS["results.csv"] = _synthetic_results()
SEEDS["points.csv"] = "\n".join(PointsTable.default().to_csv_text().splitlines()[:30]) + "\n"
SEEDS["declines.csv"] = "noc,gender,step\nBEL,M,\nITA,W,host\nKOR,M,M-500m\n"
SEEDS["eligibility_results.csv"] = ("race,category,gender,athlete,noc,rank,starters\nVerbier,senior,M,Jon Kistler,SUI,"
                                    "3,40\nVerbier,u18,W,Young Skier,ITA,2,12\nTromso,senior,M,Jon Kistler,SUI,5,30\n")
RULES = {name: (REPO / "src" / "qualify" / "systems" / name).read_text(encoding="utf-8")
         for name in ("ski-mountaineering-2026.yaml", "short-track-2026.yaml")}

TRICKY = ["", " ", "-1", "0", "1.5", "1e999", "nan", "inf", "-0", "٣", "1_000", "99999999999999999999999", "X", "x",
          "AIN", "UNNAMED-", "UNNAMED-EUR-1", "ITA", "itA", "M", "W", "X", "relay", "mixed-relay", "500m", "DSQ",
          '"', '""', "'", "#", "\ufeff", "\x00", "\r", "\u2028", "Europe", "Atlantis", "true", "null", "~", "{", "[",
          "- a", ": b", "&a", "*a", "!!python/object:os.system", "\t"]


@st.composite
def mutated(draw, text: str) -> str:
    lines = text.splitlines(keepends=True) or [""]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete cell", "duplicate cell", "swap cells", "delimiter", "quote", "truncate",
                                     "unicode", "bom", "delete line", "duplicate line", "tricky", "nul"]))
        index = draw(st.integers(0, max(0, len(lines) - 1)))
        line = lines[index] if lines else ""
        body, end = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        cells = body.split(",")
        at = draw(st.integers(0, max(0, len(cells) - 1)))
        if kind == "delete cell" and len(cells) > 1:
            del cells[at]
        elif kind == "duplicate cell":
            cells.insert(at, cells[at])
        elif kind == "swap cells" and len(cells) > 1:
            other = draw(st.integers(0, len(cells) - 1))
            cells[at], cells[other] = cells[other], cells[at]
        elif kind == "tricky":
            cells[at] = draw(st.sampled_from(TRICKY))
        elif kind == "delimiter":
            new = draw(st.sampled_from([";", "\t", "|", " ", ",,"]))
            if draw(st.booleans()):
                lines = [ln.replace(",", new) for ln in lines]
                continue
            body = body.replace(",", new)
            cells = body.split(",")
        elif kind in ("quote", "unicode", "nul"):
            insert = {"quote": '"', "nul": "\x00"}.get(kind) or draw(st.text(min_size=1, max_size=8))
            position = draw(st.integers(0, len(body)))
            body = body[:position] + insert + body[position:]
            cells = body.split(",")
        elif kind == "truncate":
            whole = "".join(lines)
            return whole[:draw(st.integers(0, len(whole)))]
        elif kind == "bom":
            lines[0] = "\ufeff" + lines[0]
            continue
        elif kind == "delete line" and lines:
            del lines[index]
            continue
        elif kind == "duplicate line" and lines:
            lines.insert(index, line)
            continue
        if lines:
            lines[index] = ",".join(cells) + end
    return "".join(lines)


def encoded(text: str):
    """Mostly UTF-8; sometimes another encoding or with a stray byte, as spreadsheets save."""
    return st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16", "stray"]).map(
        lambda encoding: text.encode("utf-8") + b"\xff\xfe" if encoding == "stray"
        else text.encode(encoding, errors="replace"))


@st.composite
def seed_file(draw, names: list[str] | None = None) -> tuple[str, bytes]:
    name = draw(st.sampled_from(names or sorted(SEEDS)))
    choice = draw(st.sampled_from(["mutated", "mutated", "mutated", "bytes", "original"]))
    if choice == "bytes":
        return name, draw(st.binary(max_size=2000))
    text = SEEDS[name] if choice == "original" else draw(mutated(SEEDS[name]))
    return name, draw(encoded(text))


def only_input_errors(call, *args, **kwargs) -> None:
    try:
        call(*args, **kwargs)
    except InputError as exc:
        assert exc.problems, "an InputError must say what is wrong"
        for line in exc.lines():
            assert "\n" not in line and line.strip(), f"one problem, one line: {line!r}"


def spec_for(name: str):
    return next((spec for spec in SKI.lists if spec.file == name), SKI.lists[sum(map(ord, name)) % len(SKI.lists)])


@FUZZ
@given(seed_file(), st.data())
def test_every_csv_reader_raises_only_input_errors(file, data):
    name, content = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        system = data.draw(st.sampled_from(SYSTEMS))
        only_input_errors(read_ranking_list, path, data.draw(st.sampled_from([spec_for(name), *SKI.lists])), NOCS)
        only_input_errors(read_stage_results, path, nocs=NOCS)
        only_input_errors(read_race_results, path, NOCS)
        only_input_errors(read_declines_file, path, system, NOCS)
        if data.draw(st.booleans()):
            _, struck = data.draw(seed_file(["struck.csv"]))
            (Path(folder) / "struck.csv").write_bytes(struck)
        only_input_errors(read_published_summary, path, system, NOCS)
        only_input_errors(PointsTable.from_csv, path)
        only_input_errors(validate_file, path, data.draw(st.sampled_from([None, *KINDS])), system, NOCS)


@st.composite
def rule_file(draw) -> bytes:
    text = RULES[draw(st.sampled_from(sorted(RULES)))]
    choice = draw(st.sampled_from(["mutated", "mutated", "lines", "bytes", "unicode"]))
    if choice == "bytes":
        return draw(st.binary(max_size=2000))
    if choice == "unicode":
        return draw(st.text(max_size=400)).encode("utf-8", errors="replace")
    if choice == "lines":
        # Whole YAML lines deleted, repeated or re-indented keep the file near-valid.
        lines = text.splitlines()
        for _ in range(draw(st.integers(1, 3))):
            index = draw(st.integers(0, len(lines) - 1))
            action = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "tricky value"]))
            if action == "delete":
                del lines[index]
            elif action == "duplicate":
                lines.insert(index, lines[index])
            elif action == "indent":
                lines[index] = "  " + lines[index]
            elif action == "dedent":
                lines[index] = lines[index].lstrip()
            elif ":" in lines[index]:
                key = lines[index].split(":", 1)[0]
                lines[index] = f"{key}: {draw(st.sampled_from(TRICKY))}"
        text = "\n".join(lines) + "\n"
    else:
        text = draw(mutated(text))
    return draw(encoded(text))


@FUZZ
@given(rule_file(), st.sampled_from([".yaml", ".yml"]))
def test_rule_file_loader_raises_only_input_errors(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"rules{suffix}"
        path.write_bytes(content)
        only_input_errors(load_system_file, path)
        only_input_errors(validate_file, path, None, None, NOCS)


# --- the CLI: a failed allocation never leaves a partial or changed output ---------------------------------

SKI_FILES = sorted(spec.file for spec in SKI.lists)
RUNNER = CliRunner()


@FUZZ
@given(st.sampled_from(SKI_FILES), st.data())
def test_allocate_output_is_whole_or_untouched(name, data):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "data").mkdir()
        for other in SKI_FILES:
            (root / "data" / other).write_text(SEEDS[other], encoding="utf-8")
        _, content = data.draw(seed_file([name]))
        (root / "data" / name).write_bytes(content)
        out = root / "out" / "out.json"
        out.parent.mkdir()
        out.write_text("sentinel\n", encoding="utf-8")
        result = RUNNER.invoke(app, ["allocate", "ski-mountaineering-2026", "--data", str(root / "data"),
                                     "--format", "json", "--output", str(out)])
        assert result.exit_code in (0, 2), result.output
        assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
        assert [p.name for p in out.parent.iterdir()] == ["out.json"]  # no temporary file left behind
        if result.exit_code == 2:
            assert out.read_text(encoding="utf-8") == "sentinel\n"
        else:
            assert json.loads(out.read_text(encoding="utf-8"))["system"] == "ski-mountaineering-2026"
