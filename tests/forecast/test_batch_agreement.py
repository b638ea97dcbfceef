"""The batch engine agrees with the reference engine, season by season and cell by cell.

Both engines get the SAME outcomes (drawn by either sampler, with tied places injected into some of them). Each case
is a synthetic season of a bundled system stood after a race, with the bundled rule file or a variant of it that
switches a reading or an option, so that every step type and builder option the batch engine mirrors is run.
Each case also says which situations it is there for (a host taking a displaced place, a second mixed-relay pass,
the athlete total above the ceiling ...): the reference allocations of the tested seasons must show them, so that
the agreement is tested where it matters, not only where it is easy.

CI runs a few seasons per case (see ``SEASONS``); ``HYPOTHESIS_PROFILE=long`` runs 14 times as many (over 1,000 per
system): ``HYPOTHESIS_PROFILE=long pytest tests/forecast/test_batch_agreement.py``.
"""

from __future__ import annotations

import copy
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import yaml

from qualify.forecast import batch
from qualify.forecast.fields import EventField, Fields
from qualify.forecast.reference import ForecastProblem
from qualify.forecast.sample import sample as reference_sample
from qualify.io.season import read_season
from qualify.model.allocation import Allocation, PlaceStatus, SkipReason
from qualify.model.common import Gender
from qualify.model.season import Season
from qualify.ranking.points import load_points_tables
from qualify.ranking.synth import SYNTHESIZERS
from qualify.rules import (
    AdditionalAthleteStep,
    ContinentalBestStep,
    HostGuaranteeStep,
    RankingWalkStep,
    System,
    TeamCompletionStep,
    parse_system,
)
from qualify.standings import standing_at

SRC = Path(__file__).resolve().parents[2] / "src" / "qualify" / "systems"
LONG = os.environ.get("HYPOTHESIS_PROFILE", "ci") == "long"
SCALE = 14 if LONG else 1
ST, SM = "short-track-2026", "ski-mountaineering-2026"


# --- rule-file variants ----------------------------------------------------------------------------------------

def _steps(document: dict, type_name: str) -> list[dict]:
    return [step for step in document["steps"] if step["type"] == type_name]


def host(code: str, when_full: str | None = None) -> Callable[[dict], None]:
    def edit(document: dict) -> None:
        document["host"] = code
        for step in _steps(document, "host_guarantee"):
            if when_full is not None:
                step["when_full"] = when_full
    return edit


def athletes(**changes: object) -> Callable[[dict], None]:
    def edit(document: dict) -> None:
        document["athletes"].update(changes)
    return edit


def mixed(**changes: object) -> Callable[[dict], None]:
    def edit(document: dict) -> None:
        for step in _steps(document, "team_completion"):
            step.update(changes)
    return edit


def additional(**changes: object) -> Callable[[dict], None]:
    def edit(document: dict) -> None:
        for step in _steps(document, "additional_athlete"):
            step.update(changes)
    return edit


def builds(*list_ids: str, **changes: object) -> Callable[[dict], None]:
    """Change the build of the named lists (all built lists without names)."""
    def edit(document: dict) -> None:
        for spec in document["lists"]:
            if "build" in spec and (not list_ids or spec["id"] in list_ids):
                spec["build"] = {**spec["build"], **changes}
                if changes.get("combine") == "all":
                    spec["build"].pop("best", None)
    return edit


def tie_break(rule: str) -> Callable[[dict], None]:
    def edit(document: dict) -> None:
        document["tie_break"]["rule"] = rule
    return edit


def continental(reading: str) -> Callable[[dict], None]:
    def edit(document: dict) -> None:
        for step in _steps(document, "continental_best"):
            step["reading"] = reading
    return edit


def quotas(places: int) -> Callable[[dict], None]:
    def edit(document: dict) -> None:
        for quota in document["quotas"]:
            quota["places"] = places
    return edit


def eligibility(**changes: object) -> Callable[[dict], None]:
    def edit(document: dict) -> None:
        document["eligibility"].update(changes)
    return edit


def european_walk(document: dict) -> None:
    """A ranking walk with a continent, exclude_steps and only_new_nocs, placed before the sprint pathway."""
    at = next(i for i, step in enumerate(document["steps"]) if step["id"] == "wch-sprint-M")
    document["steps"].insert(at, {
        "id": "europe-extra", "type": "ranking_walk", "label": "European extra", "group": "relay-remaining",
        "clause": "test variant", "list": "mixed-relay-ranking", "grant": [{"gender": "M"}, {"gender": "W"}],
        "continent": "Europe", "exclude_steps": ["wch-mixed-relay"], "only_new_nocs": True, "take": 2})


def chain(*edits: Callable[[dict], None]) -> Callable[[dict], None]:
    def edit(document: dict) -> None:
        for one in edits:
            one(document)
    return edit


@cache
def _document(system_id: str) -> dict:
    return yaml.safe_load((SRC / f"{system_id}.yaml").read_text(encoding="utf-8"))


def variant(system_id: str, edit: Callable[[dict], None] | None) -> System:
    document = copy.deepcopy(_document(system_id))
    if edit is not None:
        edit(document)
    return parse_system(document, f"{system_id} (test variant)")


# --- cases -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    system: str
    name: str
    as_of: str
    seasons: int
    edit: Callable[[dict], None] | None = None
    strengths: str = "form"  # "form": from the results so far; "even": every entrant alike
    ties: float = 0.25  # share of seasons with tied places injected into some events
    pins: bool = False
    synth_seed: int = 5
    sampler: str = "batch"  # which sampler draws the outcomes (both engines get the same ones)
    expect: tuple[str, ...] = field(default=())  # situations the reference allocations must show

    @property
    def id(self) -> str:
        return f"{self.system.split('-')[0]}-{self.name}"


CASES = (
    # Short track: from the first, second and third stage; the bundled readings.
    Case(ST, "stage1-even", "1", 6, strengths="even", sampler="reference",
         expect=("neutral", "mixed_first_pass", "ceiling_above", "host_guarantee")),
    Case(ST, "stage2", "2", 10, pins=True,
         expect=("neutral", "mixed_first_pass", "mixed_second_pass", "host_qualified", "past_ties")),
    Case(ST, "stage3-one-to-go", "3", 6, synth_seed=8, expect=("host_qualified", "tie_decided")),
    # A host that misses places (guaranteed, displacing the last place in a full event) and the other reading.
    Case(ST, "weak-host-displace", "2", 8, edit=host("ESP"),
         expect=("host_guarantee", "displaced", "host_qualified")),
    Case(ST, "weak-host-exceed", "2", 4, edit=host("GBR", when_full="exceed"), expect=("host_guarantee",)),
    # The athlete ceiling: walks held to it, the additional athlete below / at / above it, the mixed extra.
    Case(ST, "ceiling-all", "2", 6, edit=athletes(ceiling_reading="all", ceiling=104),
         expect=("ceiling_refused", "ceiling_at")),
    Case(ST, "ceiling-all-mixed-extra", "2", 6,
         edit=chain(athletes(ceiling_reading="all", ceiling=124),
                   mixed(extra_respects_ceiling=True, needs={"M": 3, "W": 3}, max_extra=2)),
         expect=("ceiling_refused", "mixed_second_pass")),
    Case(ST, "ceiling-high", "2", 6, edit=athletes(ceiling=140), expect=("ceiling_below", "additional")),
    # Mixed relay completion: the second pass (NOCs short by one or two athletes).
    Case(ST, "mixed-second-pass", "2", 6, edit=mixed(needs={"M": 3, "W": 3}, max_extra=2),
         expect=("mixed_first_pass", "mixed_second_pass")),
    Case(ST, "additional-men-first", "2", 4, expect=("additional",),
         edit=chain(additional(order="men_first", starting_places=6), athletes(ceiling=140))),
    Case(ST, "additional-women-first", "3", 4, expect=("additional",),
         edit=chain(additional(order="women_first"), athletes(ceiling=140))),
    # Builder options.
    Case(ST, "countback-full", "2", 5, edit=builds(tied_places="full", equal_totals="countback"), ties=0.6),
    Case(ST, "all-races", "1", 4, edit=builds(combine="all"), ties=0.4),
    Case(ST, "best-two-equal-points", "2", 5, edit=chain(builds(best=2), tie_break("equal_points")), ties=0.5),
    # Ski mountaineering: before the World Championship (its lists simulated), after it, one race to go.
    Case(SM, "shahdag-no-relay-yet", "shahdag", 4, expect=("neutral",)),
    Case(SM, "arinsal-even", "arinsal", 8, strengths="even", sampler="reference",
         expect=("neutral", "continental", "tie_decided")),
    Case(SM, "bormio", "bormio", 10, pins=True, expect=("continental", "pass_down")),
    Case(SM, "schladming", "schladming", 10, expect=("continental",)),
    Case(SM, "tromso-one-to-go", "tromso", 8, synth_seed=8, expect=("continental",)),
    Case(SM, "every-continent", "bormio", 6, edit=continental("every_continent"), expect=("continental",)),
    Case(SM, "share-mean-countback", "schladming", 6, ties=0.6,
         edit=builds(tied_places="share_mean", equal_totals="countback")),
    Case(SM, "relay-best-equal-points", "villars", 6, ties=0.5,
         edit=chain(builds("mixed-relay-ranking", combine="best", best=3), tie_break("equal_points"))),
    Case(SM, "strict-eligibility", "bormio", 6, expect=("not_eligible",),
         edit=eligibility(rounding="ceil", any_of=[{"races": 3, "top_places": 3, "category": "senior"},
                                                   {"races": 4, "top_fraction": 0.3, "category": "senior"},
                                                   {"races": 1, "top_places": 3, "category": "u18"}])),
    Case(SM, "europe-walk-small-quota", "schladming", 6, edit=chain(european_walk, quotas(14))),
    Case(SM, "host-oceania", "bormio", 6, edit=host("AUS"), expect=("continental",)),
)


# --- problems and outcomes -------------------------------------------------------------------------------------

@cache
def _season_dir(system_id: str, seed: int, root: str) -> Path:
    folder = Path(root) / f"{system_id}-{seed}"
    if not folder.exists():
        SYNTHESIZERS[system_id](seed, folder)
    return folder


@pytest.fixture(scope="module")
def seasons_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("batch-seasons"))


def with_form(fields: Fields, season: Season) -> Fields:
    """Strengths from the results so far: a better mean place, a stronger entrant; a small DNF chance."""
    places: dict[tuple, list[int]] = {}
    for result in season.results:
        key = (result.gender, result.event, result.noc, result.athlete, None if result.athlete else result.team)
        places.setdefault(key, []).append(result.rank or 60)
    events = []
    for event in fields.events:
        mean = [np.mean(places.get((event.gender, event.event, e.noc, e.athlete, e.team), [40]))
                for e in event.entrants]
        events.append(event.with_strengths(-1.6 * np.log(np.array(mean, dtype=np.float64)),
                                           np.full(len(event.entrants), 0.03)))
    return fields.replace_events(tuple(events))


def with_pins(fields: Fields, problem_host: str) -> Fields:
    """Pin the host's team to win a relay and some athlete to the last place, in the last race's events."""
    last = fields.events[-1].race if fields.events else None
    events = []
    for event in fields.events:
        pins: list[tuple[int, int]] = []
        if event.race == last and event.entrants:
            if event.is_team:
                mine = [i for i, e in enumerate(event.entrants) if e.noc == problem_host]
                if mine:
                    pins.append((mine[0], 1))
            elif len(event.entrants) > 3:
                pins.append((1, len(event.entrants)))
        events.append(event.with_pins(tuple(pins)) if pins else event)
    return fields.replace_events(tuple(events))


def inject_ties(outcomes: tuple[np.ndarray, ...], share: float, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Tied places in some events of a share of the seasons: the entrant placed r + 1 (and r + 2) shares place r,
    as competition ranking writes a tie (1, 2, 2, 4)."""
    out = tuple(ranks.copy() for ranks in outcomes)
    for ranks in out:
        for s in np.flatnonzero(rng.random(ranks.shape[0]) < share):
            row = ranks[s]
            placed = int(row.max()) if row.size else 0
            if placed < 3:
                continue
            r = int(rng.integers(1, placed - 1))
            size = 3 if rng.random() < 0.25 and r + 2 <= placed else 2
            for extra in range(1, size):
                row[row == r + extra] = r
    return out


@cache
def _problem(case: Case, root: str) -> tuple[ForecastProblem, tuple[np.ndarray, ...]]:
    system = variant(case.system, case.edit)
    season = read_season(_season_dir(case.system, case.synth_seed, root), system)
    tables = load_points_tables(system)
    problem = ForecastProblem.build(system, season, case.as_of, tables)
    fields = problem.fields
    if case.strengths == "form":
        fields = with_form(fields, season.up_to(case.as_of))
    if case.pins:
        fields = with_pins(fields, system.host)
    problem = ForecastProblem.build(system, season, case.as_of, tables, fields=fields)
    seasons = case.seasons * SCALE
    rng = np.random.default_rng(zlib.crc32(case.id.encode()))
    draw = batch.sample if case.sampler == "batch" else reference_sample
    outcomes = inject_ties(draw(fields, seasons, rng), case.ties, rng)
    return problem, outcomes


# --- what the reference allocations show -----------------------------------------------------------------------

def situations(problem: ForecastProblem, allocation: Allocation) -> set[str]:
    system = problem.system
    steps = {step.id: step for step in system.steps}
    found = set()
    active = allocation.active_places()
    if any(p.status is PlaceStatus.DISPLACED for p in allocation.places):
        found.add("displaced")
    for place in active:
        step = steps.get(place.pathway)
        if isinstance(step, HostGuaranteeStep) and step.only_if_missing:
            found.add("host_guarantee")
        if isinstance(step, RankingWalkStep) and place.noc == system.host:
            found.add("host_qualified")
        if isinstance(step, TeamCompletionStep):
            found.add("mixed_second_pass" if place.kind == "quota" else "mixed_first_pass")
        if isinstance(step, AdditionalAthleteStep):
            found.add("additional")
        if isinstance(step, ContinentalBestStep):
            found.add("continental")
        if place.noc in system.neutral_codes:
            found.add("neutral")
        if place.tie_unresolved:
            found.add("tie_decided")
        if place.passed_down_from:
            found.add("pass_down")
    reasons = {d.reason for d in allocation.decisions}
    if SkipReason.NOT_ELIGIBLE in reasons:
        found.add("not_eligible")
    if SkipReason.CEILING_REACHED in reasons:
        found.add("ceiling_refused")
    rules = system.athletes
    if rules is not None and rules.ceiling is not None:
        total = sum(1 for p in active if p.kind == "quota")
        found.add("ceiling_below" if total < rules.ceiling else "ceiling_at" if total == rules.ceiling
                  else "ceiling_above")
    return found


def reference_counts(problem: ForecastProblem, outcomes: tuple[np.ndarray, ...]) -> tuple[np.ndarray, set[str]]:
    """What qualify.forecast.reference.evaluate gives, season by season, and the situations met on the way."""
    seasons = outcomes[0].shape[0]
    counts = np.zeros((seasons, *problem.cells.shape), dtype=np.int16)
    seen: set[str] = set()
    for index in range(seasons):
        standing = problem.standing(outcomes, index)
        counts[index] = problem.counts(standing.allocation)
        seen |= situations(problem, standing.allocation)
    return counts, seen


def past_ties(problem: ForecastProblem) -> bool:
    ranks: dict[tuple, list[int]] = {}
    for result in problem.season.up_to(problem.as_of).results:
        if result.rank is not None:
            ranks.setdefault((result.race, result.gender, result.event), []).append(result.rank)
    return any(len(found) != len(set(found)) for found in ranks.values())


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_batch_counts_equal_the_reference_season_by_season(case: Case, seasons_root: str):
    problem, outcomes = _problem(case, seasons_root)
    expected, seen = reference_counts(problem, outcomes)
    got = batch.evaluate(problem, outcomes)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    differing = np.flatnonzero((got != expected).any(axis=(1, 2)))
    if differing.size:
        season = int(differing[0])
        cells = [f"{problem.cells.nocs[r]} {problem.cells.columns[c].key}: batch {got[season, r, c]}, "
                 f"reference {expected[season, r, c]}" for r, c in zip(*np.nonzero(got[season] != expected[season]),
                                                                         strict=True)]
        pytest.fail(f"{differing.size} of {len(got)} seasons differ; season {season}: " + "; ".join(cells[:12]))
    if past_ties(problem):
        seen.add("past_ties")
    missing = set(case.expect) - seen
    assert not missing, f"the tested seasons never show {sorted(missing)} (seen: {sorted(seen)})"


def test_a_season_counts_the_same_alone_or_in_a_chunk(seasons_root: str):
    """One simulated season evaluated alone (no chunking) and inside a long run give the same counts."""
    case = CASES[1]
    problem, outcomes = _problem(case, seasons_root)
    whole = batch.evaluate(problem, outcomes)
    alone = batch.evaluate(problem, tuple(ranks[2:3] for ranks in outcomes))
    assert (alone[0] == whole[2]).all()


def test_a_season_with_every_race_run_evaluates_to_the_standing_itself(seasons_root: str):
    """No race left to simulate (as_of is the last race): one 'season', the real standing's counts."""
    system = variant(ST, None)
    season = read_season(_season_dir(ST, 5, seasons_root), system)
    tables = load_points_tables(system)
    problem = ForecastProblem.build(system, season, "4", tables)
    assert problem.fields.events == ()
    got = batch.evaluate(problem, ())
    standing = standing_at(system, season, "4", tables)
    assert got.shape == (1, *problem.cells.shape)
    assert (got[0] == problem.counts(standing.allocation)).all()


def test_an_event_nobody_may_start_in_is_left_empty(seasons_root: str):
    """A field with no entrant (a note in Fields) counts for nothing in either engine."""
    problem, outcomes = _problem(CASES[1], seasons_root)
    events = list(problem.fields.events)
    index = next(i for i, e in enumerate(events) if e.gender is Gender.WOMEN and e.event == "500m")
    empty = EventField(events[index].race, events[index].gender, events[index].event, (), np.zeros(0), np.zeros(0))
    events[index] = empty
    fields = problem.fields.replace_events(tuple(events))
    emptied = ForecastProblem.build(problem.system, problem.season, problem.as_of, problem.tables, fields=fields)
    trimmed = tuple(np.zeros((4, 0), dtype=np.int16) if i == index else ranks[:4]
                    for i, ranks in enumerate(outcomes))
    expected, _ = reference_counts(emptied, trimmed)
    assert (batch.evaluate(emptied, trimmed) == expected).all()
