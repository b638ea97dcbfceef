"""A season replayed: the forecast standing after each race in turn, as a table and as a chart.

Each step is a whole forecast (:func:`qualify.forecast.run.forecast`): the results model fitted on the results up to
that race, the rest of the season simulated with the same runs and seed. A step standing after the last race of the
calendar simulates nothing: its odds are the final allocation, 0 or 1.

A replay follows one NOC (a series per Summary column in which it ever had a chance) or one Summary column (a series
per NOC whose odds were ever open); without either, the last Summary column (athletes).
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
from rich.console import Console
from rich.text import Text

from qualify.forecast.output import cell_record, column_title, run_line
from qualify.forecast.run import CellForecast, Forecast, forecast
from qualify.io.formats.grid import Column, Grid, wrap_items
from qualify.io.inputs import season_basis
from qualify.io.standings import race_record
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingList
from qualify.model.season import Season
from qualify.ranking.points import PointsTable
from qualify.rules import System

REPLAY_FORMATS = ("table", "csv", "json")
CHART_MEASURES = ("chance", "expected")
MOST_SERIES = 8  # NOCs in a column's replay: more lines are no longer readable


def replay(system: System, season: Season, races: Iterable[str], tables: dict[str, PointsTable], *, runs: int,
           seed: int, engine: str | None = None, jobs: int = 1, executor: Executor | None = None,
           fixed_lists: dict[str, RankingList] | None = None, nocs: NocRegistry | None = None,
           progress: Callable[[int], None] | None = None) -> list[Forecast]:
    """One forecast standing after each of ``races`` (calendar order), all with the same runs and seed."""
    steps = []
    for race in races:
        cut = season.up_to(race)
        basis = season_basis(cut, season.race(race), season, tables)
        steps.append(forecast(system, season, race, tables, runs=runs, seed=seed, engine=engine, jobs=jobs,
                              executor=executor, fixed_lists=fixed_lists, nocs=nocs, progress=progress, basis=basis))
    return steps


@dataclass(frozen=True)
class ReplayView:
    noc: str | None = None
    column: str | None = None
    measure: str = "chance"  # or "expected"

    def value(self, cell: CellForecast) -> float:
        return cell.p_any if self.measure == "chance" else cell.expected

    def error(self, cell: CellForecast) -> float:
        return cell.p_any_se if self.measure == "chance" else cell.expected_se

    @property
    def measure_label(self) -> str:
        return "chance of at least one place" if self.measure == "chance" else "expected places"


@dataclass(frozen=True)
class Series:
    label: str
    noc: str
    column: str
    cells: tuple[CellForecast, ...]  # one per step


def series(steps: list[Forecast], view: ReplayView, nocs: NocRegistry) -> tuple[list[Series], str, list[str]]:
    """The series a replay shows, its title, and notes on what was left out."""
    first = steps[0]
    columns = first.cells.columns
    notes: list[str] = []
    if view.noc is not None:
        out = []
        for column in columns:
            cells = tuple(_cell(step, view.noc, column.key) for step in steps)
            if any(view.value(cell) > 0 for cell in cells):
                out.append(Series(column_title(column), view.noc, column.key, cells))
        never = [column_title(c) for c in columns if c.key not in {s.column for s in out}]
        if never:
            notes.append("never a place in any simulated season: " + ", ".join(never))
        return out, f"{nocs.name(view.noc)} ({view.noc}): {view.measure_label}, race by race", notes
    key = view.column if view.column is not None else columns[-1].key
    column = next(c for c in columns if c.key == key)
    candidates = []
    codes = sorted(set().union(*(step.cells.nocs for step in steps)))
    for noc in codes:
        cells = tuple(_cell(step, noc, key) for step in steps)
        values = [cell.p_any for cell in cells]
        if max(values) == 0.0:
            continue
        candidates.append(Series(noc, noc, key, cells))
    moving = [s for s in candidates if any(0.0 < c.p_any < 1.0 for c in s.cells)]
    settled = [s for s in candidates if s not in moving]
    moving.sort(key=lambda s: (-(max(view.value(c) for c in s.cells) - min(view.value(c) for c in s.cells)),
                               -view.value(s.cells[-1]), s.noc))
    shown = moving[:MOST_SERIES]
    if len(moving) > len(shown):
        notes.append(f"{len(moving) - len(shown)} more NOC(s) with smaller swings: "
                     + ", ".join(s.noc for s in moving[len(shown):]))
    if settled:
        notes.append("certain after every race (a place in every simulated season): "
                     + ", ".join(s.noc for s in settled))
    shown.sort(key=lambda s: (-view.value(s.cells[-1]), s.noc))
    return shown, f"{column_title(column)}: {view.measure_label} per NOC, race by race", notes


def _cell(step: Forecast, noc: str, key: str) -> CellForecast:
    """The NOC's cell at a step; an NOC without results yet at that step holds nothing in any season."""
    if noc in step.cells.nocs:
        return step.cell(noc, key)
    column = step.cells.columns[step.cells.column(key)]
    return CellForecast(noc, column, step.tally.seasons, np.array([step.tally.seasons], dtype=np.int64))


def _race_labels(steps: list[Forecast]) -> tuple[list[str], list[str]]:
    """Column labels for the races (their ids when short, else numbers) and a legend when numbers are used."""
    ids = [step.as_of.id for step in steps]
    if all(len(i) <= 5 for i in ids):
        return ids, []
    return [str(n) for n in range(1, len(ids) + 1)], [f"{n} {i}" for n, i in enumerate(ids, start=1)]


def _value_text(view: ReplayView, cell: CellForecast) -> str:
    if view.measure == "expected":
        return "·" if cell.expected == 0 else f"{cell.expected:.1f}"
    p = cell.p_any
    if p == 0.0:
        return "·"
    if p == 1.0:
        return "100"
    return "<1" if p < 0.005 else ">99" if p >= 0.995 else f"{100 * p:.0f}"


def replay_lines(steps: list[Forecast], view: ReplayView, nocs: NocRegistry, width: int) -> list[Text]:
    lines: list[Text] = []

    def say(text: str, style: str | None = None) -> None:
        lines.extend(Text(line, style=style or "") for line in wrap_items(text.split(" "), width, separator=" "))

    first = steps[0]
    say(f"Replay of {first.system.sport}, {first.system.edition}: the forecast standing after each race from "
        f"{first.as_of.id} to {steps[-1].as_of.id}", "bold")
    say(run_line(first).replace("race(s) still to come", "race(s) still to come at the first step"))
    if first.basis:
        say(f"Based on {steps[-1].basis}.")
    shown, title, notes = series(steps, view, nocs)
    labels, legend = _race_labels(steps)
    unit = "%" if view.measure == "chance" else "places"
    grid = Grid(Column("NOC" if view.noc is None else "Column", align="left"),
                [Column(label, "After race") for label in labels],
                [[s.label, *[_value_text(view, cell) for cell in s.cells]] for s in shown],
                title=f"{title} ({unit})")
    lines.append(Text(""))
    lines += grid.render(width)
    if legend:
        lines += [Text(line, style="dim") for line in wrap_items(legend, width, separator=" · ")]
    for note in notes:
        say(note, "dim")
    worst = max((view.error(c) for s in shown for c in s.cells), default=0.0)
    scale = 100 if view.measure == "chance" else 1
    say(f"Monte Carlo standard error: at most ±{scale * worst:.1f} {'points' if scale == 100 else 'places'}; "
        "· never in any simulated season, 100 in every one; the step after the last race is the final allocation.",
        "dim")
    return lines


def print_replay(console: Console, steps: list[Forecast], view: ReplayView, nocs: NocRegistry) -> None:
    if steps[0].notice:
        console.print(steps[0].notice, style="bold red", markup=False, highlight=False)
    for line in replay_lines(steps, view, nocs, console.width):
        console.print(line, soft_wrap=True, highlight=False)


def _step_record(step: Forecast, view: ReplayView, nocs: NocRegistry) -> dict:
    cells = [cell for cell in step.rows()
             if (view.noc is None or cell.noc == view.noc) and (view.column is None or cell.column.key == view.column)]
    return {"as_of": race_record(step.as_of), "races_held": step.races_held, "final": step.final,
            "simulated_races": [race_record(r) for r in step.future], "notes": step.notes,
            "cells": [cell_record(cell, nocs) for cell in cells]}


def replay_json(steps: list[Forecast], view: ReplayView, nocs: NocRegistry) -> str:
    first = steps[0]
    document = {**({"notice": first.notice} if first.notice else {}), "system": first.system.id,
                "runs": first.runs, "seed": first.seed, "engine": first.engine, "block_seasons": first.block,
                "noc": view.noc, "column": view.column,
                "steps": [_step_record(step, view, nocs) for step in steps]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def replay_csv(steps: list[Forecast], view: ReplayView, nocs: NocRegistry) -> str:
    out = io.StringIO()
    first = steps[0]
    if first.notice:
        out.write(f"# {first.notice}\n")
    out.write(f"# replay of {first.system.id}: {first.runs} runs per step, seed {first.seed}, engine "
              f"{first.engine}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["as_of", "date", "noc", "column", "p_any", "p_any_se", "expected", "expected_se"])
    for step in steps:
        for cell in step.rows():
            if (view.noc is not None and cell.noc != view.noc) or (view.column is not None and
                                                                    cell.column.key != view.column):
                continue
            writer.writerow([step.as_of.id, step.as_of.date.isoformat(), cell.noc, cell.column.key,
                             f"{cell.p_any:.6g}", f"{cell.p_any_se:.6g}", f"{cell.expected:.6g}",
                             f"{cell.expected_se:.6g}"])
    return out.getvalue()


# -- the chart ----------------------------------------------------------------------------------------------

def chart_png(steps: list[Forecast], view: ReplayView, nocs: NocRegistry) -> bytes:
    """The replay as a line chart (PNG): one line per series, a band of ±2 standard errors, races on the x axis."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    shown, title, notes = series(steps, view, nocs)
    first = steps[0]
    scale = 100.0 if view.measure == "chance" else 1.0
    figure, axes = plt.subplots(figsize=(10, 6.2), dpi=150)
    positions = list(range(len(steps)))
    colours = plt.get_cmap("tab10" if len(shown) <= 10 else "tab20")
    markers = "osD^vP*Xh<>p"
    for index, line in enumerate(shown):
        values = [scale * view.value(cell) for cell in line.cells]
        errors = [2 * scale * view.error(cell) for cell in line.cells]
        colour = colours(index % colours.N)
        if view.noc is not None:
            # Later lines are drawn thinner on top, so that lines that coincide (a quota and the athletes it makes)
            # all show; each with its band of ±2 standard errors.
            axes.plot(positions, values, marker=markers[index % len(markers)], linewidth=max(3.4 - 0.5 * index, 1.2),
                      markersize=max(7 - index, 3), color=colour, label=line.label, zorder=3 + index)
            axes.fill_between(positions, [v - e for v, e in zip(values, errors, strict=True)],
                              [v + e for v, e in zip(values, errors, strict=True)], color=colour, alpha=0.10,
                              linewidth=0, zorder=1)
        else:
            # Many NOCs: no bands (they would hide the lines); the subtitle gives the largest error.
            axes.plot(positions, values, marker=markers[index % len(markers)], linewidth=2.2, markersize=5,
                      color=colour, label=f"{line.noc} {nocs.name(line.noc)}", zorder=3)
    if view.measure == "chance":
        axes.set_ylim(-2, 102)
        axes.set_yticks([0, 20, 40, 60, 80, 100])
        axes.set_yticklabels([f"{t}%" for t in (0, 20, 40, 60, 80, 100)])
        axes.set_ylabel("Chance of at least one place")
    else:
        axes.set_ylim(bottom=0)
        axes.set_ylabel("Expected places")
    labels = [f"{textwrap.shorten(step.as_of.name or step.as_of.id, 30, placeholder='…')}\n"
              f"{step.as_of.date.isoformat()}" for step in steps]
    axes.set_xticks(positions)
    axes.set_xticklabels(labels, fontsize=7.5, rotation=30, ha="right", rotation_mode="anchor")
    axes.set_xlabel("Forecast standing after the race")
    axes.set_xlim(-0.3, len(steps) - 0.7)
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    figure.text(0.015, 0.965, title[0].upper() + title[1:], fontsize=13, fontweight="bold", ha="left", va="top")
    worst = max((2 * scale * view.error(cell) for line in shown for cell in line.cells), default=0.0)
    unit = " points" if view.measure == "chance" else ""
    band = "shaded: ±2 standard errors" if view.noc is not None else f"±2 standard errors: at most ±{worst:.0f}{unit}"
    subtitle = (f"{first.system.sport}, {first.system.edition} · {first.runs} simulated seasons per race, seed "
                f"{first.seed}, engine {first.engine} · {band}")
    figure.text(0.015, 0.925, subtitle, fontsize=8.5, color="#444444", ha="left", va="top")
    if shown:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    else:
        axes.text(0.5, 0.5, "nothing to show: no chance in any simulated season", transform=axes.transAxes,
                  ha="center", color="#666666")
    footer = "; ".join(notes)
    if first.notice:
        figure.text(0.015, 0.012, first.notice, fontsize=8, color="#b00020", fontweight="bold", ha="left")
    if footer:
        lines = textwrap.wrap(footer, 190)
        shown_lines = lines[:2] if len(lines) <= 2 else [lines[0], textwrap.shorten(" ".join(lines[1:]), 185)]
        figure.text(0.015, 0.04 if first.notice else 0.012, "\n".join(shown_lines), fontsize=7, color="#555555",
                    ha="left", va="bottom")
    figure.tight_layout(rect=(0, 0.06, 1, 0.9))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
