"""View models for the pages, read from an :class:`Outcome` (the allocation and its log), never re-derived.

* the Summary's grouped header, from the rule file's ``summary`` columns and their ``group``;
* ranking lists with the cut line: the last entry that received a place from the list, and who is next;
* an NOC's story in sentences, from :func:`qualify.explain.explain`;
* a what-if: cells that changed against the same source without the declines, places gained and lost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qualify.errors import InputError
from qualify.explain import Explanation, GenderStory, explain
from qualify.io.declines import parse_decline
from qualify.io.report import Cell
from qualify.model.allocation import Decision, Place, SkipReason
from qualify.model.common import Gender
from qualify.model.ranking import RankingEntry, RankingList
from qualify.rules import SummaryColumn, System
from qualify.web.scenarios import Outcome

NEXT_IN_LINE = 6  # the published short-track tables show "the next best six nations"


# --- Summary ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1
    group_start: bool = False


def summary_header(columns: list[SummaryColumn]) -> list[list[HeaderCell]]:
    """One header row, or two where columns carry a ``group`` (Men: 500m 1000m …) as the published table."""
    if not any(c.group for c in columns):
        return [[HeaderCell("Nation")] + [HeaderCell(c.label) for c in columns]]
    top: list[HeaderCell] = [HeaderCell("Nation", rowspan=2)]
    bottom: list[HeaderCell] = []
    index = 0
    while index < len(columns):
        column = columns[index]
        if column.group is None:
            top.append(HeaderCell(column.label, rowspan=2, group_start=True))
            index += 1
            continue
        span = 1
        while index + span < len(columns) and columns[index + span].group == column.group:
            span += 1
        top.append(HeaderCell(column.group, colspan=span, group_start=True))
        bottom += [HeaderCell(c.label, group_start=(i == 0)) for i, c in enumerate(columns[index:index + span])]
        index += span
    return [top, bottom]


def group_starts(columns: list[SummaryColumn]) -> list[bool]:
    """Whether each column opens a group (a thicker rule is drawn before it); ungrouped tables get one rule."""
    if not any(c.group for c in columns):
        return [i == 0 for i in range(len(columns))]
    return [i == 0 or c.group is None or c.group != columns[i - 1].group for i, c in enumerate(columns)]


def cell_text(cell: Cell, value: int | None = None) -> str:
    shown = cell.value if value is None else value
    if cell.mark:
        return "X" if shown else ""
    return str(shown)


# --- ranking lists --------------------------------------------------------------------------------------

@dataclass
class EntryView:
    entry: RankingEntry
    name: str
    who: str
    places: list[Place]
    decisions: list[Decision]
    position: int  # 1-based position in the list
    next_in_line: int | None = None  # 1 for the first entry below the cut line, and so on
    behind_cut: float | None = None  # points short of the cut

    @property
    def status(self) -> str:
        if any(p.active for p in self.places):
            return "place"
        if self.places:
            return self.places[0].status.value
        if self.decisions:
            return "passed"
        return ""


@dataclass
class ListView:
    ranking: RankingList
    entries: list[EntryView]
    cut_after: int | None  # position of the last entry that received a place from this list
    places: int
    has_points: bool
    steps: list[str] = field(default_factory=list)
    report: str | None = None  # a list built from a season: why it is empty or short ("its first race comes later")

    @property
    def cut_entry(self) -> EntryView | None:
        return self.entries[self.cut_after - 1] if self.cut_after else None


def _entry_key(rank: int | None, noc: str | None, athlete: str | None) -> tuple:
    return (rank, noc, athlete or None)


def list_views(outcome: Outcome) -> list[ListView]:
    return outcome.cached("list_views", lambda: _list_views(outcome))


def _list_views(outcome: Outcome) -> list[ListView]:
    allocation, nocs, system = outcome.allocation, outcome.nocs, outcome.system
    labels = {step.id: step.label for step in system.steps}
    built = outcome.source.inputs.built
    views = []
    for ranking in outcome.source.inputs.lists.values():
        places_by: dict[tuple, list[Place]] = {}
        for place in allocation.places:
            if place.list == ranking.id and place.rank is not None:
                places_by.setdefault(_entry_key(place.rank, place.noc, place.athlete), []).append(place)
        decisions_by: dict[tuple, list[Decision]] = {}
        for decision in allocation.decisions:
            if decision.list == ranking.id and decision.rank is not None:
                decisions_by.setdefault(_entry_key(decision.rank, decision.noc, decision.athlete), []).append(decision)
        entries = []
        for position, entry in enumerate(ranking.entries, start=1):
            key = _entry_key(entry.rank, entry.noc, entry.athlete)
            entries.append(EntryView(entry, nocs.name(entry.noc), entry.label, places_by.get(key, []),
                                     decisions_by.get(key, []), position))
        with_place = [view.position for view in entries if view.places]
        cut_after = max(with_place) if with_place else None
        if cut_after is not None:
            cut_points = entries[cut_after - 1].entry.points
            for number, view in enumerate(entries[cut_after:cut_after + NEXT_IN_LINE], start=1):
                view.next_in_line = number
                if cut_points is not None and view.entry.points is not None:
                    view.behind_cut = round(cut_points - view.entry.points, 1)
        steps = sorted({labels.get(p.pathway, p.pathway) for ps in places_by.values() for p in ps})
        made = built.lists.get(ranking.id) if built is not None else None
        views.append(ListView(ranking, entries, cut_after, sum(len(ps) for ps in places_by.values()),
                              any(e.points is not None for e in ranking.entries), steps,
                              made.report if made is not None else None))
    return views


# --- an NOC's story ---------------------------------------------------------------------------------------

GENDER_WORD = {Gender.MEN: "men's", Gender.WOMEN: "women's", Gender.MIXED: "mixed"}
GENDER_NOUN = {Gender.MEN: "men", Gender.WOMEN: "women", Gender.MIXED: "mixed-team"}
KIND_NOUN = {"quota": "athlete quota place", "start": "starting place", "team": "team place"}
REASON_TEXT = {
    SkipReason.CAP_REACHED: "its NOC had reached a cap",
    SkipReason.ALREADY_QUALIFIED: "its NOC already held a place",
    SkipReason.EXCLUDED: "a rule of the step excluded it",
    SkipReason.NOT_ELIGIBLE: "the athlete had not met the eligibility standard",
    SkipReason.LIST_EXHAUSTED: "the list ran out",
    SkipReason.TIE_LOST: "it lost a tie",
    SkipReason.DECLINED: "the place was declined",
    SkipReason.QUOTA_FULL: "the places ran out before this rank",
    SkipReason.OTHER_CONTINENT: "the place was for another continent",
    SkipReason.TEAM_INCOMPLETE: "the team was incomplete",
    SkipReason.CEILING_REACHED: "the athlete ceiling had been reached",
}


@dataclass
class Sentence:
    text: str
    clause: str = ""
    tone: str = ""  # "place", "declined", "closest", "miss", "note"


@dataclass
class StoryView:
    gender: Gender
    headline: str
    sentences: list[Sentence]


def _list_title(system: System, list_id: str | None) -> str:
    if list_id is None:
        return ""
    return next((spec.title for spec in system.lists if spec.id == list_id), list_id)


def _step_label(system: System, step_id: str) -> str:
    return next((step.label for step in system.steps if step.id == step_id), step_id)


def _event_name(system: System, event_id: str | None) -> str:
    return next((event.name for event in system.events if event.id == event_id), event_id or "")


def place_sentence(system: System, place: Place, holder: str) -> str:
    who = place.athlete or holder
    noun = f"a {GENDER_WORD[place.gender]} {KIND_NOUN.get(place.kind, 'place')}"
    text = f"{who} {'held' if not place.active else 'holds'} {noun}"
    if place.event:
        text += f" in the {_event_name(system, place.event)}"
    text += f" through “{_step_label(system, place.pathway)}”"
    if place.rank is not None and place.list:
        text += f", rank {place.rank} on the {_list_title(system, place.list)}"
    if place.points is not None:
        text += f" ({place.points:g} points)"
    if place.detail and place.detail not in ("host",):
        text += f"; {place.detail}"
    if place.passed_down_from:
        text += f"; passed down from {place.passed_down_from}"
    if place.reallocated_from:
        text += f"; reallocated from {place.reallocated_from}"
    if place.tie_unresolved:
        text += "; decided by an unresolved tie"
    return text + "."


def decision_sentence(system: System, decision: Decision, holder: str) -> str:
    who = decision.athlete or holder
    where = f" at rank {decision.rank} on the {_list_title(system, decision.list)}" if decision.rank else ""
    text = (f"{who}{where} was passed over by “{_step_label(system, decision.step)}”: "
            f"{REASON_TEXT.get(decision.reason, decision.reason.value)}")
    if decision.detail:
        text += f" ({decision.detail})"
    text += "."
    if decision.taken_by:
        text += f" The place went to {decision.taken_by}."
    return text


def explanation(outcome: Outcome, noc: str) -> Explanation:
    return outcome.cached(f"explain:{noc}", lambda: explain(outcome.system, outcome.allocation,
                                                            outcome.source.inputs.lists, noc, outcome.nocs))


def story_views(outcome: Outcome, noc: str) -> list[StoryView]:
    system = outcome.system
    told = explanation(outcome, noc)
    derived_steps = system.derived_steps
    return [_story(system, told, story, derived_steps) for story in told.stories]


def _story(system: System, told: Explanation, story: GenderStory, derived_steps: frozenset[str]) -> StoryView:
    word = GENDER_WORD[story.gender]
    earned = [p for p in story.places if p.pathway not in derived_steps]
    derived = [p for p in story.places if p.pathway in derived_steps]
    counts = Counter(p.kind for p in earned)
    parts = [f"{n} {KIND_NOUN.get(kind, 'place')}{'s' if n != 1 else ''}" for kind, n in sorted(counts.items())]
    if derived:
        parts.append(f"{len(derived)} athlete{'s' if len(derived) != 1 else ''}")
    headline = f"{story.gender.label}: " + (", ".join(parts) if parts else f"no {word} place")
    sentences = [Sentence(place_sentence(system, p, told.name), p.clause, "place") for p in earned]
    if derived:
        sentences.append(Sentence(f"These places let {told.name} enter {len(derived)} {GENDER_NOUN[story.gender]}"
                                  f"{' athletes' if story.gender is Gender.MIXED else ''}: {derived[0].detail}.",
                                  derived[0].clause, "place"))
    sentences += [Sentence("Given up: " + place_sentence(system, p, told.name), p.clause, "declined")
                  for p in story.declined if p.pathway not in derived_steps]
    if story.closest is not None:
        sentences.append(Sentence("Closest miss: " + decision_sentence(system, story.closest, told.name),
                                  story.closest.clause, "closest"))
    sentences += [Sentence(decision_sentence(system, d, told.name), d.clause, "miss")
                  for d in story.misses if d is not story.closest]
    if not story.places and not story.misses:
        sentences.append(Sentence(f"{told.name} appears on no list that awards a {word} place.", tone="note"))
    if story.lists_absent and not story.places:
        sentences.append(Sentence(f"Not on: {'; '.join(story.lists_absent)}.", tone="note"))
    return StoryView(story.gender, headline, sentences)


# --- what-if ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeclineOption:
    value: str  # NOC:GENDER:EVENT-or-STEP, as `qualify allocate --decline` takes it
    noc: str
    name: str
    label: str


def decline_options(outcome: Outcome) -> list[DeclineOption]:
    """The places that can be given up now: one option per NOC, gender and event (or step)."""
    system = outcome.system
    derived_steps = system.derived_steps
    held: Counter[tuple[str, Gender, str]] = Counter()
    examples: dict[tuple[str, Gender, str], Place] = {}
    for place in outcome.allocation.active_places():
        if place.pathway in derived_steps:
            continue
        key = (place.noc, place.gender, place.event or place.pathway)
        held[key] += 1
        examples.setdefault(key, place)
    options = []
    for (noc, gender, which), count in held.items():
        value = f"{noc}:{gender.value}:{which}"
        try:
            parse_decline(value, system, outcome.nocs)
        except InputError:
            continue  # not declinable (e.g. a mixed place, which declines do not cover)
        place = examples[(noc, gender, which)]
        what = _event_name(system, place.event) if place.event else (
            f"{gender.label}, {_step_label(system, place.pathway)}")
        label = f"{what}" + (f" ({count} places: the last one earned)" if count > 1 else
                             (f", {place.athlete}" if place.athlete else ""))
        options.append(DeclineOption(value, noc, outcome.nocs.name(noc), label))
    return sorted(options, key=lambda o: (o.name.lower(), o.value))


def _signature(place: Place) -> tuple:
    return (place.noc, place.gender.value, place.event, place.pathway, place.entry, place.kind, place.rank)


@dataclass
class WhatIf:
    changed: dict[tuple[str, str], int]  # (noc, column key) -> the value without the declines
    gained: list[Place]
    lost: list[Place]


def what_if(base: Outcome, scenario: Outcome) -> WhatIf:
    before = {(row.noc, column.key): cell.value
              for row in base.summary.rows for column, cell in zip(base.summary.columns, row.cells, strict=True)}
    changed = {}
    for row in scenario.summary.rows:
        for column, cell in zip(scenario.summary.columns, row.cells, strict=True):
            was = before.get((row.noc, column.key), 0)
            if was != cell.value:
                changed[(row.noc, column.key)] = was
    base_active = Counter(_signature(p) for p in base.allocation.active_places())
    new_active = Counter(_signature(p) for p in scenario.allocation.active_places())
    gained_keys, lost_keys = new_active - base_active, base_active - new_active
    gained, lost = [], []
    for place in scenario.allocation.active_places():
        if gained_keys[_signature(place)] > 0:
            gained_keys[_signature(place)] -= 1
            gained.append(place)
    for place in base.allocation.active_places():
        if lost_keys[_signature(place)] > 0:
            lost_keys[_signature(place)] -= 1
            lost.append(place)
    return WhatIf(changed, gained, lost)
