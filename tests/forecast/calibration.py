"""Calibration of the forecast: seasons drawn from known strengths, forecast from the middle, checked against what
then happened.

For each trial a whole season is drawn from the truth; the forecast is fitted on its first half only and simulates
the second half; the real second half then decides each cell (did the NOC hold a place?). Over many trials,
predictions of p should come true about p of the time. Reported: the Brier score (mean squared error of the
probabilities), the Brier score of always predicting the overall frequency (climatology), reliability buckets and
the expected calibration error (the bucket-weighted mean of |observed − predicted|). Cells the forecast calls
certain (0 or 1) are counted too: a "certain" cell that goes the other way is the worst miss there is.

The evaluator comes from the registry (``QUALIFY_CALIBRATION_ENGINE``, default: the default engine), so a batch
engine, once registered, runs the same checks on many more seasons.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from qualify.forecast import engines
from qualify.forecast.cells import count
from qualify.forecast.fields import future_fields
from qualify.forecast.model import ModelSettings, fit
from qualify.forecast.reference import ForecastProblem
from qualify.forecast.run import Simulation, forecast, run_simulation
from qualify.model.nocs import load_nocs
from qualify.model.season import Season
from qualify.ranking.points import load_points_tables
from qualify.rules import System
from qualify.standings import standing_at
from tests.forecast.universe import Universe

BUCKETS = (0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 1.0)


def engine() -> str:
    return os.environ.get("QUALIFY_CALIBRATION_ENGINE") or engines.default_engine()


@dataclass
class Bucket:
    low: float
    high: float
    count: int
    predicted: float
    observed: float

    @property
    def se(self) -> float:
        return float(np.sqrt(max(self.predicted * (1 - self.predicted), 1e-4) / self.count))


@dataclass
class Calibration:
    predicted: np.ndarray
    observed: np.ndarray
    seconds: float
    oracle: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def brier(self) -> float:
        return float(np.mean((self.predicted - self.observed) ** 2))

    @property
    def climatology(self) -> float:
        return float(np.mean((self.observed.mean() - self.observed) ** 2))

    @property
    def oracle_brier(self) -> float | None:
        return None if self.oracle is None else float(np.mean((self.oracle - self.observed) ** 2))

    def buckets(self) -> list[Bucket]:
        out = []
        for low, high in zip(BUCKETS, BUCKETS[1:], strict=False):
            inside = (self.predicted >= low) & ((self.predicted < high) if high < 1 else (self.predicted <= 1))
            if inside.any():
                out.append(Bucket(low, high, int(inside.sum()), float(self.predicted[inside].mean()),
                                  float(self.observed[inside].mean())))
        return out

    @property
    def ece(self) -> float:
        total = len(self.predicted)
        return sum(b.count * abs(b.observed - b.predicted) for b in self.buckets()) / total

    @property
    def certain_misses(self) -> int:
        """Cells forecast with probability 0 or 1 that went the other way."""
        return int((((self.predicted == 0) & (self.observed == 1)) | ((self.predicted == 1) & (self.observed == 0)))
                   .sum())

    def report(self) -> str:
        lines = [f"{len(self.predicted)} predictions in {self.seconds:.1f} s; Brier {self.brier:.4f} (climatology "
                 f"{self.climatology:.4f}" + (f", oracle {self.oracle_brier:.4f}" if self.oracle is not None else "")
                 + f"); ECE {self.ece:.4f}; certain misses {self.certain_misses}"]
        for b in self.buckets():
            lines.append(f"  [{b.low:.2f}, {b.high:.2f}) n={b.count} predicted {b.predicted:.3f} observed "
                         f"{b.observed:.3f} (±{b.se:.3f})")
        return "\n".join(lines + self.notes)


def _final_counts(system: System, season: Season, problem_cells, tables) -> np.ndarray:
    real = standing_at(system, season, season.races[-1].id, tables)
    return count(system, real.allocation, problem_cells, load_nocs())


def calibrate_universes(system: System, universes: Callable[[int], Universe], *, trials: int, runs: int, as_of: str,
                        columns: tuple[str, ...], oracle: bool = False, settings: ModelSettings | None = None,
                        first_seed: int = 0) -> Calibration:
    """Trials of a universe (``universes(i)`` is trial i's truth), each drawn as a season, forecast from ``as_of``
    and checked against its own second half. With ``oracle``, the same forecast made from the true strengths."""
    tables = load_points_tables(system)
    chosen = engine()
    predicted, observed, truth = [], [], []
    started = time.perf_counter()
    for trial in range(first_seed, first_seed + trials):
        universe = universes(trial)
        season = universe.season(np.random.default_rng(10_000 + trial))
        result = forecast(system, season, as_of, tables, runs=runs, seed=trial, engine=chosen, settings=settings)
        actual = _final_counts(system, season, result.cells, tables)
        true_tally = None
        if oracle:
            strengths = dict(zip(universe.entrants, universe.strength, strict=True))
            unplaced = dict(zip(universe.entrants, universe.unplaced, strict=True))
            fields = future_fields(system, season, as_of)
            fields = fields.replace_events(tuple(
                e.with_strengths(np.array([strengths[x] for x in e.entrants]),
                                 np.array([unplaced[x] for x in e.entrants])) for e in fields.events))
            model = fit(system, season, as_of, ModelSettings(parameter_uncertainty=False, scales="fixed"))
            problem = ForecastProblem.build(system, season, as_of, tables, fields=fields)
            true_tally = run_simulation(Simulation(problem, model, chosen, engines.evaluator(chosen), trial, runs))
        for noc in result.cells.nocs:
            if noc not in {e.noc for e in universe.entrants}:
                continue  # the host of the made-up system never races: always 0, says nothing
            for key in columns:
                row, column = result.cells.row(noc), result.cells.column(key)
                predicted.append(result.cell(noc, key).p_any)
                observed.append(float(actual[row, column] > 0))
                if true_tally is not None:
                    truth.append(1.0 - true_tally.histogram[row, column, 0] / true_tally.seasons)
    return Calibration(np.array(predicted), np.array(observed), time.perf_counter() - started,
                       np.array(truth) if oracle else None)


def calibrate_synthetic(system: System, synthesize: Callable[[int, object], object], folder, *, seeds: range,
                        runs: int, as_of: str) -> Calibration:
    """Seasons written by ``qualify synth`` (its own generator: nation strengths, athlete abilities and normal
    noise, not Plackett-Luce), forecast from ``as_of`` and checked against their own later races."""
    from qualify.io.season import read_season

    tables = load_points_tables(system)
    chosen = engine()
    predicted, observed = [], []
    started = time.perf_counter()
    for seed in seeds:
        target = folder / f"season-{seed}"
        synthesize(seed, target)
        season = read_season(target, system)
        result = forecast(system, season, as_of, tables, runs=runs, seed=seed, engine=chosen)
        actual = _final_counts(system, season, result.cells, tables)
        for noc in result.cells.nocs:
            for column in result.cells.columns:
                predicted.append(result.cell(noc, column.key).p_any)
                observed.append(float(actual[result.cells.row(noc), result.cells.column(column.key)] > 0))
    return Calibration(np.array(predicted), np.array(observed), time.perf_counter() - started)
