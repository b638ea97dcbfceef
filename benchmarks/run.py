"""Speed and memory targets for qualify. Run: python benchmarks/run.py  (exit 1 if a target is missed).

Targets are for the 2-core reference machine; they guard against accidental quadratic behaviour, not
micro-optimisation. Timings are medians of several runs.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from qualify.engine import allocate
from qualify.io.inputs import load_inputs
from qualify.model.nocs import load_nocs
from qualify.ranking.synth import synthesize
from qualify.rules import load_system

# name -> (target median seconds, target peak MiB)
TARGETS = {
    "ski-mountaineering-2026 allocate (bundled data)": (0.05, 20),
    "short-track-2026 SOQC from a synthetic season": (1.0, 100),
    "short-track-2026 allocate (synthetic season)": (0.25, 50),
    "short-track-2026 allocate (published places)": (0.25, 50),
}


def measure(function, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def main() -> int:
    nocs = load_nocs()
    ski = load_system("ski-mountaineering-2026")
    ski_inputs = load_inputs(ski, None, nocs)
    short = load_system("short-track-2026")
    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as folder:
        synthesize(11, Path(folder))
        cases = {
            "ski-mountaineering-2026 allocate (bundled data)": (lambda: allocate(ski, ski_inputs.lists, nocs=nocs), 50),
            "short-track-2026 SOQC from a synthetic season": (
                lambda: load_inputs(short, None, nocs, results_dir=Path(folder)), 5),
        }
        season = load_inputs(short, None, nocs, results_dir=Path(folder))
        published = load_inputs(short, None, nocs, places_file=repo / "data/short-track-2026/published/summary.csv")
        cases["short-track-2026 allocate (synthetic season)"] = (lambda: allocate(short, season.lists, nocs=nocs), 10)
        cases["short-track-2026 allocate (published places)"] = (
            lambda: allocate(short, published.lists, declines=published.declines,
                             given_places=published.given_places, nocs=nocs), 10)
        failed = 0
        print(f"{'case':52} {'median s':>9} {'target':>7} {'peak MiB':>9} {'target':>7}")
        for name, (function, repeats) in cases.items():
            seconds, peak = measure(function, repeats)
            target_s, target_mb = TARGETS[name]
            ok = seconds <= target_s and peak <= target_mb
            failed += not ok
            print(f"{name:52} {seconds:9.4f} {target_s:7.2f} {peak:9.1f} {target_mb:7.0f} {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
