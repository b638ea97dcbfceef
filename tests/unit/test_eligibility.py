"""Eligibility standards on hand-made race results, with the ski mountaineering 2026 standards.

The standards (rule file): top 80% of one senior race, or top 90% of two senior races, or top 6 of an
under-18 race. With rounding "floor" a fraction f of n starters allows places 1 .. floor(f x n).
"""

from __future__ import annotations

import pytest

from qualify.engine import allocate
from qualify.engine.eligibility import EligibilityChecker, RaceResult
from qualify.model.allocation import SkipReason
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import Eligibility, System, load_system

M = Gender.MEN
ATHLETE, NOC = "Jon Kistler", "SUI"


@pytest.fixture(scope="module")
def standards() -> Eligibility:
    rules = load_system("ski-mountaineering-2026").eligibility
    assert rules is not None and rules.rounding == "floor"
    return rules


def result(race: str, rank: int, starters: int, *, category: str = "senior", athlete: str = ATHLETE,
           noc: str = NOC) -> RaceResult:
    return RaceResult(race=race, category=category, gender=M, athlete=athlete, noc=noc, rank=rank,
                      starters=starters)


def status(rules: Eligibility, *results: RaceResult) -> str:
    return EligibilityChecker(rules, list(results)).status(ATHLETE, NOC, M).status


@pytest.mark.parametrize(("results", "expected"), [
    # 0.8 x 25 = 20: 20th is the last place inside the top 80%.
    ([("wc1", 20, 25)], "eligible"),
    # 21st of 25 is outside 80%; 0.9 x 25 = 22.5 would allow it, but the 90% standard needs two races.
    ([("wc1", 21, 25)], "not eligible"),
    # Two races by the 90% standard: floor(0.9 x 25) = 22 -> 22nd counts; 0.9 x 20 = 18 -> 18th counts.
    # Neither is inside 80% (20 of 25, 16 of 20), so only the two-race standard makes this eligible.
    ([("wc1", 22, 25), ("wc2", 18, 20)], "eligible"),
    # One race inside 90% only (22/25) -> one race is not two.
    ([("wc1", 22, 25)], "not eligible"),
    # 22/25 is inside 90% but 19/20 is not (19 > 18): only one 90% race.
    ([("wc1", 22, 25), ("wc2", 19, 20)], "not eligible"),
])
def test_senior_standards_with_floor_rounding(standards, results, expected):
    assert status(standards, *(result(*r) for r in results)) == expected


def test_two_race_standard_is_named_in_the_evidence(standards):
    checker = EligibilityChecker(standards, [result("wc1", 22, 25), result("wc2", 18, 20)])
    found = checker.status(ATHLETE, NOC, M)
    # The one-race 80% standard fails (22 > 20, 18 > 16), the two-race 90% standard is the one met.
    assert found.status == "eligible"
    assert found.evidence == "top 90% in 2 senior races: wc1 22/25, wc2 18/20"


@pytest.mark.parametrize(("rank", "expected"), [(6, "eligible"), (7, "not eligible")])
def test_under_18_race_top_six(standards, rank, expected):
    # Top 6 of an under-18 race. 7th of 40 would be inside 80% of a senior race (32 places), but a u18
    # result counts for the u18 standard only.
    assert status(standards, result("u18-1", rank, 40, category="u18")) == expected


def test_ceil_rounding_lets_the_partial_place_in(standards):
    ceil = standards.model_copy(update={"rounding": "ceil"})
    # 0.8 x 23 = 18.4: floor allows 18 places (19th out), ceil allows 19 (19th in).
    assert status(standards, result("wc1", 19, 23)) == "not eligible"
    assert status(ceil, result("wc1", 19, 23)) == "eligible"
    # 0.8 x 25 is exactly 20 (not 20.000000000000004 as floats compute it): ceil must not let 21st in.
    assert status(ceil, result("wc1", 21, 25)) == "not eligible"


def test_without_results_nothing_is_checked(standards):
    found = EligibilityChecker(standards, None).status(ATHLETE, NOC, M)
    assert (found.status, found.evidence) == ("not checked", "no race results given")


def test_an_athlete_with_no_result_is_not_eligible(standards):
    found = EligibilityChecker(standards, [result("wc1", 1, 30, athlete="Someone Else")]).status(ATHLETE, NOC, M)
    assert (found.status, found.evidence) == ("not eligible", "no result in the given races")


def test_results_of_the_other_gender_do_not_count(standards):
    women = RaceResult(race="wc1", gender=Gender.WOMEN, athlete=ATHLETE, noc=NOC, rank=1, starters=30)
    # The same name in a women's race says nothing about the men's list entry.
    assert status(standards, women) == "not eligible"


# --- a walk that checks eligibility -------------------------------------------------------------------

def eligibility_system(standards: Eligibility) -> System:
    return System.model_validate({
        "id": "tiny-eligibility", "sport": "Test", "edition": "unit", "host": "ITA", "source": "hand-made",
        "events": [{"id": "men", "name": "Men", "gender": "M"}],
        "quotas": [{"gender": "M", "places": 4, "clause": "men quota"}],
        "caps": [],
        "lists": [{"id": "men", "title": "men list", "gender": "M", "entry": "athlete", "file": "men.csv"}],
        "steps": [{"id": "list", "type": "ranking_walk", "label": "List", "clause": "list clause", "list": "men",
                   "grant": [{"gender": "M"}], "take": 2, "check_eligibility": True}],
        "eligibility": standards.model_dump(),
        "summary": [],
    })


MEN_LIST = RankingList(id="men", title="men list", gender=M, entries=(
    RankingEntry(rank=1, athlete="Jon Kistler", noc="SUI", points=605),
    RankingEntry(rank=2, athlete="Maximilien Drion", noc="BEL", points=459),
    RankingEntry(rank=3, athlete="Andreas Mayer", noc="AUT", points=240)))

RESULTS = [
    result("wc1", 10, 50, athlete="Jon Kistler", noc="SUI"),       # 10 <= 40 (80% of 50): eligible
    result("wc1", 45, 50, athlete="Maximilien Drion", noc="BEL"),  # 45 > 40, and one 90% race only: not
    result("wc1", 1, 10, athlete="Andreas Mayer", noc="AUT"),      # 1 <= 8: eligible
]


def test_walk_skips_an_ineligible_athlete_when_results_are_given(standards):
    allocation = allocate(eligibility_system(standards), {"men": MEN_LIST}, race_results=RESULTS, nocs=load_nocs())
    # take 2: Kistler (eligible), Drion skipped (not eligible), Mayer (eligible).
    assert [p.athlete for p in allocation.active_places()] == ["Jon Kistler", "Andreas Mayer"]
    skipped = [d for d in allocation.decisions if d.reason is SkipReason.NOT_ELIGIBLE]
    assert [(d.athlete, d.detail) for d in skipped] == [
        ("Maximilien Drion", "Maximilien Drion: no standard met by wc1 45/50")]
    report = {row["athlete"]: row["status"] for row in allocation.eligibility}
    assert report == {"Jon Kistler": "eligible", "Maximilien Drion": "not eligible", "Andreas Mayer": "eligible"}


def test_walk_checks_nobody_when_no_results_are_given(standards):
    allocation = allocate(eligibility_system(standards), {"men": MEN_LIST}, nocs=load_nocs())
    # No results file: eligibility is "not checked" and the walk simply takes ranks 1 and 2.
    assert [p.athlete for p in allocation.active_places()] == ["Jon Kistler", "Maximilien Drion"]
    assert not any(d.reason is SkipReason.NOT_ELIGIBLE for d in allocation.decisions)
    assert {row["status"] for row in allocation.eligibility} == {"not checked"}
