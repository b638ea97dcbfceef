"""`qualify replay`: a forecast standing after each race, as a table, JSON, CSV and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from qualify.cli import app
from qualify.forecast.replay import ReplayView, chart_png, replay, series
from qualify.model.nocs import load_nocs
from qualify.ranking.points import load_points_tables
from qualify.ranking.synth import SYNTHESIZERS
from tests.forecast.universe import mini_system, mini_universe

SKI = "ski-mountaineering-2026"
PNG = b"\x89PNG\r\n\x1a\n"


def run(*args: object, columns: int = 250):
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ski") / "s"
    SYNTHESIZERS[SKI](3, folder)
    return folder


@pytest.fixture(scope="module")
def mini_steps():
    system = mini_system()
    season = mini_universe(2).season(np.random.default_rng(2))
    return replay(system, season, ["r1", "r2", "r3", "r4"], load_points_tables(system), runs=40, seed=3)


def test_each_step_stands_after_its_race_and_the_last_is_the_final_allocation(mini_steps):
    assert [step.as_of.id for step in mini_steps] == ["r1", "r2", "r3", "r4"]
    assert [len(step.future) for step in mini_steps] == [3, 2, 1, 0]
    final = mini_steps[-1]
    assert final.final and all(cell.p_any in (0.0, 1.0) for cell in final.rows())
    assert sum(cell.expected for cell in final.rows()) == 6  # the six places of the mini system
    for step in mini_steps:
        assert sum(step.cell(noc, "men").expected for noc in step.cells.nocs) == pytest.approx(6)


def test_a_replay_follows_a_column_or_an_noc(mini_steps):
    nocs = load_nocs()
    lines, title, _ = series(mini_steps, ReplayView(column="men"), nocs)
    assert "Men" in title and lines
    # Every line shown had an open chance at some step, and no more than eight are drawn.
    assert len(lines) <= 8
    assert all(any(0 < cell.p_any < 1 for cell in line.cells) for line in lines)
    one, _, _ = series(mini_steps, ReplayView(noc=lines[0].noc), nocs)
    assert [line.column for line in one] == ["men"]
    png = chart_png(mini_steps, ReplayView(column="men"), nocs)
    assert png.startswith(PNG) and len(png) > 20_000


def test_replay_command_writes_the_table_json_and_chart(season, tmp_path):
    chart = tmp_path / "esp.png"
    result = run("replay", SKI, "--season", season, "--noc", "SVK", "--from", "val-martello", "--runs", 4,
                 "--chart", chart, columns=80)
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(PNG)
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    text = " ".join(lines)
    assert text.startswith("SYNTHETIC DATA") and "Slovakia (SVK)" in text and "seed 1" in text
    document = json.loads(run("replay", SKI, "--season", season, "--column", "men", "--from", "villars",
                              "--runs", 4, "--format", "json").stdout)
    assert [step["as_of"]["race"] for step in document["steps"]] == ["villars", "tromso", "solitude"]
    assert document["steps"][-1]["final"] is True
    assert {cell["column"] for step in document["steps"] for cell in step["cells"]} == {"men"}
    assert document["runs"] == 4 and document["seed"] == 1 and "notice" in document


@pytest.mark.parametrize("args, expected", [
    (("--chart", "out.svg", "--noc", "ESP"), "expected .png"),
    (("--chart", "out.png"), "pass --noc NOC or --column KEY"),
    (("--noc", "ESP", "--column", "men"), "not both"),
    (("--column", "m_500m"), "found 'm_500m', expected a Summary column"),
    (("--measure", "odds"), "found 'odds', expected one of chance, expected"),
    (("--from", "solitude", "--to", "bormio"), "expected a race before 'bormio'"),
])
def test_replay_refuses_what_it_cannot_do(season, tmp_path, args, expected):
    resolved = [str(tmp_path / a) if a.startswith("out.") else a for a in args]
    result = run("replay", SKI, "--season", season, "--runs", 2, *resolved)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
