"""The forecast's shared pieces: fields of the races to come, the Plackett-Luce sampler, the reference evaluation."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from qualify.forecast.fields import Entrant, EventField, Fields, future_fields
from qualify.forecast.reference import ForecastProblem, evaluate
from qualify.forecast.sample import sample_event
from qualify.io.report import build_summary
from qualify.io.season import read_season
from qualify.model.common import Gender
from qualify.ranking.points import load_points_tables
from qualify.ranking.synth import SYNTHESIZERS
from qualify.rules import load_system
from qualify.standings import standing_at


def _field(size: int, strengths: list[float] | None = None, dnf: float = 0.0,
           pins: tuple[tuple[int, int], ...] = ()) -> EventField:
    entrants = tuple(Entrant(f"N{i:02d}", f"A{i:02d}") for i in range(size))
    log = np.array(strengths if strengths is not None else [0.0] * size, dtype=np.float64)
    return EventField("r", Gender.MEN, "sprint", entrants, log, np.full(size, dnf)).with_pins(pins)


def test_every_season_ranks_the_finishers_one_to_k():
    ranks = sample_event(_field(12, dnf=0.2), 500, np.random.default_rng(3))
    for row in ranks:
        placed = sorted(int(r) for r in row if r)
        assert placed == list(range(1, len(placed) + 1))
    # About one in five finishes without a place.
    assert 0.15 < (ranks == 0).mean() < 0.25


def test_pinned_entrants_take_their_places_and_the_others_fill_the_rest():
    ranks = sample_event(_field(6, pins=((4, 1), (0, 3))), 300, np.random.default_rng(5))
    assert (ranks[:, 4] == 1).all() and (ranks[:, 0] == 3).all()
    for row in ranks:
        assert sorted(row.tolist()) == [1, 2, 3, 4, 5, 6]


def test_the_winner_follows_the_plackett_luce_worths():
    # Worths 4 : 2 : 1 : 1: the first wins with probability 4/8 = 0.5, the second 0.25, the others 0.125 each.
    ranks = sample_event(_field(4, list(np.log([4.0, 2.0, 1.0, 1.0]))), 40_000, np.random.default_rng(11))
    wins = Counter(int(np.argmin(np.where(row == 1, 0, 1))) for row in ranks)
    for entrant, expected in enumerate([0.5, 0.25, 0.125, 0.125]):
        share = wins[entrant] / 40_000
        assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / 40_000)


def test_future_fields_hold_the_races_after_as_of_and_the_athletes_seen_so_far(tmp_path: Path):
    system = load_system("short-track-2026")
    SYNTHESIZERS[system.id](5, tmp_path)
    season = read_season(tmp_path, system)
    fields = future_fields(system, season, "2")
    assert [race.id for race in fields.races] == ["3", "4"]
    # Each stage holds 3 distances x 2 genders + 2 relays + the mixed relay.
    assert len(fields.events) == 2 * 9
    seen = {(r.noc, r.athlete) for r in season.up_to("2").results if r.gender is Gender.WOMEN and r.event == "500m"}
    women_500 = next(e for e in fields.events if e.key == ("3", Gender.WOMEN, "500m"))
    assert {(e.noc, e.athlete) for e in women_500.entrants} == seen


@pytest.mark.parametrize("system_id, as_of", [("short-track-2026", "2"), ("ski-mountaineering-2026", "schladming")])
def test_the_real_rest_of_a_season_evaluates_to_its_real_allocation(tmp_path: Path, system_id: str, as_of: str):
    """Fields made of the real later results, ranked as they really finished (ties included), must give the Summary of
    the real season: the plumbing from outcomes to counts adds and loses nothing."""
    system = load_system(system_id)
    SYNTHESIZERS[system_id](9, tmp_path)
    season = read_season(tmp_path, system)
    tables = load_points_tables(system)
    later = season.races[season.position(as_of) + 1:]
    events, outcomes = [], []
    for race in later:
        by_event: dict[tuple[Gender, str], list] = {}
        for result in season.results_of(race.id):
            by_event.setdefault((result.gender, result.event), []).append(result)
        for (gender, event), rows in sorted(by_event.items(), key=lambda item: (item[0][0].value, item[0][1])):
            entrants = tuple(Entrant(r.noc, r.athlete, r.team) for r in rows)
            zeros = np.zeros(len(rows))
            events.append(EventField(race.id, gender, event, entrants, zeros, zeros.copy()))
            outcomes.append(np.array([[r.rank or 0 for r in rows]], dtype=np.int16))
    fields = Fields(season.race(as_of), later, tuple(events))
    problem = ForecastProblem.build(system, season, as_of, tables, fields=fields)
    counted = evaluate(problem, tuple(outcomes))[0]
    real = standing_at(system, season, season.races[-1].id, tables)
    summary = build_summary(system, real.allocation, problem.nocs)
    assert summary.rows  # a real allocation
    for row in summary.rows:
        assert counted[problem.cells.row(row.noc)].tolist() == [cell.value for cell in row.cells]
    holders = {row.noc for row in summary.rows}
    assert all(not counted[problem.cells.row(code)].any() for code in problem.cells.nocs if code not in holders)
