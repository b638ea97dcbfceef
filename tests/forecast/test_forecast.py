"""Running forecasts: the same numbers whatever the jobs, executor or task size; the invariants of every simulated
season; pins; sensitivity; and the tallies and their standard errors."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from qualify.errors import InputError
from qualify.forecast import engines, reference
from qualify.forecast.fields import Entrant, future_fields
from qualify.forecast.model import fit
from qualify.forecast.pins import Pin, apply_pins, read_pins
from qualify.forecast.run import (
    CellForecast,
    Simulation,
    Tally,
    block_sizes,
    block_stream,
    forecast,
    run_simulation,
    tasks_for,
)
from qualify.forecast.sensitivity import split_point, strongest_race, swings
from qualify.io.season import read_season
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.ranking.points import load_points_tables
from qualify.ranking.synth import SYNTHESIZERS
from qualify.rules import load_system
from tests.forecast.universe import mini_system, mini_universe


@pytest.fixture(scope="module")
def mini():
    system = mini_system()
    season = mini_universe(7).season(np.random.default_rng(7))
    return system, season, load_points_tables(system)


@pytest.fixture(scope="module")
def short_track(tmp_path_factory):
    system = load_system("short-track-2026")
    folder = tmp_path_factory.mktemp("st")
    SYNTHESIZERS[system.id](5, folder)
    return system, read_season(folder, system), load_points_tables(system)


@pytest.fixture(scope="module")
def ski(tmp_path_factory):
    system = load_system("ski-mountaineering-2026")
    folder = tmp_path_factory.mktemp("ski")
    SYNTHESIZERS[system.id](3, folder)
    return system, read_season(folder, system), load_points_tables(system)


# -- streams, blocks and tasks ------------------------------------------------------------------------------

def test_block_streams_are_the_children_of_the_seed():
    for count in (3, 12):
        children = np.random.SeedSequence(42).spawn(count)
        for index in (0, 2):
            expected = np.random.default_rng(children[index]).random(5)
            assert np.array_equal(block_stream(42, index).random(5), expected)


def test_runs_are_cut_into_blocks_and_blocks_grouped_into_tasks():
    assert block_sizes(250, 100) == [100, 100, 50]
    assert block_sizes(200, 100) == [100, 100]
    assert block_sizes(0, 100) == []
    assert tasks_for(250, 100, 200, 1) == [[0, 1], [2]]
    # With several jobs, at least four tasks per job while there are blocks enough; every block once, in order.
    tasks = tasks_for(1000, 10, 1000, 2)
    assert len(tasks) >= 8 and [block for task in tasks for block in task] == list(range(100))


def test_the_same_seed_gives_the_same_numbers_whatever_the_jobs_executor_or_task_size(mini):
    system, season, tables = mini
    kwargs = dict(runs=60, seed=11, block=10)
    one = forecast(system, season, "r2", tables, **kwargs)
    two_processes = forecast(system, season, "r2", tables, jobs=2, **kwargs)
    with ThreadPoolExecutor(max_workers=3) as pool:
        threads = forecast(system, season, "r2", tables, executor=pool, **kwargs)
    small_tasks = forecast(system, season, "r2", tables, per_task=10, **kwargs)
    for other in (two_processes, threads, small_tasks):
        assert other.tally.seasons == 60
        assert np.array_equal(other.tally.histogram, one.tally.histogram)
    another_seed = forecast(system, season, "r2", tables, runs=60, seed=12, block=10)
    assert not np.array_equal(another_seed.tally.histogram, one.tally.histogram)


def test_the_batch_engine_is_the_default_and_gives_the_reference_numbers(mini):
    system, season, tables = mini
    assert engines.default_engine() == "batch"
    by_default = forecast(system, season, "r2", tables, runs=60, seed=3, block=10)
    by_reference = forecast(system, season, "r2", tables, runs=60, seed=3, engine="reference", block=10)
    assert by_default.engine == "batch" and by_reference.engine == "reference"
    assert np.array_equal(by_default.tally.histogram, by_reference.tally.histogram)


def _refuse(problem):
    from qualify.forecast.batch import Unsupported
    raise Unsupported("step type 'lottery' has no batch runner")


def test_a_system_the_batch_engine_cannot_mirror_falls_back_to_the_reference_and_says_so(mini, monkeypatch):
    from qualify.forecast import batch
    system, season, tables = mini
    monkeypatch.setattr(batch, "plan_for", _refuse)
    result = forecast(system, season, "r2", tables, runs=10, seed=1, block=10)
    assert result.engine == "reference"
    assert any("'lottery' has no batch runner" in note for note in result.notes)
    with pytest.raises(InputError, match="the batch engine cannot evaluate this system: step type 'lottery'"):
        forecast(system, season, "r2", tables, runs=10, seed=1, engine="batch", block=10)


def test_an_unknown_engine_is_an_input_error(mini):
    system, season, tables = mini
    with pytest.raises(InputError, match="found 'nope', expected one of: batch, reference"):
        forecast(system, season, "r2", tables, runs=5, seed=1, engine="nope")


def test_an_evaluator_returning_the_wrong_shape_is_refused(mini):
    system, season, tables = mini
    model = fit(system, season, "r2")
    problem = reference.ForecastProblem.build(system, season, "r2", tables,
                                              fields=model.fill(future_fields(system, season, "r2")))
    simulation = Simulation(problem, model, "broken", lambda p, o: np.zeros((1, 1, 1), dtype=np.int16), 1, 5)
    with pytest.raises(ValueError, match="expected"):
        run_simulation(simulation)


def test_a_forecast_from_the_last_race_is_the_final_allocation(mini):
    system, season, tables = mini
    result = forecast(system, season, "r4", tables, runs=50, seed=1)
    assert result.final and result.tally.seasons == 50
    for cell in result.rows():
        assert cell.certain and cell.p_any in (0.0, 1.0) and cell.p_any_se == 0.0


# -- the tallies and their errors ------------------------------------------------------------------------------

def test_a_cells_numbers_follow_from_its_histogram():
    column = mini_system().summary[0]
    cell = CellForecast("AUT", column, 200, np.array([50, 100, 50, 0], dtype=np.int64))
    assert cell.distribution == [0.25, 0.5, 0.25]
    assert cell.p_any == 0.75
    assert cell.p_any_se == pytest.approx(np.sqrt(0.75 * 0.25 / 200))
    assert cell.expected == pytest.approx(1.0)
    # Sample variance of 50 zeros, 100 ones, 50 twos: 100 / 199.
    assert cell.expected_se == pytest.approx(np.sqrt(100 / 199 / 200))
    assert cell.distribution_se[1] == pytest.approx(np.sqrt(0.25 / 200))


def test_tallies_add_up_whatever_their_widths():
    a = Tally.of(np.array([[[0, 1]], [[2, 1]]], dtype=np.int16))
    b = Tally.of(np.array([[[3, 0]]], dtype=np.int16))
    a.merge(b)
    assert a.seasons == 3
    assert a.histogram[0, 0].tolist() == [1, 0, 1, 1]
    assert a.histogram[0, 1].tolist() == [1, 2, 0, 0]


# -- invariants of every simulated season -------------------------------------------------------------------------

def test_every_simulated_short_track_season_hands_out_each_events_places(short_track):
    """Straight from the rule file: 32, 32 and 36 starting places per distance and 8 relay teams per gender in every
    simulated season. Mixed teams: at most 12; fewer when too few NOCs on the mixed relay list have (or are one
    athlete short of) two men and two women, as the seed's Mixed section allows. A gender's athletes are at least
    the NOC's largest distance count and at most five."""
    system, season, tables = short_track
    model = fit(system, season, "2")
    fields = model.fill(future_fields(system, season, "2"))
    problem = reference.ForecastProblem.build(system, season, "2", tables, fields=fields)
    simulation = Simulation(problem, model, "reference", reference.evaluate, 9, 6)
    counts = reference.evaluate(problem, simulation.outcomes(0, 6))
    places = {event.id: event.places for event in system.events}
    cells = problem.cells
    for index, column in enumerate(cells.columns):
        if column.event is None:
            continue
        handed_out = counts[:, :, index].sum(axis=1)
        if column.key == "mixed":
            assert (handed_out <= places[column.event]).all() and (handed_out >= 8).all()
        else:
            assert (handed_out == places[column.event]).all(), column.key
    for gender in ("m", "w"):
        total = counts[:, :, cells.column(f"{gender}_total")]
        distances = np.stack([counts[:, :, cells.column(f"{gender}_{d}")] for d in ("500m", "1000m", "1500m")])
        assert (total >= distances.max(axis=0)).all() and (total <= 5).all()
    tally = Tally.of(counts)
    result_cells = [CellForecast(noc, column, tally.seasons, tally.histogram[cells.row(noc), cells.column(column.key)])
                    for noc in cells.nocs for column in cells.columns]
    for cell in result_cells:
        assert sum(cell.distribution) == pytest.approx(1.0)


def test_expected_places_sum_to_the_quotas_and_distributions_to_one(ski):
    """Ski mountaineering: 18 men's and 18 women's quotas, 36 athletes, whatever happens in the races to come."""
    system, season, tables = ski
    result = forecast(system, season, "wch-2025", tables, runs=12, seed=2)
    quotas = {quota.gender.value: quota.places for quota in system.quotas}
    totals = {column.key: sum(result.cell(noc, column.key).expected for noc in result.cells.nocs)
              for column in result.cells.columns}
    assert totals["men"] == pytest.approx(quotas["M"])
    assert totals["women"] == pytest.approx(quotas["W"])
    assert totals["athletes"] == pytest.approx(quotas["M"] + quotas["W"])
    for cell in result.rows():
        assert sum(cell.distribution) == pytest.approx(1.0)
        assert sum(k * p for k, p in enumerate(cell.distribution)) == pytest.approx(cell.expected)
        assert 0.0 <= cell.p_any <= 1.0


# -- pins ----------------------------------------------------------------------------------------------------

def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pinned_result_holds_in_every_simulated_season(mini, tmp_path):
    system, season, tables = mini
    nocs = load_nocs()
    fields = future_fields(system, season, "r2")
    weakest = "HUN sprinter 2"
    pins = read_pins(_write(tmp_path / "pins.csv", f"race,gender,event,place,noc,athlete\nr3,M,sprint,1,HUN,"
                                                   f"{weakest}\nr4,M,sprint,1,HUN,{weakest}\n"), season, fields, nocs)
    assert [(p.race, p.place, p.entrant) for p in pins] == [("r3", 1, Entrant("HUN", weakest)),
                                                             ("r4", 1, Entrant("HUN", weakest))]
    model = fit(system, season, "r2")
    pinned = apply_pins(model.fill(fields), pins)
    problem = reference.ForecastProblem.build(system, season, "r2", tables, fields=pinned)
    outcomes = Simulation(problem, model, "reference", reference.evaluate, 1, 40).outcomes(0, 40)
    for event, ranks in zip(pinned.events, outcomes, strict=True):
        assert (ranks[:, event.entrants.index(Entrant("HUN", weakest))] == 1).all()
    # Two wins for the weakest athlete: HUN is far likelier to hold a place than without them.
    free = forecast(system, season, "r2", tables, runs=200, seed=5)
    what_if = forecast(system, season, "r2", tables, runs=200, seed=5, pins=pins)
    assert what_if.cell("HUN", "men").p_any > free.cell("HUN", "men").p_any + 0.3


def test_pin_files_are_checked_row_by_row(ski, tmp_path):
    system, season, _ = ski
    fields = future_fields(system, season, "wch-2025")
    someone = next(e for e in fields.events if e.key == ("solitude", Gender.MEN, "sprint")).entrants[0]
    text = ("race,gender,event,place,noc,athlete,team\n"
            "nowhere,M,sprint,1,ESP,A,\n"  # 2 unknown race
            "bormio,M,sprint,1,ESP,A,\n"  # 3 already held
            "solitude,M,relay,1,ESP,,\n"  # 4 no such event at that race
            "solitude,M,sprint,0,ESP,A,\n"  # 5 place below 1
            "solitude,M,sprint,500,ESP,A,\n"  # 6 place beyond the entrants
            "solitude,M,sprint,1,ESP,Nobody Known,\n"  # 7 cannot start
            f"solitude,M,sprint,2,{someone.noc},{someone.athlete},\n"  # 8 fine
            f"solitude,M,sprint,2,XXX,{someone.athlete},\n"  # 9 unknown NOC
            f"solitude,M,sprint,3,{someone.noc},{someone.athlete},\n"  # 10 same athlete twice
            "solitude,X,mixed-relay,1,ESP,Someone,\n"  # 11 athlete in a team event
            "solitude,M,sprint,2,ESP,,\n"  # 12 no athlete in an individual event
            "solitude,Q,sprint,1,ESP,A,\n")  # 13 bad gender
    with pytest.raises(InputError) as caught:
        read_pins(_write(tmp_path / "pins.csv", text), season, fields, load_nocs())
    lines = caught.value.lines()
    rows = [int(line.split(", row ")[1].split(",")[0]) for line in lines]
    assert rows == [2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13]
    assert "field 'race': found race 'nowhere', expected a race of the calendar" in lines[0]
    assert "race bormio is not still to come" in lines[1]
    assert "field 'event'" in lines[2]
    assert "expected a whole number >= 1" in lines[3]
    assert "field 'place': found 500, expected at most" in lines[4]
    assert "cannot start" in lines[5]
    assert "unknown NOC code 'XXX'" in lines[6]
    assert "already pinned" in lines[7]
    assert "expected no athlete" in lines[8]
    assert "expected one: " in lines[9]
    assert "expected M, W or X" in lines[10]


def test_two_pins_on_one_place_are_refused(mini, tmp_path):
    system, season, _ = mini
    fields = future_fields(system, season, "r2")
    text = ("race,gender,event,place,noc,athlete\n"
            "r3,M,sprint,1,AUT,AUT sprinter 1\n"
            "r3,M,sprint,1,BEL,BEL sprinter 1\n")
    with pytest.raises(InputError, match="row 3, field 'place': place 1 of M sprint at race r3 is already pinned at "
                                         "row 2"):
        read_pins(_write(tmp_path / "pins.csv", text), season, fields, load_nocs())


def test_a_team_is_pinned_by_its_noc(ski, tmp_path):
    system, season, _ = ski
    fields = future_fields(system, season, "wch-2025")
    relay = next(e for e in fields.events if e.key == ("solitude", Gender.MIXED, "mixed-relay"))
    single = next(e for e in relay.entrants if sum(x.noc == e.noc for x in relay.entrants) == 1)
    pins = read_pins(_write(tmp_path / "pins.csv", f"race,gender,event,place,noc\nsolitude,X,mixed-relay,1,"
                                                   f"{single.noc}\n"), season, fields, load_nocs())
    assert pins == [Pin("solitude", Gender.MIXED, "mixed-relay", 1, single, str(tmp_path / "pins.csv"), 2)]


# -- sensitivity ----------------------------------------------------------------------------------------------

def test_the_split_is_the_best_places_nearest_to_half_of_the_seasons():
    # index 0: no place; then best place 1st, 2nd, ...
    assert split_point(np.array([10, 30, 15, 5, 40])) == 3  # 1st-3rd: 30 + 15 + 5 = 50 of 100
    assert split_point(np.array([10, 30, 16, 20, 24])) == 2  # 1st-2nd: 46 of 100, nearer half than 1st-3rd: 66
    assert split_point(np.array([0, 100, 0])) is None  # always first: nothing to compare
    assert split_point(np.array([100, 0, 0])) is None  # never placed
    assert split_point(np.array([80, 20])) == 1


def test_doing_well_in_a_race_raises_the_chance_of_a_place(mini):
    system, season, tables = mini
    result = forecast(system, season, "r2", tables, runs=300, seed=4, sensitivity=["DEN", "ESP"])
    for noc in ("DEN", "ESP"):
        if not 0 < result.cell(noc, "men").p_any < 1:
            continue
        found = swings(result.tally.sensitivity[noc], result.fields, result.cells, ["men"])
        assert {s.race for s in found} == {"r3", "r4"}
        for swing in found:
            assert swing.good + swing.bad == 300
            assert swing.delta > 0
        strongest = strongest_race(found)
        assert strongest is not None and strongest.delta == max(s.delta for s in found)


def _breaking(problem, outcomes):
    from qualify.errors import AuditError, Breach
    raise AuditError([Breach("ranking", "cap 'noc-gender'", "a clause", "AUT holds 3 places, at most 2")])


def test_an_audit_breach_in_a_worker_process_comes_back_as_itself(mini, monkeypatch):
    from qualify.errors import AuditError
    system, season, tables = mini
    monkeypatch.setitem(engines.EVALUATORS, "breaking", _breaking)
    with pytest.raises(AuditError) as caught:
        forecast(system, season, "r2", tables, runs=20, seed=1, engine="breaking", jobs=2, block=10)
    assert caught.value.lines() == ["audit: after step 'ranking', cap 'noc-gender' is broken: AUT holds 3 places, "
                                    "at most 2 [a clause]"]
