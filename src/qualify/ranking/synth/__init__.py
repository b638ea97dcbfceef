"""Synthetic seasons (calendar and results, marked synthetic in the data) for the bundled systems.

``SYNTHESIZERS`` maps a system id to its generator; each writes a season folder and returns its ``results.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualify.ranking.synth import short_track, ski_mountaineering

SYNTHESIZERS: dict[str, Callable[[int, Path], Path]] = {
    short_track.SYSTEM_ID: short_track.synthesize,
    ski_mountaineering.SYSTEM_ID: ski_mountaineering.synthesize,
}


def synthesize_season(system_id: str, seed: int, out_dir: Path) -> Path:
    return SYNTHESIZERS[system_id](seed, out_dir)


synthesize = short_track.synthesize  # the short-track season, as before
NATIONS = short_track.NATIONS

__all__ = ["NATIONS", "SYNTHESIZERS", "synthesize", "synthesize_season"]
