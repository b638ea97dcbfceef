"""The batch engine's step types: one runner per step type of :mod:`qualify.rules.steps`, each mirroring the
reference runner of :mod:`qualify.engine.steps` / :mod:`qualify.engine.athlete_steps` on arrays of seasons.

A batch runner is registered next to the type with ``@batch_runner_for(Model)``. It is called once per problem
with the plan and the step (``batch(plan, step)``): it reads the step's keys into place types, list indices and
walk specifications, and returns the function that runs the step on a chunk of seasons (``run(tables, state,
eligible)``).

What a step does to one season is a *procedure* here (``_host``, ``_continents``, ``_teams`` ...); every procedure
that goes down a list calls :func:`.core.walk`, as every reference step calls ``run_walk``. One parallel kernel,
:func:`step_kernel`, runs a procedure over the seasons of a chunk (``prange`` over blocks of seasons): one kernel
for all step types compiles the walk once instead of once per type, which keeps numba's first compilation short.
A new step type adds its procedure and a ``PROC_*`` branch to the kernel.
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
    Blob,
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

# A step's parameters for the kernel (a Blob); which slots a procedure reads is said where it reads them.
PARAM_SLOTS = ("proc", "list", "second", "width", "continent", "unrepresented", "max_extra", "by_rank", "step",
               "only_if_missing", "displace", "types", "n_types", "continents", "n_continents", "needs")
(P_PROC, P_LIST, P_SECOND, P_WIDTH, P_CONTINENT, P_UNREPRESENTED, P_MAX_EXTRA, P_BY_RANK, P_STEP,
 P_ONLY_IF_MISSING, P_DISPLACE, P_TYPES, P_N_TYPES, P_CONTINENTS, P_N_CONTINENTS, P_NEEDS) = range(len(PARAM_SLOTS))
PROC_WALK, PROC_HOST, PROC_CONTINENTAL, PROC_TEAMS, PROC_MERGED, PROC_TEAMS_KEPT, PROC_ATHLETES = range(7)


def _params(proc: int, **values: int | list[int]) -> np.ndarray:
    blob = Blob(PARAM_SLOTS)
    blob.set("proc", proc)
    for name in ("types", "continents", "needs"):
        blob.put(name, values.pop(name, []))  # type: ignore[arg-type]
    for name, value in values.items():
        assert isinstance(value, int)
        blob.set(name, value)
    return blob.array()


def _kernel_run(first: np.ndarray, second: np.ndarray, params: np.ndarray) -> StepRun:
    def run(tables: np.ndarray, state: np.ndarray, eligible: np.ndarray) -> None:
        step_kernel(tables, state, first, second, params, eligible)
    return run


# --- ranking_walk ---------------------------------------------------------------------------------------------

def _stop_rule(step: RankingWalkStep, types: list[int]) -> dict:
    if step.take is not None:
        return {"stop_mode": STOP_TAKE, "stop_n": step.take}
    if step.until_nocs is not None:
        return {"stop_mode": STOP_UNTIL_NOCS, "stop_n": step.until_nocs}
    return {"stop_mode": STOP_UNTIL_FULL, "probes": types}


@batch_runner_for(RankingWalkStep)
def batch_ranking_walk(plan: BatchPlan, step: RankingWalkStep) -> StepRun:
    lidx = plan.list_index[step.list]
    types = [plan.type_of(t) for t in step.grant]
    spec = plan.walk_spec(step, [lidx], types, step, log_places=True, **_stop_rule(step, types))
    plan.reserve_log(plan.grants_at_most(lidx, types, step.take) * len(types))
    params = _params(PROC_WALK, list=lidx, width=max(plan.lists[lidx].size, 1),
                     continent=plan.continent_index(step.continent))
    return _kernel_run(spec, spec, params)


@njit(cache=True)
def _walk(tb, row, w, p, eligible, cand, ranks, bundle_t, bundle_a):
    """run_ranking_walk: one walk down the list (P_LIST) with the step's continent filter (P_CONTINENT)."""
    n = list_candidates(tb, row, p[P_LIST], cand, ranks)
    walk(tb, row, w, cand, ranks, n, p[P_CONTINENT], eligible, 0, bundle_t, bundle_a)


# --- host_guarantee --------------------------------------------------------------------------------------------

@batch_runner_for(HostGuaranteeStep)
def batch_host_guarantee(plan: BatchPlan, step: HostGuaranteeStep) -> StepRun:
    types = [plan.type_of(t) for t in step.grant]
    displace = step.when_full == "displace_last"
    if displace:
        plan.logging = True
    plan.noc(plan.system.host)
    params = _params(PROC_HOST, types=types, n_types=len(types), step=plan.step_index[step.id],
                     only_if_missing=int(step.only_if_missing), displace=int(displace))
    return _kernel_run(params, params, params)


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


@njit(cache=True)
def _host(tb, row, p):
    """run_host_guarantee: each template (P_TYPES) for the host, unless it holds one (P_ONLY_IF_MISSING) or a per-NOC
    cap is full; in a full event the last place makes room (P_DISPLACE) or the guarantee exceeds the maximum."""
    host = tb[HOST]
    types = p[P_TYPES]
    for k in range(p[P_N_TYPES]):
        t = p[types + k]
        if p[P_ONLY_IF_MISSING] and held(tb, row, host, t) > 0:
            continue
        breach = first_breach(tb, row, host, p, types + k, 1)
        if breach == 0:
            continue
        if p[P_DISPLACE] and breach == 1:
            _displace_last(tb, row, t)
        place_delta(tb, row, host, t, -1, -1, 1)
        row[tb[S_STEP_NOCS] + host * tb[N_STEPS] + p[P_STEP]] = 1
        refresh_athletes(tb, row, host, t)


# --- continental_best ------------------------------------------------------------------------------------------

@batch_runner_for(ContinentalBestStep)
def batch_continental_best(plan: BatchPlan, step: ContinentalBestStep) -> StepRun:
    lidx = plan.list_index[step.list]
    types = [plan.type_of(t) for t in step.grant]
    filters = step.model_copy(update={"only_new_nocs": True})
    spec = plan.walk_spec(step, [lidx], types, filters, stop_mode=STOP_TAKE, stop_n=1)
    continents = [plan.continent_index(c) for c in step.continents]
    params = _params(PROC_CONTINENTAL, list=lidx, width=max(plan.lists[lidx].size, 1), continents=continents,
                     n_continents=len(continents), unrepresented=int(step.reading == "unrepresented"))
    return _kernel_run(spec, spec, params)


@njit(cache=True)
def _continents(tb, row, w, p, eligible, cand, ranks, bundle_t, bundle_a):
    """run_continental_best: per continent (P_CONTINENTS), unless it already holds a place (P_UNREPRESENTED) or the
    list has none of its NOCs, one walk for its best NOC without a place."""
    n = list_candidates(tb, row, p[P_LIST], cand, ranks)
    for k in range(p[P_N_CONTINENTS]):
        continent = p[p[P_CONTINENTS] + k]
        represented = False
        for noc in range(tb[N_NOCS]):
            if row[tb[S_NOC_ACTIVE] + noc] > 0 and tb[tb[CONTINENT] + noc] == continent:
                represented = True
        if p[P_UNREPRESENTED] and represented:
            continue
        listed = False
        for j in range(n):
            if tb[tb[CONTINENT] + tb[tb[G_NOC] + cand[j]]] == continent:
                listed = True
        if listed:
            walk(tb, row, w, cand, ranks, n, continent, eligible, 0, bundle_t, bundle_a)


# --- team_completion -------------------------------------------------------------------------------------------

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
    params = _params(PROC_TEAMS, list=lidx, width=max(plan.lists[lidx].size, 1), max_extra=step.max_extra)
    return _kernel_run(ready, short, params)


@njit(cache=True)
def _teams(tb, row, ready, short, p, eligible, cand, ranks, bundle_t, bundle_a):
    """complete_teams: NOCs whose athletes make a team; then, if the event is not full, NOCs short by at most
    P_MAX_EXTRA athletes, who get them with the team."""
    n = list_candidates(tb, row, p[P_LIST], cand, ranks)
    granted = walk(tb, row, ready, cand, ranks, n, -1, eligible, 0, bundle_t, bundle_a)
    if stopped(tb, row, ready, 0, granted) or p[P_MAX_EXTRA] == 0:
        return
    walk(tb, row, short, cand, ranks, n, -1, eligible, granted, bundle_t, bundle_a)


# --- additional_athlete ----------------------------------------------------------------------------------------

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
    params = _params(PROC_MERGED, list=lists[0], second=lists[1] if len(lists) > 1 else -1,
                     width=max(sum(plan.lists[index].size for index in lists), 1),
                     by_rank=int(step.order == "by_rank"))
    return _kernel_run(spec, spec, params)


@njit(cache=True)
def _merged(tb, row, w, p, eligible, cand, ranks, bundle_t, bundle_a):
    """run_additional_athlete: the two team lists (P_LIST, P_SECOND) merged as the rule file orders them, walked."""
    first, second = p[P_LIST], p[P_SECOND]
    n1 = row[tb[S_COUNT] + first]
    n2 = row[tb[S_COUNT] + second] if second >= 0 else 0
    o1 = tb[tb[LIST_OFF] + first]
    o2 = tb[tb[LIST_OFF] + second] if second >= 0 else 0
    i = 0
    j = 0
    for k in range(n1 + n2):
        # By rank: tie groups in rank order, the first list's before the second's at one rank (men before women);
        # otherwise one whole list after the other.
        take_first = j >= n2 or (i < n1 and (not p[P_BY_RANK]
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


# --- reallocate ------------------------------------------------------------------------------------------------

@batch_runner_for(ReallocateStep)
def batch_reallocate(plan: BatchPlan, step: ReallocateStep) -> StepRun:
    """A forecast has no declines: the reallocation only gives up teams whose NOC lacks their athletes (as
    _teams_left_without_athletes does). That never happens when no step takes places away after team completion;
    if it does, the season is flagged and the engine raises rather than guess."""
    if plan.system.athletes is None:
        return lambda tables, state, eligible: None
    # A team place of an event some team-completion step fills (the last such step when several fill one event).
    team_steps = {s.event: s for s in plan.system.steps if isinstance(s, TeamCompletionStep)}
    types, needs = [], []
    for event_id, team in team_steps.items():
        for t, (_, event, kind) in enumerate(plan.types):
            if event == plan.events[event_id] and kind == KIND_INDEX["team"]:
                types.append(t)
                needs += [team.needs.get(g, 0) for g in GENDERS[:2]]
    if not types:
        return lambda tables, state, eligible: None
    params = _params(PROC_TEAMS_KEPT, types=types, n_types=len(types), needs=needs)
    return _kernel_run(params, params, params)


@njit(cache=True)
def _teams_kept(tb, row, p):
    types, needs = p[P_TYPES], p[P_NEEDS]
    for k in range(p[P_N_TYPES]):
        for noc in range(tb[N_NOCS]):
            if held(tb, row, noc, p[types + k]) == 0:
                continue
            for g in range(2):
                if p[needs + 2 * k + g] > row[tb[S_ATH] + noc * 2 + g]:
                    set_error(tb, row, ERR_TEAM_LEFT_SHORT)


# --- athlete_quota ---------------------------------------------------------------------------------------------

@batch_runner_for(AthleteQuotaStep)
def batch_athlete_quota(plan: BatchPlan, step: AthleteQuotaStep) -> StepRun:
    for gender in GENDERS[:2]:
        plan.type_for(gender, None, "quota")
    params = _params(PROC_ATHLETES)
    return _kernel_run(params, params, params)


@njit(cache=True)
def _athletes(tb, row):
    """run_athlete_quota: the derived athlete quotas as places (the Summary counts them); no step reads athletes
    afterwards."""
    for noc in range(tb[N_NOCS]):
        if row[tb[S_NOC_ACTIVE] + noc] == 0:
            continue
        for g in range(2):
            for _ in range(base_athletes(tb, row, noc, g)):
                place_delta(tb, row, noc, tb[tb[QUOTA_TYPE] + g], -1, -1, 1)


# --- the kernel ------------------------------------------------------------------------------------------------

@njit(cache=True, parallel=True)
def step_kernel(tb, st, first, second, p, eligible):
    """One step on every season of a chunk: the procedure P_PROC with its walk specifications (``first``,
    ``second``) and parameters ``p``."""
    seasons = st.shape[0]
    proc = p[P_PROC]
    width = max(p[P_WIDTH], 1)
    for b in prange((seasons + BLOCK - 1) // BLOCK):
        cand = np.empty(width, np.int64)
        ranks = np.empty(width, np.int64)
        bundle_t = np.empty(MAX_BUNDLE + 1, np.int64)
        bundle_a = np.empty(MAX_BUNDLE + 1, np.int64)
        for s in range(b * BLOCK, min(seasons, (b + 1) * BLOCK)):
            row = st[s]
            if proc == PROC_WALK:
                _walk(tb, row, first, p, eligible[s], cand, ranks, bundle_t, bundle_a)
            elif proc == PROC_HOST:
                _host(tb, row, p)
            elif proc == PROC_CONTINENTAL:
                _continents(tb, row, first, p, eligible[s], cand, ranks, bundle_t, bundle_a)
            elif proc == PROC_TEAMS:
                _teams(tb, row, first, second, p, eligible[s], cand, ranks, bundle_t, bundle_a)
            elif proc == PROC_MERGED:
                _merged(tb, row, first, p, eligible[s], cand, ranks, bundle_t, bundle_a)
            elif proc == PROC_TEAMS_KEPT:
                _teams_kept(tb, row, p)
            else:
                _athletes(tb, row)
