"""Rule files: a qualification system as data (events, quotas, caps, lists, ordered steps).

A rule file is YAML read with ``yaml.safe_load`` and validated here. Unknown keys are rejected by
name, steps are a closed set of types (the engine implements each once), and nothing is evaluated.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from qualify.errors import InputError, Problem
from qualify.model.common import Continent, Gender


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class ListSpec(Strict):
    id: str
    title: str
    gender: Gender
    event: str | None = None
    kind: Literal["ranking", "race"] = "ranking"
    entry: Literal["noc", "athlete"]
    file: str | None = None  # required when the system reads its lists from files
    needs_continent: bool = False
    needs_points: bool = True
    source: str = ""


class PlaceTemplate(Strict):
    gender: Gender
    event: str | None = None
    kind: str = "quota"


class TieBreak(Strict):
    """How equal standings on a list are ordered.

    ``listed_rank``: the federation's rank column is final; equal points with different ranks were broken
    by the federation. Only equal ranks are ties. ``equal_points``: equal points are a tie whatever the
    ranks say. Within a tie the walk goes by NOC code, then athlete name, and a tie that decides a place
    is reported as unresolved.
    """

    rule: Literal["listed_rank", "equal_points"] = "listed_rank"
    clause: str = ""


class WalkFilters(Strict):
    exclude_host: bool = False
    only_new_nocs: bool = False
    continent: Continent | None = None
    exclude_steps: tuple[str, ...] = ()
    check_eligibility: bool = False


class StepBase(Strict):
    id: str
    label: str
    clause: str
    group: str | None = None


class HostGuaranteeStep(StepBase):
    type: Literal["host_guarantee"]
    grant: tuple[PlaceTemplate, ...]
    only_if_missing: bool = False
    # When the event is already full: "exceed" grants the host place on top of the maximum; "displace_last"
    # withdraws the lowest-ranked place a ranking walk gave in that event. See the rule file for the reading.
    when_full: Literal["exceed", "displace_last"] = "exceed"


class RankingWalkStep(StepBase, WalkFilters):
    type: Literal["ranking_walk"]
    list: str
    grant: tuple[PlaceTemplate, ...]
    take: int | None = Field(default=None, ge=1)
    until_nocs: int | None = Field(default=None, ge=1)
    until_full: bool = False

    @model_validator(mode="after")
    def _one_stop_rule(self) -> RankingWalkStep:
        chosen = [self.take is not None, self.until_nocs is not None, self.until_full]
        if sum(chosen) != 1:
            raise ValueError("give exactly one of take, until_nocs, until_full")
        return self


class ContinentalBestStep(StepBase, WalkFilters):
    type: Literal["continental_best"]
    list: str
    grant: tuple[PlaceTemplate, ...]
    continents: tuple[Continent, ...]
    # "unrepresented": a continent already holding a place gets none. "every_continent": each continent's
    # best NOC without a place gets one. See the rule file for the clause this reads.
    reading: Literal["unrepresented", "every_continent"] = "unrepresented"


class ReallocationRule(WalkFilters):
    """Where a declined place goes: the first rule whose ``from_steps``/``gender``/``event`` match the place."""

    id: str
    clause: str
    list: str
    from_steps: tuple[str, ...] | None = None
    gender: Gender | None = None
    event: str | None = None


class ReallocateStep(StepBase):
    type: Literal["reallocate"]
    rules: tuple[ReallocationRule, ...]
    # A declining NOC may not receive its own declined place back.
    exclude_decliner: bool = True
    # Refill a declined place only while the athlete ceiling (``athletes.ceiling``) is not reached.
    while_under_ceiling: bool = False


class TeamCompletionStep(StepBase):
    """Teams for NOCs whose athletes already make one; then, if teams are missing, NOCs one athlete short.

    Walks ``list`` granting a team place in ``event`` to each NOC holding at least ``needs`` athletes per
    gender, until the event is full. If it is not, walks again and gives NOCs short of at most
    ``max_extra`` athletes those athletes plus the team.
    """

    type: Literal["team_completion"]
    list: str
    event: str
    needs: dict[Gender, int]
    max_extra: int = Field(default=1, ge=0)
    extra_respects_ceiling: bool = False


class AdditionalAthleteStep(StepBase):
    """One more athlete for NOCs with exactly ``starting_places`` individual places and the team event,
    in team-ranking order, while the athlete ceiling is not reached."""

    type: Literal["additional_athlete"]
    lists: dict[Gender, str]
    team_events: dict[Gender, str]
    starting_places: int = Field(ge=1)
    # "by_rank": rank 1 of every gender's list, then rank 2, ... (men before women within a rank);
    # "men_first" / "women_first": one whole list, then the other.
    order: Literal["by_rank", "men_first", "women_first"] = "by_rank"


class AthleteQuotaStep(StepBase):
    """Write each NOC's athlete quota per gender, as derived from its places by ``athletes`` rules."""

    type: Literal["athlete_quota"]


Step = Annotated[
    HostGuaranteeStep | RankingWalkStep | ContinentalBestStep | ReallocateStep | TeamCompletionStep
    | AdditionalAthleteStep | AthleteQuotaStep,
    Field(discriminator="type"),
]


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


class Eligibility(Strict):
    clause: str
    any_of: tuple[EligibilityStandard, ...]
    # A fraction of the field as a number of places: "floor" keeps rank <= fraction * starters exactly;
    # "ceil" rounds the allowed place up. See the rule file for the reading.
    rounding: Literal["floor", "ceil"] = "floor"
    results_file: str = "eligibility_results.csv"


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
    host: str
    source: str
    events: tuple[Event, ...]
    quotas: tuple[Quota, ...]
    caps: tuple[Cap, ...]
    lists: tuple[ListSpec, ...]
    steps: tuple[Step, ...]
    tie_break: TieBreak = TieBreak()
    eligibility: Eligibility | None = None
    athletes: AthleteRules | None = None
    # "lists": every ranking list is a CSV in the data folder. "stage_results": lists are computed from
    # World Tour stage results (short track SOQC) given with --results.
    inputs: Literal["lists", "stage_results"] = "lists"
    neutral_codes: tuple[str, ...] = ("AIN",)
    summary: tuple[SummaryColumn, ...]
    breakdown: tuple[BreakdownSection, ...] = ()
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> System:
        list_ids = {spec.id for spec in self.lists}
        step_ids = [step.id for step in self.steps]
        event_ids = {event.id for event in self.events}
        problems = []
        if len(set(step_ids)) != len(step_ids):
            problems.append("step ids must be unique")
        if self.inputs == "lists":
            problems += [f"list '{spec.id}' needs a file" for spec in self.lists if spec.file is None]
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


def _key_path(loc: tuple) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _found(value: object) -> str:
    """A value from the rule file as the user wrote it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = str(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"'{text}'" if isinstance(value, str) else text


_EXPECTED = {  # pydantic's wording for a wrong type, as what the rule file should hold instead
    "model_attributes_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "dict_type": "a mapping of keys to values",
    "tuple_type": "a list",
    "list_type": "a list",
}


def _message(error: dict, loc: tuple) -> list[str]:
    """One line per problem pydantic found, in the found/expected form of every other input error."""
    kind, message = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return [f"unknown key '{loc[-1]}'"]
    if kind == "missing":
        return [f"missing key '{loc[-1]}'"]
    if kind == "union_tag_invalid":
        found = error.get("input", {}).get("type") if isinstance(error.get("input"), dict) else None
        return [f"unknown step type '{found}', expected one of {', '.join(sorted(_STEP_TYPES))}"]
    if kind == "union_tag_not_found":
        return [f"missing key 'type', expected one of {', '.join(sorted(_STEP_TYPES))}"]
    if kind == "value_error":
        # A validator's own message, without pydantic's "Value error, " prefix; several are one per line.
        return str(error.get("ctx", {}).get("error", message.removeprefix("Value error, "))).splitlines()
    if kind in _EXPECTED:
        return [f"found {_found(error.get('input'))}, expected {_EXPECTED[kind]}"]
    if message.startswith("Input should be "):
        expected = message.removeprefix("Input should be ")
        if expected.startswith(("greater", "less")):
            expected = "a number " + expected
        return [f"found {_found(error.get('input'))}, expected {expected}"]
    return [message]


def parse_system(document: object, source: str) -> System:
    try:
        return System.model_validate(document)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            # Drop the discriminator tag pydantic inserts (e.g. "ranking_walk") from the key path.
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part in _STEP_TYPES))
            problems += [Problem(source, message, key_path=_key_path(loc) or None)
                         for message in _message(error, loc)]
        raise InputError(problems) from None


# The step types are the ``type`` literals of the Step union, so a new step type is named in one place only.
_STEP_TYPES = {model.model_fields["type"].annotation.__args__[0] for model in get_args(get_args(Step)[0])}


def load_system_file(path: Path) -> System:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError.single(str(path), f"cannot read rule file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError.single(str(path), "rule file is not UTF-8 text") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        if isinstance(exc, yaml.reader.ReaderError):  # a control character: the reader knows only its offset
            what = f"character #x{exc.character:04x} at offset {exc.position}" if isinstance(exc.character, int) \
                else "a character"
            problem = f"{what}: special characters are not allowed"
        else:
            problem = getattr(exc, "problem", None) or exc
        raise InputError.single(str(path), f"not valid YAML ({' '.join(str(problem).split())})", row=row) from None
    except RecursionError:
        raise InputError.single(str(path), "not valid YAML (nested too deeply), expected a rule file") from None
    if document is None:
        raise InputError.single(str(path), "empty rule file: found no keys, expected a mapping of keys to values")
    if not isinstance(document, dict):
        raise InputError.single(str(path), "a rule file must be a mapping of keys to values")
    return parse_system(document, str(path))


def bundled_system_ids() -> list[str]:
    folder = resources.files("qualify.systems")
    return sorted(item.name.removesuffix(".yaml") for item in folder.iterdir() if item.name.endswith(".yaml"))


def load_system(system_id_or_path: str) -> System:
    """A bundled system by id, or a rule file by path."""
    candidate = Path(system_id_or_path)
    if candidate.suffix in {".yaml", ".yml"}:
        return load_system_file(candidate)  # a missing file is reported as such, not as an unknown id
    if system_id_or_path not in bundled_system_ids():
        known = ", ".join(bundled_system_ids())
        raise InputError.single(system_id_or_path, f"unknown system, expected one of: {known} (or a rule file path)")
    resource = resources.files("qualify.systems").joinpath(f"{system_id_or_path}.yaml")
    with resources.as_file(resource) as path:
        return load_system_file(path)
