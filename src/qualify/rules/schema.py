"""The rule-file schema: a qualification system as data (events, quotas, caps, lists, ordered steps).

Unknown keys are rejected by name, steps are a closed set of types (the engine implements each once),
and nothing is evaluated. This module holds the shape; what a rule file means (references that resolve, ids
that are unique, steps in an order that can work...) is checked by ``qualify.rules.semantics``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from qualify.model.common import Gender
from qualify.rules.base import Strict
from qualify.rules.lists import ListSpec, PointsTableSpec
from qualify.rules.steps import AthleteQuotaStep, PlaceKind, Step


class Event(Strict):
    id: str
    name: str
    gender: Gender
    kind: Literal["individual", "team"] = "individual"
    places: int | None = Field(default=None, ge=0, description="maximum starting places in the event")


class Quota(Strict):
    """Total athlete quota places for one gender."""

    gender: Gender
    places: int = Field(ge=0)
    clause: str


class Cap(Strict):
    """At most ``max`` active places sharing the same values of ``per``.

    ``per`` without ``noc`` makes a total (an event or gender ceiling); with ``noc`` a per-NOC limit.
    ``kind``, ``events`` and ``gender`` restrict which places count; ``applies_to`` which holders: every NOC and neutral
    entry (``all``), only neutral entries (``neutral``, e.g. "one neutral skater per distance") or only nations.
    """

    id: str
    max: int = Field(ge=0)
    per: tuple[Literal["noc", "gender", "event"], ...]
    kind: PlaceKind | None = None
    events: tuple[str, ...] | None = None
    gender: Gender | None = None  # count only this gender's places (a gender quota is such a cap)
    applies_to: Literal["all", "neutral", "nations"] = "all"
    clause: str


class TieBreak(Strict):
    """How equal standings on a list are ordered.

    ``listed_rank``: the federation's rank column is final; equal points with different ranks were broken
    by the federation. Only equal ranks are ties. ``equal_points``: equal points are a tie whatever the
    ranks say. Within a tie the walk goes by NOC code, then athlete name, and a tie that decides a place
    is reported as unresolved.
    """

    rule: Literal["listed_rank", "equal_points"] = "listed_rank"
    clause: str = ""


class AthleteRules(Strict):
    """How many athletes an NOC may enter per gender, derived from its starting places.

    Without a team place: the most places it holds in one individual event. With the gender's team
    place: ``team_athletes``; with the team and at least ``full_team_starts`` individual places:
    ``full_team_athletes``. Neutral athletes are limited to ``neutral_max`` per gender.
    """

    clause: str
    team_athletes: int = Field(ge=1)
    full_team_starts: int = Field(ge=1)
    full_team_athletes: int = Field(ge=1)
    neutral_max: int | None = Field(default=None, ge=0)
    neutral_clause: str = ""
    ceiling: int | None = Field(default=None, ge=1)
    ceiling_clause: str = ""
    # "additions": the places earned on the SOQC lists stand even above the ceiling; an additional athlete is
    # given, and a declined place refilled, only while fewer than ``ceiling`` athletes are allocated, and a refill
    # must also leave the total within it. "all" also stops the ranking walks from granting a place that would
    # need an athlete beyond the ceiling.
    ceiling_reading: Literal["additions", "all"] = "additions"


class EligibilityStandard(Strict):
    """Met by finishing within ``top_fraction`` of the field (or ``top_places``) in ``races`` races."""

    races: int = Field(ge=1)
    top_fraction: float | None = Field(default=None, gt=0, le=1)
    top_places: int | None = Field(default=None, ge=1)
    category: str = "senior"

    @model_validator(mode="after")
    def _one_threshold(self) -> EligibilityStandard:
        if (self.top_fraction is None) == (self.top_places is None):
            raise ValueError("give exactly one of top_fraction, top_places")
        return self


class EligibilityFromResults(Strict):
    """Qualifying races read from a season's results (instead of ``results_file``).

    Every classification of an athlete event named in ``events`` (event name -> category, e.g. ``sprint: senior``,
    ``sprint-u18: u18``) in a race of the season is a qualifying race of that category. ``starters`` counts the
    field: ``started`` (every row but DNS) or ``entered`` (every row).
    """

    events: dict[str, str] = Field(min_length=1)
    starters: Literal["started", "entered"] = "started"


class Eligibility(Strict):
    clause: str
    any_of: tuple[EligibilityStandard, ...]
    # A fraction of the field as a number of places: "floor" keeps rank <= fraction * starters exactly;
    # "ceil" rounds the allowed place up. See the rule file for the reading.
    rounding: Literal["floor", "ceil"] = "floor"
    results_file: str = "eligibility_results.csv"
    from_results: EligibilityFromResults | None = None


class DefaultInputs(Strict):
    """What the commands run on when no input option is given, and what that is, in words.

    ``basis`` says what the bundled list files are. ``places``: a published Summary in the bundled data folder whose
    places stand in for the ranking walks (as with ``--places``) when a command allocates; ``places_basis`` says
    what that is. Both are printed with every such output.
    """

    basis: str
    places: str | None = None
    places_basis: str | None = None


class SummaryColumn(Strict):
    """One column of the NOC x event Summary: counts (or marks) the active places that match."""

    key: str
    label: str
    group: str | None = None  # a heading spanning columns, e.g. "Men"
    gender: Gender | None = None
    event: str | None = None
    kind: PlaceKind | None = None
    display: Literal["count", "mark"] = "count"


class BreakdownRow(Strict):
    label: str
    groups: tuple[str, ...]


class BreakdownSection(Strict):
    title: str
    unit: Literal["grant", "place"] = "grant"
    rows: tuple[BreakdownRow, ...]


class System(Strict):
    id: str
    sport: str
    edition: str
    # The Games as encyclopedia templates name them, e.g. "2026 Winter": {{flagIOC|CODE|2026 Winter}} and
    # "... at the 2026 Winter Olympics" in wikitext. Without it, nation cells link the NOC without an edition.
    games: str | None = None
    host: str
    source: str
    events: tuple[Event, ...]
    quotas: tuple[Quota, ...]
    caps: tuple[Cap, ...]
    points_tables: tuple[PointsTableSpec, ...] = ()
    lists: tuple[ListSpec, ...]
    steps: tuple[Step, ...]
    tie_break: TieBreak = TieBreak()
    eligibility: Eligibility | None = None
    athletes: AthleteRules | None = None
    default_inputs: DefaultInputs | None = None
    neutral_codes: tuple[str, ...] = ("AIN",)
    summary: tuple[SummaryColumn, ...]
    breakdown: tuple[BreakdownSection, ...] = ()
    notes: tuple[str, ...] = ()
    # Where the rule file was read from (set by the loader): points table files are looked up next to it.
    _origin: Path | None = PrivateAttr(default=None)

    @property
    def built_lists(self) -> tuple[ListSpec, ...]:
        """The lists a season of results builds."""
        return tuple(spec for spec in self.lists if spec.build is not None)

    @property
    def derived_steps(self) -> frozenset[str]:
        """The steps that write athlete quotas derived from the other places (not places earned on their own)."""
        return frozenset(step.id for step in self.steps if isinstance(step, AthleteQuotaStep))

    @property
    def origin(self) -> Path | None:
        return self._origin

    def list_spec(self, list_id: str) -> ListSpec:
        found = next((spec for spec in self.lists if spec.id == list_id), None)
        if found is None:
            raise KeyError(f"no list '{list_id}' in system '{self.id}'")
        return found

    def step(self, step_id: str) -> Step:
        found = next((step for step in self.steps if step.id == step_id), None)
        if found is None:
            raise KeyError(f"no step '{step_id}' in system '{self.id}'")
        return found

    def event(self, event_id: str) -> Event:
        found = next((event for event in self.events if event.id == event_id), None)
        if found is None:
            raise KeyError(f"no event '{event_id}' in system '{self.id}'")
        return found

    @property
    def total_places(self) -> int:
        """Athlete places at the Games: the gender quotas, or the athlete ceiling where quotas are derived."""
        if self.quotas:
            return sum(q.places for q in self.quotas)
        return self.athletes.ceiling if self.athletes is not None and self.athletes.ceiling else 0
