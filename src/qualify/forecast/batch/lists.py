"""Ranking lists of many simulated seasons at once: the generic list builder (:mod:`qualify.ranking.builder`) in
arrays.

Each list of a problem is compiled into one of three forms:

* **fixed**: the same in every simulated season (read from a file, or built only from races up to ``as_of``, or a
  ``single_race`` list whose race is already run). It is built once by the reference builder itself.
* **season** (``combine: best`` or ``all`` with races still to come): every entry's values from the races already
  run are computed once, exactly as the builder does (in tenths of a point: integers, no floats); each simulated
  season adds the values of the races to come, totals them and ranks the entries.
* **single** (a ``single_race`` list whose race is still to come): the simulated classification, as the builder
  lists it.

A season's list is written to the chunk state as the order a walk meets its entries (``order``: global entry ids;
``rank``: each entry's rank; ``grank``: the rank of the first entry of its tie group, by which the additional
athlete merges two lists), mirroring :func:`qualify.engine.steps.ordered_entries`: tie groups in list order, each
sorted by NOC, athlete and slot. With ``tie_break.rule: equal_points`` a tie group is a run of equal points.

Entry ids are ordered by (NOC code, athlete, slot) inside each list, so comparing ids is comparing the builder's
listing order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from qualify.engine.steps import candidate_groups
from qualify.model.common import Gender
from qualify.model.ranking import RankingList
from qualify.model.season import Result
from qualify.ranking.builder import build_list, score
from qualify.ranking.points import PointsTable
from qualify.rules import ListSpec

from .core import BLOCK, ERR_POINTS_BEYOND, LIST_OFF, S_COUNT, S_GRANK, S_ORDER, S_RANK, Blob, set_error, sort_keys

if TYPE_CHECKING:
    from .plan import BatchPlan

ENTRY_ATHLETE, ENTRY_TEAM, ENTRY_SLOTS = 0, 1, 2

# A dynamic list's parameters, as a Blob (see core.py).
SEASON_SLOTS = (
    "lidx", "n_entries", "entry_base", "past_vals", "past_w", "past_n", "n_cls", "cls_col", "cls_n", "cls_target",
    "cls_w", "mode", "slots", "n_nocs", "slot_entry", "max_per_noc", "pts", "n_pts", "beyond", "share_mean",
    "combine_all", "best", "countback", "equal_points", "max_vals", "scratch",
)
(L_LIDX, L_N_ENTRIES, L_ENTRY_BASE, L_PAST_VALS, L_PAST_W, L_PAST_N, L_N_CLS, L_CLS_COL, L_CLS_N, L_CLS_TARGET,
 L_CLS_W, L_MODE, L_SLOTS, L_N_NOCS, L_SLOT_ENTRY, L_MAX_PER_NOC, L_PTS, L_N_PTS, L_BEYOND, L_SHARE_MEAN,
 L_COMBINE_ALL, L_BEST, L_COUNTBACK, L_EQUAL_POINTS, L_MAX_VALS, L_SCRATCH) = range(len(SEASON_SLOTS))

SINGLE_SLOTS = (
    "lidx", "n_entries", "entry_base", "col", "n", "target", "who", "mode", "slots", "n_nocs", "slot_entry",
    "has_points", "pts", "n_pts", "beyond", "share_mean", "equal_points", "who_inv", "scratch",
)
(R_LIDX, R_N_ENTRIES, R_ENTRY_BASE, R_COL, R_N, R_TARGET, R_WHO, R_MODE, R_SLOTS, R_N_NOCS, R_SLOT_ENTRY,
 R_HAS_POINTS, R_PTS, R_N_PTS, R_BEYOND, R_SHARE_MEAN, R_EQUAL_POINTS, R_WHO_INV, R_SCRATCH) = range(len(SINGLE_SLOTS))

SORT_STACK = 128
TOTAL_BASE = 1 << 40  # sort keys: (TOTAL_BASE - points) * entries + entry, all positive


class Unsupported(NotImplementedError):
    """A problem the batch engine cannot evaluate exactly: it says so instead of counting something else."""


def tenths(value: Decimal) -> int:
    scaled = value * 10
    if scaled != scaled.to_integral_value():
        raise Unsupported(f"points {value} have more than one decimal; the batch engine counts in tenths")
    return int(scaled)


def points_array(table: PointsTable, largest_place: int) -> tuple[np.ndarray, int]:
    """Points in tenths for places 1..n of the table (index = place), and the value past it (-1: an error)."""
    values = np.zeros(len(table) + 1, dtype=np.int64)
    for place, points in table.rows():
        values[place] = tenths(points)
    beyond = {"last": int(values[-1]), "zero": 0, "error": -1}[table.beyond]
    return values, beyond


@dataclass
class ListPlan:
    """One list of the problem, as the batch engine builds it."""

    index: int
    spec: ListSpec
    form: str  # "fixed", "season" or "single"
    first: int = 0  # global id of the list's first entry
    size: int = 0  # entries (the capacity of its order arrays)
    offset: int = 0  # offset in the per-season order arrays
    fixed_order: np.ndarray | None = None  # fixed lists: global ids in walking order, ranks, group ranks
    fixed_rank: np.ndarray | None = None
    fixed_grank: np.ndarray | None = None
    kernel: str = ""  # "season" or "single": the kernel that builds a dynamic list
    kernel_args: np.ndarray | None = None  # its parameters (a Blob)
    has_qualifiers: bool = False
    entry_keys: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    continents: list[int] = field(default_factory=list)  # continent index of each fixed entry (-1 none)


def _who(noc: str, athlete: str | None, team: str | None) -> str:
    return Result(race="", gender=Gender.MEN, event="", rank=None, noc=noc, athlete=athlete, team=team).who


def compile_list(plan: BatchPlan, spec: ListSpec) -> ListPlan:
    problem = plan.problem
    index = len(plan.lists)
    build = spec.build
    if build is None:
        ranking = problem.fixed_lists.get(spec.id)
        if ranking is None:
            raise Unsupported(f"list '{spec.id}' has no build and is not among the problem's fixed lists")
        return _fixed(plan, index, spec, ranking)
    season = problem.season
    known = season.up_to(problem.as_of)
    groups = plan.known_groups
    last_known = season.position(problem.as_of)
    keys = build.event_keys(spec.gender)
    scheduled = [race for race in season.races if spec.id in race.lists]
    held_past, held_future = [], []
    for race in scheduled:
        if season.position(race.id) <= last_known:
            if any(groups.get((race.id, event, gender)) for event, gender in keys):
                held_past.append(race)
        elif any(plan.field_of(race.id, gender, event) is not None for event, gender in keys):
            held_future.append(race)
    if build.combine == "single_race":
        if held_past or not held_future:
            return _fixed(plan, index, spec, _reference_list(plan, spec, known))
        return _single(plan, index, spec, held_future[0], keys)
    if not held_future:
        return _fixed(plan, index, spec, _reference_list(plan, spec, known))
    return _season(plan, index, spec, held_past, held_future, keys)


def _reference_list(plan: BatchPlan, spec: ListSpec, known) -> RankingList:
    return build_list(spec, known, plan.problem.tables, plan.problem.nocs, groups=plan.known_groups).ranking


def _fixed(plan: BatchPlan, index: int, spec: ListSpec, ranking: RankingList) -> ListPlan:
    """A list the same in every season: walking order straight from the reference's tie groups."""
    out = ListPlan(index, spec, "fixed")
    groups = candidate_groups(ranking, plan.system.tie_break.rule)
    out.first = len(plan.g_noc)
    order, ranks, granks = [], [], []
    for group in groups:
        first_rank = group[0].entry.rank
        for candidate in group:
            entry = candidate.entry
            eid = plan.add_entry(index, entry.noc, entry.athlete, spec.gender, entry.qualifier)
            order.append(eid)
            ranks.append(entry.rank)
            granks.append(first_rank)
            out.has_qualifiers |= entry.qualifier is not None
            plan.note_continent(entry.noc, entry.continent)
    out.size = len(order)
    out.fixed_order = np.array(order, dtype=np.int32)
    out.fixed_rank = np.array(ranks, dtype=np.int16)
    out.fixed_grank = np.array(granks, dtype=np.int16)
    return out


def _entry_mode(plan: BatchPlan, spec: ListSpec, fields: list) -> int:
    build = spec.build
    assert build is not None
    mode = {"athlete": ENTRY_ATHLETE, "noc_team": ENTRY_TEAM, "noc_slots": ENTRY_SLOTS}[build.entry]
    for field_index in fields:
        event = plan.problem.fields.events[field_index]
        if event.entrants and event.is_team != (mode == ENTRY_TEAM):
            raise Unsupported(f"list '{spec.id}' is built per {build.entry} but race {event.race} "
                              f"{event.gender.value} {event.event} has {'team' if event.is_team else 'athlete'} "
                              "entrants")
    return mode


def _points(spec: ListSpec, tables: dict[str, PointsTable], largest: int) -> tuple[np.ndarray, int]:
    build = spec.build
    assert build is not None
    if build.points is None:
        return np.zeros(1, dtype=np.int64), 0
    return points_array(tables[build.points], largest)


def _season(plan: BatchPlan, index: int, spec: ListSpec, held_past: list, held_future: list,
            keys: tuple) -> ListPlan:
    """``combine: best`` / ``all`` with races to come: past values once, future values per season."""
    build = spec.build
    assert build is not None and build.points is not None
    table = plan.problem.tables[build.points]
    values: dict[tuple[str, str | None, int | None], list[int]] = defaultdict(list)
    for race in held_past:  # as _season_list does, race by race and event by event
        for event, gender in keys:
            scored = score(plan.known_groups.get((race.id, event, gender), ()), table, build.tied_places)
            if build.entry == "athlete":
                for result, points in scored:
                    values[(result.noc, result.athlete, None)].append(tenths(points))
                continue
            per_noc: dict[str, list[Decimal]] = defaultdict(list)
            for result, points in scored:
                per_noc[result.noc].append(points)
            for noc, found in per_noc.items():
                found.sort(reverse=True)
                if build.entry == "noc_team":
                    values[(noc, None, None)].append(tenths(found[0]))
                    continue
                assert build.slots is not None
                for k, points in enumerate(found[: build.slots], start=1):
                    values[(noc, None, k)].append(tenths(points))
    found_fields = [plan.field_of(race.id, gender, event) for race in held_future for event, gender in keys]
    fields = [f for f in found_fields if f is not None]
    mode = _entry_mode(plan, spec, fields)
    # Every entry any season could list: the past ones and every possible entrant of the races to come.
    local_nocs: list[str] = sorted({e.noc for f in fields for e in plan.problem.fields.events[f].entrants})
    noc_local = {code: i for i, code in enumerate(local_nocs)}
    per_noc_most = 1
    for f in fields:
        counts: dict[str, int] = defaultdict(int)
        for entrant in plan.problem.fields.events[f].entrants:
            counts[entrant.noc] += 1
            if mode == ENTRY_ATHLETE:
                values.setdefault((entrant.noc, entrant.athlete, None), [])
            elif mode == ENTRY_TEAM:
                values.setdefault((entrant.noc, None, None), [])
        for noc, count in counts.items():
            per_noc_most = max(per_noc_most, count)
            if mode == ENTRY_SLOTS:
                assert build.slots is not None
                for k in range(1, min(count, build.slots) + 1):
                    values.setdefault((noc, None, k), [])
    keys_sorted = sorted(values, key=lambda key: (key[0], key[1] or "", key[2] or 0))
    out = ListPlan(index, spec, "season", has_qualifiers=mode == ENTRY_SLOTS)
    out.first = len(plan.g_noc)
    local = {}
    for i, (noc, athlete, qualifier) in enumerate(keys_sorted):
        plan.add_entry(index, noc, athlete, spec.gender, qualifier)
        local[(noc, athlete, qualifier)] = i
    out.size = len(keys_sorted)
    # Past values: with best N only an entry's N best can ever count; every value counts with all.
    keep = None if build.combine == "all" else build.best
    past = [sorted(values[key], reverse=True)[:keep] for key in keys_sorted]
    width = max([len(v) for v in past] + [1])
    past_vals = np.zeros((out.size, width), dtype=np.int64)
    past_n = np.zeros(out.size, dtype=np.int64)
    for i, kept in enumerate(past):
        past_vals[i, : len(kept)] = kept
        past_n[i] = len(kept)
    widest = max([len(plan.problem.fields.events[f].entrants) for f in fields] + [1])
    targets = np.full((len(fields), widest), -1, dtype=np.int64)
    for c, f in enumerate(fields):
        for i, entrant in enumerate(plan.problem.fields.events[f].entrants):
            if mode == ENTRY_ATHLETE:
                targets[c, i] = local[(entrant.noc, entrant.athlete, None)]
            else:
                targets[c, i] = noc_local[entrant.noc]
    slots = build.slots if mode == ENTRY_SLOTS else 1
    assert slots is not None
    slot_entry = np.full((max(len(local_nocs), 1), slots), -1, dtype=np.int64)
    for noc, i in noc_local.items():
        for k in range(slots):
            key = (noc, None, k + 1) if mode == ENTRY_SLOTS else (noc, None, None)
            if key in local:
                slot_entry[i, k] = local[key]
    pts, beyond = _points(spec, plan.problem.tables, widest)
    blob = Blob(SEASON_SLOTS)
    for name, value in (("lidx", index), ("n_entries", out.size), ("entry_base", out.first), ("past_w", width),
                        ("n_cls", len(fields)), ("cls_w", widest), ("mode", mode), ("slots", slots),
                        ("n_nocs", len(local_nocs)), ("max_per_noc", per_noc_most), ("n_pts", len(pts)),
                        ("beyond", beyond), ("share_mean", build.tied_places == "share_mean"),
                        ("combine_all", build.combine == "all"), ("best", build.best or 0),
                        ("countback", build.equal_totals == "countback"),
                        ("equal_points", plan.system.tie_break.rule == "equal_points"),
                        ("max_vals", width + len(fields))):
        blob.set(name, value)
    n_nocs = max(len(local_nocs), 1)
    blob.set("scratch", out.size * (width + len(fields)) + 8 * out.size + widest + 2
             + n_nocs * (2 + per_noc_most) + SORT_STACK)
    blob.put("past_vals", past_vals)
    blob.put("past_n", past_n)
    blob.put("cls_col", [plan.field_col[f] for f in fields])
    blob.put("cls_n", [len(plan.problem.fields.events[f].entrants) for f in fields])
    blob.put("cls_target", targets)
    blob.put("slot_entry", slot_entry)
    blob.put("pts", pts)
    out.kernel, out.kernel_args = "season", blob.array()
    return out


def _single(plan: BatchPlan, index: int, spec: ListSpec, race, keys: tuple) -> ListPlan:
    """A ``single_race`` list whose race is still to come: the simulated classification."""
    build = spec.build
    assert build is not None
    [(event, gender)] = keys
    f = plan.field_of(race.id, gender, event)
    assert f is not None
    mode = _entry_mode(plan, spec, [f])
    entrants = plan.problem.fields.events[f].entrants
    slots = (build.slots or 1) if mode == ENTRY_SLOTS else 1
    local_nocs = sorted({e.noc for e in entrants})
    noc_local = {code: i for i, code in enumerate(local_nocs)}
    keys_found: set[tuple[str, str | None, int | None]] = set()
    if mode == ENTRY_ATHLETE:
        keys_found = {(e.noc, e.athlete, None) for e in entrants}
    else:
        counts: dict[str, int] = defaultdict(int)
        for entrant in entrants:
            counts[entrant.noc] += 1
        for noc, count in counts.items():
            for k in range(1, min(count, slots) + 1):
                keys_found.add((noc, None, k if mode == ENTRY_SLOTS else None))
    keys_sorted = sorted(keys_found, key=lambda key: (key[0], key[1] or "", key[2] or 0))
    out = ListPlan(index, spec, "single", has_qualifiers=mode == ENTRY_SLOTS)
    out.first = len(plan.g_noc)
    local = {}
    for i, (noc, athlete, qualifier) in enumerate(keys_sorted):
        plan.add_entry(index, noc, athlete, spec.gender, qualifier)
        local[(noc, athlete, qualifier)] = i
    out.size = len(keys_sorted)
    targets = np.array([local[(e.noc, e.athlete, None)] if mode == ENTRY_ATHLETE else noc_local[e.noc]
                        for e in entrants], dtype=np.int64)
    whos = [_who(e.noc, e.athlete, e.team) for e in entrants]
    who_rank = {who: i for i, who in enumerate(sorted(whos))}
    slot_entry = np.full((max(len(local_nocs), 1), slots), -1, dtype=np.int64)
    for noc, i in noc_local.items():
        for k in range(slots):
            key = (noc, None, k + 1 if mode == ENTRY_SLOTS else None)
            if key in local:
                slot_entry[i, k] = local[key]
    pts, beyond = _points(spec, plan.problem.tables, len(entrants))
    blob = Blob(SINGLE_SLOTS)
    for name, value in (("lidx", index), ("n_entries", out.size), ("entry_base", out.first),
                        ("col", plan.field_col[f]), ("n", len(entrants)), ("mode", mode), ("slots", slots),
                        ("n_nocs", len(local_nocs)), ("has_points", build.points is not None), ("n_pts", len(pts)),
                        ("beyond", beyond), ("share_mean", build.tied_places == "share_mean"),
                        ("equal_points", plan.system.tie_break.rule == "equal_points")):
        blob.set(name, value)
    n = len(entrants)
    blob.set("scratch", 3 * (n + 2) + 3 * out.size + max(len(local_nocs), 1) + SORT_STACK)
    blob.put("target", targets)
    blob.put("who", [who_rank[w] for w in whos])
    inverse = [0] * n
    for i, w in enumerate(whos):
        inverse[who_rank[w]] = i
    blob.put("who_inv", inverse)
    blob.put("slot_entry", slot_entry)
    blob.put("pts", pts)
    out.kernel, out.kernel_args = "single", blob.array()
    return out


# --- kernels ----------------------------------------------------------------------------------------------------


@njit(cache=True)
def points_of(sl, pts_at, n_pts, beyond, place, tied, share_mean):
    """PointsTable.points_for (share_mean) or points (full), in tenths; -1 for a place past an ``error`` table."""
    if not share_mean or tied <= 1:
        return sl[pts_at + place] if place < n_pts else beyond
    total = 0
    for p in range(place, place + tied):
        v = sl[pts_at + p] if p < n_pts else beyond
        if v < 0:
            return -1
        total += v
    return (2 * total + tied) // (2 * tied)  # the mean, rounded half up to a tenth


@njit(cache=True)
def _sort_desc(values, n):
    for i in range(1, n):
        v = values[i]
        j = i - 1
        while j >= 0 and values[j] < v:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = v


@njit(cache=True)
def _countback_before(vals, used, total, a, b):
    """Whether entry a ranks before entry b: higher total, then countback on the counted values (a prefix first),
    then the listing order (entry id)."""
    if total[a] != total[b]:
        return total[a] > total[b]
    for k in range(min(used[a], used[b])):
        if vals[a, k] != vals[b, k]:
            return vals[a, k] > vals[b, k]
    if used[a] != used[b]:
        return used[a] < used[b]
    return a < b


@njit(cache=True)
def _same_strength(vals, used, total, a, b, countback):
    if total[a] != total[b]:
        return False
    if not countback:
        return True
    if used[a] != used[b]:
        return False
    for k in range(used[a]):
        if vals[a, k] != vals[b, k]:
            return False
    return True


@njit(cache=True)
def _write(tb, row, lidx, entry_base, order, rank, key, n):
    """Store a season's list in walking order; grank: the rank of the first entry of each run of equal key."""
    off = tb[tb[LIST_OFF] + lidx]
    group_rank = 0
    for j in range(n):
        if j == 0 or key[j] != key[j - 1]:
            group_rank = rank[j]
        row[tb[S_ORDER] + off + j] = entry_base + order[j]
        row[tb[S_RANK] + off + j] = rank[j]
        row[tb[S_GRANK] + off + j] = group_rank
    row[tb[S_COUNT] + lidx] = n


@njit(cache=True)
def _season_list(tb, row, ranks, sl, buf):
    size = sl[L_N_ENTRIES]
    n_nocs = max(sl[L_N_NOCS], 1)
    mode = sl[L_MODE]
    share_mean = sl[L_SHARE_MEAN]
    pts_at, n_pts, beyond = sl[L_PTS], sl[L_N_PTS], sl[L_BEYOND]
    widest = sl[L_CLS_W]
    width = sl[L_MAX_VALS]
    most = sl[L_MAX_PER_NOC]
    # Scratch, carved from the block's buffer.
    vals = buf[: size * width].reshape((size, width))
    at = size * width
    nv = buf[at: at + size]
    total = buf[at + size: at + 2 * size]
    used = buf[at + 2 * size: at + 3 * size]
    keys = buf[at + 3 * size: at + 4 * size]
    ranked = buf[at + 4 * size: at + 5 * size]
    rank_of = buf[at + 5 * size: at + 6 * size]
    out_rank = buf[at + 6 * size: at + 7 * size]
    group_key = buf[at + 7 * size: at + 8 * size]
    at += 8 * size
    tied = buf[at: at + widest + 2]
    at += widest + 2
    best = buf[at: at + n_nocs]
    found = buf[at + n_nocs: at + 2 * n_nocs]
    at += 2 * n_nocs
    per_noc = buf[at: at + n_nocs * most].reshape((n_nocs, most))
    at += n_nocs * most
    stack = buf[at: at + SORT_STACK]
    past_w = sl[L_PAST_W]
    for e in range(size):
        nv[e] = sl[sl[L_PAST_N] + e]
        for k in range(nv[e]):
            vals[e, k] = sl[sl[L_PAST_VALS] + e * past_w + k]
    slots = sl[L_SLOTS]
    for c in range(sl[L_N_CLS]):
        col = sl[sl[L_CLS_COL] + c]
        n = sl[sl[L_CLS_N] + c]
        targets = sl[L_CLS_TARGET] + c * widest
        if share_mean:
            tied[:] = 0
            for i in range(n):
                r = ranks[col + i]
                if r > 0:
                    tied[min(r, widest + 1)] += 1
        if mode == ENTRY_TEAM:
            best[:] = -1
        elif mode == ENTRY_SLOTS:
            found[:] = 0
        for i in range(n):
            r = ranks[col + i]
            if r <= 0:
                continue
            p = points_of(sl, pts_at, n_pts, beyond, r, tied[min(r, widest + 1)] if share_mean else 1, share_mean)
            if p < 0:
                set_error(tb, row, ERR_POINTS_BEYOND)
                p = 0
            target = sl[targets + i]
            if mode == ENTRY_ATHLETE:
                vals[target, nv[target]] = p
                nv[target] += 1
            elif mode == ENTRY_TEAM:
                if p > best[target]:
                    best[target] = p
            else:
                per_noc[target, found[target]] = p
                found[target] += 1
        if mode == ENTRY_TEAM:
            for noc in range(sl[L_N_NOCS]):
                if best[noc] >= 0:
                    e = sl[sl[L_SLOT_ENTRY] + noc * slots]
                    vals[e, nv[e]] = best[noc]
                    nv[e] += 1
        elif mode == ENTRY_SLOTS:
            for noc in range(sl[L_N_NOCS]):
                k = found[noc]
                if k == 0:
                    continue
                _sort_desc(per_noc[noc], k)
                for j in range(min(k, slots)):
                    e = sl[sl[L_SLOT_ENTRY] + noc * slots + j]
                    vals[e, nv[e]] = per_noc[noc, j]
                    nv[e] += 1
    n_listed = 0
    for e in range(size):
        k = nv[e]
        _sort_desc(vals[e], k)
        m = k if sl[L_COMBINE_ALL] else min(k, sl[L_BEST])
        t = 0
        for j in range(m):
            t += vals[e, j]
        total[e] = t
        used[e] = m
        if t > 0:
            keys[n_listed] = (TOTAL_BASE - t) * size + e
            n_listed += 1
    # Highest total first, then (countback) the counted values, then the listing order.
    sort_keys(keys, n_listed, stack)
    for j in range(n_listed):
        keys[j] = keys[j] % size  # now the entries in (total, entry) order
        ranked[j] = keys[j]
    countback = sl[L_COUNTBACK]
    if countback:
        for i in range(1, n_listed):
            v = ranked[i]
            j = i - 1
            while j >= 0 and _countback_before(vals, used, total, v, ranked[j]):
                ranked[j + 1] = ranked[j]
                j -= 1
            ranked[j + 1] = v
    for j in range(n_listed):
        if j == 0 or not _same_strength(vals, used, total, ranked[j], ranked[j - 1], countback):
            rank_of[ranked[j]] = j + 1
        else:
            rank_of[ranked[j]] = rank_of[ranked[j - 1]]
    equal_points = sl[L_EQUAL_POINTS]
    walk_order = keys if equal_points else ranked  # equal points: tie groups are runs of equal totals
    for j in range(n_listed):
        e = walk_order[j]
        out_rank[j] = rank_of[e]
        group_key[j] = total[e] if equal_points else rank_of[e]
    _write(tb, row, sl[L_LIDX], sl[L_ENTRY_BASE], walk_order, out_rank, group_key, n_listed)


@njit(cache=True)
def _single_list(tb, row, ranks, sl, buf):
    n = sl[R_N]
    col = sl[R_COL]
    size = sl[R_N_ENTRIES]
    has_points = sl[R_HAS_POINTS]
    share_mean = sl[R_SHARE_MEAN]
    pts_at, n_pts, beyond = sl[R_PTS], sl[R_N_PTS], sl[R_BEYOND]
    tied = buf[: n + 2]
    keys = buf[n + 2: 2 * n + 4]
    walk_order = buf[2 * n + 4: 3 * n + 6]
    place_of = buf[3 * n + 6: 3 * n + 6 + size]
    points_of_entry = buf[3 * n + 6 + size: 3 * n + 6 + 2 * size]
    key = buf[3 * n + 6 + 2 * size: 3 * n + 6 + 3 * size]
    at = 3 * n + 6 + 3 * size
    taken = buf[at: at + max(sl[R_N_NOCS], 1)]
    at += max(sl[R_N_NOCS], 1)
    stack = buf[at: at + SORT_STACK]
    tied[:] = 0
    if share_mean and has_points:
        for i in range(n):
            r = ranks[col + i]
            if r > 0:
                tied[min(r, n + 1)] += 1
    m = 0
    for i in range(n):
        r = ranks[col + i]
        if r > 0:
            keys[m] = r * (n + 1) + sl[sl[R_WHO] + i]
            m += 1
    sort_keys(keys, m, stack)  # by (place, who): the order the builder takes an NOC's results in
    taken[:] = 0
    slots = sl[R_SLOTS]
    by_points = sl[R_EQUAL_POINTS] and has_points
    count = 0
    for j in range(m):
        i = sl[sl[R_WHO_INV] + keys[j] % (n + 1)]
        r = ranks[col + i]
        target = sl[sl[R_TARGET] + i]
        if sl[R_MODE] == ENTRY_ATHLETE:
            e = target
        else:
            if taken[target] >= slots:
                continue
            e = sl[sl[R_SLOT_ENTRY] + target * slots + taken[target]]
            taken[target] += 1
        place_of[e] = r
        p = 0
        if has_points:
            p = points_of(sl, pts_at, n_pts, beyond, r, tied[min(r, n + 1)] if share_mean else 1, share_mean)
            if p < 0:
                set_error(tb, row, ERR_POINTS_BEYOND)
                p = 0
        points_of_entry[e] = p
        walk_order[count] = ((TOTAL_BASE - p) if by_points else r) * size + e
        count += 1
    sort_keys(walk_order, count, stack)
    for j in range(count):
        e = walk_order[j] % size
        walk_order[j] = e
        keys[j] = place_of[e]  # reused: the ranks in walking order
        key[j] = points_of_entry[e] if by_points else place_of[e]
    _write(tb, row, sl[R_LIDX], sl[R_ENTRY_BASE], walk_order, keys, key, count)


@njit(cache=True, parallel=True)
def build_lists(tb, st, ranks, blobs, starts, kinds, scratch):
    """Every dynamic list of every season of the chunk, season by season (a season's outcomes are read once for
    all its lists). ``blobs[starts[l]:starts[l + 1]]``: list l's parameters; ``kinds[l]``: 0 season, 1 single."""
    seasons = st.shape[0]
    for b in prange((seasons + BLOCK - 1) // BLOCK):
        buf = np.empty(scratch, np.int64)
        for s in range(b * BLOCK, min(seasons, (b + 1) * BLOCK)):
            row = st[s]
            outcome = ranks[s]
            for k in range(kinds.shape[0]):
                sl = blobs[starts[k]: starts[k + 1]]
                if kinds[k] == 0:
                    _season_list(tb, row, outcome, sl, buf)
                else:
                    _single_list(tb, row, outcome, sl, buf)


def dynamic_lists(plans: list[ListPlan]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The parameters of every list built per season, side by side, for build_lists."""
    dynamic = [plan for plan in plans if plan.kernel_args is not None]
    args = [plan.kernel_args for plan in dynamic if plan.kernel_args is not None]
    starts = np.cumsum([0] + [len(a) for a in args]).astype(np.int64)
    kinds = np.array([0 if plan.kernel == "season" else 1 for plan in dynamic], dtype=np.int64)
    scratch = max([int(a[L_SCRATCH if plan.kernel == "season" else R_SCRATCH])
                   for plan, a in zip(dynamic, args, strict=True)] + [1])
    blobs = np.concatenate(args) if args else np.zeros(1, dtype=np.int64)
    return blobs, starts, kinds, scratch
