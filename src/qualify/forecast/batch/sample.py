"""Finishing places drawn in numba: the Plackett-Luce model of :mod:`qualify.forecast.sample`, on every core.

The same model, drawn another way. The reference adds Gumbel noise to log-strengths and sorts (two logarithms an
entrant); here each entrant gets an exponential clock ``E / w`` (``E`` standard exponential, ``w`` its worth) and the
clocks are sorted, first to ring first: the smallest of independent ``E_i / w_i`` is entrant i with probability
``w_i / sum(w)``, and by memorylessness the rest of the order follows the same rule, which is Plackett-Luce. One
logarithm an entrant. DNF chances, pins and the numbering of places are the reference's.

Each season has its own random stream (xoshiro256**, seeded by splitmix64 from one 63-bit seed per season drawn from
``rng``), so the outcomes do not depend on how many threads draw them.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from qualify.forecast.fields import Fields
from qualify.forecast.sample import RANK_DTYPE, Outcomes

_BLOCK = 16
_LOG_SPAN = 600.0  # beyond this spread of log-strengths, worths would overflow: clocks are compared in logs


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True)
def _splitmix(state):
    state[0] += np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _next(s):
    result = _rotl(s[1] * np.uint64(5), 7) * np.uint64(9)
    t = s[1] << np.uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@njit(cache=True)
def _uniform(s):
    """A double in [0, 1)."""
    return np.float64(_next(s) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def _sort_pairs(keys, idx, n, stack):
    """Sort ``keys[:n]`` ascending, moving ``idx`` along (ties: never, the clocks are continuous); ``stack``: 128
    int64. Quicksort down to short runs, then one insertion pass."""
    top = 0
    lo, hi = 0, n - 1
    while True:
        while hi - lo > 16:
            mid = (lo + hi) >> 1
            if keys[mid] < keys[lo]:
                keys[mid], keys[lo] = keys[lo], keys[mid]
                idx[mid], idx[lo] = idx[lo], idx[mid]
            if keys[hi] < keys[lo]:
                keys[hi], keys[lo] = keys[lo], keys[hi]
                idx[hi], idx[lo] = idx[lo], idx[hi]
            if keys[hi] < keys[mid]:
                keys[hi], keys[mid] = keys[mid], keys[hi]
                idx[hi], idx[mid] = idx[mid], idx[hi]
            pivot = keys[mid]
            i, j = lo, hi
            while i <= j:
                while keys[i] < pivot:
                    i += 1
                while keys[j] > pivot:
                    j -= 1
                if i <= j:
                    keys[i], keys[j] = keys[j], keys[i]
                    idx[i], idx[j] = idx[j], idx[i]
                    i += 1
                    j -= 1
            if j - lo < hi - i:
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
        w = idx[i]
        j = i - 1
        while j >= 0 and keys[j] > v:
            keys[j + 1] = keys[j]
            idx[j + 1] = idx[j]
            j -= 1
        keys[j + 1] = v
        idx[j + 1] = w


@njit(cache=True)
def _draw_season(seed, offsets, sizes, inv_worth, log_worth, in_logs, p_out, pinned, pin_offsets, pin_counts,
                 pin_index, pin_place, out, state, clocks, finished, order, stack):
    mix = np.empty(1, np.uint64)
    mix[0] = np.uint64(seed)
    for k in range(4):
        state[k] = _splitmix(mix)
    for ev in range(offsets.shape[0]):
        off = offsets[ev]
        n = sizes[ev]
        if n == 0:
            continue
        for i in range(n):
            order[i] = i
            if pinned[off + i]:
                clocks[i] = np.inf
                finished[i] = True
                continue
            exponential = -np.log(1.0 - _uniform(state))
            if in_logs[ev]:
                clocks[i] = np.log(exponential) - log_worth[off + i] if exponential > 0 else -np.inf
            else:
                clocks[i] = exponential * inv_worth[off + i]
            chance = p_out[off + i]
            finished[i] = True if chance <= 0.0 else _uniform(state) >= chance
        _sort_pairs(clocks, order, n, stack)
        place = 0
        p0 = pin_offsets[ev]
        pins = pin_counts[ev]
        for j in range(n):
            i = order[j]
            if pinned[off + i]:
                continue
            if finished[i]:
                place += 1
                shifted = place
                for k in range(pins):  # past the pinned places at or before it, in ascending order
                    if shifted >= pin_place[p0 + k]:
                        shifted += 1
                out[off + i] = shifted
            else:
                out[off + i] = 0
        for k in range(pins):
            out[off + pin_index[p0 + k]] = pin_place[p0 + k]


@njit(cache=True, parallel=True)
def _draw(seeds, offsets, sizes, inv_worth, log_worth, in_logs, p_out, pinned, pin_offsets, pin_counts, pin_index,
          pin_place, out):
    seasons = seeds.shape[0]
    widest = max(sizes.max(), 1)
    for b in prange((seasons + _BLOCK - 1) // _BLOCK):
        state = np.empty(4, np.uint64)
        clocks = np.empty(widest, np.float64)
        finished = np.empty(widest, np.bool_)
        order = np.empty(widest, np.int64)
        stack = np.empty(128, np.int64)
        for s in range(b * _BLOCK, min(seasons, (b + 1) * _BLOCK)):
            _draw_season(seeds[s], offsets, sizes, inv_worth, log_worth, in_logs, p_out, pinned, pin_offsets,
                         pin_counts, pin_index, pin_place, out[s], state, clocks, finished, order, stack)


def sample(fields: Fields, seasons: int, rng: np.random.Generator) -> Outcomes:
    """Ranks for every event of ``fields``, ``seasons`` simulated seasons each (as ``qualify.forecast.sample``).

    The arrays are views into one (seasons, entrants of every event) array.
    """
    events = fields.events
    sizes = np.array([len(event.entrants) for event in events], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(events) else np.zeros(0, np.int64)
    total = int(sizes.sum())
    log_worth = np.zeros(max(total, 1), dtype=np.float64)
    inv_worth = np.ones(max(total, 1), dtype=np.float64)
    p_out = np.zeros(max(total, 1), dtype=np.float64)
    pinned = np.zeros(max(total, 1), dtype=np.uint8)
    in_logs = np.zeros(len(events), dtype=np.uint8)
    pin_offsets = np.zeros(len(events), dtype=np.int64)
    pin_counts = np.zeros(len(events), dtype=np.int64)
    pin_index: list[int] = []
    pin_place: list[int] = []
    for ev, event in enumerate(events):
        off, n = int(offsets[ev]), len(event.entrants)
        if not n:
            continue
        strengths = np.asarray(event.log_strength, dtype=np.float64)
        top = float(strengths.max())
        log_worth[off: off + n] = strengths - top
        if top - float(strengths.min()) > _LOG_SPAN:
            in_logs[ev] = 1
        else:
            inv_worth[off: off + n] = np.exp(top - strengths)
        p_out[off: off + n] = event.p_unclassified
        pin_offsets[ev] = len(pin_index)
        for index, place in sorted(event.pins, key=lambda pin: pin[1]):
            pinned[off + index] = 1
            pin_index.append(index)
            pin_place.append(place)
        pin_counts[ev] = len(event.pins)
    seeds = rng.integers(0, 2**63 - 1, size=seasons, dtype=np.int64)
    out = np.zeros((seasons, max(total, 1)), dtype=RANK_DTYPE)
    if seasons and total:
        _draw(seeds, offsets, sizes, inv_worth, log_worth, in_logs, p_out, pinned, pin_offsets, pin_counts,
              np.array(pin_index, dtype=np.int64), np.array(pin_place, dtype=np.int64), out)
    return tuple(out[:, int(offsets[ev]): int(offsets[ev]) + int(sizes[ev])] for ev in range(len(events)))
