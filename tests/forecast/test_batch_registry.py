"""One registry for both engines: every step type has a batch runner, and a missing one is an error by name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import qualify.engine.allocate  # noqa: F401  (registers the reference runners)
from qualify.forecast import batch
from qualify.forecast.batch import Unsupported
from qualify.forecast.reference import ForecastProblem
from qualify.io.season import read_season
from qualify.ranking.points import load_points_tables
from qualify.ranking.synth import SYNTHESIZERS
from qualify.rules import STEP_TYPES, HostGuaranteeStep, load_system


def test_every_step_type_has_a_reference_runner_and_a_batch_runner():
    assert [name for name, record in STEP_TYPES.items() if record.batch is None] == []
    assert [name for name, record in STEP_TYPES.items() if record.runner is None] == []


def test_a_step_type_without_a_batch_runner_stops_the_batch_engine_by_name(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch):
    system = load_system("short-track-2026")
    SYNTHESIZERS[system.id](5, tmp_path)
    season = read_season(tmp_path, system)
    problem = ForecastProblem.build(system, season, "3", load_points_tables(system))
    record = next(r for r in STEP_TYPES.values() if r.model is HostGuaranteeStep)
    monkeypatch.setattr(record, "batch", None)
    outcomes = tuple(np.zeros((1, len(e.entrants)), dtype=np.int16) for e in problem.fields.events)
    with pytest.raises(Unsupported, match=f"step type '{record.name}' \\(step 'host'\\) has no batch runner"):
        batch.evaluate(problem, outcomes)


def test_outcomes_that_do_not_fit_the_fields_are_refused(tmp_path: Path):
    system = load_system("ski-mountaineering-2026")
    SYNTHESIZERS[system.id](5, tmp_path)
    season = read_season(tmp_path, system)
    problem = ForecastProblem.build(system, season, "tromso", load_points_tables(system))
    good = batch.sample(problem.fields, 3, np.random.default_rng(1))
    with pytest.raises(ValueError, match="outcome arrays"):
        batch.evaluate(problem, good[:-1])
    bad = (good[0][:, :-1], *good[1:])
    with pytest.raises(ValueError, match="outcomes of shape"):
        batch.evaluate(problem, bad)
