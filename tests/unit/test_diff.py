"""Causes in `qualify diff`, each read from a hand-made pair of allocation logs (the ski mountaineering steps).

The two standings below are written out place by place and decision by decision, so each expected cause is the one
the log states; nothing is computed by the engine here.
"""

from __future__ import annotations

from datetime import date

from qualify.diff import CAP, LAPSED, MOVED_UP, NEW_ON_LIST, OTHER_STEP, OVERTAKEN, UNRECORDED, diff
from qualify.model.allocation import Allocation, Decision, Place, SkipReason, Warning
from qualify.model.common import Gender
from qualify.model.ranking import RankingEntry, RankingList
from qualify.model.season import Race, Season
from qualify.ranking.builder import SeasonLists
from qualify.rules import load_system
from qualify.standings import Standing

SYSTEM = load_system("ski-mountaineering-2026")
M = Gender.MEN
RACES = [Race("r1", date(2025, 1, 1), "Race 1", "world-cup"), Race("r2", date(2025, 1, 8), "Race 2", "world-cup")]


def place(noc: str, step: str, *, athlete: str | None = None, rank: int | None = None,
          lst: str | None = "sprint-ranking-M") -> Place:
    return Place(noc=noc, gender=M, event=None, pathway=step, step_type="test", clause=f"clause of {step}", grant=1,
                 list=lst, rank=rank, athlete=athlete, entry=athlete or noc)


def sprint_list(*entries: tuple[int, str, str, float]) -> RankingList:
    return RankingList(id="sprint-ranking-M", title="Olympic Sprint Ranking List (men)", gender=M,
                       entries=tuple(RankingEntry(rank=r, athlete=a, noc=n, points=p) for r, a, n, p in entries))


def standing(race: int, places: list[Place], decisions: list[Decision], ranking: RankingList,
             warnings: tuple[Warning, ...] = ()) -> Standing:
    season = Season.from_results(RACES, []).up_to(RACES[race].id)
    allocation = Allocation(system=SYSTEM.id, places=places, decisions=decisions, warnings=list(warnings))
    return Standing(SYSTEM, RACES[race], season, SeasonLists(season), {"sprint-ranking-M": ranking}, None, allocation)


def skip(noc: str, step: str, reason: SkipReason, detail: str, *, athlete: str | None = None, rank: int | None = None,
         taken_by: str | None = None, lst: str | None = "sprint-ranking-M") -> Decision:
    return Decision(step=step, clause="c", noc=noc, gender=M, list=lst, rank=rank, athlete=athlete, reason=reason,
                    detail=detail, taken_by=taken_by)


def test_overtaken_and_moved_up_name_the_entries() -> None:
    # Before: A (NOR) 1st and B (SWE) 2nd hold the list's two places, C (AUT) 3rd is not reached.
    # After: C has passed B (C 2nd, B 3rd); D (CZE) is new and 4th.
    before = standing(0, [place("NOR", "sprint-ranking-M", athlete="A", rank=1),
                          place("SWE", "sprint-ranking-M", athlete="B", rank=2)],
                      [skip("AUT", "sprint-ranking-M", SkipReason.QUOTA_FULL, "not reached", athlete="C", rank=3)],
                      sprint_list((1, "A", "NOR", 100), (2, "B", "SWE", 80), (3, "C", "AUT", 60)))
    after = standing(1, [place("NOR", "sprint-ranking-M", athlete="A", rank=1),
                         place("AUT", "sprint-ranking-M", athlete="C", rank=2)],
                     [skip("SWE", "sprint-ranking-M", SkipReason.QUOTA_FULL, "not reached", athlete="B", rank=3,
                           taken_by="C (AUT), rank 2")],
                     sprint_list((1, "A", "NOR", 200), (2, "C", "AUT", 160), (3, "B", "SWE", 80),
                                 (4, "D", "CZE", 40)))
    changes = {c.noc: c for c in diff(before, after).changes}
    assert set(changes) == {"SWE", "AUT"}
    [lost] = changes["SWE"].causes
    assert (lost.direction, lost.reason, lost.rank_before, lost.rank_after) == ("lost", OVERTAKEN, 2, 3)
    assert lost.by == ("C (AUT) (rank 2, was 3)",)
    assert lost.text == ("B on Olympic Sprint Ranking List (men) at rank 3 (was 2), 80 points: overtaken by "
                         "C (AUT) (rank 2, was 3)")
    [gained] = changes["AUT"].causes
    assert (gained.reason, gained.by) == (MOVED_UP, ("B (SWE) (rank 3, was 2)",))


def test_cap_lapsed_other_step_and_unrecorded() -> None:
    ranking = sprint_list((1, "A", "ESP", 100), (2, "E", "ESP", 90), (3, "F", "FIN", 80))
    before = standing(0, [place("ESP", "sprint-ranking-M", athlete="E", rank=2),
                          place("ITA", "host", lst=None),
                          place("POL", "reallocation", athlete="P", rank=None, lst=None),
                          place("FIN", "sprint-ranking-M", athlete="F", rank=3)], [], ranking)
    after = standing(1, [place("ESP", "wch-sprint-M", athlete="A", rank=1, lst="wch-sprint-M"),
                         place("ESP", "wch-sprint-M", athlete="X", rank=2, lst="wch-sprint-M"),
                         place("ITA", "wch-mixed-relay", rank=1, lst="wch-mixed-relay")],
                     [skip("ESP", "sprint-ranking-M", SkipReason.CAP_REACHED,
                           "ESP men already holds 2 of at most 2 (noc-gender)", athlete="E", rank=2),
                      skip("ITA", "host", SkipReason.ALREADY_QUALIFIED, "ITA qualified this place itself", lst=None)],
                     ranking,
                     (Warning(step="reallocation", message="POL's declined men's place could not be reallocated "
                                                            "on Olympic Sprint Ranking List (men): it lapses"),))
    changes = {c.noc: c for c in diff(before, after).changes}
    esp = changes["ESP"]
    assert (esp.before, esp.after) == (1, 2)
    cap = next(c for c in esp.causes if c.direction == "lost")
    assert cap.reason == CAP and cap.text.endswith("cap reached: ESP men already holds 2 of at most 2 (noc-gender)")
    assert sorted(c.reason for c in esp.causes if c.direction == "gained") == [NEW_ON_LIST, NEW_ON_LIST]
    ita = changes["ITA"]
    assert ita.delta == 0 and [c.reason for c in ita.causes] == [OTHER_STEP, NEW_ON_LIST]
    assert "ITA qualified this place itself" in ita.causes[0].text
    assert [(c.reason, c.text) for c in changes["POL"].causes] == [
        (LAPSED, "P: POL's declined men's place could not be reallocated on Olympic Sprint Ranking List (men): it "
                 "lapses")]
    # FIN's place is gone and neither log nor warning says anything about F: the change says exactly that.
    [fin] = changes["FIN"].causes
    assert fin.reason == UNRECORDED
    assert fin.text == "step 'Olympic Sprint Ranking List' no longer gives FIN this place; its log records no " \
                       "decision on F"
