"""A forecast as the terminal shows it, as CSV and as JSON.

Every output states what the numbers stand on: the race the season stands at (and its date), the races simulated,
the runs, the seed, the engine, the pins, and the synthetic-data notice when the season is synthetic. Every
probability has its Monte Carlo standard error (JSON and CSV give each; the terminal gives the largest).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from qualify.forecast.run import CellForecast, Forecast
from qualify.forecast.sensitivity import Swing, by_race, strongest_race, swings
from qualify.io.formats.common import column_heading, short_code
from qualify.io.formats.grid import CellValue, Column, Grid, wrap_items
from qualify.io.standings import race_record
from qualify.model.nocs import NocRegistry
from qualify.rules import SummaryColumn

FORMATS = ("table", "csv", "json")
STATUS_NOTE = ("status: exact clinched / eliminated / open status comes from `qualify status`; null until it is "
               "computed")


# -- words shared by every format ---------------------------------------------------------------------------

def standing_line(result: Forecast) -> str:
    race = result.as_of
    return (f"Forecast for {result.system.sport}, {result.system.edition}: standing after race {race.id}: "
            f"{race.name}, {race.date.isoformat()} ({result.races_held} of {result.calendar_races} races with "
            "results)")


def run_line(result: Forecast) -> str:
    if result.final:
        return (f"No race is left to simulate: the allocation after race {result.as_of.id} is final, so every one of "
                f"the {result.runs} runs is the same (seed {result.seed}, engine {result.engine}).")
    races = ", ".join(race.id for race in result.future)
    return (f"{result.runs} simulated seasons of the {len(result.future)} race(s) still to come ({races}; "
            f"{result.events} classifications); seed {result.seed}; engine {result.engine}; streams of "
            f"{result.block} seasons.")


def model_line(result: Forecast) -> str:
    settings = result.model.settings
    placed = sum(group.placed for group in result.model.groups.values())
    draws = "strengths drawn per season from their posterior" if settings.parameter_uncertainty \
        else "strengths fixed at their posterior mode"
    return (f"Results model: Plackett-Luce strengths fitted on {placed} classified results so far ({draws}); "
            "only entrants seen in an event so far can start it (docs/forecast.md).")


def nocs_shown(result: Forecast) -> list[str]:
    """The NOCs that hold a place in some simulated season, in order of the last column's expected count."""
    last = result.cells.columns[-1].key
    shown = [noc for noc in result.cells.nocs if result.holds_anything(noc)]
    return sorted(shown, key=lambda noc: (-result.cell(noc, last).expected, noc))


def percent(cell: CellForecast) -> str:
    p = cell.p_any
    if p == 0.0:
        return "·"
    if p == 1.0:
        return "100"
    if p < 0.005:
        return "<1"
    if p >= 0.995:
        return ">99"
    return f"{100 * p:.0f}"


def expected_text(cell: CellForecast) -> str:
    return "·" if cell.expected == 0.0 else f"{cell.expected:.1f}"


def column_title(column: SummaryColumn) -> str:
    return column_heading(column)


# -- terminal -----------------------------------------------------------------------------------------------

@dataclass
class _Layout:
    codes: bool
    lines: list[Text]


def _grid(result: Forecast, nocs: NocRegistry, shown: list[str], value: Callable[[CellForecast], str], title: str,
          *, codes: bool, total: bool) -> Grid:
    columns = [Column(c.label, c.group) for c in result.cells.columns]
    rows: list[list[CellValue]] = []
    for noc in shown:
        label = short_code(noc, nocs) if codes else nocs.name(noc)
        rows.append([label, *[value(result.cell(noc, c.key)) for c in result.cells.columns]])
    footer: list[list[CellValue]] = []
    if total:
        sums = [sum(result.cell(noc, c.key).expected for noc in result.cells.nocs) for c in result.cells.columns]
        total_row: list[CellValue] = ["Total"]
        footer.append(total_row + [f"{s:.1f}" for s in sums])
    return Grid(Column("NOC" if codes else "Nation", align="left"), columns, rows, footer, title=title)


def _fitted(result: Forecast, nocs: NocRegistry, shown: list[str], value: Callable[[CellForecast], str], title: str,
            width: int, *, total: bool) -> _Layout:
    by_name = _grid(result, nocs, shown, value, title, codes=False, total=total)
    by_code = _grid(result, nocs, shown, value, title, codes=True, total=total)
    parts = [1 if g.least_width() <= width else len(g.split(width)) for g in (by_name, by_code)]
    codes = parts[1] < parts[0]
    return _Layout(codes, (by_code if codes else by_name).render(width))


def table_lines(result: Forecast, nocs: NocRegistry, width: int, *, details: Sequence[str] = (),
                sensitivity: Sequence[str] = ()) -> list[Text]:
    lines: list[Text] = []

    def say(text: str, style: str | None = None) -> None:
        lines.extend(Text(line, style=style or "") for line in wrap_items(text.split(" "), width, separator=" "))

    say(standing_line(result), "bold")
    say(run_line(result))
    say(model_line(result))
    if result.basis:
        say(f"Based on {result.basis}.")
    for pin in result.pins:
        say(f"What if: {pin.text} (pinned, {pin.source} row {pin.row}).", "bold")
    shown = nocs_shown(result)
    hidden = len(result.cells.nocs) - len(shown)
    lines.append(Text(""))
    marks = any(column.display == "mark" for column in result.cells.columns)
    team_note = " (a team column: the chance of the team)" if marks else ""
    chance = _fitted(result, nocs, shown, percent, f"Chance of at least one place, %{team_note}", width, total=False)
    lines += chance.lines
    worst = max((cell.p_any_se for cell in result.rows()), default=0.0)
    say(f"Monte Carlo standard error: at most ±{100 * worst:.1f} points here (±{50 / max(result.runs, 1) ** 0.5:.1f} "
        "at 50%). · never in any simulated season; 100 in every one.", "dim")
    lines.append(Text(""))
    lines += _fitted(result, nocs, shown, expected_text, f"Expected places{team_note}", width, total=True).lines
    if hidden:
        say(f"{hidden} more NOC(s) with results so far hold no place in any simulated season: "
            + ", ".join(noc for noc in result.cells.nocs if noc not in shown) + ".", "dim")
    if chance.codes:
        legend = [f"{short_code(noc, nocs)} {nocs.name(noc)}" for noc in shown]
        lines += [Text(line, style="dim") for line in wrap_items(legend, width, separator=" · ")]
    for noc in details:
        lines.append(Text(""))
        lines += detail_lines(result, nocs, noc, width)
    for noc in sensitivity:
        lines.append(Text(""))
        lines += sensitivity_lines(result, nocs, noc, width)
    if result.notes:
        lines.append(Text(""))
        for note in result.notes:
            say(f"note: {note}", "yellow")
    return lines


def detail_lines(result: Forecast, nocs: NocRegistry, noc: str, width: int) -> list[Text]:
    """Every column of one NOC: the chance with its error, the expected count, and the whole distribution."""
    lines = [Text(f"{nocs.name(noc)} ({noc}): every column", style="bold")]
    for column in result.cells.columns:
        cell = result.cell(noc, column.key)
        shares = [f"{k}: {100 * p:.1f}%" for k, p in enumerate(cell.distribution) if p > 0]
        text = (f"{column_title(column)}: P(at least one) {100 * cell.p_any:.1f}% ±{100 * cell.p_any_se:.1f}; "
                f"expected {cell.expected:.2f} ±{cell.expected_se:.2f}; count " + " · ".join(shares))
        lines += [Text(line) for line in wrap_items(text.split(" "), width, separator=" ")]
    return lines


def _signed(delta: float) -> str:
    points = round(100 * delta)
    return "0" if points == 0 else f"{points:+d}"


def sensitivity_lines(result: Forecast, nocs: NocRegistry, noc: str, width: int) -> list[Text]:
    lines = [Text(f"Sensitivity for {nocs.name(noc)} ({noc}): which race moves its odds", style="bold")]
    tally = result.tally.sensitivity.get(noc)
    open_columns = [c.key for c in result.cells.columns if 0.0 < result.cell(noc, c.key).p_any < 1.0]
    if tally is None or not open_columns:
        reason = "nothing is open: every column is decided in every simulated season" if tally is not None \
            else "not tallied (pass --sensitivity NOC)"
        lines.append(Text(reason))
        return lines
    found = swings(tally, result.fields, result.cells, open_columns)
    strongest = strongest_race(found)
    if strongest is None:
        lines.append(Text(f"{noc} places in no event still to come in any simulated season: no race moves its "
                          "odds through its own results."))
        return lines
    headings = {c.key: c for c in result.cells.columns}
    text = (f"Race {strongest.race} moves {noc}'s odds the most: when {noc}'s best finish in the "
            f"{strongest.event} ({strongest.gender.label}) there is {strongest.good_label}, the chance of "
            f"{column_title(headings[strongest.column])} is {100 * strongest.p_good:.0f}%, otherwise "
            f"{100 * strongest.p_bad:.0f}% ({_signed(strongest.delta)} points ±{100 * strongest.delta_se:.0f}).")
    lines += [Text(line) for line in wrap_items(text.split(" "), width, separator=" ")]
    races = [race.id for race in result.future]
    best = {(r.race, r.column): r.swing for r in by_race(found)}
    columns = [Column(headings[key].label, headings[key].group) for key in open_columns]
    rows: list[list[CellValue]] = []
    for race in races:
        row: list[CellValue] = [race]
        for key in open_columns:
            swing = best.get((race, key))
            row.append(_signed(swing.delta) if swing is not None else "·")
        rows.append(row)
    grid = Grid(Column("Race", align="left"), columns, rows,
                title="Swing per race, points: chance of a place in seasons where the NOC did well in the race's "
                      "most telling event minus where it did badly")
    lines += grid.render(width)
    note = ("Did well: best finish in the better half of its simulated finishes (no place counts as worst). Read "
            "from the same runs; a --pin fixes a result and runs again.")
    lines += [Text(line, style="dim") for line in wrap_items(note.split(" "), width, separator=" ")]
    return lines


def print_forecast(console: Console, result: Forecast, nocs: NocRegistry, *, details: Sequence[str] = (),
                   sensitivity: Sequence[str] = ()) -> None:
    if result.notice:
        console.print(result.notice, style="bold red", markup=False, highlight=False)
    for line in table_lines(result, nocs, console.width, details=details, sensitivity=sensitivity):
        console.print(line, soft_wrap=True, highlight=False)


# -- JSON and CSV -------------------------------------------------------------------------------------------

def cell_record(cell: CellForecast, nocs: NocRegistry) -> dict:
    column = cell.column
    return {"noc": cell.noc, "name": nocs.name(cell.noc), "column": column.key, "label": column_title(column),
            "gender": column.gender.value if column.gender is not None else None, "event": column.event,
            "kind": column.kind, "mark": column.display == "mark",
            "p_any": cell.p_any, "p_any_se": cell.p_any_se, "expected": cell.expected,
            "expected_se": cell.expected_se, "distribution": cell.distribution,
            "distribution_se": cell.distribution_se, "status": None}


def swing_record(swing: Swing) -> dict:
    return {"race": swing.race, "gender": swing.gender.value, "event": swing.event, "column": swing.column,
            "good": swing.good_label, "best_place_up_to": swing.best_up_to, "seasons_good": swing.good,
            "seasons_bad": swing.bad, "p_good": swing.p_good, "p_bad": swing.p_bad, "delta": swing.delta,
            "delta_se": swing.delta_se, "expected_good": swing.expected_good, "expected_bad": swing.expected_bad}


def forecast_document(result: Forecast, nocs: NocRegistry) -> dict:
    model = result.model
    document: dict = {**({"notice": result.notice} if result.notice else {}),
                      "system": result.system.id, "basis": result.basis, "as_of": race_record(result.as_of),
                      "races_held": result.races_held, "simulated_races": [race_record(r) for r in result.future],
                      "runs": result.runs, "seed": result.seed, "engine": result.engine,
                      "block_seasons": result.block,
                      "model": {"kind": "plackett-luce",
                                "settings": {k: getattr(model.settings, k) for k in
                                             ("noc_sd", "unit_sd", "event_sd", "finish_prior_races",
                                              "parameter_uncertainty")},
                                "groups": [{"gender": g.gender.value, "team": g.team, "events": list(g.events),
                                            "entrants": len(g.units), "rankings": g.rankings,
                                            "classified_results": g.placed} for g in model.groups.values()]},
                      "pins": [{"race": p.race, "gender": p.gender.value, "event": p.event, "place": p.place,
                                "noc": p.entrant.noc, "athlete": p.entrant.athlete, "team": p.entrant.team}
                               for p in result.pins],
                      "notes": result.notes, "status_note": STATUS_NOTE,
                      "cells": [cell_record(cell, nocs) for cell in result.rows()]}
    if result.tally.sensitivity:
        document["sensitivity"] = []
        for noc, tally in result.tally.sensitivity.items():
            open_columns = [c.key for c in result.cells.columns if 0.0 < result.cell(noc, c.key).p_any < 1.0]
            found = swings(tally, result.fields, result.cells, open_columns)
            strongest = strongest_race(found)
            document["sensitivity"].append({"noc": noc, "open_columns": open_columns,
                                            "strongest": swing_record(strongest) if strongest else None,
                                            "swings": [swing_record(s) for s in found]})
    return document


def forecast_json(result: Forecast, nocs: NocRegistry) -> str:
    return json.dumps(forecast_document(result, nocs), ensure_ascii=False, indent=2) + "\n"


def forecast_csv(result: Forecast, nocs: NocRegistry) -> str:
    out = io.StringIO()
    if result.notice:
        out.write(f"# {result.notice}\n")
    out.write(f"# {standing_line(result)}\n# {run_line(result)}\n")
    if result.basis:
        out.write(f"# Based on {result.basis}.\n")
    for pin in result.pins:
        out.write(f"# What if: {pin.text}\n")
    rows = result.rows()
    top = max((len(cell.distribution) for cell in rows), default=1)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["noc", "name", "column", "gender", "event", "kind", "p_any", "p_any_se", "expected",
                     "expected_se", *[f"p_{k}" for k in range(top)], "status"])
    for cell in rows:
        column = cell.column
        shares = cell.distribution + [0.0] * (top - len(cell.distribution))
        writer.writerow([cell.noc, nocs.name(cell.noc), column.key,
                         column.gender.value if column.gender is not None else "", column.event or "",
                         column.kind or "", _number(cell.p_any), _number(cell.p_any_se), _number(cell.expected),
                         _number(cell.expected_se), *[_number(p) for p in shares], ""])
    return out.getvalue()


def _number(value: float) -> str:
    return f"{value:.6g}"
