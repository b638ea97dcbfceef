"""Eligibility standards of many simulated seasons at once (:mod:`qualify.engine.eligibility` in arrays).

With ``eligibility.from_results`` the qualifying races are the season's own classifications
(:func:`qualify.ranking.eligibility.qualifying_results`). The races up to ``as_of`` give each athlete a fixed count
of results meeting each standard; every simulated classification of a qualifying event adds the athletes placed
within the standard's place for its field (every simulated entrant started: the field is all of them).
An athlete is eligible in a season when some standard is met in enough races.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from qualify.engine.eligibility import EligibilityChecker
from qualify.model.common import Gender
from qualify.ranking.eligibility import qualifying_results

if TYPE_CHECKING:
    from .plan import BatchPlan

from .core import Blob

ELIGIBILITY_SLOTS = ("n_athletes", "n_standards", "past", "races", "n_cls", "cls_col", "cls_n", "cls_ath", "cls_w",
                     "allowed")
(E_N_ATHLETES, E_N_STANDARDS, E_PAST, E_RACES, E_N_CLS, E_CLS_COL, E_CLS_N, E_CLS_ATH, E_CLS_W,
 E_ALLOWED) = range(len(ELIGIBILITY_SLOTS))


def compile_eligibility(plan: BatchPlan) -> np.ndarray | None:
    """None when nothing is checked (no ``from_results``: the engine then checks no standard)."""
    system, problem = plan.system, plan.problem
    rules = system.eligibility
    if rules is None or rules.from_results is None:
        return None
    checker = EligibilityChecker(rules, [])
    standards = rules.any_of
    athletes = plan.athlete_index
    past = np.zeros((max(len(athletes), 1), len(standards)), dtype=np.int64)
    for result in qualifying_results(system, problem.season.up_to(problem.as_of)) or []:
        a = athletes.get((result.gender, result.noc, result.athlete))
        if a is None:
            continue
        for j, standard in enumerate(standards):
            if result.category == standard.category and result.rank <= checker._allowed_place(standard,
                                                                                              result.starters):
                past[a, j] += 1
    spec = rules.from_results
    fields = [f for f, event in enumerate(problem.fields.events)
              if event.event in spec.events and event.gender is not Gender.MIXED and event.entrants
              and not event.is_team]
    widest = max([len(problem.fields.events[f].entrants) for f in fields] + [1])
    cls_ath = np.full((len(fields), widest), -1, dtype=np.int64)
    allowed = np.zeros((len(fields), len(standards)), dtype=np.int64)
    for c, f in enumerate(fields):
        event = problem.fields.events[f]
        starters = len(event.entrants)  # simulated rows are placed or DNF: everyone started
        category = spec.events[event.event]
        for j, standard in enumerate(standards):
            if standard.category == category:
                allowed[c, j] = checker._allowed_place(standard, starters)
        for i, entrant in enumerate(event.entrants):
            if entrant.athlete is not None:
                cls_ath[c, i] = athletes.get((event.gender, entrant.noc, entrant.athlete), -1)
    blob = Blob(ELIGIBILITY_SLOTS)
    blob.set("n_athletes", len(athletes))
    blob.set("n_standards", len(standards))
    blob.set("n_cls", len(fields))
    blob.set("cls_w", widest)
    blob.put("past", past)
    blob.put("races", [s.races for s in standards])
    blob.put("cls_col", [plan.field_col[f] for f in fields])
    blob.put("cls_n", [len(problem.fields.events[f].entrants) for f in fields])
    blob.put("cls_ath", cls_ath)
    blob.put("allowed", allowed)
    return blob.array()


@njit(cache=True, parallel=True)
def eligible_athletes(el, ranks, out):
    athletes = el[E_N_ATHLETES]
    standards = el[E_N_STANDARDS]
    widest = el[E_CLS_W]
    for s in prange(ranks.shape[0]):
        met = np.empty(athletes * standards, np.int64)
        for k in range(athletes * standards):
            met[k] = el[el[E_PAST] + k]
        for c in range(el[E_N_CLS]):
            col = el[el[E_CLS_COL] + c]
            for i in range(el[el[E_CLS_N] + c]):
                a = el[el[E_CLS_ATH] + c * widest + i]
                r = ranks[s, col + i]
                if a < 0 or r <= 0:
                    continue
                for j in range(standards):
                    if r <= el[el[E_ALLOWED] + c * standards + j]:
                        met[a * standards + j] += 1
        for a in range(athletes):
            ok = 0
            for j in range(standards):
                if met[a * standards + j] >= el[el[E_RACES] + j]:
                    ok = 1
            out[s, a] = ok
