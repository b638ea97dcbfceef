"""Running a forecast: the rest of a season simulated many times, each simulated season counted as it comes.

**Same seed, same numbers.** The runs are cut into blocks of :data:`BLOCK_SEASONS` consecutive simulated seasons
(the last block may be shorter). Block ``i`` draws everything it needs (the strengths of its seasons, then the
finishing places of every event in order) from its own stream, ``np.random.SeedSequence(seed).spawn(n)[i]``, which is
``SeedSequence(seed, spawn_key=(i,))`` whatever ``n``. What is kept of a block is a tally of whole numbers (how many
seasons gave each count in each cell), and sums of whole numbers do not depend on the order they are added in. So
the numbers depend on the seed, the runs and the block size only: not on ``--jobs``, not on how blocks are grouped into
tasks, not on the order tasks finish in, and not on the engine (engines must agree season by season).

**Streaming.** No array of all seasons is ever held: a task simulates a few blocks, evaluates them, and returns its
tally; the caller adds tallies up as tasks finish.

**Executors.** With ``jobs > 1`` the tasks run in a :class:`concurrent.futures.ProcessPoolExecutor` on local cores.
Any object with the :class:`concurrent.futures.Executor` interface (``submit`` returning futures) can be passed as
``executor`` instead, e.g. a Dask cluster's ``distributed.Client.get_executor()``; ``docs/forecast.md`` shows how,
for Ray too. The simulation is sent to workers as bytes (pickled once) and unpickled once per worker process.
"""

from __future__ import annotations

import pickle
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context

import numpy as np

from qualify.errors import AuditError, InputError
from qualify.forecast.cells import Cells
from qualify.forecast.engines import Evaluator, engine_for, evaluator, task_seasons
from qualify.forecast.fields import Fields, future_fields
from qualify.forecast.model import ModelSettings, ResultsModel, fit
from qualify.forecast.pins import Pin, apply_pins
from qualify.forecast.reference import ForecastProblem
from qualify.forecast.sample import Outcomes, sample_event
from qualify.forecast.sensitivity import SensitivityTally
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingList
from qualify.model.season import Race, Season
from qualify.ranking.points import PointsTable
from qualify.rules import SummaryColumn, System

BLOCK_SEASONS = 1000

Progress = Callable[[int], None]  # called with the number of seasons just counted


def block_sizes(runs: int, block: int = BLOCK_SEASONS) -> list[int]:
    """The sizes of the blocks ``runs`` is cut into."""
    if runs < 0 or block < 1:
        raise ValueError("runs must be >= 0 and blocks hold at least one season")
    full, rest = divmod(runs, block)
    return [block] * full + ([rest] if rest else [])


def block_stream(seed: int, index: int) -> np.random.Generator:
    """Block ``index``'s generator: child ``index`` of ``SeedSequence(seed).spawn(...)``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


# -- tallies ------------------------------------------------------------------------------------------------

@dataclass
class Tally:
    """Counts of simulated seasons: ``histogram[noc, column, k]`` seasons gave the NOC k places in the column."""

    seasons: int
    histogram: np.ndarray  # int64 (NOCs, columns, values)
    sensitivity: dict[str, SensitivityTally] = field(default_factory=dict)

    @classmethod
    def empty(cls, shape: tuple[int, int]) -> Tally:
        return cls(0, np.zeros((*shape, 1), dtype=np.int64))

    @classmethod
    def of(cls, counts: np.ndarray, weight: int = 1) -> Tally:
        """The tally of evaluated seasons (seasons, NOCs, columns); ``weight`` counts each season that many times."""
        top = int(counts.max()) if counts.size else 0
        if counts.size and int(counts.min()) < 0:
            raise ValueError("an evaluator returned a negative count")
        histogram = np.stack([(counts == k).sum(axis=0) for k in range(top + 1)], axis=-1).astype(np.int64)
        return cls(counts.shape[0] * weight, histogram * weight)

    def merge(self, other: Tally) -> None:
        size = max(self.histogram.shape[-1], other.histogram.shape[-1])
        self.histogram = _widen(self.histogram, size) + _widen(other.histogram, size)
        self.seasons += other.seasons
        for noc, tally in other.sensitivity.items():
            if noc in self.sensitivity:
                self.sensitivity[noc].merge(tally)
            else:
                self.sensitivity[noc] = tally


def _widen(histogram: np.ndarray, size: int) -> np.ndarray:
    missing = size - histogram.shape[-1]
    if missing <= 0:
        return histogram
    return np.concatenate([histogram, np.zeros((*histogram.shape[:-1], missing), dtype=histogram.dtype)], axis=-1)


# -- the simulation a worker runs ---------------------------------------------------------------------------

@dataclass
class Simulation:
    """What every task needs: the problem (fields filled by the model, pins applied), the model (for the
    per-season draws), the evaluator, the seed, and the NOCs whose sensitivity is tallied."""

    problem: ForecastProblem
    model: ResultsModel
    engine: str  # a name of qualify.forecast.engines.EVALUATORS
    evaluate: Evaluator
    seed: int
    runs: int
    block: int = BLOCK_SEASONS
    tracked: tuple[str, ...] = ()

    @property
    def fields(self) -> Fields:
        return self.problem.fields

    def outcomes(self, index: int, size: int) -> Outcomes:
        """The finishing places of block ``index`` (``size`` seasons), from its own stream."""
        rng = block_stream(self.seed, index)
        draws = self.model.draw(self.fields, size, rng)
        return tuple(sample_event(event, size, rng, strengths, chances)
                     for event, (strengths, chances) in zip(self.fields.events, draws, strict=True))

    def tally(self, blocks: Sequence[int]) -> Tally:
        """Simulate and evaluate the given blocks together; their tally."""
        sizes = block_sizes(self.runs, self.block)
        parts = [self.outcomes(index, sizes[index]) for index in blocks]
        outcomes = tuple(np.concatenate(arrays, axis=0) for arrays in zip(*parts, strict=True))
        counts = self.evaluate(self.problem, outcomes)
        expected = (sum(sizes[index] for index in blocks), *self.problem.cells.shape)
        if counts.shape != expected:
            raise ValueError(f"the evaluator returned counts of shape {counts.shape}, expected {expected}")
        tally = Tally.of(counts)
        for noc in self.tracked:
            tally.sensitivity[noc] = SensitivityTally.of(self.fields, outcomes, counts, self.problem.cells, noc)
        return tally


_WORKER_CACHE: dict[str, Simulation] = {}


class RemoteFailure(Exception):
    """An input or audit error raised in a worker, carried back whole (those errors do not survive pickling as
    themselves: their constructor takes their problems, not a message)."""

    def __init__(self, kind: str, items: list) -> None:
        super().__init__(kind, items)
        self.kind = kind
        self.items = items

    def original(self) -> InputError | AuditError:
        return InputError(self.items) if self.kind == "input" else AuditError(self.items)


def _remote_tally(payload: bytes, key: str, blocks: list[int]) -> Tally:
    """A task in a worker process: the simulation is unpickled once per process and kept for the next tasks."""
    simulation = _WORKER_CACHE.get(key)
    if simulation is None:
        simulation = pickle.loads(payload)
        _WORKER_CACHE.clear()
        _WORKER_CACHE[key] = simulation
    try:
        return simulation.tally(blocks)
    except InputError as exc:
        raise RemoteFailure("input", list(exc.problems)) from None
    except AuditError as exc:
        raise RemoteFailure("audit", list(exc.breaches)) from None


def tasks_for(runs: int, block: int, per_task: int, jobs: int) -> list[list[int]]:
    """Consecutive blocks grouped into tasks of about ``per_task`` seasons, with at least four tasks per job while
    there are blocks enough (so that a slow task does not leave cores idle at the end)."""
    count = len(block_sizes(runs, block))
    if count == 0:
        return []
    size = max(1, per_task // block)
    if jobs > 1:
        size = max(1, min(size, count // (4 * jobs)))
    return [list(range(start, min(start + size, count))) for start in range(0, count, size)]


def run_simulation(simulation: Simulation, *, jobs: int = 1, executor: Executor | None = None,
                   progress: Progress | None = None, per_task: int | None = None) -> Tally:
    """Every block of ``simulation``, tallied; in this process, in ``jobs`` local processes, or on ``executor``."""
    cells = simulation.problem.cells
    total = Tally.empty(cells.shape)
    if simulation.runs == 0:
        return total
    if not simulation.fields.events:
        # Nothing left to simulate: every run is the standing after the last race; evaluate it once.
        counts = simulation.evaluate(simulation.problem, ())
        total.merge(Tally.of(counts[:1], weight=simulation.runs))
        if progress:
            progress(simulation.runs)
        return total
    tasks = tasks_for(simulation.runs, simulation.block, per_task or task_seasons(simulation.engine),
                      jobs if executor is None else max(jobs, 2))
    sizes = block_sizes(simulation.runs, simulation.block)
    if executor is None and jobs <= 1:
        for blocks in tasks:
            total.merge(simulation.tally(blocks))
            if progress:
                progress(sum(sizes[i] for i in blocks))
        return total
    payload = pickle.dumps(simulation, protocol=pickle.HIGHEST_PROTOCOL)
    key = uuid.uuid4().hex
    pool = executor if executor is not None else ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"))
    try:
        futures: dict[Future[Tally], list[int]] = {pool.submit(_remote_tally, payload, key, blocks): blocks
                                                   for blocks in tasks}
        for future in as_completed(futures):
            try:
                total.merge(future.result())
            except RemoteFailure as failure:
                raise failure.original() from None
            if progress:
                progress(sum(sizes[i] for i in futures[future]))
    finally:
        if executor is None:
            pool.shutdown(wait=True, cancel_futures=True)
    return total


# -- a forecast, from a season to its counts -----------------------------------------------------------------

@dataclass
class CellForecast:
    """One NOC and one Summary column: the distribution of its count over the simulated seasons."""

    noc: str
    column: SummaryColumn
    seasons: int
    histogram: np.ndarray  # int64 per count 0, 1, 2, ...

    @property
    def distribution(self) -> list[float]:
        return [float(n) / self.seasons for n in _trimmed(self.histogram)] if self.seasons else [1.0]

    @property
    def distribution_se(self) -> list[float]:
        return [_binomial_se(p, self.seasons) for p in self.distribution]

    @property
    def p_any(self) -> float:
        return 1.0 - float(self.histogram[0]) / self.seasons if self.seasons else 0.0

    @property
    def p_any_se(self) -> float:
        return _binomial_se(self.p_any, self.seasons)

    @property
    def expected(self) -> float:
        if not self.seasons:
            return 0.0
        return float(np.dot(np.arange(len(self.histogram)), self.histogram)) / self.seasons

    @property
    def expected_se(self) -> float:
        if self.seasons < 2:
            return 0.0
        values = np.arange(len(self.histogram), dtype=np.float64)
        mean = self.expected
        variance = float(np.dot((values - mean) ** 2, self.histogram)) / (self.seasons - 1)
        return float(np.sqrt(variance / self.seasons))

    @property
    def certain(self) -> bool:
        """Every simulated season gave the same count."""
        return int((self.histogram > 0).sum()) <= 1


def _trimmed(histogram: np.ndarray) -> np.ndarray:
    nonzero = np.nonzero(histogram)[0]
    return histogram[: (int(nonzero[-1]) + 1) if nonzero.size else 1]


def _binomial_se(p: float, n: int) -> float:
    return float(np.sqrt(max(p * (1.0 - p), 0.0) / n)) if n else 0.0


@dataclass
class Forecast:
    """A finished forecast: where it stands, how it was run, and the tally of every cell."""

    system: System
    as_of: Race
    races_held: int
    calendar_races: int
    future: tuple[Race, ...]
    events: int  # future classifications simulated
    runs: int
    seed: int
    engine: str
    block: int
    cells: Cells
    tally: Tally
    notice: str | None
    basis: str
    notes: list[str]
    pins: list[Pin]
    model: ResultsModel
    fields: Fields
    elapsed: float = 0.0

    def cell(self, noc: str, key: str) -> CellForecast:
        row, column = self.cells.row(noc), self.cells.column(key)
        return CellForecast(noc, self.cells.columns[column], self.tally.seasons, self.tally.histogram[row, column])

    def rows(self) -> list[CellForecast]:
        return [self.cell(noc, column.key) for noc in self.cells.nocs for column in self.cells.columns]

    def holds_anything(self, noc: str) -> bool:
        """Some simulated season gave the NOC a place in some column."""
        return bool(self.tally.histogram[self.cells.row(noc), :, 1:].any())

    @property
    def final(self) -> bool:
        return not self.fields.events


def forecast(system: System, season: Season, as_of: str, tables: dict[str, PointsTable], *, runs: int, seed: int,
             engine: str | None = None, jobs: int = 1, executor: Executor | None = None,
             fixed_lists: dict[str, RankingList] | None = None, nocs: NocRegistry | None = None,
             pins: Iterable[Pin] = (), settings: ModelSettings | None = None, sensitivity: Iterable[str] = (),
             progress: Progress | None = None, block: int = BLOCK_SEASONS, per_task: int | None = None,
             basis: str = "", model: ResultsModel | None = None) -> Forecast:
    """Fit the results model on the season up to ``as_of``, simulate the rest ``runs`` times and tally the Summary.

    ``season`` is the whole calendar (results after ``as_of`` are ignored). ``engine`` names an evaluator of
    :data:`qualify.forecast.engines.EVALUATORS` (None: the default, batch where it applies). ``sensitivity`` lists
    NOCs whose results race by race are tallied against their counts (:mod:`qualify.forecast.sensitivity`).
    """
    started = time.perf_counter()
    model = model if model is not None else fit(system, season, as_of, settings)
    pin_list = list(pins)
    fields = apply_pins(model.fill(future_fields(system, season, as_of)), pin_list)
    problem = ForecastProblem.build(system, season, as_of, tables, fixed_lists=fixed_lists, nocs=nocs, fields=fields)
    engine, fallback = engine_for(engine, problem)
    evaluate = evaluator(engine)
    notes = list(fields.notes) + ([fallback] if fallback else [])
    tracked = tuple(dict.fromkeys(sensitivity))
    unknown = [noc for noc in tracked if noc not in problem.cells.nocs]
    if unknown:
        raise ValueError(f"no forecast for {', '.join(unknown)}: not among the NOCs with results so far")
    simulation = Simulation(problem, model, engine, evaluate, seed, runs, block, tracked)
    tally = run_simulation(simulation, jobs=jobs, executor=executor, progress=progress, per_task=per_task)
    held = len(season.up_to(as_of).held())
    return Forecast(system, season.race(as_of), held, len(season.races), fields.races, len(fields.events), runs,
                    seed, engine, block, problem.cells, tally, season.notice, basis, notes, pin_list,
                    model, fields, time.perf_counter() - started)
