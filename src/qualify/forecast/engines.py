"""The evaluators a forecast can count simulated seasons with, by name.

An evaluator takes a :class:`~qualify.forecast.reference.ForecastProblem` and the outcomes of a batch of simulated
seasons (:mod:`qualify.forecast.sample`) and returns the Summary counts of every season, an int array (seasons,
NOCs, columns) in the problem's :class:`~qualify.forecast.cells.Cells` order. Every evaluator must give the counts
of the reference engine, season by season; they differ only in speed.

To add one, register it in :data:`EVALUATORS`. ``batch`` (:mod:`qualify.forecast.batch`, numba) is the default;
``reference`` is the engine that explains, kept for checking.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qualify.errors import InputError
from qualify.forecast import reference
from qualify.forecast.reference import ForecastProblem
from qualify.forecast.sample import Outcomes

Evaluator = Callable[[ForecastProblem, Outcomes], np.ndarray]



def _batch(problem: ForecastProblem, outcomes: Outcomes) -> np.ndarray:
    # Imported on first use: numba's import and the kernels' cache load cost about a second that no other command
    # should pay.
    from qualify.forecast import batch

    return batch.evaluate(problem, outcomes)


EVALUATORS: dict[str, Evaluator] = {"reference": reference.evaluate, "batch": _batch}

# How many seasons one task evaluates at once: the reference engine takes tens of milliseconds a season, so small
# tasks keep every core busy and the progress bar moving; a batch engine wants large arrays. The numbers of a
# forecast do not depend on it (see qualify.forecast.run).
TASK_SEASONS: dict[str, int] = {"reference": 100, "batch": 5_000}
DEFAULT_TASK_SEASONS = 1_000

# Runs by default: the reference engine is for checking and small forecasts; a batch engine makes 10,000 cheap.
DEFAULT_RUNS: dict[str, int] = {"reference": 400, "batch": 10_000}


def default_engine() -> str:
    return "batch" if "batch" in EVALUATORS else "reference"


def engine_for(name: str | None, problem: ForecastProblem) -> tuple[str, str | None]:
    """The engine to count ``problem`` with, and a note when it is not the one asked for.

    The batch engine compiles a problem first and refuses what it cannot mirror exactly (a step type without a batch
    runner, points with more than one decimal): asked for by name, that is an input error; by default the forecast
    falls back to the reference engine and says so.
    """
    chosen = name or default_engine()
    evaluator(chosen)
    if chosen != "batch":
        return chosen, None
    from qualify.forecast import batch

    try:
        batch.plan_for(problem)
    except batch.Unsupported as exc:
        if name == "batch":
            raise InputError.single("--engine", f"the batch engine cannot evaluate this system: {exc}") from None
        return "reference", f"counted by the reference engine: the batch engine cannot evaluate this system ({exc})"
    return chosen, None


def evaluator(name: str) -> Evaluator:
    """The evaluator registered under ``name``; an unknown name is an input error naming the known ones."""
    if name not in EVALUATORS:
        known = ", ".join(sorted(EVALUATORS))
        raise InputError.single("--engine", f"found '{name}', expected one of: {known}")
    return EVALUATORS[name]


def task_seasons(name: str) -> int:
    return TASK_SEASONS.get(name, DEFAULT_TASK_SEASONS)


def default_runs(name: str) -> int:
    return DEFAULT_RUNS.get(name, 10_000)
