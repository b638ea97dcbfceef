"""The batch engine: many simulated seasons evaluated at once, with exactly the reference's counts.

``evaluate(problem, outcomes)`` takes the same arguments as :func:`qualify.forecast.reference.evaluate` and returns
the same array (seasons, NOCs, Summary columns), season by season and cell by cell; it builds the lists and runs
the allocation of a whole chunk of seasons in numba kernels (seasons in ``prange``, so every core numba is allowed
works within one process; ``numba.set_num_threads`` limits them). The reference engine stays the one that explains:
this one only counts.

``sample(fields, seasons, rng)`` draws outcomes from the same Plackett-Luce model as
:func:`qualify.forecast.sample.sample`, faster (numba, both cores).

The problem is compiled once (:func:`compile_problem`, cached on the problem) and chunks of seasons are streamed
through it, so memory stays flat whatever the number of seasons.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

# Numba's OpenMP threads spin between parallel regions by default; on a machine shared with other work each kernel
# launch then waits for a scheduler slice (milliseconds). Waiting passively costs microseconds. A user's own setting
# wins; this must happen before the first parallel kernel runs.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402


def _forget_stale_kernels() -> None:
    """Numba's cache checks a kernel's own source file only, not the constants it took from the package's other
    modules (the table slots of core.py, say): when any source of this package changes, its cached kernels are
    dropped here and recompile on first use. (With NUMBA_CACHE_DIR set the cache lives elsewhere: clear it there.)"""
    here = Path(__file__).parent
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sorted(here.glob("*.py")))).hexdigest()
    cache = here / "__pycache__"
    stamp = cache / "batch-kernels.stamp"
    try:
        if stamp.is_file() and stamp.read_text(encoding="ascii") == digest:
            return
        for stale in cache.glob("*.nb[ic]"):
            stale.unlink(missing_ok=True)
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest, encoding="ascii")
    except OSError:
        pass  # a read-only installation: numba caches elsewhere, or not at all


_forget_stale_kernels()

from qualify.forecast.reference import ForecastProblem  # noqa: E402
from qualify.forecast.sample import Outcomes  # noqa: E402

from . import steps as _steps  # noqa: E402, F401  (registers the batch runners)
from .lists import Unsupported  # noqa: E402
from .plan import BatchPlan, compile_problem  # noqa: E402
from .sample import sample  # noqa: E402

CHUNK_BYTES = 48 * 2**20  # scratch memory for one chunk of seasons
MAX_CHUNK = 1024

_PLANS: dict[int, tuple[tuple, BatchPlan]] = {}


def _fingerprint(problem: ForecastProblem) -> tuple:
    return (id(problem.system), id(problem.season), problem.as_of, id(problem.tables), id(problem.cells),
            tuple(id(ranking) for ranking in problem.fixed_lists.values()),
            tuple((event.key, event.entrants) for event in problem.fields.events))


def plan_for(problem: ForecastProblem) -> BatchPlan:
    """The compiled problem, made on first use and kept while the problem is unchanged."""
    key = _fingerprint(problem)
    found = _PLANS.get(id(problem))
    if found is not None and found[0] == key and found[1].problem is problem:
        return found[1]
    plan = compile_problem(problem)
    if len(_PLANS) > 8:
        _PLANS.clear()
    _PLANS[id(problem)] = (key, plan)
    return plan


def chunk_size(plan: BatchPlan) -> int:
    return int(max(64, min(MAX_CHUNK, CHUNK_BYTES // max(plan.state_bytes(), 1))))


def evaluate(problem: ForecastProblem, outcomes: Outcomes) -> np.ndarray:
    """Summary counts of every simulated season: an array (seasons, NOCs, columns), as the reference gives."""
    plan = plan_for(problem)
    if len(outcomes) != len(problem.fields.events):
        raise ValueError(f"{len(outcomes)} outcome arrays for {len(problem.fields.events)} events")
    seasons = outcomes[0].shape[0] if outcomes else 1
    for event, ranks in zip(problem.fields.events, outcomes, strict=True):
        if ranks.shape != (seasons, len(event.entrants)):
            raise ValueError(f"race {event.race} {event.gender.value} {event.event}: outcomes of shape {ranks.shape}, "
                             f"expected {(seasons, len(event.entrants))}")
    out = np.zeros((seasons, *problem.cells.shape), dtype=np.int16)
    step = chunk_size(plan)
    for start in range(0, seasons, step):
        stop = min(seasons, start + step)
        ranks = np.zeros((stop - start, max(plan.total_cols, 1)), dtype=np.int16)
        for col, event_ranks in zip(plan.field_col, outcomes, strict=True):
            if event_ranks.shape[1]:
                ranks[:, col: col + event_ranks.shape[1]] = event_ranks[start:stop]
        plan.run(ranks, out[start:stop], first_season=start)
    return out


__all__ = ["BatchPlan", "Unsupported", "compile_problem", "evaluate", "plan_for", "sample"]
