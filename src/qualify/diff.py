"""What changed between two standings: per NOC and event, the places gained and lost, each with its cause.

Causes are read from the two allocations' logs and lists, never made up: a place lost because its entry was not
reached is explained by the entries that passed it on the list (ranked below it before, above it now, and holding
a place from the same step now); a place lost to a cap quotes the cap's decision; a place withdrawn for a guarantee
or left unfilled quotes the log's decision or warning. A gained place is explained the same way from the earlier
standing. Where the log records nothing about an entry, the change says so.

Places are compared per NOC, gender, event and kind; athlete numbers derived from places (an ``athlete_quota``
step) are reported as following from the places. A place that stays with the NOC but now comes through another step
is reported as moved, with the reason it now comes from there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from qualify.model.allocation import Allocation, Decision, Place, PlaceStatus, SkipReason
from qualify.model.common import Gender
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import System
from qualify.standings import Standing

# What a cause is, for machines; ``text`` says it for people.
OVERTAKEN = "overtaken"
NOT_REACHED = "not reached"
TIE_LOST = "tie lost"
CAP = "cap"
OTHER_STEP = "through another step"
NOT_ELIGIBLE = "not eligible"
EXCLUDED = "excluded"
DISPLACED = "displaced"
LAPSED = "lapsed"
CEILING = "athlete ceiling"
MOVED_UP = "moved up"
NEW_ON_LIST = "new on the list"
LIST_REACHED = "list reaches further"
CAP_LIFTED = "cap no longer binds"
NOW_ELIGIBLE = "now eligible"
GRANTED = "granted by the step"
DERIVED = "follows from the places"
UNRECORDED = "not in the log"


@dataclass(frozen=True)
class Cause:
    direction: str  # "gained" or "lost" (a change with both and no net difference is a move between steps)
    step: str
    step_label: str
    list: str | None
    entry: str
    rank_before: int | None
    rank_after: int | None
    reason: str
    text: str
    by: tuple[str, ...] = ()  # the entries that overtook it (lost) or that it passed (gained)


@dataclass
class Change:
    noc: str
    gender: Gender
    event: str | None
    kind: str
    before: int
    after: int
    causes: list[Cause] = field(default_factory=list)
    derived: bool = False  # athlete numbers that follow from the places (an athlete_quota step)

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass
class Diff:
    system: System
    before: Standing
    after: Standing
    changes: list[Change]


def diff(before: Standing, after: Standing) -> Diff:
    system = after.system
    derived_steps = system.derived_steps
    labels = {step.id: step.label for step in system.steps}
    order = {step.id: i for i, step in enumerate(system.steps)}
    old = _by_key(before.allocation, derived_steps)
    new = _by_key(after.allocation, derived_steps)
    changes = []
    for key in sorted(set(old) | set(new), key=_key_order):
        noc, gender, event, kind, derived = key
        was, now = old.get(key, []), new.get(key, [])
        if derived:
            if len(was) != len(now):
                step = (now or was)[0].pathway
                cause = Cause("gained" if len(now) > len(was) else "lost", step, labels.get(step, step), None, noc,
                              None, None, DERIVED, f"{gender.label.lower()}'s athletes {len(was)} -> {len(now)}: they "
                              f"follow from the places ({(now or was)[0].clause})")
                changes.append(Change(noc, gender, event, kind, len(was), len(now), [cause], derived=True))
            continue
        lost, gained = _unmatched(was, now)
        if not lost and not gained:
            continue
        causes = [_lost_cause(p, before, after, labels) for p in sorted(lost, key=lambda p: order.get(p.pathway, 99))]
        causes += [_gained_cause(p, before, after, labels)
                   for p in sorted(gained, key=lambda p: order.get(p.pathway, 99))]
        changes.append(Change(noc, gender, event, kind, len(was), len(now), causes))
    return Diff(system, before, after, changes)


Key = tuple[str, Gender, str | None, str, bool]


def _by_key(allocation: Allocation, derived_steps: frozenset[str]) -> dict[Key, list[Place]]:
    out: dict[Key, list[Place]] = defaultdict(list)
    for place in allocation.active_places():
        out[(place.noc, place.gender, place.event, place.kind, place.pathway in derived_steps)].append(place)
    return out


def _key_order(key: Key) -> tuple:
    noc, gender, event, kind, derived = key
    return (noc, "MWX".index(gender.value), derived, event or "", kind)


def _unmatched(was: list[Place], now: list[Place]) -> tuple[list[Place], list[Place]]:
    """Places of one key that the other standing does not have, matched by step and entry, then by step."""
    lost, gained = list(was), list(now)
    for same in (lambda a, b: (a.pathway, a.entry) == (b.pathway, b.entry), lambda a, b: a.pathway == b.pathway):
        for place in list(lost):
            partner = next((p for p in gained if same(place, p)), None)
            if partner is not None:
                lost.remove(place)
                gained.remove(partner)
    return lost, gained


# --- finding entries and decisions --------------------------------------------------------------------------------

def _find(ranking: RankingList | None, place: Place) -> RankingEntry | None:
    """The list entry behind a place: the athlete, or the NOC's entry (its k-th for a slot entry)."""
    if ranking is None:
        return None
    for entry in ranking.entries:
        if entry.noc != place.noc:
            continue
        if place.athlete is not None and entry.athlete == place.athlete:
            return entry
        if place.athlete is None and entry.label == place.entry:
            return entry
    return None


def _same_entry(entry: RankingEntry, other: RankingEntry) -> bool:
    return (entry.noc, entry.athlete, entry.qualifier) == (other.noc, other.athlete, other.qualifier)


def _decision(allocation: Allocation, step: str, noc: str, rank: int | None, athlete: str | None) -> Decision | None:
    """The step's decision on this entry: the same NOC at the entry's rank (and the athlete, if any). Without a rank,
    an athlete's decision; an NOC entry without a rank cannot be told from the NOC's other entries: None."""
    found = [d for d in allocation.decisions if d.step == step and d.noc == noc
             and (athlete is None or d.athlete in (None, athlete))]
    if rank is not None:
        return next((d for d in found if d.rank == rank), None)
    return next((d for d in found if athlete is not None and d.athlete == athlete), None)


def _who(entry: RankingEntry) -> str:
    return f"{entry.label} ({entry.noc})" if entry.athlete or entry.qualifier else entry.noc


def _points(entry: RankingEntry | None) -> str:
    return "" if entry is None or entry.points is None else f", {entry.points:g} points"


def _rank_text(before: int | None, after: int | None) -> str:
    if before is None:
        return f"rank {after}" if after is not None else "off the list"
    if after is None:
        return f"off the list (was rank {before})"
    return f"rank {after} (was {before})" if before != after else f"rank {after} (unchanged)"


def _passers(ranking_then: RankingList | None, ranking_now: RankingList | None, entry_then: RankingEntry | None,
             entry_now: RankingEntry | None, holders: set[tuple[str, str | None, str]]
             ) -> list[tuple[RankingEntry, int | None]]:
    """Entries above ``entry_now`` on ``ranking_now`` that were below ``entry_then`` on ``ranking_then`` (or not on
    it), and hold a place from the step in the standing of ``ranking_now``; with their rank on ``ranking_then``."""
    if ranking_now is None or entry_now is None:
        return []
    then = {(e.noc, e.athlete, e.qualifier): e.rank for e in (ranking_then.entries if ranking_then else ())}
    mine_then = entry_then.rank if entry_then is not None else None
    out = []
    for other in ranking_now.entries:
        if other.rank >= entry_now.rank or _same_entry(other, entry_now):
            continue
        if (other.noc, other.athlete, other.label) not in holders:
            continue
        earlier = then.get((other.noc, other.athlete, other.qualifier))
        if mine_then is None or earlier is None or earlier > mine_then:
            out.append((other, earlier))
    return out


def _some(entries: list[str], shown: int = 5) -> str:
    more = len(entries) - shown
    return "; ".join(entries[:shown]) + (f"; and {more} more" if more > 0 else "")


def _holders(allocation: Allocation, step: str) -> set[tuple[str, str | None, str]]:
    return {(p.noc, p.athlete, p.entry) for p in allocation.places if p.pathway == step and p.active}


# --- causes ------------------------------------------------------------------------------------------------------

def _lost_cause(place: Place, before: Standing, after: Standing, labels: dict[str, str]) -> Cause:
    step, label = place.pathway, labels.get(place.pathway, place.pathway)
    ranking_before = before.lists.get(place.list) if place.list else None
    ranking_after = after.lists.get(place.list) if place.list else None
    entry_before = _find(ranking_before, place)
    entry_after = _find(ranking_after, place)
    rank_before = entry_before.rank if entry_before else place.rank
    rank_after = entry_after.rank if entry_after else None
    where = f"on {ranking_after.title if ranking_after else place.list}" if place.list else f"in '{label}'"

    def cause(reason: str, text: str, by: tuple[str, ...] = ()) -> Cause:
        return Cause("lost", step, label, place.list, place.entry, rank_before, rank_after, reason, text, by)

    withdrawn = [d for d in after.allocation.decisions if d.noc == place.noc and d.rank == rank_after
                 and d.list == place.list and d.reason is SkipReason.QUOTA_FULL and "withdrawn" in d.detail]
    displaced = [p for p in after.allocation.places if p.pathway == step and p.noc == place.noc
                 and p.entry == place.entry and p.status is PlaceStatus.DISPLACED]
    if displaced and withdrawn:
        return cause(DISPLACED, f"{place.entry} {where}: {withdrawn[0].detail} (taken by {withdrawn[0].taken_by})")
    decision = _decision(after.allocation, step, place.noc, rank_after, place.athlete)
    if decision is None and place.list is None:  # a step without a list (a guarantee): its decision on the event
        decision = next((d for d in after.allocation.decisions if d.step == step and d.noc == place.noc
                         and d.gender is place.gender and d.event == place.event), None)
    if decision is not None:
        rank = _rank_text(rank_before, rank_after)
        if decision.reason in (SkipReason.QUOTA_FULL, SkipReason.TIE_LOST):
            if decision.reason is SkipReason.TIE_LOST:
                return cause(TIE_LOST, f"{place.entry} {where} at {rank}: {decision.detail}")
            passers = [f"{_who(e)} (rank {e.rank}, was {'not on the list' if then is None else then})"
                       for e, then in _passers(ranking_before, ranking_after, entry_before, entry_after,
                                               _holders(after.allocation, step))]
            if passers:
                return cause(OVERTAKEN, f"{place.entry} {where} at {rank}{_points(entry_after)}: overtaken by "
                                        f"{_some(passers)}", tuple(passers))
            taken = f"; the last place went to {decision.taken_by}" if decision.taken_by else ""
            return cause(NOT_REACHED, f"{place.entry} {where} at {rank}: {decision.detail}{taken}")
        kinds = {SkipReason.CAP_REACHED: CAP, SkipReason.ALREADY_QUALIFIED: OTHER_STEP,
                 SkipReason.NOT_ELIGIBLE: NOT_ELIGIBLE, SkipReason.EXCLUDED: EXCLUDED,
                 SkipReason.CEILING_REACHED: CEILING, SkipReason.DECLINED: LAPSED}
        return cause(kinds.get(decision.reason, decision.reason.value),
                     f"{place.entry} {where} at {rank}: {decision.reason.value}: {decision.detail}")
    lapsed = [w.message for w in after.allocation.warnings if w.step == step and place.noc in w.message]
    if lapsed:
        return cause(LAPSED, f"{place.entry}: {lapsed[0]}")
    if place.list and entry_after is None:
        return cause(UNRECORDED, f"{place.entry} is not on {place.list} in the later standing")
    return cause(UNRECORDED, f"step '{label}' no longer gives {place.noc} this place; its log records no decision "
                             f"on {place.entry}")


def _gained_cause(place: Place, before: Standing, after: Standing, labels: dict[str, str]) -> Cause:
    step, label = place.pathway, labels.get(place.pathway, place.pathway)
    ranking_before = before.lists.get(place.list) if place.list else None
    ranking_after = after.lists.get(place.list) if place.list else None
    entry_before = _find(ranking_before, place)
    entry_after = _find(ranking_after, place)
    rank_before = entry_before.rank if entry_before else None
    rank_after = entry_after.rank if entry_after else place.rank

    def cause(reason: str, text: str, by: tuple[str, ...] = ()) -> Cause:
        return Cause("gained", step, label, place.list, place.entry, rank_before, rank_after, reason, text, by)

    if not place.list:
        return cause(GRANTED, f"{place.entry}: granted by '{label}' [{place.clause}]")
    title = ranking_after.title if ranking_after else place.list
    now = f"{place.entry} on {title} at {_rank_text(rank_before, rank_after)}{_points(entry_after)}"
    if entry_before is None:
        return cause(NEW_ON_LIST, f"{now}: new on the list")
    decision = _decision(before.allocation, step, place.noc, rank_before, place.athlete)
    if decision is not None and decision.reason in (SkipReason.QUOTA_FULL, SkipReason.TIE_LOST):
        # The entries it passed: above it before, below it now, and holding a place from the step before.
        passed = [f"{_who(e)} (rank {'off the list' if now is None else now}, was {e.rank})"
                  for e, now in _passers(ranking_after, ranking_before, entry_after, entry_before,
                                         _holders(before.allocation, step))]
        if passed:
            return cause(MOVED_UP, f"{now}: passed {_some(passed)}", tuple(passed))
        return cause(LIST_REACHED, f"{now}: the step now reaches it (before: {decision.detail})")
    if decision is not None and decision.reason is SkipReason.CAP_REACHED:
        return cause(CAP_LIFTED, f"{now}: the cap no longer binds (before: {decision.detail})")
    if decision is not None and decision.reason is SkipReason.NOT_ELIGIBLE:
        return cause(NOW_ELIGIBLE, f"{now}: now eligible (before: {decision.detail})")
    if decision is not None:
        return cause(decision.reason.value, f"{now}; before, this step passed it over: {decision.reason.value} "
                                            f"({decision.detail})")
    exhausted = [d for d in before.allocation.decisions if d.step == step and d.reason is SkipReason.LIST_EXHAUSTED]
    if exhausted:
        return cause(LIST_REACHED, f"{now}: before, {exhausted[0].detail}")
    return cause(UNRECORDED, f"{now}: the earlier log records no decision on {place.entry} in '{label}'")
