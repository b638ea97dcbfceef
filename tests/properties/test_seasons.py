"""Properties of seasons and the list builder.

* the lists do not depend on the order of the result rows;
* adding a race never lowers an entry's total on a best-N (or all-races) list;
* the standings after the last race are exactly what ``allocate`` gives on the same season folder.

Generated seasons use the small rule file of ``tests/unit/test_builder.py``: 1 to 5 races, 2 to 9 athletes of four
NOCs per race, places with ties, and athletes who did not start or finish.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qualify.engine import allocate
from qualify.io.inputs import load_inputs
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.model.season import Race, Result, Season
from qualify.ranking.builder import build_lists
from qualify.ranking.points import load_points_tables
from qualify.ranking.synth import SYNTHESIZERS
from qualify.rules import load_system
from qualify.standings import standing_at
from tests.unit.test_builder import SYSTEM, TABLES

NOCS = load_nocs()
ATHLETES = {f"{noc} {i}": noc for noc in ("ESP", "FRA", "SUI", "ITA") for i in (1, 2, 3)}
SEASON_LISTS = ("best2-full", "best2-mean", "all-full", "countback", "slots2")


@st.composite
def race_results(draw, race_id: str) -> list[Result]:
    field = draw(st.lists(st.sampled_from(sorted(ATHLETES)), min_size=2, max_size=9, unique=True))
    placed = draw(st.integers(min_value=1, max_value=len(field)))
    ranks, rank = [], 1
    while len(ranks) < placed:
        tied = min(draw(st.sampled_from([1, 1, 1, 2, 3])), placed - len(ranks))
        ranks += [rank] * tied
        rank += tied
    out = [Result(race_id, Gender.MEN, "sprint", r, ATHLETES[a], athlete=a) for a, r in zip(field, ranks, strict=False)]
    out += [Result(race_id, Gender.MEN, "sprint", None, ATHLETES[a], athlete=a, status=draw(st.sampled_from(
        ["DNS", "DNF", "DSQ"]))) for a in field[placed:]]
    return out


@st.composite
def seasons(draw) -> Season:
    count = draw(st.integers(min_value=1, max_value=5))
    races = [Race(f"r{i}", date(2025, 1, 1 + 7 * i), f"Race {i}", "world-cup", SEASON_LISTS) for i in range(count)]
    results = [row for race in races for row in draw(race_results(race.id))]
    return Season.from_results(races, results)


def totals(season: Season) -> dict[str, dict[tuple, object]]:
    built = build_lists(SYSTEM, season, TABLES, nocs=NOCS)
    return {list_id: {(e.noc, e.athlete, e.qualifier): (e.rank, e.total, e.values) for e in made.entries}
            for list_id, made in built.lists.items()}


@given(seasons(), st.randoms(use_true_random=False))
def test_lists_do_not_depend_on_row_order(season: Season, rng: random.Random) -> None:
    rows = list(season.results)
    rng.shuffle(rows)
    assert totals(Season.from_results(season.races, rows)) == totals(season)


@given(seasons())
def test_adding_a_race_never_lowers_a_total(season: Season) -> None:
    before: dict | None = None
    for race in season.races:
        now = totals(season.up_to(race.id))
        if before is not None:
            for list_id in SEASON_LISTS:
                for key, (_, total, _) in before[list_id].items():
                    assert now[list_id][key][1] >= total, (list_id, key, race.id)
        before = now


SYNTH = settings(max_examples=max(2, settings.default.max_examples // 10), deadline=None)


@SYNTH
@given(st.sampled_from(sorted(SYNTHESIZERS)), st.integers(0, 2**32 - 1))
def test_standings_after_the_last_race_equal_allocate(system_id: str, seed: int) -> None:
    system = load_system(system_id)
    with tempfile.TemporaryDirectory() as folder:
        SYNTHESIZERS[system_id](seed, Path(folder))
        inputs = load_inputs(system, None, NOCS, season_dir=Path(folder))
        allocation = allocate(system, inputs.lists, race_results=inputs.race_results, nocs=NOCS, notes=inputs.notes)
        assert inputs.season is not None and inputs.as_of is not None and inputs.notice
        full = inputs.season
    standing = standing_at(system, full, full.races[-1].id, load_points_tables(system), nocs=NOCS)
    assert standing.as_of == inputs.as_of
    assert standing.allocation.model_dump() == allocation.model_dump()
