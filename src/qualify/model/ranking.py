"""Ranking lists and race results: ordered entries that steps walk."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from qualify.model.common import Continent, Gender


class RankingEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    rank: int = Field(ge=1)
    noc: str
    points: float | None = None
    athlete: str | None = None
    continent: Continent | None = None
    # An NOC slot entry (build.entry noc_slots): which of the NOC's qualifiers (1, 2, 3 ...) this entry ranks.
    qualifier: int | None = None
    # Where the entry came from, for error messages and explanations.
    source_row: int | None = None

    @property
    def label(self) -> str:
        if self.athlete:
            return self.athlete
        return f"{self.noc} #{self.qualifier}" if self.qualifier else self.noc


class RankingList(BaseModel):
    """A federation ranking list or race classification, in walking order.

    ``entries`` are sorted by (rank, noc, athlete) on construction so row order of the input never matters.
    Equal ranks are ties as published; equal points with different ranks are ties the federation broke.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    gender: Gender
    event: str | None = None
    kind: str = "ranking"  # "ranking" (season list) or "race" (one competition's result)
    entries: tuple[RankingEntry, ...]
    source: str = ""

    def model_post_init(self, __context: object) -> None:
        ordered = tuple(sorted(self.entries, key=lambda e: (e.rank, e.noc, e.athlete or "", e.qualifier or 0)))
        object.__setattr__(self, "entries", ordered)

    def tied_with(self, entry: RankingEntry, *, by_points: bool) -> list[RankingEntry]:
        """Entries tied with ``entry``: same rank, or (when ``by_points``) same points."""
        if by_points and entry.points is not None:
            return [e for e in self.entries if e is not entry and e.points == entry.points]
        return [e for e in self.entries if e is not entry and e.rank == entry.rank]
