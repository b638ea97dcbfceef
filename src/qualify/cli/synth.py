"""`qualify synth`: write a synthetic season (calendar and results), marked synthetic in the data itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.common import SystemArg, app, errors, fail
from qualify.errors import InputError
from qualify.rules import load_system


@app.command()
def synth(
    system: SystemArg,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed writes the same files.")] = 1,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the synthetic season into.")] = Path("synthetic"),
) -> None:
    """Write a realistic synthetic season (calendar.csv, results.csv), every file marked synthetic."""
    from qualify.ranking.synth import SYNTHESIZERS  # numpy is only needed here

    try:
        rules = load_system(system)
        if rules.id not in SYNTHESIZERS:
            raise InputError.single(system, f"no synthetic season generator for this system, expected one of "
                                            f"{', '.join(SYNTHESIZERS)}")
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise InputError.single(str(out), "folder is not empty; choose a new folder so nothing is overwritten")
    except InputError as exc:
        fail(exc)
    path = SYNTHESIZERS[rules.id](seed, out)
    errors.print(f"wrote SYNTHETIC season (seed {seed}) to {path.parent}", markup=False)
