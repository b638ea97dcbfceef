"""`qualify validate`: check input files without allocating."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.common import app, console, fail
from qualify.errors import InputError
from qualify.io.validate import KINDS, validate_file
from qualify.model.nocs import load_nocs
from qualify.rules import load_system


@app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Input files: lists, results, rule files, declines, tables.")],
    kind: Annotated[str | None, typer.Option("--kind", help=f"What the files are: {', '.join(KINDS)} "
                                                            "(default: told from each header).")] = None,
    system: Annotated[str | None, typer.Option("--system", help="Check against this system (needed for "
                                                                "declines and published tables).")] = None,
) -> None:
    """Check input files without allocating; every problem in every file is reported."""
    nocs = load_nocs()
    problems = []
    try:
        rules = load_system(system) if system else None
        if kind is not None and kind not in KINDS:
            raise InputError.single("--kind", f"found '{kind}', expected one of {', '.join(KINDS)}")
    except InputError as exc:
        fail(exc)
    for path in files:
        try:
            checked = validate_file(path, kind, rules, nocs)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        console.print(f"ok: {checked.path} ({checked.kind}, {checked.rows} rows)", markup=False, highlight=False)
    if problems:
        fail(InputError(problems))


