"""The rule-file schema: a qualification system as data (events, quotas, caps, lists, ordered steps).

Unknown keys are rejected by name, steps are a closed set of types (the engine implements each once),
and nothing is evaluated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from qualify.model.common import Gender
from qualify.rules.base import Strict
from qualify.rules.lists import ListSpec, PointsTableSpec
from qualify.rules.steps import Step


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
    ``kind`` and ``events`` restrict which places count.
    """

    id: str
    max: int = Field(ge=0)
    per: tuple[Literal["noc", "gender", "event"], ...]
    kind: str | None = None
    events: tuple[str, ...] | None = None
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
    kind: str | None = None
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

    @model_validator(mode="after")
    def _references_resolve(self) -> System:
        list_ids = {spec.id for spec in self.lists}
        step_ids = [step.id for step in self.steps]
        event_ids = {event.id for event in self.events}
        problems = []
        if len(set(step_ids)) != len(step_ids):
            problems.append("step ids must be unique")
        problems += self._lists_resolve()
        needs_athletes = {"team_completion", "additional_athlete", "athlete_quota"}
        if self.athletes is None and any(step.type in needs_athletes for step in self.steps):
            problems.append("steps team_completion, additional_athlete and athlete_quota need an 'athletes' section")
        if self.athletes is None and any(getattr(step, "while_under_ceiling", False) for step in self.steps):
            problems.append("while_under_ceiling needs athletes.ceiling")
        for step in self.steps:
            lists_used = [getattr(step, "list", None)] + [r.list for r in getattr(step, "rules", ())]
            lists_used += list(getattr(step, "lists", {}).values())
            events_used = [getattr(step, "event", None)] + list(getattr(step, "team_events", {}).values())
            events_used += [r.event for r in getattr(step, "rules", ())]
            problems += [f"step '{step.id}' names unknown event '{name}'" for name in events_used
                         if name is not None and name not in event_ids]
            problems += [f"step '{step.id}' uses unknown list '{name}'" for name in lists_used
                         if name is not None and name not in list_ids]
            excluded = list(getattr(step, "exclude_steps", ()))
            for rule in getattr(step, "rules", ()):
                excluded += list(rule.exclude_steps) + list(rule.from_steps or ())
            problems += [f"step '{step.id}' names unknown step '{name}'" for name in excluded
                         if name not in step_ids]
            for template in getattr(step, "grant", ()):
                if template.event is not None and template.event not in event_ids:
                    problems.append(f"step '{step.id}' grants a place in unknown event '{template.event}'")
        for cap in self.caps:
            problems += [f"cap '{cap.id}' names unknown event '{e}'" for e in cap.events or ()
                         if e not in event_ids]
        problems += [f"summary column '{c.key}' names unknown event '{c.event}'" for c in self.summary
                     if c.event is not None and c.event not in event_ids]
        groups = {step.group or step.id for step in self.steps}
        for section in self.breakdown:
            for row in section.rows:
                problems += [f"breakdown row '{row.label}' names unknown step group '{g}'" for g in row.groups
                             if g not in groups]
        quota_genders = [q.gender for q in self.quotas]
        if len(set(quota_genders)) != len(quota_genders):
            problems.append("each gender may have one quota only")
        problems += self._fixed_grants_fit_quotas()
        if problems:
            raise ValueError("\n".join(problems))  # one line each: parse_system reports them separately
        return self

    def _fixed_grants_fit_quotas(self) -> list[str]:
        """Places the steps give in fixed numbers (a host guarantee, ``take: N``) must fit the gender quotas."""
        fixed: dict[Gender, int] = {}
        for step in self.steps:
            # Continental places depend on who is on the list, so only guaranteed and counted grants are fixed.
            times = 1 if step.type == "host_guarantee" and not step.only_if_missing else getattr(step, "take", None)
            for template in getattr(step, "grant", ()) if times else ():
                fixed[template.gender] = fixed.get(template.gender, 0) + times
        problems = []
        for quota in self.quotas:
            if fixed.get(quota.gender, 0) > quota.places:
                problems.append(f"steps give {fixed[quota.gender]} {quota.gender.label.lower()}'s places in "
                                f"fixed numbers, more than the quota of {quota.places}")
        for cap in self.caps:
            if "noc" in cap.per and cap.kind in (None, "quota"):
                problems += [f"cap '{cap.id}' allows {cap.max} places per NOC, more than the "
                             f"{q.gender.label.lower()}'s quota of {q.places}"
                             for q in self.quotas if "gender" in cap.per and cap.max > q.places]
        return problems

    def _lists_resolve(self) -> list[str]:
        problems = []
        list_ids = [spec.id for spec in self.lists]
        problems += [f"list id '{i}' is used more than once" for i in sorted(set(list_ids)) if list_ids.count(i) > 1]
        table_ids = [table.id for table in self.points_tables]
        problems += [f"points table id '{i}' is used more than once" for i in sorted(set(table_ids))
                     if table_ids.count(i) > 1]
        for spec in self.lists:
            if spec.build is not None and spec.build.points is not None and spec.build.points not in table_ids:
                known = ", ".join(table_ids) or "none declared"
                problems.append(f"list '{spec.id}' names unknown points table '{spec.build.points}' "
                                f"(points_tables: {known})")
        return problems

    @property
    def built_lists(self) -> tuple[ListSpec, ...]:
        """The lists a season of results builds."""
        return tuple(spec for spec in self.lists if spec.build is not None)

    @property
    def origin(self) -> Path | None:
        return self._origin

    def list_spec(self, list_id: str) -> ListSpec:
        return next(spec for spec in self.lists if spec.id == list_id)

    def step(self, step_id: str) -> Step:
        return next(step for step in self.steps if step.id == step_id)

    @property
    def total_places(self) -> int:
        """Athlete places at the Games: the gender quotas, or the athlete ceiling where quotas are derived."""
        if self.quotas:
            return sum(q.places for q in self.quotas)
        return self.athletes.ceiling if self.athletes is not None and self.athletes.ceiling else 0
