"""One line of a short-track World Tour stage result: a skater's (or relay team's) final place."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from qualify.model.common import Gender

StageEvent = Literal["500m", "1000m", "1500m", "relay", "mixed-relay"]
INDIVIDUAL_EVENTS: tuple[str, ...] = ("500m", "1000m", "1500m")
RELAY_EVENTS: tuple[str, ...] = ("relay", "mixed-relay")
STAGE_EVENTS: tuple[str, ...] = INDIVIDUAL_EVENTS + RELAY_EVENTS
STAGES: tuple[int, ...] = (1, 2, 3, 4)


def genders_for_event(event: str) -> tuple[Gender, ...]:
    return (Gender.MIXED,) if event == "mixed-relay" else (Gender.MEN, Gender.WOMEN)


class StageResult(BaseModel):
    """A final place in one race of one stage.

    ``rank`` is None for a skater or team that was not classified (DNS, DNF, DSQ, ...), and ``status``
    then says why; classified rows have an empty status. Relay rows carry no athlete.
    """

    model_config = ConfigDict(frozen=True)

    stage: int = Field(ge=min(STAGES), le=max(STAGES))
    event: StageEvent
    gender: Gender
    rank: int | None = Field(default=None, ge=1)
    status: str = ""
    athlete: str | None = None
    noc: str
    source_row: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> StageResult:
        # The reader reports these as located problems; this guards results built in code.
        if self.gender not in genders_for_event(self.event):
            raise ValueError(f"gender {self.gender.value} does not fit event {self.event}")
        if self.is_relay and self.athlete is not None:
            raise ValueError("relay results name no athlete")
        if not self.is_relay and not self.athlete:
            raise ValueError("individual results need an athlete")
        if self.rank is not None and self.status:
            raise ValueError("a classified result has no status")
        if self.rank is None and not self.status:
            raise ValueError("an unclassified result needs a status (DNS, DNF, DSQ, ...)")
        return self

    @property
    def is_relay(self) -> bool:
        return self.event in RELAY_EVENTS

    @property
    def classified(self) -> bool:
        return self.rank is not None

    @property
    def race(self) -> tuple[int, Gender, str]:
        return (self.stage, self.gender, self.event)
