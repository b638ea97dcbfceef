"""`qualify rankings`: the ranking lists as the allocation uses them, in any format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.common import (
    AsOfOpt,
    DataOpt,
    PointsOpt,
    SeasonOpt,
    SystemArg,
    app,
    console,
    emit,
    fail,
    input_banner,
    input_paths,
    output_format,
)
from qualify.errors import InputError
from qualify.io.inputs import load_inputs
from qualify.io.standings import RANKING_FORMATS, print_rankings, rankings_csv, rankings_json, rankings_markdown
from qualify.model.nocs import load_nocs
from qualify.rules import load_system


@app.command("rankings")
def rankings_command(
    system: SystemArg,
    list_id: Annotated[str | None, typer.Argument(metavar="[LIST]", help="One list id; all lists if omitted.")] = None,
    data: DataOpt = None,
    season: SeasonOpt = None,
    as_of: AsOfOpt = None,
    points: PointsOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", help=f"One of: {', '.join(RANKING_FORMATS)} (default: told "
                                                              "by the --output extension, else a table).")] = None,
    top: Annotated[int, typer.Option("--top", help="Show the first N entries of each list (0: all); table and "
                                                   "markdown only.")] = 0,
    output: Annotated[Path | None, typer.Option("--output", help="Write to this new or earlier output file "
                                                                 "(atomically); never an input, never in a missing "
                                                                 "folder.")] = None,
) -> None:
    """The ranking lists as the allocation uses them: read from files, or built from a season (--season), where
    JSON lists the results that counted for each entry."""
    nocs = load_nocs()
    try:
        read = input_paths(system, data, season, points)
        chosen = output_format(fmt, output, RANKING_FORMATS, read)
        if top < 0:
            raise InputError.single("--top", f"found {top}, expected 0 (all) or more")
        rules = load_system(system)
        inputs = load_inputs(rules, data, nocs, season_dir=season, as_of=as_of, points=points,
                             default_places=False)
        if list_id is not None and list_id not in inputs.lists:
            raise InputError.single("LIST", f"unknown list '{list_id}', expected one of {', '.join(inputs.lists)}")
    except InputError as exc:
        fail(exc)
    shown = [ranking for ranking in inputs.lists.values() if list_id is None or ranking.id == list_id]
    banner = input_banner(inputs)
    if chosen == "table" and output is None:
        console.print(banner, style="bold red" if inputs.notice else None, markup=False, highlight=False)
        print_rankings(console, rules, shown, inputs.built, nocs, top=top or None, synthetic=bool(inputs.notice))
        return
    if chosen == "json":
        content = rankings_json(rules, shown, inputs.built, nocs, basis=inputs.basis, notice=inputs.notice,
                                as_of=inputs.as_of)
    elif chosen == "csv":
        content = rankings_csv(rules, shown, banner=banner)
    else:
        content = rankings_markdown(rules, shown, inputs.built, nocs, banner=banner, top=top or None)
    emit(content, output, read, chosen)
