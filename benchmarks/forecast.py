"""Forecast speed: the batch engine against a plain loop over the reference engine, in the same run.

Run: ``python benchmarks/forecast.py`` (exit 1 if a target is missed; ``--quick`` for N up to 10^4 only).

For each system a synthetic season (``qualify synth``, seed 11) stands after a race and the rest of the calendar is
simulated: short track from stage 2 (stages 3-4 simulated), ski mountaineering from Bormio, the fifth of its eleven
races (the World Championship and five World Cups simulated). Strengths come from the results so far. A "season"
is the whole thing a forecast needs: the outcomes drawn, the lists built, the allocation run, the Summary counted.

* **batch**: ``qualify.forecast.batch.sample`` + ``evaluate`` for N = 10^3, 10^4, 10^5 seasons, streamed in chunks of
  8,192 seasons whose counts are folded into running totals (what a forecast keeps), so memory does not grow with N.
* **loop**: ``qualify.forecast.sample.sample`` + ``qualify.forecast.reference.evaluate`` (one season at a time
  through the engine that explains) on a few seasons, reported per season.

Numba's compilation (or loading its cache) happens in a warm-up call and is reported, not counted. The machine is
shared: the load average and the CPU time the process got per second of wall time are reported with the figures,
and the targets that compare engines are ratios measured in the same run.

Targets (short track): at least 10,000 seasons per second on the 2 cores, at least 300 times the plain loop, cost
linear in N (the time per season at 10^5 within 1.5 times that at 10^4), and 10^5 seasons within 1 GiB (peak
resident memory of the process). Ski mountaineering is measured the same way and must agree on the ratio and
memory targets. The last line is one JSON object.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numba
import numpy as np

from qualify.forecast import batch
from qualify.forecast.fields import Fields
from qualify.forecast.reference import ForecastProblem
from qualify.forecast.reference import evaluate as reference_evaluate
from qualify.forecast.sample import sample as reference_sample
from qualify.io.season import read_season
from qualify.model.season import Season
from qualify.ranking.points import load_points_tables
from qualify.ranking.synth import SYNTHESIZERS
from qualify.rules import load_system

CASES = {"short-track-2026": "2", "ski-mountaineering-2026": "bormio"}
LOOP_SEASONS = {"short-track-2026": 20, "ski-mountaineering-2026": 40}
SIZES = (1_000, 10_000, 100_000)
CHUNK = 8_192
TARGET_SEASONS_PER_S = 10_000
TARGET_RATIO = 300
TARGET_LINEAR = 1.5
TARGET_MIB = 1024


def with_form(fields: Fields, season: Season) -> Fields:
    """Log-strengths from the mean place so far (a better place, a stronger entrant); a 3% chance of no place."""
    places: dict[tuple, list[int]] = {}
    for result in season.results:
        key = (result.gender, result.event, result.noc, result.athlete, None if result.athlete else result.team)
        places.setdefault(key, []).append(result.rank or 60)
    events = []
    for event in fields.events:
        mean = [np.mean(places.get((event.gender, event.event, e.noc, e.athlete, e.team), [40]))
                for e in event.entrants]
        events.append(event.with_strengths(-1.6 * np.log(np.array(mean, dtype=np.float64)),
                                           np.full(len(event.entrants), 0.03)))
    return fields.replace_events(tuple(events))


def problem_for(system_id: str, as_of: str, folder: Path) -> ForecastProblem:
    system = load_system(system_id)
    SYNTHESIZERS[system_id](11, folder)
    season = read_season(folder, system)
    tables = load_points_tables(system)
    fields = with_form(ForecastProblem.build(system, season, as_of, tables).fields, season.up_to(as_of))
    return ForecastProblem.build(system, season, as_of, tables, fields=fields)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_batch(problem: ForecastProblem, seasons: int, seed: int) -> dict:
    """Sample and evaluate ``seasons`` in chunks, folding counts into totals; wall and CPU seconds."""
    rng = np.random.default_rng(seed)
    places = np.zeros(problem.cells.shape, dtype=np.int64)
    any_place = np.zeros(problem.cells.shape, dtype=np.int64)
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, seasons, CHUNK):
        size = min(CHUNK, seasons - start)
        counts = batch.evaluate(problem, batch.sample(problem.fields, size, rng))
        places += counts.sum(axis=0)
        any_place += (counts > 0).sum(axis=0)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"seconds": wall, "cpu_per_wall": cpu / wall, "seasons_per_s": seasons / wall,
            "us_per_season": 1e6 * wall / seasons, "expected_places": float(places.sum()) / seasons}


def measure(system_id: str, as_of: str, folder: Path, sizes: tuple[int, ...]) -> dict:
    problem = problem_for(system_id, as_of, folder)
    # Warm-up: compile the kernels (or load them from numba's cache) and the problem's plan.
    start = time.perf_counter()
    batch.evaluate(problem, batch.sample(problem.fields, 64, np.random.default_rng(0)))
    warmup = time.perf_counter() - start
    out: dict = {"as_of": as_of, "events_simulated": len(problem.fields.events),
                 "entrants_simulated": sum(len(e.entrants) for e in problem.fields.events),
                 "warmup_s": warmup}
    # The plain loop: the reference sampler and engine, one season at a time.
    loop_seasons = LOOP_SEASONS[system_id]
    wall = time.perf_counter()
    outcomes = reference_sample(problem.fields, loop_seasons, np.random.default_rng(1))
    reference = reference_evaluate(problem, outcomes)
    wall = time.perf_counter() - wall
    out["loop"] = {"seasons": loop_seasons, "seconds": wall, "seasons_per_s": loop_seasons / wall}
    # The same outcomes through the batch engine: a last check that the figures compare like with like.
    if not (batch.evaluate(problem, outcomes) == reference).all():
        raise SystemExit(f"{system_id}: the batch engine disagrees with the reference on the benchmark's seasons")
    tracemalloc.start()
    out["batch"] = {}
    for seasons in sizes:
        out["batch"][str(seasons)] = run_batch(problem, seasons, seed=seasons)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    largest = out["batch"][str(sizes[-1])]
    out["batch_seasons_per_s"] = largest["seasons_per_s"]
    out["loop_seasons_per_s"] = out["loop"]["seasons_per_s"]
    out["ratio"] = largest["seasons_per_s"] / out["loop"]["seasons_per_s"]
    if len(sizes) > 1:
        out["linear"] = largest["us_per_season"] / out["batch"][str(sizes[-2])]["us_per_season"]
    out["traced_peak_mib"] = peak / 2**20
    out["rss_peak_mib"] = rss_mib()
    return out


def main(argv: list[str]) -> int:
    sizes = SIZES[:2] if "--quick" in argv else SIZES
    load_before = os.getloadavg()
    results: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        for system_id, as_of in CASES.items():
            results[system_id] = measure(system_id, as_of, Path(folder) / system_id, sizes)
    load_after = os.getloadavg()
    short, ski = results["short-track-2026"], results["ski-mountaineering-2026"]
    missed = []
    if short["batch_seasons_per_s"] < TARGET_SEASONS_PER_S:
        missed.append(f"short track: {short['batch_seasons_per_s']:.0f} seasons/s, target {TARGET_SEASONS_PER_S}")
    for name, result in results.items():
        if result["ratio"] < TARGET_RATIO:
            missed.append(f"{name}: {result['ratio']:.0f} x the plain loop, target {TARGET_RATIO}")
        if result.get("linear", 1.0) > TARGET_LINEAR:
            missed.append(f"{name}: time per season grows {result['linear']:.2f} x from 10^4 to 10^5 seasons")
    peak = max(short["rss_peak_mib"], ski["rss_peak_mib"])
    if peak > TARGET_MIB:
        missed.append(f"peak resident memory {peak:.0f} MiB, target {TARGET_MIB}")
    for name, result in results.items():
        print(f"{name} from {result['as_of']} ({result['events_simulated']} events, "
              f"{result['entrants_simulated']} entrants simulated a season); warm-up {result['warmup_s']:.1f} s")
        print(f"  plain loop over the reference engine: {result['loop']['seasons']} seasons, "
              f"{result['loop_seasons_per_s']:.1f} seasons/s ({1000 / result['loop_seasons_per_s']:.0f} ms each)")
        for seasons, figures in result["batch"].items():
            print(f"  batch {int(seasons):>7,} seasons: {figures['seconds']:7.2f} s, {figures['seasons_per_s']:9,.0f}"
                  f" seasons/s, {figures['us_per_season']:6.1f} us each, {figures['cpu_per_wall']:.2f} CPU s per s")
        print(f"  ratio {result['ratio']:.0f} x; peak RSS {result['rss_peak_mib']:.0f} MiB, traced numpy peak "
              f"{result['traced_peak_mib']:.0f} MiB")
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; numba threads "
          f"{numba.get_num_threads()}, {os.cpu_count()} CPUs")
    for line in missed:
        print(f"MISSED: {line}")
    summary = {
        "batch_seasons_per_s": round(short["batch_seasons_per_s"], 1),
        "loop_seasons_per_s": round(short["loop_seasons_per_s"], 2),
        "ratio": round(short["ratio"], 1),
        "peak_mib": round(peak, 1),
        "per_system": {name: {"as_of": r["as_of"], "batch_seasons_per_s": round(r["batch_seasons_per_s"], 1),
                              "loop_seasons_per_s": round(r["loop_seasons_per_s"], 2), "ratio": round(r["ratio"], 1),
                              "linear": round(r.get("linear", 1.0), 3), "warmup_s": round(r["warmup_s"], 2),
                              "per_n": {n: round(f["seasons_per_s"], 1) for n, f in r["batch"].items()},
                              "cpu_per_wall": {n: round(f["cpu_per_wall"], 2) for n, f in r["batch"].items()}}
                       for name, r in results.items()},
        "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
        "numba_threads": numba.get_num_threads(),
        "ok": not missed,
    }
    print(json.dumps(summary))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
