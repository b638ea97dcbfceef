"""The allocation: places with provenance, and the decision log of candidates passed over."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from qualify.model.common import Gender


class PlaceStatus(StrEnum):
    ACTIVE = "active"
    DECLINED = "declined"
    DISPLACED = "displaced"  # withdrawn to make room for a guaranteed place


class Place(BaseModel):
    """One quota place, with everything needed to explain it.

    ``grant`` groups the places handed out together in one decision (e.g. the man and woman of a
    relay-pathway quota). ``event`` is None for a gender quota that is not tied to one event.
    """

    model_config = ConfigDict(frozen=True)

    noc: str
    gender: Gender
    event: str | None
    pathway: str  # step id
    step_type: str
    clause: str
    grant: int
    list: str | None = None
    rank: int | None = None
    points: float | None = None
    athlete: str | None = None
    entry: str  # the athlete or team that earned the place
    kind: str = "quota"  # "quota" (athlete quota), "start" (starting place in an event), "team"
    detail: str | None = None  # e.g. the continent of a continental place
    passed_down_from: str | None = None
    reallocated_from: str | None = None  # NOC whose declined place this is
    tie_unresolved: bool = False
    status: PlaceStatus = PlaceStatus.ACTIVE

    @property
    def active(self) -> bool:
        return self.status is PlaceStatus.ACTIVE


class SkipReason(StrEnum):
    CAP_REACHED = "cap reached"
    ALREADY_QUALIFIED = "already holds a place"
    EXCLUDED = "excluded by rule"
    NOT_ELIGIBLE = "not eligible"
    LIST_EXHAUSTED = "list exhausted"
    TIE_LOST = "tie lost"
    DECLINED = "declined"
    QUOTA_FULL = "quota full"
    OTHER_CONTINENT = "other continent"
    TEAM_INCOMPLETE = "team incomplete"
    CEILING_REACHED = "athlete ceiling reached"


class Decision(BaseModel):
    """A candidate the engine looked at and did not give a place, and why."""

    model_config = ConfigDict(frozen=True)

    step: str
    clause: str
    noc: str | None
    gender: Gender | None
    event: str | None = None
    list: str | None = None
    rank: int | None = None
    athlete: str | None = None
    reason: SkipReason
    detail: str = ""
    # The grant that went to someone else at this point of the walk, if any.
    taken_by: str | None = None


class Warning(BaseModel):
    model_config = ConfigDict(frozen=True)

    step: str
    message: str


class Allocation(BaseModel):
    system: str
    places: list[Place]
    decisions: list[Decision]
    warnings: list[Warning] = []
    eligibility: list[dict] = []
    readings: dict[str, str] = {}

    def active_places(self) -> list[Place]:
        return [p for p in self.places if p.active]

    def nocs(self) -> list[str]:
        return sorted({p.noc for p in self.active_places()})
