"""Explain an NOC's places and misses from the allocation log (never by re-running the rules)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from qualify.model.allocation import Allocation, Decision, Place, SkipReason
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingList
from qualify.rules import System

# Reasons that describe a place the NOC could have had, as opposed to a rule that kept it out of a step.
MISS_REASONS = {SkipReason.QUOTA_FULL, SkipReason.TIE_LOST, SkipReason.CAP_REACHED, SkipReason.NOT_ELIGIBLE,
                SkipReason.LIST_EXHAUSTED, SkipReason.DECLINED}


@dataclass
class GenderStory:
    gender: Gender
    places: list[Place]
    declined: list[Place]
    misses: list[Decision]
    closest: Decision | None
    lists_absent: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    noc: str
    name: str
    stories: list[GenderStory]


def _last_granted_rank(allocation: Allocation, decision: Decision) -> int | None:
    ranks = [p.rank for p in allocation.places
             if p.pathway == decision.step and p.list == decision.list and p.rank is not None
             and (decision.gender is None or p.gender is decision.gender or p.gender is Gender.MIXED)]
    return max(ranks) if ranks else None


def explain(system: System, allocation: Allocation, lists: dict[str, RankingList], noc: str,
            nocs: NocRegistry) -> Explanation:
    genders = [q.gender for q in system.quotas] or [Gender.MEN, Gender.WOMEN]
    if any(p.gender is Gender.MIXED for p in allocation.places) and Gender.MIXED not in genders:
        genders.append(Gender.MIXED)
    step_order = {step.id: index for index, step in enumerate(system.steps)}
    stories = []
    for gender in genders:
        places = [p for p in allocation.places if p.noc == noc and p.gender is gender]
        # Mixed-gender decisions (a relay-pathway NOC quota, say) bear on both genders' stories.
        mine = [d for d in allocation.decisions if d.noc == noc and (d.gender is None or d.gender is gender
                                                                     or d.gender is Gender.MIXED)]
        misses = sorted((d for d in mine if d.reason in MISS_REASONS or d.reason is SkipReason.ALREADY_QUALIFIED
                         or d.reason is SkipReason.EXCLUDED),
                        key=lambda d: (step_order.get(d.step, 99), d.rank or 0))

        def gap(decision: Decision) -> tuple[int, int]:
            last = _last_granted_rank(allocation, decision)
            distance = (decision.rank - last) if (last is not None and decision.rank is not None) else 10_000
            return (distance, step_order.get(decision.step, 99))

        # A candidate who later got the place (by reallocation, say) did not miss it.
        holders = {(p.noc, p.athlete) for p in places if p.active}
        candidates = [d for d in misses if d.reason in MISS_REASONS and d.reason is not SkipReason.DECLINED
                      and not (d.athlete is not None and (d.noc, d.athlete) in holders)]
        closest = min(candidates, key=gap) if candidates else None
        relevant_lists = [r for r in lists.values() if r.gender in (gender, Gender.MIXED)]
        absent = [r.title for r in relevant_lists if all(e.noc != noc for e in r.entries)]
        stories.append(GenderStory(gender, [p for p in places if p.active], [p for p in places if not p.active],
                                   misses, closest, absent))
    return Explanation(noc, nocs.name(noc), stories)


def render_explanation(system: System, explanation: Explanation) -> list[str]:
    lines = [f"{explanation.name} ({explanation.noc}) in {system.sport}, {system.edition}"]
    derived_steps = system.derived_steps
    for story in explanation.stories:
        label = story.gender.label
        lines.append("")
        lines.append(f"{label}: {_count_line(story.places, derived_steps)}")
        derived = [p for p in story.places if p.pathway in derived_steps]
        for place in story.places:
            if place.pathway not in derived_steps:
                lines.append("  + " + describe_place(place))
        if derived:
            lines.append(f"  = {len(derived)} athlete{'s' if len(derived) != 1 else ''} from the places above: "
                         f"{derived[0].detail} [{derived[0].clause}]")
        for place in story.declined:
            lines.append("  - declined: " + describe_place(place))
        if story.closest is not None:
            lines.append("  closest miss: " + describe_decision(story.closest))
        others = [d for d in story.misses if d is not story.closest]
        for decision in others:
            lines.append("  . " + describe_decision(decision))
        if not story.places and not story.misses:
            lines.append(f"  no {_place_noun(story.gender)}: {explanation.noc} appears on no list that awards one")
        if story.lists_absent and not story.places:
            lines.append(f"  not on: {'; '.join(story.lists_absent)}")
    return lines + _legend(lines)


# The markers, in the order the stories use them, and what each means.
LEGEND = (
    ("+", "a place the NOC holds: step, list, rank, entry, event [clause]"),
    ("=", "athletes the NOC may enter, derived from its places"),
    ("-", "a place given up (declined), or lost with a declined place"),
    ("closest miss", "of the places missed, the one nearest to being won"),
    (".", "another place missed, or a step that passed the NOC over, and why"),
)


def _legend(lines: list[str]) -> list[str]:
    """A key to the markers that ``lines`` use (none when no marker is used)."""
    used = [(marker, meaning) for marker, meaning in LEGEND
            if any(line.startswith(f"  {marker} ") or line.startswith(f"  {marker}:") for line in lines)]
    if not used:
        return []
    width = max(len(marker) for marker, _ in used)
    return ["", "Key:"] + [f"  {marker.ljust(width)}  {meaning}" for marker, meaning in used]


def _place_noun(gender: Gender) -> str:
    return "mixed place" if gender is Gender.MIXED else f"{gender.label.lower()}'s place"


def wrap_explanation(lines: list[str], width: int | None) -> list[str]:
    """Lines wrapped at ``width`` with a hanging indent under the text after the marker; ``None``: not wrapped.

    Piped output is not wrapped: each line is one place or one miss, whole, for grep, diff and pagers.
    """
    if width is None:
        return list(lines)
    wrapped: list[str] = []
    for line in lines:
        if len(line) <= width:
            wrapped.append(line)
            continue
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        # Continuation lines go two columns deeper than the line: under the text after "  + ", "  . " and the like.
        hang = indent + 2
        wrapped += textwrap.wrap(line, width, subsequent_indent=" " * hang, break_long_words=False,
                                 break_on_hyphens=False) or [line]
    return wrapped


_KIND_NOUNS = {"start": "starting place", "team": "team place", "quota": "athlete"}


def _count_line(places: list[Place], derived_steps: frozenset[str]) -> str:
    kinds = {p.kind for p in places}
    if kinds <= {"quota"} and not any(p.pathway in derived_steps for p in places):
        return f"{len(places)} place{'s' if len(places) != 1 else ''}"
    parts = []
    for kind in ("start", "team", "quota"):
        count = sum(1 for p in places if p.kind == kind)
        if count or kind == "quota":
            noun = _KIND_NOUNS[kind]
            parts.append(f"{count} {noun}{'s' if count != 1 else ''}")
    return ", ".join(parts)


def describe_place(place: Place) -> str:
    parts = [f"step '{place.pathway}'"]
    if place.list:
        parts.append(f"list '{place.list}'")
    if place.rank is not None:
        parts.append(f"rank {place.rank}")
    parts.append(f"{'athlete' if place.athlete else 'entry'} {place.entry}")
    if place.event:
        parts.append(f"event {place.event}")
    if place.detail and place.detail != "host":
        parts.append(place.detail)
    if place.passed_down_from:
        parts.append(f"passed down from {place.passed_down_from}")
    if place.reallocated_from:
        parts.append(f"reallocated from {place.reallocated_from}")
    if place.tie_unresolved:
        parts.append("UNRESOLVED TIE")
    return ", ".join(parts) + f" [{place.clause}]"


def describe_decision(decision: Decision) -> str:
    parts = [f"step '{decision.step}'"]
    if decision.list:
        parts.append(f"list '{decision.list}'")
    if decision.rank is not None:
        parts.append(f"rank {decision.rank}")
    if decision.athlete:
        parts.append(decision.athlete)
    parts.append(f"{decision.reason.value}: {decision.detail}")
    if decision.taken_by:
        parts.append(f"place went to {decision.taken_by}")
    return ", ".join(parts)
