"""The evaluators a forecast can count simulated seasons with, by name.

An evaluator takes a :class:`~qualify.forecast.reference.ForecastProblem` and the outcomes of a batch of simulated
seasons (:mod:`qualify.forecast.sample`) and returns the Summary counts of every season, an int array (seasons,
NOCs, columns) in the problem's :class:`~qualify.forecast.cells.Cells` order. Every evaluator must give the counts
of the reference engine, season by season; they differ only in speed.

To add one, register it here: ``EVALUATORS["batch"] = batch.evaluate``. :func:`default_engine` prefers ``batch``
as soon as it is registered.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qualify.errors import InputError
from qualify.forecast import reference
from qualify.forecast.reference import ForecastProblem
from qualify.forecast.sample import Outcomes

Evaluator = Callable[[ForecastProblem, Outcomes], np.ndarray]

EVALUATORS: dict[str, Evaluator] = {"reference": reference.evaluate}

# How many seasons one task evaluates at once: the reference engine takes tens of milliseconds a season, so small
# tasks keep every core busy and the progress bar moving; a batch engine wants large arrays. The numbers of a
# forecast do not depend on it (see qualify.forecast.run).
TASK_SEASONS: dict[str, int] = {"reference": 100, "batch": 5_000}
DEFAULT_TASK_SEASONS = 1_000

# Runs by default: the reference engine is for checking and small forecasts; a batch engine makes 10,000 cheap.
DEFAULT_RUNS: dict[str, int] = {"reference": 400, "batch": 10_000}


def default_engine() -> str:
    return "batch" if "batch" in EVALUATORS else "reference"


def evaluator(name: str) -> Evaluator:
    """The evaluator registered under ``name``; an unknown name is an input error naming the known ones."""
    if name not in EVALUATORS:
        known = ", ".join(sorted(EVALUATORS))
        hint = " (the batch engine is not part of this installation yet)" if name == "batch" else ""
        raise InputError.single("--engine", f"found '{name}', expected one of: {known}{hint}")
    return EVALUATORS[name]


def task_seasons(name: str) -> int:
    return TASK_SEASONS.get(name, DEFAULT_TASK_SEASONS)


def default_runs(name: str) -> int:
    return DEFAULT_RUNS.get(name, 10_000)
