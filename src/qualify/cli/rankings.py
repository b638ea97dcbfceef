"""`qualify rankings`: the ranking lists as the allocation uses them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from qualify.cli.common import DataOpt, PointsOpt, ResultsOpt, SystemArg, app, console, fail, synthetic_banner
from qualify.errors import InputError
from qualify.io.inputs import load_inputs
from qualify.model.nocs import load_nocs
from qualify.ranking.soqc import format_points
from qualify.rules import System, load_system


@app.command("rankings")
def rankings_command(
    system: SystemArg,
    list_id: Annotated[str | None, typer.Argument(metavar="[LIST]", help="One list id; all lists if omitted.")] = None,
    data: DataOpt = None,
    results: ResultsOpt = None,
    points: PointsOpt = None,
) -> None:
    """Print the ranking lists as the allocation uses them (short track: the SOQC tables)."""
    nocs = load_nocs()
    try:
        rules = load_system(system)
        inputs = load_inputs(rules, data, nocs, results_dir=results, points_file=points)
        if list_id is not None and list_id not in inputs.lists:
            raise InputError.single("LIST", f"unknown list '{list_id}', expected one of "
                                            f"{', '.join(inputs.lists)}")
    except InputError as exc:
        fail(exc)
    banner = synthetic_banner(inputs)
    if banner:
        console.print(f"[bold red]{banner}[/bold red]")
    for ranking in inputs.lists.values():
        if list_id is not None and ranking.id != list_id:
            continue
        table = Table(title=f"{ranking.title} [{ranking.id}]" + (" (SYNTHETIC)" if banner else ""))
        show_athlete = any(e.athlete for e in ranking.entries)
        show_qualifier = any(e.qualifier for e in ranking.entries)
        show_points = any(e.points is not None for e in ranking.entries)
        columns = ["Rank", "NOC", "Nation"] + (["Athlete"] if show_athlete else []) + (
            ["Qualifier"] if show_qualifier else []) + (["Points"] if show_points else [])
        for name in columns:
            table.add_column(name, justify="right" if name in ("Rank", "Qualifier", "Points") else "left")
        for entry in ranking.entries:
            row = [str(entry.rank), entry.noc, nocs.name(entry.noc)]
            if show_athlete:
                row.append(entry.athlete or "")
            if show_qualifier:
                row.append(str(entry.qualifier or ""))
            if show_points:
                row.append(_points_text(rules, entry.points))
            table.add_row(*row)
        console.print(table)


def _points_text(rules: System, points: float | None) -> str:
    if points is None:
        return ""
    # SOQC totals are published with one decimal (3000.0); other lists in whole points.
    return format_points(points) if rules.inputs == "stage_results" else f"{points:g}"


