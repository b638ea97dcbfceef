"""Step types as rule-file data: each ``type`` names one step the engine implements once."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from qualify.model.common import Continent, Gender
from qualify.rules.base import Strict


class PlaceTemplate(Strict):
    gender: Gender
    event: str | None = None
    kind: str = "quota"


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


# The step types are the ``type`` literals of the Step union, so a new step type is named in one place only.
STEP_TYPES = {model.model_fields["type"].annotation.__args__[0] for model in get_args(get_args(Step)[0])}
