"""`qualify synth`: write a synthetic season, marked synthetic."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.common import SystemArg, app, errors, fail
from qualify.errors import InputError
from qualify.ranking.synth import synthesize
from qualify.rules import load_system


@app.command()
def synth(
    system: SystemArg,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed writes the same files.")] = 1,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the synthetic season into.")] = Path("synthetic"),
) -> None:
    """Write a realistic synthetic season of stage results (clearly marked synthetic)."""
    try:
        rules = load_system(system)
        if rules.inputs != "stage_results":
            raise InputError.single(system, "synth makes stage results; this system reads ranking lists")
        if out.exists() and any(out.iterdir()):
            raise InputError.single(str(out), "folder is not empty; choose a new folder so nothing is overwritten")
    except InputError as exc:
        fail(exc)
    path = synthesize(seed, out)
    errors.print(f"wrote SYNTHETIC season (seed {seed}) to {path}", markup=False)


