"""The batch engine's ledger: the state of many simulated seasons' allocations as arrays, and the one list walk.

The reference ledger (:mod:`qualify.engine.ledger`) keeps every place as an object. Here a season's allocation is
what the steps ask of it, kept as counts that the engine updates on every grant and withdrawal (one int16 row per
season; the layout is in the tables, see ``S_*`` below):

* ``held[noc, t]``: active places of *place type* ``t`` (a gender, an event or none, a kind) per NOC;
* ``capc[key]``: active places per cap and cap key (the cap's ``per`` values), as the cap checker counts them;
* ``noc_active``, ``n_nocs``: NOCs holding a place (``only_new_nocs``, ``until_nocs``);
* ``step_nocs[noc, step]``: NOCs ever granted a place by a step (``exclude_steps`` counts withdrawn places too, as
  :meth:`Ledger.nocs_from_steps` does);
* ``by_list[noc, slot]``: places an NOC holds from a list in an event (an entry "CAN #2" of a ``noc_slots`` list is
  covered while the NOC holds two of them);
* ``ath_held[athlete, t]``: places bound to an athlete;
* ``ath[noc, g]`` and ``ath_total``: athletes per NOC and gender as :class:`AthleteCounter` derives them;
* ``log``: the places ranking walks and team completion granted, with rank and grant, so that a host guarantee with
  ``when_full: displace_last`` can withdraw the lowest-ranked one;
* ``order``, ``rank``, ``grank``, ``count``: the season's lists in walking order (see :mod:`.lists`).

:func:`walk` mirrors :func:`qualify.engine.steps.run_walk` candidate by candidate: the same filters, the same caps
(the first cap a bundle would break decides between passing the place down and stopping), the same ceiling. The
decision log is left out: the batch engine counts, the reference explains.

The static tables, a walk's parameters and a season's state are flat arrays with named slots (``Blob``): numba
compiles functions of a few plain arrays quickly, where records of dozens of arrays take minutes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numba import njit


class Blob:
    """An int64 array: named header slots (scalars, or the offset of an array stored after the header)."""

    def __init__(self, slots: tuple[str, ...]) -> None:
        self.slots = {name: i for i, name in enumerate(slots)}
        self.header = np.zeros(len(slots), dtype=np.int64)
        self.parts: list[np.ndarray] = []
        self.size = len(slots)

    def set(self, name: str, value: int) -> None:
        self.header[self.slots[name]] = int(value)

    def put(self, name: str, values: Iterable[int] | np.ndarray) -> None:
        array = np.ascontiguousarray(np.asarray(values, dtype=np.int64)).ravel()
        self.header[self.slots[name]] = self.size
        self.parts.append(array)
        self.size += array.size

    def array(self) -> np.ndarray:
        return np.concatenate([self.header, *self.parts]) if self.parts else self.header.copy()


# --- the tables blob -------------------------------------------------------------------------------------------
TABLE_SLOTS = (
    "host", "n_nocs", "n_types", "n_caps", "n_events", "n_lists",
    "neutral", "continent", "t_gender", "t_event",
    "cap_max", "cap_total", "cap_stride", "cap_base", "cap_subkey", "type_caps", "type_cap_list", "type_cap_list_w",
    "slot_of", "event_types", "event_types_w", "start_types", "start_types_w", "team_types", "team_types_w",
    "quota_type", "athletes_on", "team_athletes", "full_team_starts", "full_team_athletes", "neutral_max", "ceiling",
    "g_noc", "g_ath", "g_qual", "g_list", "list_gender", "list_off",
    "s_held", "s_capc", "s_noc_active", "s_n_nocs", "s_step_nocs", "n_steps", "s_by_list", "n_slots", "s_ath_held",
    "s_ath", "s_ath_total", "s_log", "s_log_n", "s_log_cap", "s_grants", "s_err", "s_order", "s_rank", "s_grank",
    "s_count", "s_width",
)
(HOST, N_NOCS, N_TYPES, N_CAPS, N_EVENTS, N_LISTS,
 NEUTRAL, CONTINENT, T_GENDER, T_EVENT,
 CAP_MAX, CAP_TOTAL, CAP_STRIDE, CAP_BASE, CAP_SUBKEY, TYPE_CAPS, TYPE_CAP_LIST, TYPE_CAP_LIST_W,
 SLOT_OF, EVENT_TYPES, EVENT_TYPES_W, START_TYPES, START_TYPES_W, TEAM_TYPES, TEAM_TYPES_W,
 QUOTA_TYPE, ATHLETES_ON, TEAM_ATHLETES, FULL_TEAM_STARTS, FULL_TEAM_ATHLETES, NEUTRAL_MAX, CEILING,
 G_NOC, G_ATH, G_QUAL, G_LIST, LIST_GENDER, LIST_OFF,
 S_HELD, S_CAPC, S_NOC_ACTIVE, S_N_NOCS, S_STEP_NOCS, N_STEPS, S_BY_LIST, N_SLOTS, S_ATH_HELD,
 S_ATH, S_ATH_TOTAL, S_LOG, S_LOG_N, S_LOG_CAP, S_GRANTS, S_ERR, S_ORDER, S_RANK, S_GRANK,
 S_COUNT, S_WIDTH) = range(len(TABLE_SLOTS))

# --- a walk's parameters ---------------------------------------------------------------------------------------
WALK_SLOTS = (
    "step", "types", "n_types", "cover", "n_cover", "exclude_host", "only_new", "exclude_steps", "n_exclude",
    "check_elig", "stop_mode", "stop_n", "probes", "n_probes", "limit", "respect_ceiling", "check_mode", "log_places",
    "team_type", "team_event", "need_m", "need_w", "max_extra", "extra_ceiling", "add_event_m", "add_event_w",
    "add_starting",
)
(W_STEP, W_TYPES, W_N_TYPES, W_COVER, W_N_COVER, W_EXCLUDE_HOST, W_ONLY_NEW, W_EXCLUDE_STEPS, W_N_EXCLUDE,
 W_CHECK_ELIG, W_STOP_MODE, W_STOP_N, W_PROBES, W_N_PROBES, W_LIMIT, W_RESPECT_CEILING, W_CHECK_MODE, W_LOG_PLACES,
 W_TEAM_TYPE, W_TEAM_EVENT, W_NEED_M, W_NEED_W, W_MAX_EXTRA, W_EXTRA_CEILING, W_ADD_EVENT_M, W_ADD_EVENT_W,
 W_ADD_STARTING) = range(len(WALK_SLOTS))

STOP_TAKE, STOP_UNTIL_NOCS, STOP_UNTIL_FULL, STOP_NEVER = 0, 1, 2, 3
CHECK_NONE, CHECK_TEAM_READY, CHECK_TEAM_SHORT, CHECK_ADDITIONAL = 0, 1, 2, 3

LOG_NOC, LOG_TYPE, LOG_RANK, LOG_GRANT, LOG_ACTIVE, LOG_LIST, LOG_ATH = range(7)
LOG_FIELDS = 7
MAX_BUNDLE = 15  # places one grant may hold in the batch walk (templates, or extra athletes and the team)
MAX_CAPS = 62  # caps are bits of an int64 mask per place type
BLOCK = 16  # seasons a kernel iteration takes, reusing its scratch arrays

# Error codes a season can raise (reported by the caller: never a silent difference).
ERR_LOG_FULL = 1
ERR_POINTS_BEYOND = 2
ERR_TEAM_LEFT_SHORT = 3
ERR_BUNDLE = 4
ERR_NOT_A_CELL = 5


@njit(cache=True)
def cap_key(tb, c, noc, t):
    """Where capc counts the places sharing cap c's key with a place of type t held by noc."""
    return tb[tb[CAP_BASE] + c * tb[N_TYPES] + t] + noc * tb[tb[CAP_STRIDE] + c]


@njit(cache=True)
def type_caps(tb, t, neutral):
    """The caps a place of type t held by a nation (neutral 0) or a neutral entry (1) counts towards, as bits."""
    return tb[tb[TYPE_CAPS] + t * 2 + neutral]


@njit(cache=True)
def held(tb, row, noc, t):
    return row[tb[S_HELD] + noc * tb[N_TYPES] + t]


@njit(cache=True)
def place_delta(tb, row, noc, t, lst, ath, d):
    """Count a place of type ``t`` in (d = 1) or out (d = -1); athletes are refreshed by the caller."""
    row[tb[S_HELD] + noc * tb[N_TYPES] + t] += d
    width = tb[TYPE_CAP_LIST_W]
    caps = tb[TYPE_CAP_LIST] + (t * 2 + tb[tb[NEUTRAL] + noc]) * width
    capc = tb[S_CAPC]
    for j in range(width):
        c = tb[caps + j]
        if c < 0:
            break
        row[capc + cap_key(tb, c, noc, t)] += d
    at = tb[S_NOC_ACTIVE] + noc
    before = row[at]
    row[at] = before + d
    if before == 0 and d > 0:
        row[tb[S_N_NOCS]] += 1
    elif before + d == 0 and d < 0:
        row[tb[S_N_NOCS]] -= 1
    if lst >= 0:
        slot = tb[tb[SLOT_OF] + lst * (tb[N_EVENTS] + 1) + tb[tb[T_EVENT] + t] + 1]
        if slot >= 0:
            row[tb[S_BY_LIST] + noc * tb[N_SLOTS] + slot] += d
    if ath >= 0:
        row[tb[S_ATH_HELD] + ath * tb[N_TYPES] + t] += d


@njit(cache=True)
def starts_of(tb, row, noc, g):
    """Starting places in the gender's individual events (AthleteCounter.starts, summed)."""
    total = 0
    width = tb[START_TYPES_W]
    for j in range(width):
        t = tb[tb[START_TYPES] + g * width + j]
        if t < 0:
            break
        total += held(tb, row, noc, t)
    return total


@njit(cache=True)
def base_athletes(tb, row, noc, g):
    """AthleteCounter.base: athletes the NOC's places give it in gender g (0 men, 1 women)."""
    total = 0
    most = 0
    width = tb[START_TYPES_W]
    for j in range(width):
        t = tb[tb[START_TYPES] + g * width + j]
        if t < 0:
            break
        count = held(tb, row, noc, t)
        total += count
        if count > most:
            most = count
    team = False
    width = tb[TEAM_TYPES_W]
    for j in range(width):
        t = tb[tb[TEAM_TYPES] + g * width + j]
        if t < 0:
            break
        if held(tb, row, noc, t) > 0:
            team = True
    if team:
        athletes = tb[FULL_TEAM_ATHLETES] if total >= tb[FULL_TEAM_STARTS] else tb[TEAM_ATHLETES]
    else:
        athletes = most
    if tb[NEUTRAL_MAX] >= 0 and tb[tb[NEUTRAL] + noc] and athletes > tb[NEUTRAL_MAX]:
        athletes = tb[NEUTRAL_MAX]
    return athletes


@njit(cache=True)
def athletes_of(tb, row, noc, g):
    return row[tb[S_ATH] + noc * 2 + g]


@njit(cache=True)
def refresh_gender(tb, row, noc, g):
    """AthleteCounter.athletes of one NOC and gender: the base and the athletes granted on top of it."""
    count = base_athletes(tb, row, noc, g)
    quota = tb[tb[QUOTA_TYPE] + g]
    if quota >= 0:
        count += held(tb, row, noc, quota)
    at = tb[S_ATH] + noc * 2 + g
    row[tb[S_ATH_TOTAL]] += count - row[at]
    row[at] = count


@njit(cache=True)
def refresh_athletes(tb, row, noc, t):
    """Athletes after a place of type t changed: only its own gender's can (mixed places count for neither)."""
    if not tb[ATHLETES_ON]:
        return
    g = tb[tb[T_GENDER] + t]
    if g < 2:
        refresh_gender(tb, row, noc, g)


@njit(cache=True)
def first_breach(tb, row, noc, types, first, size):
    """CapChecker.breach for a bundle (``types[first:first + size]``) of places of one NOC (-1: a probe, held by
    nobody). -1: the bundle fits; 1: the first cap it breaks is a total (an event or gender ceiling); 0: a per-NOC
    cap (the place passes down)."""
    neutral = tb[tb[NEUTRAL] + noc] if noc >= 0 else 0
    capc = tb[S_CAPC]
    if size == 1:  # one place: its own caps, in the checker's order
        t = types[first]
        width = tb[TYPE_CAP_LIST_W]
        caps = tb[TYPE_CAP_LIST] + (t * 2 + neutral) * width
        for j in range(width):
            c = tb[caps + j]
            if c < 0:
                break
            count = 0
            if noc >= 0 or tb[tb[CAP_STRIDE] + c] == 0:
                count = row[capc + cap_key(tb, c, max(noc, 0), t)]
            if count + 1 > tb[tb[CAP_MAX] + c]:
                return 1 if tb[tb[CAP_TOTAL] + c] else 0
        return -1
    mask = 0
    for i in range(size):
        mask |= type_caps(tb, types[first + i], neutral)
    c = 0
    while mask:
        if mask & 1:
            per_noc = tb[tb[CAP_STRIDE] + c] > 0
            bit = 1 << c
            for i in range(size):
                t = types[first + i]
                if not type_caps(tb, t, neutral) & bit:
                    continue
                count = 0
                if noc >= 0 or not per_noc:
                    count = row[capc + cap_key(tb, c, max(noc, 0), t)]
                subkey = tb[tb[CAP_SUBKEY] + c * tb[N_TYPES] + t]
                for j in range(i):
                    other = types[first + j]
                    if type_caps(tb, other, neutral) & bit and tb[tb[CAP_SUBKEY] + c * tb[N_TYPES] + other] == subkey:
                        count += 1
                if count + 1 > tb[tb[CAP_MAX] + c]:
                    return 1 if tb[tb[CAP_TOTAL] + c] else 0
        mask >>= 1
        c += 1
    return -1


@njit(cache=True)
def count_in_event(tb, row, noc, event):
    """Ledger.count(noc=noc, event=event): active places of any kind in the event."""
    if event < 0:
        return 0
    total = 0
    width = tb[EVENT_TYPES_W]
    for j in range(width):
        t = tb[tb[EVENT_TYPES] + event * width + j]
        if t < 0:
            break
        total += held(tb, row, noc, t)
    return total


@njit(cache=True)
def set_error(tb, row, code):
    if row[tb[S_ERR]] == 0:
        row[tb[S_ERR]] = code


@njit(cache=True)
def log_place(tb, row, noc, t, rank, grant, lst, ath):
    capacity = tb[S_LOG_CAP]
    if capacity == 0:
        return  # no step withdraws places: nothing is logged
    n = row[tb[S_LOG_N]]
    if n >= capacity:
        set_error(tb, row, ERR_LOG_FULL)
        return
    at = tb[S_LOG] + n * LOG_FIELDS
    row[at + LOG_NOC] = noc
    row[at + LOG_TYPE] = t
    row[at + LOG_RANK] = rank
    row[at + LOG_GRANT] = grant
    row[at + LOG_ACTIVE] = 1
    row[at + LOG_LIST] = lst
    row[at + LOG_ATH] = ath
    row[tb[S_LOG_N]] = n + 1


@njit(cache=True)
def stopped(tb, row, w, grants, before):
    """The walk's stop rule, asked before each candidate with the grants made so far."""
    if w[W_LIMIT] >= 0 and before + grants >= w[W_LIMIT]:
        return True
    mode = w[W_STOP_MODE]
    if mode == STOP_TAKE:
        return grants >= w[W_STOP_N]
    if mode == STOP_UNTIL_NOCS:
        return row[tb[S_N_NOCS]] >= w[W_STOP_N]
    if mode == STOP_UNTIL_FULL:
        return first_breach(tb, row, -1, w, w[W_PROBES], w[W_N_PROBES]) == 1
    return False


@njit(cache=True)
def _passes_filters(tb, row, w, e, continent, eligible):
    """run_walk's shared filters (continent, host, exclude_steps, qualifier coverage, only_new_nocs, an athlete's
    place, eligibility) and the step's own check; 0: a candidate, 1: not."""
    noc = tb[tb[G_NOC] + e]
    if continent >= 0 and tb[tb[CONTINENT] + noc] != continent:
        return False
    if w[W_EXCLUDE_HOST] and noc == tb[HOST]:
        return False
    for x in range(w[W_N_EXCLUDE]):
        if row[tb[S_STEP_NOCS] + noc * tb[N_STEPS] + w[w[W_EXCLUDE_STEPS] + x]]:
            return False
    qualifier = tb[tb[G_QUAL] + e]
    if qualifier > 0:
        covered = 0
        for k in range(w[W_N_COVER]):
            covered += row[tb[S_BY_LIST] + noc * tb[N_SLOTS] + w[w[W_COVER] + k]]
        if covered >= qualifier:
            return False
    if w[W_ONLY_NEW] and row[tb[S_NOC_ACTIVE] + noc] > 0:
        return False
    ath = tb[tb[G_ATH] + e]
    if ath >= 0:
        for k in range(w[W_N_TYPES]):
            if row[tb[S_ATH_HELD] + ath * tb[N_TYPES] + w[w[W_TYPES] + k]] > 0:
                return False
        if w[W_CHECK_ELIG] and eligible[ath] == 0:
            return False
    return True


@njit(cache=True)
def _bundle(tb, row, w, e, bundle_t, bundle_a):
    """The step's own check and what its grant holds (``bundle_t`` types, ``bundle_a`` athletes); the number of
    places, 0 when the step passes the candidate over, -1 when the grant is too big for the buffer."""
    noc = tb[tb[G_NOC] + e]
    lst = tb[tb[G_LIST] + e]
    mode = w[W_CHECK_MODE]
    if mode == CHECK_NONE:
        ath = tb[tb[G_ATH] + e]
        for k in range(w[W_N_TYPES]):
            t = w[w[W_TYPES] + k]
            bundle_t[k] = t
            bundle_a[k] = ath if tb[tb[T_GENDER] + t] == tb[tb[LIST_GENDER] + lst] else -1
        return w[W_N_TYPES]
    if mode == CHECK_ADDITIONAL:
        g = tb[tb[LIST_GENDER] + lst]
        if count_in_event(tb, row, noc, w[W_ADD_EVENT_M + g]) == 0:
            return 0
        if starts_of(tb, row, noc, g) != w[W_ADD_STARTING]:
            return 0
        ceiling = tb[CEILING]
        if ceiling >= 0 and row[tb[S_ATH_TOTAL]] + 1 > ceiling:
            return 0
        if tb[NEUTRAL_MAX] >= 0 and tb[tb[NEUTRAL] + noc] and athletes_of(tb, row, noc, g) + 1 > tb[NEUTRAL_MAX]:
            return 0
        bundle_t[0] = tb[tb[QUOTA_TYPE] + g]
        bundle_a[0] = -1
        return 1
    # Team completion: a team for an NOC whose athletes make one, or (second pass) one short by a few.
    if count_in_event(tb, row, noc, w[W_TEAM_EVENT]) > 0:
        return 0
    short_m = max(0, w[W_NEED_M] - athletes_of(tb, row, noc, 0)) if w[W_NEED_M] > 0 else 0
    short_w = max(0, w[W_NEED_W] - athletes_of(tb, row, noc, 1)) if w[W_NEED_W] > 0 else 0
    needed = short_m + short_w
    size = 0
    if mode == CHECK_TEAM_READY:
        if needed > 0:
            return 0
    else:
        if needed > w[W_MAX_EXTRA]:
            return 0
        ceiling = tb[CEILING]
        if w[W_EXTRA_CEILING] and ceiling >= 0 and row[tb[S_ATH_TOTAL]] + needed > ceiling:
            return 0
        limit = tb[NEUTRAL_MAX]
        if limit >= 0 and tb[tb[NEUTRAL] + noc]:
            if short_m > 0 and athletes_of(tb, row, noc, 0) + short_m > limit:
                return 0
            if short_w > 0 and athletes_of(tb, row, noc, 1) + short_w > limit:
                return 0
        if needed + 1 > bundle_t.shape[0]:
            return -1
        for _ in range(short_m):
            bundle_t[size] = tb[tb[QUOTA_TYPE] + 0]
            bundle_a[size] = -1
            size += 1
        for _ in range(short_w):
            bundle_t[size] = tb[tb[QUOTA_TYPE] + 1]
            bundle_a[size] = -1
            size += 1
    bundle_t[size] = w[W_TEAM_TYPE]
    bundle_a[size] = -1
    return size + 1


@njit(cache=True)
def walk(tb, row, w, cand, cand_rank, ncand, continent, eligible, before, bundle_t, bundle_a):
    """run_walk over one season's candidates (global entry ids in walking order); returns the grants made.

    ``continent``: the continent filter (-1 none). ``eligible``: the season's eligibility per athlete (used when the
    walk checks it). ``before``: grants an earlier pass of the same step made (team completion's limit).
    ``bundle_t``, ``bundle_a``: scratch for a grant's places (MAX_BUNDLE + 1).
    """
    grants = 0
    step_flag = tb[S_STEP_NOCS]
    # The stop rule reads the places only: it can change with a grant and nothing else during the walk.
    stop = stopped(tb, row, w, grants, before)
    for i in range(ncand):
        if stop:
            break
        e = cand[i]
        if not _passes_filters(tb, row, w, e, continent, eligible):
            continue
        size = _bundle(tb, row, w, e, bundle_t, bundle_a)
        if size < 0:
            set_error(tb, row, ERR_BUNDLE)
            return grants
        if size == 0:
            continue
        noc = tb[tb[G_NOC] + e]
        breach = first_breach(tb, row, noc, bundle_t, 0, size)
        if breach == 1:
            break
        if breach == 0:
            continue
        lst = tb[tb[G_LIST] + e]
        flag_at = step_flag + noc * tb[N_STEPS] + w[W_STEP]
        flag = row[flag_at]
        logged = row[tb[S_LOG_N]]
        grant = row[tb[S_GRANTS]] + 1
        for k in range(size):
            place_delta(tb, row, noc, bundle_t[k], lst, bundle_a[k], 1)
            if w[W_LOG_PLACES]:
                log_place(tb, row, noc, bundle_t[k], cand_rank[i], grant, lst, bundle_a[k])
        row[flag_at] = 1
        for k in range(size):
            refresh_athletes(tb, row, noc, bundle_t[k])
        ceiling = tb[CEILING]
        if w[W_RESPECT_CEILING] and ceiling >= 0 and row[tb[S_ATH_TOTAL]] > ceiling:
            for k in range(size):
                place_delta(tb, row, noc, bundle_t[k], lst, bundle_a[k], -1)
            row[flag_at] = flag
            row[tb[S_LOG_N]] = logged
            for k in range(size):
                refresh_athletes(tb, row, noc, bundle_t[k])
            continue
        row[tb[S_GRANTS]] = grant
        grants += 1
        stop = stopped(tb, row, w, grants, before)
    return grants


@njit(cache=True)
def withdraw_grant(tb, row, grant):
    """Withdraw (displace) every active logged place of a grant."""
    for k in range(row[tb[S_LOG_N]]):
        at = tb[S_LOG] + k * LOG_FIELDS
        if row[at + LOG_ACTIVE] and row[at + LOG_GRANT] == grant:
            row[at + LOG_ACTIVE] = 0
            noc = row[at + LOG_NOC]
            place_delta(tb, row, noc, row[at + LOG_TYPE], row[at + LOG_LIST], row[at + LOG_ATH], -1)
            refresh_athletes(tb, row, noc, row[at + LOG_TYPE])


@njit(cache=True)
def list_candidates(tb, row, lidx, cand, ranks):
    """A season's list in walking order into ``cand`` (global entry ids) and ``ranks``; returns its length."""
    n = row[tb[S_COUNT] + lidx]
    off = tb[tb[LIST_OFF] + lidx]
    for j in range(n):
        cand[j] = row[tb[S_ORDER] + off + j]
        ranks[j] = row[tb[S_RANK] + off + j]
    return n


@njit(cache=True)
def sort_keys(keys, n, stack):
    """Sort ``keys[:n]`` (int64) ascending in place: quicksort down to short runs, then one insertion pass.
    ``stack``: scratch of 128 int64."""
    if n < 2:
        return
    top = 0
    lo, hi = 0, n - 1
    while True:
        while hi - lo > 16:
            mid = (lo + hi) >> 1
            if keys[mid] < keys[lo]:
                keys[mid], keys[lo] = keys[lo], keys[mid]
            if keys[hi] < keys[lo]:
                keys[hi], keys[lo] = keys[lo], keys[hi]
            if keys[hi] < keys[mid]:
                keys[hi], keys[mid] = keys[mid], keys[hi]
            pivot = keys[mid]
            i, j = lo, hi
            while i <= j:
                while keys[i] < pivot:
                    i += 1
                while keys[j] > pivot:
                    j -= 1
                if i <= j:
                    keys[i], keys[j] = keys[j], keys[i]
                    i += 1
                    j -= 1
            if j - lo < hi - i:  # the smaller part next, the larger one on the stack
                stack[top] = i
                stack[top + 1] = hi
                hi = j
            else:
                stack[top] = lo
                stack[top + 1] = j
                lo = i
            top += 2
        if top == 0:
            break
        top -= 2
        lo, hi = stack[top], stack[top + 1]
    for i in range(1, n):
        v = keys[i]
        j = i - 1
        while j >= 0 and keys[j] > v:
            keys[j + 1] = keys[j]
            j -= 1
        keys[j + 1] = v
