"""The batch engine's step types: one runner per step type of :mod:`qualify.rules.steps`, each mirroring the
reference runner of :mod:`qualify.engine.steps` / :mod:`qualify.engine.athlete_steps` on arrays of seasons.

A batch runner is registered next to the type with ``@batch_runner_for(Model)``. It is called once per problem
with the plan and the step (``batch(plan, step)``): it reads the step's keys into place types, list indices and a
walk specification, and returns the function that runs the step on a chunk of seasons (``run(tables, state,
eligible)``). The work itself is a numba kernel with the seasons of the chunk in ``prange``; every step that goes
down a list calls :func:`.core.walk`, as every reference step calls ``run_walk``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from qualify.rules import (
    AdditionalAthleteStep,
    AthleteQuotaStep,
    ContinentalBestStep,
    HostGuaranteeStep,
    RankingWalkStep,
    ReallocateStep,
    TeamCompletionStep,
    WalkFilters,
)
from qualify.rules.steps import batch_runner_for

from .core import (
    BLOCK,
    CHECK_ADDITIONAL,
    CHECK_TEAM_READY,
    CHECK_TEAM_SHORT,
    CONTINENT,
    ERR_TEAM_LEFT_SHORT,
    G_NOC,
    HOST,
    LIST_OFF,
    LOG_ACTIVE,
    LOG_FIELDS,
    LOG_GRANT,
    LOG_RANK,
    LOG_TYPE,
    MAX_BUNDLE,
    N_NOCS,
    N_STEPS,
    QUOTA_TYPE,
    S_ATH,
    S_COUNT,
    S_GRANK,
    S_LOG,
    S_LOG_N,
    S_NOC_ACTIVE,
    S_ORDER,
    S_RANK,
    S_STEP_NOCS,
    STOP_NEVER,
    STOP_TAKE,
    STOP_UNTIL_FULL,
    STOP_UNTIL_NOCS,
    base_athletes,
    first_breach,
    held,
    list_candidates,
    place_delta,
    refresh_athletes,
    set_error,
    stopped,
    walk,
    withdraw_grant,
)
from .plan import GENDER_INDEX, GENDERS, KIND_INDEX, BatchPlan, StepRun

# --- ranking_walk ---------------------------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def _list_walk(tb, st, w, lidx, width, continent, eligible):
    seasons = st.shape[0]
    for b in prange((seasons + BLOCK - 1) // BLOCK):
        cand = np.empty(width, np.int64)
        ranks = np.empty(width, np.int64)
        bundle_t = np.empty(MAX_BUNDLE + 1, np.int64)
        bundle_a = np.empty(MAX_BUNDLE + 1, np.int64)
        for s in range(b * BLOCK, min(seasons, (b + 1) * BLOCK)):
            row = st[s]
            n = list_candidates(tb, row, lidx, cand, ranks)
            walk(tb, row, w, cand, ranks, n, continent, eligible[s], 0, bundle_t, bundle_a)


def _stop_rule(plan: BatchPlan, step: RankingWalkStep, types: list[int]) -> dict:
    if step.take is not None:
        return {"stop_mode": STOP_TAKE, "stop_n": step.take}
    if step.until_nocs is not None:
        return {"stop_mode": STOP_UNTIL_NOCS, "stop_n": step.until_nocs}
    return {"stop_mode": STOP_UNTIL_FULL, "probes": types}


@batch_runner_for(RankingWalkStep)
def batch_ranking_walk(plan: BatchPlan, step: RankingWalkStep) -> StepRun:
    lidx = plan.list_index[step.list]
    types = [plan.type_of(t) for t in step.grant]
    spec = plan.walk_spec(step, [lidx], types, step, log_places=True, **_stop_rule(plan, step, types))
    plan.reserve_log(plan.grants_at_most(lidx, types, step.take) * len(types))
    continent = plan.continent_index(step.continent)

    width = max(plan.lists[lidx].size, 1)

    def run(tables, state, eligible):
        _list_walk(tables, state, spec, lidx, width, continent, eligible)
    return run


# --- host_guarantee --------------------------------------------------------------------------------------------


@njit(cache=True)
def _displace_last(tb, row, t):
    """Withdraw the lowest-ranked place (the latest grant among equal ranks) of type t that a walk gave, with its
    whole grant. Nothing to withdraw: the guarantee exceeds the maximum (the reference warns)."""
    best_rank = -1
    best_grant = -1
    for k in range(row[tb[S_LOG_N]]):
        at = tb[S_LOG] + k * LOG_FIELDS
        if not row[at + LOG_ACTIVE] or row[at + LOG_TYPE] != t:
            continue
        rank = row[at + LOG_RANK]
        grant = row[at + LOG_GRANT]
        if rank > best_rank or (rank == best_rank and grant > best_grant):
            best_rank, best_grant = rank, grant
    if best_grant >= 0:
        withdraw_grant(tb, row, best_grant)


@njit(cache=True, parallel=True)
def _host(tb, st, types, step, only_if_missing, displace):
    host = tb[HOST]
    seasons = st.shape[0]
    for s in prange(seasons):
        row = st[s]
        for k in range(types.shape[0]):
            if only_if_missing and held(tb, row, host, types[k]) > 0:
                continue
            breach = first_breach(tb, row, host, types, k, 1)
            if breach == 0:
                continue
            if displace and breach == 1:
                _displace_last(tb, row, types[k])
            place_delta(tb, row, host, types[k], -1, -1, 1)
            row[tb[S_STEP_NOCS] + host * tb[N_STEPS] + step] = 1
            refresh_athletes(tb, row, host, types[k])


@batch_runner_for(HostGuaranteeStep)
def batch_host_guarantee(plan: BatchPlan, step: HostGuaranteeStep) -> StepRun:
    types = np.array([plan.type_of(t) for t in step.grant], dtype=np.int64)
    index = plan.step_index[step.id]
    displace = step.when_full == "displace_last"
    if displace:
        plan.logging = True
    plan.noc(plan.system.host)

    def run(tables, state, eligible):
        _host(tables, state, types, index, int(step.only_if_missing), int(displace))
    return run


# --- continental_best ------------------------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def _continental(tb, st, w, lidx, width, continents, unrepresented, eligible):
    seasons = st.shape[0]
    for b in prange((seasons + BLOCK - 1) // BLOCK):
        cand = np.empty(width, np.int64)
        ranks = np.empty(width, np.int64)
        bundle_t = np.empty(MAX_BUNDLE + 1, np.int64)
        bundle_a = np.empty(MAX_BUNDLE + 1, np.int64)
        for s in range(b * BLOCK, min(seasons, (b + 1) * BLOCK)):
            _continents(tb, st[s], w, lidx, continents, unrepresented, eligible[s], cand, ranks, bundle_t, bundle_a)


@njit(cache=True)
def _continents(tb, row, w, lidx, continents, unrepresented, eligible, cand, ranks, bundle_t, bundle_a):
    n = list_candidates(tb, row, lidx, cand, ranks)
    for k in range(continents.shape[0]):
        continent = continents[k]
        represented = False
        for noc in range(tb[N_NOCS]):
            if row[tb[S_NOC_ACTIVE] + noc] > 0 and tb[tb[CONTINENT] + noc] == continent:
                represented = True
        if unrepresented and represented:
            continue
        listed = False
        for j in range(n):
            if tb[tb[CONTINENT] + tb[tb[G_NOC] + cand[j]]] == continent:
                listed = True
        if not listed:
            continue
        walk(tb, row, w, cand, ranks, n, continent, eligible, 0, bundle_t, bundle_a)


@batch_runner_for(ContinentalBestStep)
def batch_continental_best(plan: BatchPlan, step: ContinentalBestStep) -> StepRun:
    lidx = plan.list_index[step.list]
    types = [plan.type_of(t) for t in step.grant]
    filters = step.model_copy(update={"only_new_nocs": True})
    spec = plan.walk_spec(step, [lidx], types, filters, stop_mode=STOP_TAKE, stop_n=1)
    continents = np.array([plan.continent_index(c) for c in step.continents], dtype=np.int64)
    unrepresented = int(step.reading == "unrepresented")

    width = max(plan.lists[lidx].size, 1)

    def run(tables, state, eligible):
        _continental(tables, state, spec, lidx, width, continents, unrepresented, eligible)
    return run


# --- team_completion -------------------------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def _team_completion(tb, st, ready, short, lidx, width, max_extra, eligible):
    seasons = st.shape[0]
    for b in prange((seasons + BLOCK - 1) // BLOCK):
        cand = np.empty(width, np.int64)
        ranks = np.empty(width, np.int64)
        bundle_t = np.empty(MAX_BUNDLE + 1, np.int64)
        bundle_a = np.empty(MAX_BUNDLE + 1, np.int64)
        for s in range(b * BLOCK, min(seasons, (b + 1) * BLOCK)):
            row = st[s]
            n = list_candidates(tb, row, lidx, cand, ranks)
            granted = walk(tb, row, ready, cand, ranks, n, -1, eligible[s], 0, bundle_t, bundle_a)
            if stopped(tb, row, ready, 0, granted) or max_extra == 0:
                continue  # the event is full (or no NOC may be completed): no second pass
            walk(tb, row, short, cand, ranks, n, -1, eligible[s], granted, bundle_t, bundle_a)


@batch_runner_for(TeamCompletionStep)
def batch_team_completion(plan: BatchPlan, step: TeamCompletionStep) -> StepRun:
    lidx = plan.list_index[step.list]
    gender = plan.lists[lidx].spec.gender
    team = plan.type_for(gender, step.event, "team")
    needs = [0, 0]
    for g, count in step.needs.items():
        needs[GENDER_INDEX[g]] = count
        if step.max_extra:
            plan.type_for(g, None, "quota")
    event = plan.events[step.event]
    ready, short = (plan.walk_spec(step, [lidx], [team], WalkFilters(), check_mode=mode, team_type=team,
                                   team_event=event, needs=(needs[0], needs[1]), max_extra=step.max_extra,
                                   stop_mode=STOP_UNTIL_FULL, probes=[team], log_places=True,
                                   extra_ceiling=step.extra_respects_ceiling)
                    for mode in (CHECK_TEAM_READY, CHECK_TEAM_SHORT))
    plan.reserve_log(plan.grants_at_most(lidx, [team], None) * (1 + step.max_extra))
    max_extra = step.max_extra
    width = max(plan.lists[lidx].size, 1)

    def run(tables, state, eligible):
        _team_completion(tables, state, ready, short, lidx, width, max_extra, eligible)
    return run


# --- additional_athlete ----------------------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def _additional(tb, st, w, first, second, width, by_rank, eligible):
    seasons = st.shape[0]
    for b in prange((seasons + BLOCK - 1) // BLOCK):
        cand = np.empty(width, np.int64)
        ranks = np.empty(width, np.int64)
        bundle_t = np.empty(MAX_BUNDLE + 1, np.int64)
        bundle_a = np.empty(MAX_BUNDLE + 1, np.int64)
        for s in range(b * BLOCK, min(seasons, (b + 1) * BLOCK)):
            _merged_walk(tb, st[s], w, first, second, by_rank, eligible[s], cand, ranks, bundle_t, bundle_a)


@njit(cache=True)
def _merged_walk(tb, row, w, first, second, by_rank, eligible, cand, ranks, bundle_t, bundle_a):
    n1 = row[tb[S_COUNT] + first]
    n2 = row[tb[S_COUNT] + second] if second >= 0 else 0
    o1 = tb[tb[LIST_OFF] + first]
    o2 = tb[tb[LIST_OFF] + second] if second >= 0 else 0
    i = 0
    j = 0
    for k in range(n1 + n2):
        # By rank: tie groups in rank order, the first list's before the second's at one rank (men before
        # women); otherwise one whole list after the other.
        take_first = j >= n2 or (i < n1 and (not by_rank
                                             or row[tb[S_GRANK] + o1 + i] <= row[tb[S_GRANK] + o2 + j]))
        if take_first:
            cand[k] = row[tb[S_ORDER] + o1 + i]
            ranks[k] = row[tb[S_RANK] + o1 + i]
            i += 1
        else:
            cand[k] = row[tb[S_ORDER] + o2 + j]
            ranks[k] = row[tb[S_RANK] + o2 + j]
            j += 1
    walk(tb, row, w, cand, ranks, n1 + n2, -1, eligible, 0, bundle_t, bundle_a)


@batch_runner_for(AdditionalAthleteStep)
def batch_additional_athlete(plan: BatchPlan, step: AdditionalAthleteStep) -> StepRun:
    genders = sorted(step.lists, key=lambda g: g.value)  # M before W, as the reference orders them
    if step.order == "women_first":
        genders.reverse()
    lists = [plan.list_index[step.lists[g]] for g in genders]
    team_event = [-1, -1]
    for g in genders:
        plan.type_for(g, None, "quota")
        team_event[GENDER_INDEX[g]] = plan.events[step.team_events[g]]
    spec = plan.walk_spec(step, [], [], WalkFilters(), check_mode=CHECK_ADDITIONAL, stop_mode=STOP_NEVER,
                          add_team_event=(team_event[0], team_event[1]), add_starting=step.starting_places)
    first, second = lists[0], (lists[1] if len(lists) > 1 else -1)
    by_rank = int(step.order == "by_rank")
    width = max(sum(plan.lists[index].size for index in lists), 1)

    def run(tables, state, eligible):
        _additional(tables, state, spec, first, second, width, by_rank, eligible)
    return run


# --- reallocate ------------------------------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def _teams_kept(tb, st, team_types, needs):
    """No declines in a forecast: the reallocation only gives up teams whose NOC lacks their athletes. That never
    happens when steps only add places after team completion; if it does, the season is flagged, not guessed."""
    for s in prange(st.shape[0]):
        row = st[s]
        for k in range(team_types.shape[0]):
            for noc in range(tb[N_NOCS]):
                if held(tb, row, noc, team_types[k]) == 0:
                    continue
                for g in range(2):
                    if needs[k, g] > row[tb[S_ATH] + noc * 2 + g]:
                        set_error(tb, row, ERR_TEAM_LEFT_SHORT)


@batch_runner_for(ReallocateStep)
def batch_reallocate(plan: BatchPlan, step: ReallocateStep) -> StepRun:
    if plan.problem.system.athletes is None:
        return lambda tables, state, eligible: None
    # As _teams_left_without_athletes: a team place of an event some team-completion step fills (the last such
    # step when several fill one event).
    team_steps = {s.event: s for s in plan.system.steps if isinstance(s, TeamCompletionStep)}
    types, needs = [], []
    for event_id, team in team_steps.items():
        for t, (_, event, kind) in enumerate(plan.types):
            if event == plan.events[event_id] and kind == KIND_INDEX["team"]:
                types.append(t)
                needs.append([team.needs.get(g, 0) for g in GENDERS[:2]])
    team_types = np.array(types, dtype=np.int64)
    needs_array = np.array(needs, dtype=np.int64).reshape(len(needs), 2)

    def run(tables, state, eligible):
        if team_types.size:
            _teams_kept(tables, state, team_types, needs_array)
    return run


# --- athlete_quota ---------------------------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def _athlete_quota(tb, st):
    """The derived athlete quotas as places (the Summary counts them); nothing reads the athletes afterwards."""
    for s in prange(st.shape[0]):
        row = st[s]
        for noc in range(tb[N_NOCS]):
            if row[tb[S_NOC_ACTIVE] + noc] == 0:
                continue
            for g in range(2):
                for _ in range(base_athletes(tb, row, noc, g)):
                    place_delta(tb, row, noc, tb[tb[QUOTA_TYPE] + g], -1, -1, 1)


@batch_runner_for(AthleteQuotaStep)
def batch_athlete_quota(plan: BatchPlan, step: AthleteQuotaStep) -> StepRun:
    for gender in GENDERS[:2]:
        plan.type_for(gender, None, "quota")

    def run(tables, state, eligible):
        _athlete_quota(tables, state)
    return run
