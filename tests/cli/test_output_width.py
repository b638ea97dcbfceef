"""The commands at a given width: tables fit, ids stay whole, explain is not hard-wrapped when piped.

The runner's output is not a terminal, so these are the pipe forms: struck values as ~~before~~ after, and
COLUMNS (which a user may set for a pipe) gives the width.
"""

from __future__ import annotations

from rich.cells import cell_len

from qualify.cli import common
from tests.cli.conftest import SYSTEM
from tests.conftest import DATA

PLACES = DATA / "short-track-2026" / "published" / "summary.csv"


def ok(result) -> str:
    assert result.exit_code == 0, (result.exception, result.output)
    return result.stdout


def test_short_track_allocate_fits_80_columns(invoke):
    out = ok(invoke("allocate", "short-track-2026", "--places", PLACES, columns=80))
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "…" not in out
    # The seed's Total row, split over the parts (piped "~~36~~ 35" style, read after the struck value).
    totals = " ".join(line.split("│", 1)[1] for line in lines if line.startswith("Total: 24 NOCs"))
    assert [t for t in totals.replace("│", " ").split() if not t.startswith("~~")] == [
        "32", "32", "35", "8", "57", "31", "31", "36", "8", "55", "12", "112"]


def test_ski_mountaineering_allocate_fits_80_columns(invoke):
    out = ok(invoke("allocate", SYSTEM, columns=80))
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    assert "Total: 14 NOCs              │           18 │             18 │       36" in out.splitlines()


def test_systems_never_cut_an_id(invoke):
    for columns in (60, 80, 120):
        out = ok(invoke("systems", columns=columns))
        ids = [line.split("│")[0].strip() for line in out.splitlines() if "│" in line]
        assert {"short-track-2026", "ski-mountaineering-2026"} <= set(ids), columns


def test_explain_piped_keeps_each_line_whole_and_has_a_key(invoke):
    out = ok(invoke("explain", SYSTEM, "BEL", columns=60))
    lines = out.splitlines()
    place = next(line for line in lines if line.startswith("  + "))
    # One place, one line, however narrow COLUMNS is: a pipe is for grep and diff.
    assert "rank 2, athlete Maximilien Drion" in place and len(place) > 60
    assert "Key:" in lines
    assert "  +  a place the NOC holds: step, list, rank, entry, event [clause]" in lines


def test_console_width_without_a_terminal(monkeypatch):
    monkeypatch.setattr(common, "_attached_to_terminal", lambda: False)
    monkeypatch.delenv("COLUMNS", raising=False)
    assert common.console.width == 200  # nothing to follow: the published tables stay whole
    monkeypatch.setenv("COLUMNS", "90")
    assert common.console.width == 90
