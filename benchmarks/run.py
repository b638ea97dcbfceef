"""Speed and memory targets for qualify. Run: python benchmarks/run.py  (exit 1 if a target is missed).

Targets are for the 2-core reference machine; they guard against accidental quadratic behaviour, not
micro-optimisation. Timings are medians of several runs. The last line is one JSON object (case -> median seconds,
peak MiB, target, ok) for scripts.

Season targets (issue 7): building every list of a season and allocating must stay at least as fast as before the
generic builder, and the standings after every race of a season (11 ski mountaineering races, 4 short-track stages)
take at most 1 s. The machine is shared and noisy, so "as fast as before" is checked as a ratio to a case whose code
did not change, measured in the same run: allocating on the synthetic short-track season (``REFERENCE``).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from qualify.engine import allocate
from qualify.io.inputs import load_inputs, open_season
from qualify.model.nocs import load_nocs
from qualify.ranking.builder import build_lists
from qualify.ranking.synth import SYNTHESIZERS
from qualify.rules import load_system
from qualify.standings import standings_through

# name -> (target median seconds, target peak MiB)
TARGETS = {
    "ski-mountaineering-2026 allocate (bundled data)": (0.05, 20),
    "short-track-2026 SOQC from a synthetic season": (1.0, 100),
    "short-track-2026 allocate (synthetic season)": (0.25, 50),
    "short-track-2026 allocate (published places)": (0.25, 50),
    "short-track-2026 build all lists + allocate (in memory)": (0.25, 50),
    "ski-mountaineering-2026 build all lists + allocate (in memory)": (0.05, 20),
    "ski-mountaineering-2026 read a synthetic season": (1.0, 50),
    "ski-mountaineering-2026 standings after every race (11)": (1.0, 50),
    "short-track-2026 standings after every race (4)": (1.0, 100),
}
# Before issue 7 (the short-track-only SOQC builder), same machine, synthetic season 11: reading and building the SOQC
# took 0.0300 s and allocating on it (REFERENCE) 0.0366 s. As ratios to REFERENCE, with 10% for noise:
REFERENCE = "short-track-2026 allocate (synthetic season)"
BEFORE_RATIO = {
    "short-track-2026 SOQC from a synthetic season": 0.0300 / 0.0366,  # now: reading, checking and building
    "short-track-2026 build all lists + allocate (in memory)": (0.0300 + 0.0366) / 0.0366,  # an upper bound
}
NOISE = 1.10


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
        short_dir, ski_dir = Path(folder) / "short", Path(folder) / "ski"
        SYNTHESIZERS[short.id](11, short_dir)
        SYNTHESIZERS[ski.id](11, ski_dir)
        short_season = open_season(short, short_dir, None, nocs)
        ski_season = open_season(ski, ski_dir, None, nocs)
        season = load_inputs(short, None, nocs, season_dir=short_dir)
        published = load_inputs(short, None, nocs, places_file=repo / "data/short-track-2026/published/summary.csv")

        def build_and_allocate(system, opened):
            built = build_lists(system, opened.season, opened.tables, nocs=nocs)
            return allocate(system, built.rankings(), nocs=nocs)

        cases = {
            "ski-mountaineering-2026 allocate (bundled data)": (lambda: allocate(ski, ski_inputs.lists, nocs=nocs), 50),
            "short-track-2026 SOQC from a synthetic season": (
                lambda: load_inputs(short, None, nocs, season_dir=short_dir), 5),
            "short-track-2026 allocate (synthetic season)": (lambda: allocate(short, season.lists, nocs=nocs), 10),
            "short-track-2026 allocate (published places)": (
                lambda: allocate(short, published.lists, declines=published.declines,
                                 given_places=published.given_places, nocs=nocs), 10),
            "short-track-2026 build all lists + allocate (in memory)": (
                lambda: build_and_allocate(short, short_season), 10),
            "ski-mountaineering-2026 build all lists + allocate (in memory)": (
                lambda: build_and_allocate(ski, ski_season), 20),
            "ski-mountaineering-2026 read a synthetic season": (lambda: open_season(ski, ski_dir, None, nocs), 5),
            "ski-mountaineering-2026 standings after every race (11)": (
                lambda: standings_through(ski, ski_season.season, ski_season.tables, nocs=nocs), 5),
            "short-track-2026 standings after every race (4)": (
                lambda: standings_through(short, short_season.season, short_season.tables, nocs=nocs), 5),
        }
        assert len(ski_season.season.races) == 11 and len(short_season.season.races) == 4
        failed = 0
        report = {}
        measured = {name: measure(function, repeats) for name, (function, repeats) in cases.items()}
        print(f"{'case':64} {'median s':>9} {'target':>7} {'peak MiB':>9} {'target':>7}")
        for name, (seconds, peak) in measured.items():
            target_s, target_mb = TARGETS[name]
            ok = seconds <= target_s and peak <= target_mb
            note = ""
            if name in BEFORE_RATIO:
                ratio = seconds / measured[REFERENCE][0]
                ok = ok and ratio <= BEFORE_RATIO[name] * NOISE
                note = f" (x{ratio:.2f} the reference; before issue 7 x{BEFORE_RATIO[name]:.2f})"
            failed += not ok
            report[name] = {"median_s": round(seconds, 5), "target_s": target_s, "peak_mib": round(peak, 2),
                            "target_mib": target_mb, "ok": ok}
            print(f"{name:64} {seconds:9.4f} {target_s:7.2f} {peak:9.1f} {target_mb:7.0f} {'ok' if ok else 'MISSED'}"
                  f"{note}")
    print(json.dumps({"ok": not failed, "cases": report}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
