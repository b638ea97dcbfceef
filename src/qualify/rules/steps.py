"""Step types as rule-file data: each ``type`` names one step the engine implements once.

The registry: a step type is a model class decorated with :func:`step_type` here (its ``type`` literal is the
name a rule file uses), one runner decorated with :func:`runner_for` in ``qualify.engine`` (the reference engine,
which explains) and one decorated with :func:`batch_runner_for` in ``qualify.forecast.batch`` (the batch engine,
which counts many simulated seasons at once). All three land in the same :data:`STEP_TYPES` record, the rule-file
union :data:`Step` is built from it, and nothing else names step types: code that needs to know a step's type asks
``isinstance``. See ``docs/adding-a-step-type.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, Union, get_args

from pydantic import Field, model_validator

from qualify.model.common import Continent, Gender
from qualify.rules.base import Strict

# What a place is: an athlete quota ("quota"), a starting place in one event ("start") or a team place ("team").
PlaceKind = Literal["quota", "start", "team"]
PLACE_KINDS: tuple[str, ...] = ("quota", "start", "team")


class PlaceTemplate(Strict):
    gender: Gender
    event: str | None = None
    kind: PlaceKind = "quota"


class WalkFilters(Strict):
    exclude_host: bool = False
    only_new_nocs: bool = False
    continent: Continent | None = None
    exclude_steps: tuple[str, ...] = ()
    check_eligibility: bool = False


class StepBase(Strict):
    id: str
    type: str
    label: str
    clause: str
    group: str | None = None


@dataclass
class StepType:
    """One registered step type: the rule-file model, the reference engine's runner and the batch engine's."""

    name: str
    model: type[StepBase]
    runner: Callable[[Any, Any], None] | None = None
    # The batch engine (qualify.forecast.batch): ``batch(plan, step)`` compiles the step once for a forecast
    # problem and returns what runs it on a chunk of simulated seasons.
    batch: Callable[[Any, Any], Any] | None = None


STEP_TYPES: dict[str, StepType] = {}
_M = TypeVar("_M", bound=type[StepBase])
_R = TypeVar("_R", bound=Callable[..., None])
_B = TypeVar("_B", bound=Callable[..., Any])


def step_type(model: _M) -> _M:
    """Register a step model under its ``type`` literal (the one place the name is written)."""
    fields: dict[str, Any] = model.__pydantic_fields__
    (name,) = get_args(fields["type"].annotation)
    if name in STEP_TYPES:
        raise RuntimeError(f"step type '{name}' registered twice")
    STEP_TYPES[name] = StepType(name, model)
    return model


def runner_for(model: type[StepBase]) -> Callable[[_R], _R]:
    """Register the engine function that runs steps of ``model``: ``runner(ctx, step)``."""
    def register(runner: _R) -> _R:
        record = next((r for r in STEP_TYPES.values() if r.model is model), None)
        if record is None:
            raise RuntimeError(f"{model.__name__} is not a registered step type")
        if record.runner is not None:
            raise RuntimeError(f"step type '{record.name}' has two runners")
        record.runner = runner
        return runner
    return register


def batch_runner_for(model: type[StepBase]) -> Callable[[_B], _B]:
    """Register the batch engine's compiler for steps of ``model``: ``batch(plan, step)`` returns a function that
    runs the step on a chunk of simulated seasons (see ``qualify.forecast.batch``)."""
    def register(batch: _B) -> _B:
        record = next((r for r in STEP_TYPES.values() if r.model is model), None)
        if record is None:
            raise RuntimeError(f"{model.__name__} is not a registered step type")
        if record.batch is not None:
            raise RuntimeError(f"step type '{record.name}' has two batch runners")
        record.batch = batch
        return batch
    return register


@step_type
class HostGuaranteeStep(StepBase):
    type: Literal["host_guarantee"]
    grant: tuple[PlaceTemplate, ...]
    only_if_missing: bool = False
    # When the event is already full: "exceed" grants the host place on top of the maximum; "displace_last"
    # withdraws the lowest-ranked place a ranking walk gave in that event. See the rule file for the reading.
    when_full: Literal["exceed", "displace_last"] = "exceed"


@step_type
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


@step_type
class ContinentalBestStep(StepBase, WalkFilters):
    type: Literal["continental_best"]
    list: str
    grant: tuple[PlaceTemplate, ...]
    continents: tuple[Continent, ...]
    # "unrepresented": a continent already holding a place gets none. "every_continent": each continent's
    # best NOC without a place gets one. See the rule file for the clause this reads.
    reading: Literal["unrepresented", "every_continent"] = "unrepresented"


class ReallocationRule(WalkFilters):
    """Where a declined place goes: the first rule whose ``from_steps``/``gender``/``event`` match the place.

    ``whole_grant``: the rule takes only places declined together with every place of their grant (a host's man
    and woman), and gives them to one NOC as one grant; a place declined alone goes on to the next rule.
    ``team_step``: a declined team place goes to the next NOC that the named team-completion step would give a
    team (its athletes make one, or it is short by no more than that step allows).
    """

    id: str
    clause: str
    list: str
    from_steps: tuple[str, ...] | None = None
    gender: Gender | None = None
    event: str | None = None
    whole_grant: bool = False
    team_step: str | None = None


@step_type
class ReallocateStep(StepBase):
    type: Literal["reallocate"]
    rules: tuple[ReallocationRule, ...]
    # A declining NOC may not receive its own declined place back.
    exclude_decliner: bool = True
    # Refill a declined place only while the athlete ceiling (``athletes.ceiling``) is not reached.
    while_under_ceiling: bool = False


@step_type
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


@step_type
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


@step_type
class AthleteQuotaStep(StepBase):
    """Write each NOC's athlete quota per gender, as derived from its places by ``athletes`` rules."""

    type: Literal["athlete_quota"]


if TYPE_CHECKING:
    Step = StepBase
else:
    # The rule-file union: every registered step model, told apart by its ``type``.
    Step = Annotated[Union[tuple(record.model for record in STEP_TYPES.values())],  # noqa: UP007
                     Field(discriminator="type")]
