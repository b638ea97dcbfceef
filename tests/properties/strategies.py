"""Hypothesis strategies for generated qualification inputs, kept as plain rows so tests can reorder and edit them.

A generated list is a tuple of :class:`Row` in walking order. :func:`build` turns rows into the
:class:`RankingList` the engine reads (optionally shuffling them first: the list must not care).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from hypothesis import strategies as st

from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import System

NOCS = load_nocs()
# Real IOC codes with their continents (the registry's own), host first so that it is always drawable.
REAL = tuple(code for code in NOCS.codes() if NOCS.continent(code) is not None and not NOCS.is_neutral(code))
HOST = "ITA"
NEUTRAL = "AIN"


@dataclass(frozen=True)
class Row:
    rank: int
    noc: str
    points: float | None = None
    athlete: str | None = None
    qualifier: int | None = None


def build(spec_id: str, system: System, rows: tuple[Row, ...], *, shuffle: random.Random | None = None
          ) -> RankingList:
    spec = system.list_spec(spec_id)
    ordered = list(rows)
    if shuffle is not None:
        shuffle.shuffle(ordered)
    entries = tuple(RankingEntry(rank=r.rank, noc=r.noc, points=r.points, athlete=r.athlete, qualifier=r.qualifier,
                                 continent=NOCS.continent(r.noc) if spec.needs_continent else None)
                    for r in ordered)
    return RankingList(id=spec.id, title=spec.title, gender=spec.gender, event=spec.event, kind=spec.kind,
                       entries=entries)


def build_all(system: System, lists: dict[str, tuple[Row, ...]], *, shuffle: random.Random | None = None
              ) -> dict[str, RankingList]:
    ids = list(lists)
    if shuffle is not None:
        shuffle.shuffle(ids)
    return {list_id: build(list_id, system, lists[list_id], shuffle=shuffle) for list_id in ids}


@st.composite
def standings(draw, count: int, *, points: bool, ties: bool = True,
              unit: float = 1.0) -> list[tuple[int, float | None]]:
    """(rank, points) for ``count`` entries in order: competition ranking, points never rising.

    A tie is either a shared rank with equal points, or (ranked lists only) equal points with distinct ranks, as
    the federation published them (its own tie-break).
    """
    out: list[tuple[int, float | None]] = []
    value = draw(st.integers(10 * count + 10, 20 * count + 100))
    for index in range(count):
        kind = draw(st.sampled_from(["new", "new", "new", "shared", "equal"])) if ties and index else "new"
        if kind == "new" and index:
            value -= draw(st.integers(1, 9))
        rank = out[-1][0] if kind == "shared" else index + 1
        if kind == "equal" and not points:
            rank = index + 1
        out.append((rank, round(value * unit, 1) if points else None))
    return out


def _moved(rows: tuple[Row, ...], index: int) -> tuple[Row, ...]:
    """Rows with entry ``index`` swapped with the one above it, each taking the other's rank and points."""
    upper, lower = rows[index - 1], rows[index]
    moved = list(rows)
    moved[index - 1] = replace(lower, rank=upper.rank, points=upper.points)
    moved[index] = replace(upper, rank=lower.rank, points=lower.points)
    return tuple(moved)


def move_up(rows: tuple[Row, ...], index: int) -> tuple[Row, ...] | None:
    """Entry ``index`` one place up, or None where that is no improvement (top, same rank, or past its own NOC's
    better qualifier, which the SOQC never lists below a worse one)."""
    if index <= 0 or index >= len(rows):
        return None
    upper, lower = rows[index - 1], rows[index]
    if upper.rank == lower.rank or upper.noc == lower.noc:
        return None
    return _moved(rows, index)


# --- ski mountaineering -------------------------------------------------------------------------------------

SKI_LISTS = ("wch-mixed-relay", "mixed-relay-ranking", "wch-sprint-M", "wch-sprint-W", "sprint-ranking-M",
             "sprint-ranking-W")


@st.composite
def ski_inputs(draw) -> dict[str, tuple[Row, ...]]:
    pool = draw(st.lists(st.sampled_from(REAL), min_size=6, max_size=30, unique=True))
    if draw(st.booleans()) and HOST not in pool:
        pool.insert(draw(st.integers(0, len(pool))), HOST)
    relay_nocs = draw(st.permutations(pool))
    relay = standings(len(relay_nocs), points=True)
    relay_rows = tuple(Row(rank, noc, pts) for (rank, pts), noc in zip(draw(relay), relay_nocs, strict=True))
    wch_nocs = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=min(6, len(pool)), unique=True))
    wch = draw(standings(len(wch_nocs), points=False, ties=False))
    lists = {"mixed-relay-ranking": relay_rows,
             "wch-mixed-relay": tuple(Row(rank, noc) for (rank, _), noc in zip(wch, wch_nocs, strict=True))}
    for gender in ("M", "W"):
        # A roster of athletes (neutral ones included) that both sprint lists draw from.
        roster_nocs = draw(st.lists(st.sampled_from([*pool, NEUTRAL]), min_size=4, max_size=24))
        roster = [(f"{noc} {gender}{i:02d}", noc) for i, noc in enumerate(roster_nocs)]
        race = draw(st.lists(st.sampled_from(roster), min_size=1, max_size=min(8, len(roster)), unique=True))
        race_ranks = draw(standings(len(race), points=False))
        lists[f"wch-sprint-{gender}"] = tuple(Row(rank, noc, athlete=name)
                                              for (rank, _), (name, noc) in zip(race_ranks, race, strict=True))
        ranking = draw(st.permutations(roster))
        ranks = draw(standings(len(ranking), points=True))
        lists[f"sprint-ranking-{gender}"] = tuple(Row(rank, noc, pts, athlete=name)
                                                  for (rank, pts), (name, noc) in zip(ranks, ranking, strict=True))
    return {list_id: lists[list_id] for list_id in SKI_LISTS}


# --- short track ------------------------------------------------------------------------------------------

INDIVIDUAL = ("500m", "1000m", "1500m")
SHORT_TRACK_LISTS = tuple(f"soqc-{g}-{e}" for g in "MW" for e in (*INDIVIDUAL, "relay")) + ("soqc-X-mixed-relay",)


def _soqc_rows(entries: list[tuple[str, int, float]]) -> tuple[Row, ...]:
    """SOQC rows as the builder makes them: total descending, NOC, qualifier; equal totals share a rank."""
    ordered = sorted(entries, key=lambda e: (-e[2], e[0], e[1]))
    rows, rank = [], 0
    for position, (noc, qualifier, total) in enumerate(ordered, start=1):
        if position == 1 or total != ordered[position - 2][2]:
            rank = position
        rows.append(Row(rank, noc, total, qualifier=qualifier or None))
    return tuple(rows)


@st.composite
def short_track_inputs(draw, min_nocs: int = 15, max_nocs: int = 40) -> dict[str, tuple[Row, ...]]:
    """Each NOC has a strength; its totals scatter below it, so strong NOCs fill their three places in every
    distance and their relays (as in a real season) and the athlete total lands near the 112 ceiling."""
    pool = draw(st.lists(st.sampled_from(REAL), min_size=min_nocs, max_size=max_nocs, unique=True))
    if draw(st.booleans()) and HOST not in pool:
        pool[draw(st.integers(0, len(pool) - 1))] = HOST
    entrants = pool + ([NEUTRAL] if draw(st.booleans()) else [])
    strength = {noc: draw(st.integers(1, 60)) for noc in entrants}
    spread = draw(st.integers(0, 30))  # 0: totals follow strength exactly (many equal totals, shared ranks)

    def totals(noc: str, count: int) -> list[float]:
        values = [max(1, strength[noc] - draw(st.integers(0, spread)) - 4 * k) for k in range(count)]
        return [round(v * 50.0, 1) for v in sorted(values, reverse=True)]

    def qualifiers(noc: str, most: int) -> int:
        # Stronger NOCs enter more skaters; anyone may be missing from a list.
        return min(most, draw(st.integers(0, 1 + strength[noc] // 15)))

    lists: dict[str, tuple[Row, ...]] = {}
    for gender in "MW":
        for event in INDIVIDUAL:
            entries = []
            for noc in entrants:
                found = totals(noc, qualifiers(noc, 1 if noc == NEUTRAL else 3))
                entries += [(noc, k, value) for k, value in enumerate(found, start=1)]
            lists[f"soqc-{gender}-{event}"] = _soqc_rows(entries)
        relay = [noc for noc in pool if qualifiers(noc, 1)]
        lists[f"soqc-{gender}-relay"] = _soqc_rows([(noc, 0, totals(noc, 1)[0]) for noc in relay])
    mixed = [noc for noc in pool if qualifiers(noc, 1)]
    lists["soqc-X-mixed-relay"] = _soqc_rows([(noc, 0, totals(noc, 1)[0]) for noc in mixed])
    return {list_id: lists[list_id] for list_id in SHORT_TRACK_LISTS}


GENDERS = {"M": Gender.MEN, "W": Gender.WOMEN, "X": Gender.MIXED}
